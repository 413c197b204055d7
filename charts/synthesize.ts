/**
 * The one place that turns a catalogue into manifests: `synthesize(environment,
 * catalogue, releases)`. Pure and deterministic: the same inputs give the same objects
 * in the same order. Everything is validated before anything is returned, so callers
 * that write files never write half a result.
 */
import { App, Chart } from 'cdk8s';
import { cpuTargetFor, replicasFor, sloFor } from '../services/defaults';
import { IPV4_CIDR, isNetworkAddress } from '../core/cidr';
import { assertNoProblems, type Problem } from '../core/problems';
import type { SynthEnvironment } from '../core/environment';
import { validateReleases, type Releases } from '../services/releases';
import type { Catalogue, ServiceSpec } from '../services/spec';
import { validateCatalogue, validateForEnvironment } from '../services/validate';
import { VersionAutoscaling } from './autoscaling';
import { MANAGED_BY, serviceLabels, versionLabels, versionSelector } from './labels';
import { isCrossAppDependency, meshIndex, NO_CROSS_APP, type CrossApp, type MeshIndex } from './mesh/decisions';
import { Edge } from './mesh/edge';
import { DEFAULT_DATAPLANE, GoogleCloudAccess } from './mesh/google-apis';
import { NamespaceNetworkPolicy, ServiceNetworkPolicy } from './mesh/network-policy';
import { PrivateServicesAccess } from './mesh/private-services';
import { NamespaceSecurity, ServiceSecurity } from './mesh/security';
import { SidecarMetrics } from './observability/monitoring';
import { TraceExport } from './observability/trace-export';
import { ServiceTraffic } from './mesh/traffic';
import { ServiceSlo } from './slo-rules';
import { AppNamespace } from './namespace';
import { apiServerValidation, type NotChecked } from './apiserver';
import { errorBody, type FieldError } from './apiserver/field';
import { objectRef, validateObject, type ManifestObject } from './schema';
import { Microservice, withPreStopSleep } from './workload';
import { addSecretProviderClass, needsGoogleIdentity, privateServicePorts, usesWiring, withUses, type UsesWiring } from './uses';
import { workloadServiceAccountEmail } from './workload-identity';

export type { SynthEnvironment };

export interface ManifestFile {
  /** File name inside the environment's output directory. */
  readonly name: string;
  /** The service the file belongs to; undefined for shared objects. */
  readonly service?: string;
  readonly objects: readonly ManifestObject[];
}

export interface Synthesis {
  readonly environment: SynthEnvironment;
  readonly catalogue: string;
  /** Shared objects first, then one file per service in catalogue order. */
  readonly files: readonly ManifestFile[];
  /** CRD rules that applied but could not be evaluated offline (named, never counted as passed). */
  readonly notChecked: readonly UncheckedRule[];
}

/** Objects not owned by one service: the namespace, the edge, namespace-wide policy. */
export const SHARED_FILE = '_shared.yaml';

/** Order of kinds within a file: identity and config before what uses them. */
export const KIND_ORDER: readonly string[] = [
  'Namespace',
  'ServiceAccount',
  'ConfigMap',
  'SecretProviderClass',
  'Service',
  'Deployment',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
  'Gateway',
  'ServiceEntry',
  'DestinationRule',
  'VirtualService',
  'PeerAuthentication',
  'RequestAuthentication',
  'AuthorizationPolicy',
  'Sidecar',
  'NetworkPolicy',
  'PodMonitoring',
];

/**
 * One catalogue's manifests in `environment.namespace`. `crossApp` resolves its calls to the
 * environment's other apps (charts/environment.ts builds it); without it, a catalogue that calls
 * another app's service is refused.
 */
