/**
 * The CRDs whose rules are evaluated: every Istio CRD of the bundle `npm run import:istio`
 * reads (imports/istio-cel.json, generated), and the vendored Gateway API and Managed Service
 * for Prometheus CRDs (read from vendor/ on first use, so a re-vendor is picked up with no
 * generation step).
 * Each served version's rule tree is compiled on first use of that kind.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import istioCel from '../../../imports/istio-cel.json';
import { GATEWAY_API_CRDS, MONITORING_CRDS, MONITORING_GROUP, SECRET_PROVIDER_CLASS_CRD, SECRETS_STORE_GROUP } from '../crd-files';
import { compileSchema, type RuleNode } from './compile';
import { celCrd, type CelCrd, type CrdDocument } from './schema';

export interface CrdVersion {
  readonly crd: CelCrd;
  readonly version: string;
}

/** The CRDs of every `.yaml` file of a vendored directory, by file name. */
function crdsIn(dir: string): CelCrd[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => celCrd(d.toJS() as CrdDocument)))
    .filter((c) => c !== undefined);
}

let gatewayApi: CelCrd[] | undefined;
function gatewayApiCrds(): CelCrd[] {
  gatewayApi ??= crdsIn(GATEWAY_API_CRDS);
  return gatewayApi;
}

let monitoring: CelCrd[] | undefined;
/** PodMonitoring, ClusterPodMonitoring and Rules (GKE's managed collection serves them). */
function monitoringCrds(): CelCrd[] {
  monitoring ??= crdsIn(MONITORING_CRDS);
  return monitoring;
}

const ISTIO_CRDS = (istioCel as unknown as { crds: CelCrd[] }).crds;
const ISTIO_GROUPS = new Set(ISTIO_CRDS.map((c) => c.group));

let secretsStore: CelCrd[] | undefined;
/** The SecretProviderClass CRD (GKE's Secret Manager add-on): no CEL rules, but a custom resource the API server validates as one. */
function secretsStoreCrds(): CelCrd[] {
  secretsStore ??= [celCrd(SECRET_PROVIDER_CLASS_CRD as CrdDocument)].filter((c) => c !== undefined);
  return secretsStore;
}

/** Every known CRD (Istio first, then Gateway API, the Secrets Store CSI driver's, Managed Prometheus'), by CRD name. */
export function knownCrds(): CelCrd[] {
  return [...ISTIO_CRDS, ...gatewayApiCrds(), ...secretsStoreCrds(), ...monitoringCrds()];
}

function crdPool(group: string): CelCrd[] {
  if (ISTIO_GROUPS.has(group)) return ISTIO_CRDS;
  if (group === 'gateway.networking.k8s.io') return gatewayApiCrds();
  if (group === MONITORING_GROUP) return monitoringCrds();
  return group === SECRETS_STORE_GROUP ? secretsStoreCrds() : [];
}

const byKey = new Map<string, CrdVersion | null>();
/** The CRD serving `apiVersion`/`kind`, if one is known; only groups we hold CRDs for are looked up. */
export function crdFor(apiVersion: string, kind: string): CrdVersion | undefined {
  const key = `${apiVersion}/${kind}`;
  const cached = byKey.get(key);
  if (cached !== undefined) return cached ?? undefined;
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  const crd = crdPool(group).find((c) => c.group === group && c.kind === kind && c.versions[version] !== undefined);
  const found = crd === undefined ? null : { crd, version };
  byKey.set(key, found);
  return found ?? undefined;
}

const trees = new Map<string, RuleNode | null>();
/** The compiled rule tree of one served version (undefined: no rules). */
export function ruleTree(cv: CrdVersion): RuleNode | undefined {
  const key = `${cv.crd.name}/${cv.version}`;
  let tree = trees.get(key);
  if (tree === undefined) {
    tree = compileSchema(cv.crd.schemas[cv.crd.versions[cv.version]], `${cv.crd.name} ${cv.version}`) ?? null;
    trees.set(key, tree);
  }
  return tree ?? undefined;
}
