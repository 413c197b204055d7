/**
 * Istio from its Helm charts: `base` (CRDs), `cni` (the node agent that sets up each injected
 * pod's traffic redirection), `istiod`, and the ingress `gateway`, in that order, at one
 * pinned version. Values live in `infra/istio/<chart>.yaml`; only what differs per
 * environment is merged over them here (`istioValues`). docs/istio.md has the why, and the
 * upstream facts each choice rests on (tested in istio.upstream.test.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { parseDocument } from 'yaml';
import { podSecurityLabels } from '../charts/namespace';
import { meshExtensionProviders } from '../charts/observability/telemetry';
import { assertNoProblems, type Problem } from '../core/problems';

export const ISTIO_CHART_REPO = 'https://istio-release.storage.googleapis.com/charts';

export type IstioChart = 'base' | 'cni' | 'istiod' | 'gateway';

/** The charts in install order. */
export const ISTIO_CHARTS: readonly IstioChart[] = ['base', 'cni', 'istiod', 'gateway'];

/**
 * Namespace of the CNI node agent unless told otherwise. Its own: the agent needs hostPath
 * volumes and node capabilities, so the namespace is Pod Security `privileged`, and nothing
 * else runs there. (The chart's GKE profile adds the ResourceQuota GKE requires for its
 * system-node-critical pods outside kube-system.)
 */
export const DEFAULT_CNI_NAMESPACE = 'istio-cni';

/** Where the charts' values files are kept. */
export const ISTIO_VALUES_DIR = path.join(__dirname, 'istio');

/** What differs per environment in the charts' values. */
export interface IstioSettings {
  /** Replicas (and autoscaling minimum) of istiod and the gateway. */
  readonly replicas: number;
  readonly controlPlaneNamespace: string;
  /** Helm release name of the gateway. */
  readonly gatewayName: string;
  /** Name of the gateway Service's standalone NEG. */
  readonly negName: string;
  /** The project whose Cloud Trace the mesh's access logs link to (the JSON access log provider's format). */
  readonly gcpProject: string;
}

const RFC1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SEMVER = /^\d+\.\d+\.\d+$/;

/**
 * Name of the gateway's standalone NEG in a stack's cluster; the load balancer looks it up by
 * it. A further region's cluster adds its suffix (`istio-gateway-prod-europe-west4-https`): NEGs
 * are zonal and the regions' zones differ, but one name per cluster keeps each traceable.
 */
export function negName(stack: string, region?: { readonly suffix: string }): string {
  const name = `istio-gateway-${stack}${region?.suffix ?? ''}-https`;
  if (!RFC1035.test(name) || name.length > 63) {
    assertNoProblems([
      {
        where: 'negName',
        field: 'stack',
        value: stack,
        problem: `gives the NEG name "${name}", which is not a lower-case RFC 1035 name of at most 63 characters`,
        fix: 'use a stack name of lower-case letters, digits and "-", at most 43 characters',
      },
    ]);
  }
  return name;
}

/** The `cloud.google.com/neg` annotation: GKE creates a standalone NEG of the Service's port 443 per zone. */
export function negAnnotation(name: string): string {
  return JSON.stringify({ exposed_ports: { '443': { name } } });
}

/**
 * Labels of the gateway pods, which the mesh `Gateway` selects: the chart's own rule
 * (`istio: <release without "istio-">`), set explicitly so the two can never drift.
 */
export function gatewaySelector(gatewayName: string): Record<string, string> {
  return { istio: gatewayName.replace(/^istio-/, '') };
}

/** Zone spread first (a zone outage leaves replicas), then node spread where possible. */
export function spreadConstraints(matchLabels: Record<string, string>): Record<string, unknown>[] {
  return [
    { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels } },
    { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels } },
  ];
}

type Values = Record<string, unknown>;

const isMap = (v: unknown): v is Values => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Helm's merge: maps merge key by key, anything else (lists included) is replaced. */
export function mergeValues(base: Values, override: Values): Values {
  const merged: Values = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = merged[key];
    merged[key] = isMap(current) && isMap(value) ? mergeValues(current, value) : value;
  }
  return merged;
}