export function synthesize(
  environment: SynthEnvironment,
  catalogue: Catalogue,
  releases: Releases,
  crossApp: CrossApp = NO_CROSS_APP,
): Synthesis {
  assertNoProblems(validateCatalogue(catalogue), 'the catalogue is invalid');
  assertNoProblems(
    validateForEnvironment(catalogue, {
      profile: environment.profile,
      defaultTier: environment.defaultTier,
      domain: environment.domain,
      hasJwtIssuer: environment.jwtIssuer !== undefined,
      stackFile: `Pulumi.${environment.stack}.yaml`,
      stack: environment.stack,
      ...(environment.gcpProject !== undefined && { gcpProject: environment.gcpProject }),
    }),
    `the catalogue is invalid in ${environment.stack}`,
  );
  assertNoProblems(
    validateReleases(releases, catalogue, { requireDigests: environment.requireDigests, file: environment.releasesFile }),
    `the image pins for ${environment.stack} are invalid`,
  );

  assertNoProblems(unresolvedCalls(catalogue, crossApp), `the catalogue ${catalogue.name} calls apps ${environment.stack} does not host`);
  const mesh = meshIndex(catalogue, environment.domain, environment.stack, crossApp);
  assertNoProblems(privateServicesProblems(environment, catalogue, mesh), `the environment ${environment.stack} is incomplete`);
  const files: ManifestFile[] = [{ name: SHARED_FILE, objects: sharedObjects(environment, catalogue.name, mesh) }];
  for (const { spec, source } of catalogue.services) {
    files.push({
      name: `${spec.name}.yaml`,
      service: spec.name,
      objects: serviceObjects(environment, catalogue.name, spec, releases[spec.name], mesh, source),
    });
  }

  const { problems, notChecked } = checkObjects(files);
  assertNoProblems(problems, 'synthesized objects failed validation; nothing was written');
  return { environment, catalogue: catalogue.name, files, notChecked };
}

/** Dependencies on another app's service (`<app>/<service>`) that the environment's apps do not resolve. */
function unresolvedCalls(catalogue: Catalogue, crossApp: CrossApp): Problem[] {
  return catalogue.services.flatMap(({ spec, source }) =>
    (spec.dependencies ?? []).flatMap((d, i) =>
      isCrossAppDependency(d) && !crossApp.remote.has(d)
        ? [
            {
              where: source ?? `service "${spec.name}"`,
              field: `dependencies[${i}]`,
              value: d,
              problem: 'names a service of another app, and this synthesis has no such app',
              fix: 'synthesize the environment that hosts both apps (npm run synth -- --env <env>, without --catalogue)',
            },
          ]
        : [],
    ),
  );
}

/**
 * Services that use `postgres` or `redis` reach the private services access range, so a
 * platform stack with one must say where that range is.
 */
function privateServicesProblems(environment: SynthEnvironment, catalogue: Catalogue, mesh: MeshIndex): Problem[] {
  const cidr = environment.privateServicesCidr;
  if (cidr !== undefined && !(IPV4_CIDR.test(cidr) && isNetworkAddress(cidr))) {
    return [
      {
        where: `Pulumi.${environment.stack}.yaml`,
        field: 'privateServicesCidr',
        value: cidr,
        problem: 'is not an IPv4 CIDR with no host bits set',
        fix: 'give the private services access range as <network address>/<prefix length>, e.g. 10.60.0.0/16',
      },
    ];
  }
  if (mesh.privateServicePorts.length === 0 || cidr !== undefined) return [];
  const users = catalogue.services.filter((d) => privateServicePorts(d.spec, environment.stack).length > 0).map((d) => d.spec.name);
  return [
    {
      where: `Pulumi.${environment.stack}.yaml`,
      field: 'privateServicesCidr',
      problem: `is not set, and ${users.join(', ')} use postgres or redis (their mesh egress to Cloud SQL and Memorystore needs the private services access range)`,
      fix: "set the environment's private services access range (the VPC's allocated range for service networking)",
    },
  ];
}

/** A CRD rule that applied to a synthesized object but could not be evaluated offline. */
export interface UncheckedRule extends NotChecked {
  readonly file: string;
  readonly object: string;
}

/** `reviews.yaml VirtualService/reviews spec.http[0].timeout: CRD rule "..." (why)`: how the commands print one. */
export function describeUnchecked(n: UncheckedRule): string {
  return `${n.file} ${n.object} ${n.field}: CRD rule ${JSON.stringify(n.rule)} (${n.reason})`;
}

/**
 * What `synthesize` checks of its output before returning it: each object against its
 * OpenAPI schema, then (when the schema passes) against what the API server checks beyond
 * it (charts/apiserver: CRD CEL rules, Kubernetes field validation), and every object name
 * once. Exported so the corpus of API-server rejections (test/apiserver-corpus) runs
 * through the very check synth uses.
 */
export function checkObjects(files: readonly ManifestFile[]): { problems: Problem[]; notChecked: UncheckedRule[] } {
  const problems: Problem[] = [];
  const notChecked: UncheckedRule[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    for (const obj of file.objects) {
      const schema = validateObject(obj, file.name);
      problems.push(...schema);
      if (schema.length === 0) {
        const api = apiServerValidation(obj);
        for (const e of [...api.fieldErrors, ...api.celErrors]) problems.push(apiServerProblem(obj, file.name, e));
        for (const n of api.notChecked) notChecked.push({ ...n, file: file.name, object: objectRef(obj) });
      }
      const key = `${obj.apiVersion} ${objectRef(obj)}`;
      const other = seen.get(key);
      if (other !== undefined) {
        problems.push({
          where: file.name,
          field: objectRef(obj),
          problem: `is also emitted by ${other}`,
          fix: 'rename a service or version so every object name is unique',
        });
      }
      seen.set(key, file.name);
    }
  }
  return { problems, notChecked };
}

function apiServerProblem(obj: ManifestObject, where: string, e: FieldError): Problem {
  return {
    where,
    field: `${objectRef(obj)} ${e.field}`,
    ...('value' in e && { value: e.value }),
    problem: `${errorBody(e)} (the API server would reject it: ${e.rule})`,
    fix: 'fix the spec value (or construct) that produced this field; docs/validation.md lists what the API server checks',
  };
}

/**
 * One small cdk8s App per unit: `Chart.toJson()` on a chart of a few objects keeps
 * synthesis linear in the number of services (one App for everything resolves the
 * whole tree at once and grows faster than linearly).
 */
function newChart(namespace: string | undefined): Chart {
  return new Chart(new App(), 'chart', { ...(namespace !== undefined && { namespace }), disableResourceNameHashes: true });
}

function sharedObjects(environment: SynthEnvironment, partOf: string, mesh: MeshIndex): ManifestObject[] {
  const cluster = newChart(undefined);
  const chart = newChart(environment.namespace);
  addSharedConstructs(cluster, chart, environment, partOf, mesh);
  return ordered([...(cluster.toJson() as ManifestObject[]), ...(chart.toJson() as ManifestObject[])]);
}

/** The shared constructs: the namespace into a cluster-scoped chart, the rest into a namespaced one. */
export function addSharedConstructs(cluster: Chart, chart: Chart, environment: SynthEnvironment, partOf: string, mesh: MeshIndex): void {
  new AppNamespace(cluster, 'Namespace', { name: environment.namespace, partOf });
  const labels = { 'app.kubernetes.io/part-of': partOf, 'app.kubernetes.io/managed-by': MANAGED_BY };
  new Edge(chart, 'Edge', { catalogue: partOf, env: environment, routes: mesh.routes, labels });
  new NamespaceSecurity(chart, 'Security', { labels });
  new NamespaceNetworkPolicy(chart, 'NetworkPolicy', { env: environment, labels });
  if (mesh.googleCloud) new GoogleCloudAccess(chart, 'GoogleCloud', { labels });
  // Observability: the sidecars' metrics to Managed Prometheus, their spans to the collector (charts/observability).
  new SidecarMetrics(chart, 'Metrics', { labels });
  new TraceExport(chart, 'TraceExport', { labels });
  if (mesh.privateServicePorts.length > 0 && environment.privateServicesCidr !== undefined) {
    new PrivateServicesAccess(chart, 'PrivateServices', { cidr: environment.privateServicesCidr, ports: mesh.privateServicePorts, labels });
  }
}