/** The values file of a chart, parsed; errors name the file and the line. */
export function readValuesFile(chart: IstioChart, dir = ISTIO_VALUES_DIR): Values {
  const file = path.join(dir, `${chart}.yaml`);
  const where = path.relative(process.cwd(), file) || file;
  if (!fs.existsSync(file))
    assertNoProblems([{ where, field: '(file)', problem: 'does not exist', fix: `create it with the ${chart} chart's values` }]);
  const doc = parseDocument(fs.readFileSync(file, 'utf8'), { uniqueKeys: true });
  if (doc.errors.length > 0) {
    assertNoProblems(
      doc.errors.map((e) => ({
        where,
        field: `line ${e.linePos?.[0]?.line ?? '?'}`,
        problem: `is not valid YAML (${e.code})`,
        fix: e.message.split('\n')[0],
      })),
    );
  }
  const data: unknown = doc.toJS() ?? {};
  if (!isMap(data))
    assertNoProblems([{ where, field: '(root)', value: data, problem: 'must be a map of chart values', fix: 'write `key: value` lines' }]);
  return data as Values;
}

/** The per-environment part of a chart's values. */
function overrides(chart: IstioChart, s: IstioSettings, file: Values): Values {
  const maxOf = (v: unknown) => Math.max(typeof v === 'number' ? v : 0, s.replicas);
  switch (chart) {
    case 'base':
      return { global: { istioNamespace: s.controlPlaneNamespace } };
    case 'cni':
      return {};
    case 'istiod':
      return {
        replicaCount: s.replicas,
        autoscaleMin: s.replicas,
        autoscaleMax: maxOf(file.autoscaleMax),
        global: { istioNamespace: s.controlPlaneNamespace },
        // The tracing and access-log providers the mesh-wide Telemetry names (charts/observability/telemetry.ts).
        meshConfig: { extensionProviders: meshExtensionProviders({ gcpProject: s.gcpProject }) },
      };
    case 'gateway': {
      const labels = gatewaySelector(s.gatewayName);
      const autoscaling = isMap(file.autoscaling) ? file.autoscaling : {};
      return {
        replicaCount: s.replicas,
        autoscaling: { minReplicas: s.replicas, maxReplicas: maxOf(autoscaling.maxReplicas) },
        labels,
        topologySpreadConstraints: spreadConstraints(labels),
        service: { annotations: { 'cloud.google.com/neg': negAnnotation(s.negName) } },
      };
    }
  }
}

/** A chart's values: its file in `infra/istio/`, with the environment's settings merged over it. */
export function istioValues(chart: IstioChart, settings: IstioSettings, dir = ISTIO_VALUES_DIR): Values {
  const problems: Problem[] = [];
  const where = 'istioValues';
  if (!Number.isInteger(settings.replicas) || settings.replicas < 1)
    problems.push({
      where,
      field: 'replicas',
      value: settings.replicas,
      problem: 'must be a whole number of at least 1',
      fix: 'set platform:meshReplicas (2 or more outside dev)',
    });
  if (!RFC1035.test(settings.negName) || settings.negName.length > 63)
    problems.push({
      where,
      field: 'negName',
      value: settings.negName,
      problem: 'must be a lower-case RFC 1035 name of at most 63 characters',
      fix: 'use negName(stack)',
    });
  assertNoProblems(problems);
  const file = readValuesFile(chart, dir);
  return mergeValues(file, overrides(chart, settings, file));
}

export interface IstioArgs {
  /** Version of the four charts, pinned (`platform:istioVersion`). */
  readonly version: string;
  /** Replicas of istiod and the gateway (`platform:meshReplicas`). */
  readonly replicas: number;
  /** Namespace of the ingress gateway; labelled for sidecar injection. */
  readonly gatewayNamespace: string;
  /** Helm release name of the gateway: its Service, ServiceAccount and `istio` label. */
  readonly gatewayName: string;
  /** Namespace of istiod and the CRDs' release. */
  readonly controlPlaneNamespace: string;
  /**
   * Namespace of the Istio CNI node agent; Pod Security `privileged`, so nothing else may share it.
   * @default DEFAULT_CNI_NAMESPACE ('istio-cni')
   */
  readonly cniNamespace?: string;
  /** Name of the gateway Service's standalone NEG (`negName(stack)`). */
  readonly negName: string;
  /** The environment's GCP project (the access log's trace links name it). */
  readonly gcpProject: string;
  /** The cluster's provider; every chart and namespace is installed with it. */
  readonly provider: k8s.Provider;
}