function serviceObjects(
  environment: SynthEnvironment,
  partOf: string,
  spec: ServiceSpec,
  images: Readonly<Record<string, string>> | undefined,
  mesh: MeshIndex,
  source?: string,
): ManifestObject[] {
  const chart = newChart(environment.namespace);
  const wiring = addServiceConstructs(chart, environment, partOf, spec, images ?? {}, mesh, source);
  return ordered(chart.toJson())
    .map(withPreStopSleep)
    .map((o) => withUses(o, spec, wiring));
}

/**
 * Every construct of one service, into the given (namespaced) chart. Returns the wiring of its
 * `uses`, which the caller adds to the synthesized Deployments (`withUses`).
 */
export function addServiceConstructs(
  chart: Chart,
  environment: SynthEnvironment,
  partOf: string,
  spec: ServiceSpec,
  images: Readonly<Record<string, string>>,
  mesh: MeshIndex,
  source?: string,
): UsesWiring | undefined {
  const wiring = usesWiring(spec, environment, source);
  const googleCloud = needsGoogleIdentity(spec, environment.stack);
  const privatePorts = privateServicePorts(spec, environment.stack);
  const gcpServiceAccount =
    googleCloud && environment.gcpProject !== undefined
      ? workloadServiceAccountEmail(spec.name, environment.stack, environment.gcpProject)
      : undefined;
  const service = new Microservice(chart, spec.name, {
    spec,
    partOf,
    images,
    defaultTier: environment.defaultTier,
    ...(gcpServiceAccount !== undefined && { gcpServiceAccount }),
  });
  for (const [version, deployment] of service.deployments) {
    new VersionAutoscaling(chart, `${spec.name}-${version}-scaling`, {
      deployment,
      replicas: replicasFor(spec, environment.profile),
      cpuTargetPercent: cpuTargetFor(spec),
      labels: versionLabels(partOf, spec, version),
      selector: versionSelector(spec, version),
    });
  }
  const labels = serviceLabels(partOf, spec);
  if (wiring !== undefined) addSecretProviderClass(chart, wiring, labels);
  // Traffic objects describe calls to the service: a worker without a port (no Service) gets none.
  if (spec.port !== undefined) {
    new ServiceTraffic(chart, `${spec.name}-traffic`, { spec, namespace: environment.namespace, profile: environment.profile, labels });
  }
  // The SLO's recording rules; a worker without a port or a tcp service serves no requests to measure.
  const slo = sloFor(spec, environment.profile);
  if (slo !== undefined) new ServiceSlo(chart, `${spec.name}-slo`, { spec, namespace: environment.namespace, slo, labels });
  const jwt =
    environment.jwtIssuer !== undefined && environment.jwksUri !== undefined
      ? { issuer: environment.jwtIssuer, jwksUri: environment.jwksUri }
      : undefined;
  const callers = mesh.callers.get(spec.name) ?? [];
  new ServiceSecurity(chart, `${spec.name}-security`, {
    spec,
    callers,
    crossApp: mesh.crossApp,
    env: environment,
    labels,
    authRoutes: mesh.routes.filter((r) => r.service === spec.name && r.authRequired),
    ...(jwt !== undefined && { jwt }),
    egress: { googleCloud, privateServices: privatePorts.length > 0 },
  });
  new ServiceNetworkPolicy(chart, `${spec.name}-network`, {
    spec,
    callers,
    crossApp: mesh.crossApp,
    ports: mesh.ports,
    env: environment,
    labels,
    dataplane: environment.dataplane ?? DEFAULT_DATAPLANE,
    googleCloud,
    ...(privatePorts.length > 0 &&
      environment.privateServicesCidr !== undefined && { privateServices: { cidr: environment.privateServicesCidr, ports: privatePorts } }),
  });
  return wiring;
}

function ordered(objects: unknown[]): ManifestObject[] {
  const rank = (o: ManifestObject) => {
    const i = KIND_ORDER.indexOf(o.kind);
    return i === -1 ? KIND_ORDER.length : i;
  };
  return (objects as ManifestObject[])
    .map((o, i) => ({ o, i }))
    .sort((a, b) => rank(a.o) - rank(b.o) || a.i - b.i)
    .map(({ o }) => o);
}