/** Problems with the arguments, each naming the field, the value and the fix. */
export function istioProblems(name: string, args: Omit<IstioArgs, 'provider'>): Problem[] {
  const where = `Istio "${name}"`;
  const problems: Problem[] = [];
  if (!SEMVER.test(args.version))
    problems.push({
      where,
      field: 'version',
      value: args.version,
      problem: 'must be a pinned chart version x.y.z',
      fix: 'set platform:istioVersion to e.g. 1.30.3',
    });
  const cniNamespace = args.cniNamespace ?? DEFAULT_CNI_NAMESPACE;
  const names = {
    gatewayNamespace: args.gatewayNamespace,
    gatewayName: args.gatewayName,
    controlPlaneNamespace: args.controlPlaneNamespace,
    cniNamespace,
  };
  for (const [field, value] of Object.entries(names)) {
    if (!DNS_LABEL.test(value) || value.length > 63)
      problems.push({ where, field, value, problem: 'must be a DNS-1123 label', fix: 'use lower-case letters, digits and "-"' });
  }
  if (cniNamespace === args.controlPlaneNamespace || cniNamespace === args.gatewayNamespace) {
    problems.push({
      where,
      field: 'cniNamespace',
      value: cniNamespace,
      problem: 'is shared with istiod or the gateway, and the CNI node agent\'s namespace must be Pod Security "privileged"',
      fix: `leave cniNamespace unset ('${DEFAULT_CNI_NAMESPACE}') or give it a namespace of its own`,
    });
  }
  if (args.gatewayNamespace === args.controlPlaneNamespace) {
    problems.push({
      where,
      field: 'gatewayNamespace',
      value: args.gatewayNamespace,
      problem: 'is the control plane namespace, which must not get sidecar injection',
      fix: "give the gateway its own namespace, e.g. 'istio-ingress'",
    });
  }
  return problems;
}

export class Istio extends pulumi.ComponentResource {
  /** The CRDs: anything that creates Istio objects must depend on this. */
  readonly base: k8s.helm.v3.Release;
  /** The CNI node agent: injected pods (the gateway's and the apps') need it on their node. */
  readonly cni: k8s.helm.v3.Release;
  readonly istiod: k8s.helm.v3.Release;
  /** The ingress gateway; its NEGs exist once it is installed. */
  readonly gateway: k8s.helm.v3.Release;

  constructor(name: string, args: IstioArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validated first: a bad argument registers nothing, not even the component.
    assertNoProblems(istioProblems(name, args));
    super('platform:istio:Istio', name, {}, opts);
    const childOpts = { provider: args.provider, parent: this };
    const settings: IstioSettings = {
      replicas: args.replicas,
      controlPlaneNamespace: args.controlPlaneNamespace,
      gatewayName: args.gatewayName,
      negName: args.negName,
      gcpProject: args.gcpProject,
    };

    // Pod Security levels: the strictest each namespace's pods meet, per the charts and
    // injection templates at the pinned version (istio.upstream.test.ts proves each).
    const controlPlane = new k8s.core.v1.Namespace(
      `${name}-control-plane`,
      {
        metadata: { name: args.controlPlaneNamespace, labels: podSecurityLabels('restricted') },
      },
      childOpts,
    );
    const cniNamespace = new k8s.core.v1.Namespace(
      `${name}-cni-namespace`,
      {
        metadata: { name: args.cniNamespace ?? DEFAULT_CNI_NAMESPACE, labels: podSecurityLabels('privileged') },
      },
      childOpts,
    );
    // The gateway chart's pods are injected with the gateway proxy template.
    const gatewayNamespace = new k8s.core.v1.Namespace(
      `${name}-gateway-namespace`,
      {
        metadata: { name: args.gatewayNamespace, labels: { 'istio-injection': 'enabled', ...podSecurityLabels('restricted') } },
      },
      childOpts,
    );

    // Release names are explicit: without `name`, Pulumi would add a random suffix, and the
    // gateway's release name is its ServiceAccount (the mesh principal) and its label.
    const release = (chart: IstioChart, releaseName: string, namespace: pulumi.Input<string>, dependsOn: pulumi.Resource[]) =>
      new k8s.helm.v3.Release(
        `${name}-${chart}`,
        {
          name: releaseName,
          chart,
          version: args.version,
          repositoryOpts: { repo: ISTIO_CHART_REPO },
          namespace,
          values: istioValues(chart, settings),
        },
        { ...childOpts, dependsOn },
      );

    this.base = release('base', 'istio-base', controlPlane.metadata.name, []);
    // The CNI agent before any injected pod: without it on the node, a pod's istio-validation
    // init container finds no traffic redirection and fails.
    this.cni = release('cni', 'istio-cni', cniNamespace.metadata.name, [this.base]);
    // istiod validates Istio objects with the CRDs, and the gateway's pods need istiod's injector.
    this.istiod = release('istiod', 'istiod', controlPlane.metadata.name, [this.base, this.cni]);
    this.gateway = release('gateway', args.gatewayName, gatewayNamespace.metadata.name, [this.istiod]);
    this.registerOutputs({});
  }
}
