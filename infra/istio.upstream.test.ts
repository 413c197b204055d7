/**
 * Upstream contract tests: every fact about Istio that the platform relies on, checked against
 * the chart files of the pinned release vendored in vendor/istio/<version>/ (refresh with
 * scripts/vendor-istio.sh). A version bump re-runs all of them. docs/istio.md lists each fact.
 * ISTIO_UPSTREAM_DIR points them at another vendored copy, to try a candidate version.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { parse as parseYaml } from 'yaml';
import { synthesize, type ManifestObject } from '../charts';
import { gatewayIdentity } from '../charts/mesh/decisions';
import { evaluate } from '../policies/engine';
import { podSecurityRules } from '../policies/rules/pod-security';
import catalogue from '../services/bookinfo';
import { environment, repoReleases } from '../test/fixtures/environments';
import { availableStacks, loadEnvironment, repoRoot } from '../core/config';
import { gatewaySelector, ISTIO_CHARTS, istioValues, mergeValues, negName, type IstioChart, type IstioSettings } from './istio';
import { GATEWAY_HEALTH_CHECK } from './load-balancer';
import { GATEWAY_POD_PORTS } from './network';
import { parse as parseTemplate, render, slice } from './testing/go-template';

type Values = Record<string, unknown>;
const isMap = (v: unknown): v is Values => typeof v === 'object' && v !== null && !Array.isArray(v);

const PINNED = loadEnvironment('dev').istioVersion;
const UPSTREAM = process.env.ISTIO_UPSTREAM_DIR ?? path.join(repoRoot(), 'vendor', 'istio', PINNED);

/** Where each chart we install lives in the Istio repository. */
const CHART_DIR: Readonly<Record<IstioChart, string>> = {
  base: 'manifests/charts/base',
  cni: 'manifests/charts/istio-cni',
  istiod: 'manifests/charts/istio-control/istio-discovery',
  gateway: 'manifests/charts/gateway',
};

const read = (file: string): string => fs.readFileSync(path.join(UPSTREAM, file), 'utf8');
const readYaml = (file: string): unknown => parseYaml(read(file));
const chartFile = (chart: IstioChart, file: string): string => read(`${CHART_DIR[chart]}/${file}`);

/** A chart's defaults: its values.yaml keeps them under `_internal_defaults_do_not_set` (see zzz_profile.yaml). */
function chartDefaults(chart: IstioChart): Values {
  const file = readYaml(`${CHART_DIR[chart]}/values.yaml`) as Values;
  const defaults = file._internal_defaults_do_not_set;
  if (!isMap(defaults)) throw new Error(`${CHART_DIR[chart]}/values.yaml has no _internal_defaults_do_not_set map`);
  return defaults;
}

function settingsOf(stack: string): IstioSettings {
  const env = loadEnvironment(stack);
  return {
    replicas: env.meshReplicas,
    controlPlaneNamespace: env.controlPlaneNamespace,
    gatewayName: env.gatewayName,
    negName: negName(stack),
    gcpProject: env.gcpProject,
  };
}
const STACKS = ['dev', 'prod'] as const;

// ---------------------------------------------------------------------------------------
// Key paths: every key we set exists in the chart's defaults.

/** Keys zzz_profile.yaml reads to pick profile files; they are in no chart's defaults. */
const PROFILE_KEYS = ['profile', 'platform', 'compatibilityVersion', 'global.profile', 'global.platform'];
/**
 * Maps whose defaults are examples, not a closed set (values.yaml documents them as free-form):
 * gateway `labels` ("Labels to apply to all resources"), istiod `meshConfig` (Istio's MeshConfig).
 */
const FREE_FORM: Readonly<Record<IstioChart, readonly string[]>> = { base: [], cni: [], istiod: ['meshConfig'], gateway: ['labels'] };

/** The prefix a chart's zzy_descope_legacy.yaml copies to the root (`cni` for the CNI chart, `pilot` for istiod). */
function descopedPrefix(chart: IstioChart): string | undefined {
  const file = `${CHART_DIR[chart]}/templates/zzy_descope_legacy.yaml`;
  if (!fs.existsSync(path.join(UPSTREAM, file))) return undefined;
  const prefix = /mustMergeOverwrite \$\.Values \(index \$\.Values "(\w+)"\)/.exec(read(file))?.[1];
  if (prefix === undefined) throw new Error(`${file} no longer copies a prefix to the root: re-read it`);
  return prefix;
}

/** Paths of our values that the chart does not know: each leaf must exist in the defaults tree; `{}` there is free-form. */
function unknownKeys(chart: IstioChart, ours: Values): string[] {
  const defaults = chartDefaults(chart);
  const prefix = descopedPrefix(chart);
  const problems: string[] = [];
  const walk = (value: unknown, tree: unknown, keyPath: string): void => {
    if (PROFILE_KEYS.includes(keyPath) || FREE_FORM[chart].includes(keyPath)) return;
    if (!isMap(value)) return;
    if (!isMap(tree)) {
      problems.push(`${keyPath} (the chart's default is not a map)`);
      return;
    }
    if (Object.keys(tree).length === 0) return;
    for (const [key, child] of Object.entries(value)) {
      const childPath = keyPath === '' ? key : `${keyPath}.${key}`;
      if (!(key in tree)) {
        if (!PROFILE_KEYS.includes(childPath)) problems.push(childPath);
        continue;
      }
      walk(child, tree[key], childPath);
    }
  };
  for (const [key, value] of Object.entries(ours)) {
    if (key === prefix && isMap(value)) walk(value, defaults, '');
    else walk({ [key]: value }, defaults, '');
  }
  return problems;
}

// ---------------------------------------------------------------------------------------
// The injector: the values it sees, the tables of what our pods and mesh config decide.

/** Helm's view of a chart's values: defaults, then ours over them (zzz_profile.yaml's last merge). */
const effective = (chart: IstioChart, settings: IstioSettings, extra: Values = {}): Values =>
  mergeValues(chartDefaults(chart), mergeValues(istioValues(chart, settings), extra));

/** What istiod-injector-configmap.yaml hands the injection templates as `.Values`. */
function injectorValues(v: Values): Values {
  const pick = (from: unknown, keys: readonly string[]): Values =>
    Object.fromEntries(keys.filter((k) => isMap(from) && k in from).map((k) => [k, (from as Values)[k]]));
  return {
    ...pick(v, ['global', 'sidecarInjectorWebhook', 'revision']),
    pilot: pick(v, ['cni', 'env']),
    gateways: pick(v.gateways, ['securityContext', 'seccompProfile']),
  };
}

/**
 * Expressions of the injection templates this test does not compute, answered for our pods and
 * mesh config; each answer is checked below (pod annotations, mesh config) where it can be.
 */
const INJECTION_TABLE: Readonly<Record<string, unknown>> = {
  // REDIRECT interception: no pod sets sidecar.istio.io/interceptionMode, meshConfig no defaultConfig.
  $tproxy: false,
  // No pod sets sidecar.istio.io/capNetBindService; global.proxy.capNetBindService is not in the values.
  $capNetBindService: false,
  // pkg/kube/inject/inject.go GetProxyIDs: 1337 unless the namespace has OpenShift UID-range annotations.
  '.ProxyUID': 1337,
  '.ProxyGID': 1337,
  // meshConfig sets no defaultConfig.proxyMetadata.
  'eq (index .ProxyConfig.ProxyMetadata "IPTABLES_TRACE_LOGGING") "true"': false,
  'isset .ObjectMeta.Annotations `sidecar.istio.io/bootstrapOverride`': false,
  'isset .ObjectMeta.Annotations `sidecar.istio.io/userVolume`': false,
  // istiod's values set no env (pilot.env is {}), so the trust bundle comes from the ConfigMap.
  'eq (.Values.pilot.env).ENABLE_CLUSTER_TRUST_BUNDLE_API true': false,
  '.Values.global.trustBundleName | default "istio-ca-root-cert"': 'istio-ca-root-cert',
  '.Values.pilot.crlConfigMapName | default "istio-ca-crl"': 'istio-ca-crl',
};
/** Pod annotations whose absence the table assumes. */
const ANNOTATIONS_ASSUMED_ABSENT = [
  'sidecar.istio.io/interceptionMode',
  'sidecar.istio.io/capNetBindService',
  'sidecar.istio.io/bootstrapOverride',
  'sidecar.istio.io/userVolume',
  'sidecar.istio.io/userVolumeMount',
  'sidecar.istio.io/proxyImage',
];

const SIDECAR = `${CHART_DIR.istiod}/files/injection-template.yaml`;
const GATEWAY_INJECTION = `${CHART_DIR.istiod}/files/gateway-injection-template.yaml`;

/** The parts of the sidecar injection that Pod Security judges: init container, proxy security context, volumes. */
function sidecarInjection(values: Values): { initContainer: Values; proxySecurityContext: Values; volumes: Values[] } {
  const template = read(SIDECAR);
  const data = { Values: values };
  const part = (markers: { after?: string; start: string; end: string }): unknown =>
    parseYaml(render(slice(template, markers), { data, table: INJECTION_TABLE }));
  const [name] = part({
    after: '  initContainers:\n',
    start: '  {{ if .Values.pilot.cni.enabled -}}\n',
    end: '  {{- if contains "/"',
  }) as Values[];
  const init = part({
    after: '  initContainers:\n',
    start: '    securityContext:\n',
    end: '  {{ end -}}\n  {{ end -}}\n  {{ if not $nativeSidecar }}',
  }) as Values;
  const proxy = part({ after: '  - name: istio-proxy\n', start: '    securityContext:\n', end: '    resources:\n' }) as Values;
  const volumes = part({
    after: '  - name: istio-proxy\n',
    start: '  volumes:\n',
    end: '  {{- if .Values.global.imagePullSecrets }}',
  }) as Values;
  return {
    initContainer: { ...name, securityContext: init.securityContext },
    proxySecurityContext: proxy.securityContext as Values,
    volumes: volumes.volumes as Values[],
  };
}

/** A Deployment's pod as the injector leaves it (containers and volumes added; the template sets no pod securityContext). */
function injected(deployment: ManifestObject, values: Values): ManifestObject {
  const { initContainer, proxySecurityContext, volumes } = sidecarInjection(values);
  const spec = deployment.spec as { template: { spec: Values } };
  const pod = spec.template.spec;
  return {
    ...deployment,
    spec: {
      ...spec,
      template: {
        ...spec.template,
        spec: {
          ...pod,
          initContainers: [...((pod.initContainers as Values[] | undefined) ?? []), { ...initContainer, image: 'auto' }],
          containers: [...(pod.containers as Values[]), { name: 'istio-proxy', image: 'auto', securityContext: proxySecurityContext }],
          volumes: [...((pod.volumes as Values[] | undefined) ?? []), ...volumes],
        },
      },
    },
  };
}

/** The Pod Security Standards `restricted` controls among the repository's rules (PS01-PS08). */
const RESTRICTED_RULES = podSecurityRules.filter((r) => /^PS0[1-8]-/.test(r.id) && r.id !== 'PS06-run-as-user');

/** Violations of `restricted` as "rule: object: message", plus root UIDs (restricted forbids runAsUser 0). */
function restrictedViolations(objects: readonly ManifestObject[]): string[] {
  const report = evaluate(
    RESTRICTED_RULES,
    { manifests: { objects, profile: 'dev', allowedRegistries: [] } },
    { environment: 'dev', exceptions: [], today: '2026-01-01' },
  );
  const root = objects.flatMap((o) => {
    const pod = (o.spec as { template: { spec: Values } }).template.spec;
    const containers = [...((pod.initContainers as Values[] | undefined) ?? []), ...(pod.containers as Values[])];
    return containers
      .filter((c) => (c.securityContext as Values | undefined)?.runAsUser === 0)
      .map((c) => `runAsUser: ${o.metadata.name}: container "${String(c.name)}" runs as 0`);
  });
  return [...report.violations.map((v) => `${v.rule.id}: ${v.object}: ${v.message}`), ...root];
}

const dev = synthesize(environment('dev'), catalogue, repoReleases('dev'));
const deployments = dev.files.flatMap((f) => f.objects).filter((o) => o.kind === 'Deployment');

// ---------------------------------------------------------------------------------------

describe('the vendored Istio release', () => {
  it.each(availableStacks())('holds the Istio version stack %s pins, with its commit', (stack) => {
    const version = loadEnvironment(stack).istioVersion;
    const source = path.join(repoRoot(), 'vendor', 'istio', version, 'SOURCE');
    expect(fs.existsSync(source)).toBe(true);
    expect(fs.readFileSync(source, 'utf8')).toMatch(
      new RegExp(`^repo: https://github.com/istio/istio\ntag: ${version.replace(/\./g, '\\.')}\ncommit: [0-9a-f]{40}\n$`),
    );
  });

  it('holds exactly the files scripts/vendor-istio.sh copies', () => {
    const script = fs.readFileSync(path.join(repoRoot(), 'scripts', 'vendor-istio.sh'), 'utf8');
    const listed =
      /FILES=\(\n([\s\S]*?)\n\)/
        .exec(script)?.[1]
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '') ?? [];
    const files = (dir: string): string[] =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
    expect(
      files(UPSTREAM)
        .map((f) => path.relative(UPSTREAM, f))
        .filter((f) => f !== 'SOURCE')
        .sort(),
    ).toEqual([...listed].sort());
  });

  it.each(ISTIO_CHARTS)('has a chart named %s, the name we install from the Helm repository', (chart) => {
    expect((readYaml(`${CHART_DIR[chart]}/Chart.yaml`) as Values).name).toBe(chart);
  });

  it('has a values schema for the gateway chart only', () => {
    expect(ISTIO_CHARTS.filter((c) => fs.existsSync(path.join(UPSTREAM, CHART_DIR[c], 'values.schema.json')))).toEqual(['gateway']);
  });
});

describe('our Helm values', () => {
  const schema = JSON.parse(chartFile('gateway', 'values.schema.json')) as Values;
  const { $schema: _ignored, ...draft } = schema;
  const validateGateway = new Ajv({ strict: false, allErrors: true }).compile(draft);

  it.each(STACKS.flatMap((stack) => ISTIO_CHARTS.map((chart) => [stack, chart] as const)))(
    'of %s for chart %s set only keys the chart has',
    (stack, chart) => {
      expect(unknownKeys(chart, istioValues(chart, settingsOf(stack)))).toEqual([]);
    },
  );

  it.each(STACKS)("of %s for the gateway validate against the chart's values.schema.json", (stack) => {
    expect(validateGateway(istioValues('gateway', settingsOf(stack)))).toBe(true);
    expect(validateGateway.errors ?? []).toEqual([]);
  });

  it('fail on a misspelt key, against the schema and against the defaults', () => {
    const values = { ...istioValues('gateway', settingsOf('dev')), replicaCont: 2 };
    expect(validateGateway(values)).toBe(false);
    expect(validateGateway.errors?.map((e) => e.params)).toEqual([{ additionalProperty: 'replicaCont' }]);
    expect(unknownKeys('gateway', { ...values, autoscaling: { minReplica: 2 } })).toEqual(['autoscaling.minReplica', 'replicaCont']);
    expect(unknownKeys('istiod', { cni: { enable: true } })).toEqual(['cni.enable']);
    expect(unknownKeys('cni', { cni: { cniBinDirs: '/x' } })).toEqual(['cniBinDirs']);
  });

  it('put the CNI and istiod settings where the charts read them: `cni.*` and `pilot.*` are copied to the root', () => {
    expect(descopedPrefix('cni')).toBe('cni');
    expect(descopedPrefix('istiod')).toBe('pilot');
    expect(chartDefaults('istiod').cni).toEqual({ enabled: false, provider: 'default' });
  });

  it('select the GKE profile through global.platform, which zzz_profile.yaml reads', () => {
    const profile = chartFile('cni', 'templates/zzz_profile.yaml');
    expect(profile).toContain('{{- with (coalesce ($.Values).platform ($.Values.global).platform) }}');
    expect(profile).toContain('{{- with $.Files.Get (printf "files/profile-platform-%s.yaml" .) }}');
    expect(istioValues('cni', settingsOf('dev'))).toMatchObject({ global: { platform: 'gke' } });
  });
});

describe('the Istio CNI chart on GKE', () => {
  const gke = parseYaml(chartFile('cni', 'files/profile-platform-gke.yaml')) as Values;
  const daemonSet = chartFile('cni', 'templates/daemonset.yaml');

  it('gets a ResourceQuota for system-node-critical pods from the GKE profile, which GKE needs outside kube-system', () => {
    expect(gke.resourceQuotas).toEqual({ enabled: true });
    const quota = chartFile('cni', 'templates/resourcequota.yaml');
    expect(quota).toContain('{{- if .Values.resourceQuotas.enabled }}');
    expect(quota).toContain('      - system-node-critical');
    expect(daemonSet).toContain('      priorityClassName: system-node-critical');
  });

  it("would detect GKE's bin directory from the server version, which is why the profile blanks cniBinDir; we set the same directory", () => {
    expect(gke.cni).toEqual({ cniBinDir: '', resourceQuotas: { enabled: true } });
    expect(daemonSet).toContain(
      '{{- $detectedBinDir := (.Capabilities.KubeVersion.GitVersion | contains "-gke") | ternary\n    "/home/kubernetes/bin"',
    );
    expect(daemonSet).toContain('{{- if .Values.cniBinDir }}\n{{ $detectedBinDir = .Values.cniBinDir }}');
    // Our value wins over the profile's blank (user values merge last), then is copied to the root.
    const effectiveCni = mergeValues(mergeValues(chartDefaults('cni'), gke), istioValues('cni', settingsOf('dev')));
    expect(mergeValues(effectiveCni, effectiveCni.cni as Values).cniBinDir).toBe('/home/kubernetes/bin');
  });

  it('mounts hostPath volumes and adds node capabilities, so its namespace must be Pod Security privileged', () => {
    expect(daemonSet.match(/^ {10}hostPath:$/gm)?.length).toBeGreaterThanOrEqual(4);
    for (const cap of ['NET_ADMIN', 'NET_RAW', 'SYS_PTRACE', 'SYS_ADMIN', 'DAC_OVERRIDE'])
      expect(daemonSet).toContain(`              - ${cap}\n`);
    expect(daemonSet).toContain('            runAsUser: 0\n');
  });

  it('sets the init container name its repair controller watches to the one the injector adds', () => {
    expect((chartDefaults('cni').repair as Values).initContainerName).toBe('istio-validation');
  });
});

describe('the sidecar injector, with the CNI enabled', () => {
  const values = injectorValues(effective('istiod', settingsOf('dev')));
  const injectedPods = deployments.map((d) => injected(d, values));

  it('reads its values from the istiod chart: global, and cni as pilot.cni', () => {
    const configMap = chartFile('istiod', 'templates/istiod-injector-configmap.yaml');
    for (const line of [
      '{{ $vals := pick .Values "global" "sidecarInjectorWebhook" "revision" -}}',
      '{{ $pilotVals := pick .Values "cni" "env" -}}',
      '{{ $vals = set $vals "pilot" $pilotVals -}}',
      '{{ $gatewayVals := pick .Values.gateways "securityContext" "seccompProfile" -}}',
    ])
      expect(configMap).toContain(line);
    expect(values).toMatchObject({ pilot: { cni: { enabled: true } }, global: { proxy: { privileged: false } } });
  });

  it('defines $tproxy and $capNetBindService from annotations and values the table answers', () => {
    const template = read(SIDECAR);
    expect(template).toContain(
      '{{ $tproxy := (eq (annotation .ObjectMeta `sidecar.istio.io/interceptionMode` .ProxyConfig.InterceptionMode) `TPROXY`) }}',
    );
    expect(template).toContain(
      '{{ $capNetBindService := (eq (annotation .ObjectMeta `sidecar.istio.io/capNetBindService` .Values.global.proxy.capNetBindService) `true`) }}',
    );
    expect((values.global as { proxy: Values }).proxy).not.toHaveProperty('capNetBindService');
    expect(effective('istiod', settingsOf('dev')).meshConfig).not.toHaveProperty('defaultConfig');
    const annotations = deployments.flatMap((d) =>
      Object.keys((d.spec as { template: { metadata: { annotations?: Values } } }).template.metadata.annotations ?? {}),
    );
    expect(annotations.filter((a) => ANNOTATIONS_ASSUMED_ABSENT.includes(a))).toEqual([]);
  });

  it('adds istio-validation, without capabilities, as non-root 1337', () => {
    expect(sidecarInjection(values).initContainer).toEqual({
      name: 'istio-validation',
      securityContext: {
        allowPrivilegeEscalation: false,
        privileged: false,
        capabilities: { drop: ['ALL'] },
        readOnlyRootFilesystem: true,
        runAsGroup: 1337,
        runAsUser: 1337,
        runAsNonRoot: true,
      },
    });
  });

  it('runs istio-proxy without capabilities, as non-root 1337', () => {
    expect(sidecarInjection(values).proxySecurityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 1337,
      runAsGroup: 1337,
    });
  });

  it('adds only volume types restricted allows', () => {
    const types = sidecarInjection(values).volumes.map((v) =>
      Object.keys(v)
        .filter((k) => k !== 'name')
        .join(','),
    );
    expect([...new Set(types)].sort()).toEqual(['configMap', 'downwardAPI', 'emptyDir', 'projected']);
  });

  it('leaves seccomp to the pod: our workloads set RuntimeDefault on every pod', () => {
    expect(values.global).toMatchObject({ proxy: { seccompProfile: {} } });
    for (const d of deployments)
      expect((d.spec as { template: { spec: { securityContext: Values } } }).template.spec.securityContext).toMatchObject({
        seccompProfile: { type: 'RuntimeDefault' },
      });
  });

  it('gives pods that meet Pod Security restricted', () => {
    expect(injectedPods.length).toBeGreaterThan(0);
    expect(restrictedViolations(injectedPods)).toEqual([]);
  });

  it("gives containers that only the repository's stricter UID rule flags, for the proxy UID by design", () => {
    const rule = podSecurityRules.filter((r) => r.id === 'PS06-run-as-user');
    const report = evaluate(
      rule,
      { manifests: { objects: injectedPods.slice(0, 1), profile: 'dev', allowedRegistries: [] } },
      { environment: 'dev', exceptions: [], today: '2026-01-01' },
    );
    expect(report.violations.map((v) => v.message)).toEqual([
      'init container "istio-validation": securityContext.runAsUser is 1337 (Istio\'s proxy UID: its traffic bypasses the sidecar)',
      'container "istio-proxy": securityContext.runAsUser is 1337 (Istio\'s proxy UID: its traffic bypasses the sidecar)',
    ]);
  });
});

describe('the sidecar injector, without the CNI (why the CNI is needed)', () => {
  const values = injectorValues(effective('istiod', settingsOf('dev'), { cni: { enabled: false } }));

  it('adds istio-init with NET_ADMIN and NET_RAW, as root', () => {
    expect(sidecarInjection(values).initContainer).toEqual({
      name: 'istio-init',
      securityContext: {
        allowPrivilegeEscalation: false,
        privileged: false,
        capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] },
        readOnlyRootFilesystem: false,
        runAsGroup: 0,
        runAsNonRoot: false,
        runAsUser: 0,
      },
    });
  });

  it('gives pods that Pod Security restricted rejects', () => {
    const [productpage] = deployments;
    expect(restrictedViolations([injected(productpage, values)]).map((v) => v.replace(/: Deployment\/[^:]+:/, ':'))).toEqual([
      'PS03-added-capabilities: init container "istio-init": securityContext.capabilities.add has NET_ADMIN (only NET_BIND_SERVICE is allowed)',
      'PS03-added-capabilities: init container "istio-init": securityContext.capabilities.add has NET_RAW (only NET_BIND_SERVICE is allowed)',
      'PS06-run-as-non-root: init container "istio-init": securityContext.runAsNonRoot is false',
      'PS06-run-as-group: init container "istio-init": securityContext.runAsGroup is 0',
      `runAsUser: ${productpage.metadata.name}: container "istio-init" runs as 0`,
    ]);
  });
});

describe('the gateway chart', () => {
  const helpers = parseTemplate(chartFile('gateway', 'templates/_helpers.tpl')).defines;
  const renderGateway = (template: string, values: Values, releaseName: string): string =>
    render(template, { data: { Values: values, Release: { Name: releaseName } }, defines: helpers, lenientPaths: ['.Values.labels.'] });
  const gatewayValues = (stack: string): Values => effective('gateway', settingsOf(stack));

  it.each([['istio-ingress'], ['istio-public'], ['edge']])(
    'labels the pods of release %s as our Gateway selects them, with or without our explicit label',
    (release) => {
      const ours = {
        ...gatewayValues('dev'),
        labels: { ...(istioValues('gateway', { ...settingsOf('dev'), gatewayName: release }).labels as Values) },
      };
      const selector = (values: Values) => parseYaml(renderGateway('{{ include "gateway.selectorLabels" . }}', values, release)) as Values;
      expect(selector(ours)).toEqual({ app: release, ...gatewaySelector(release) });
      expect(selector({ ...ours, labels: chartDefaults('gateway').labels })).toEqual({ app: release, ...gatewaySelector(release) });
    },
  );

  it('selects the pods with those labels in its Deployment and Service', () => {
    expect(chartFile('gateway', 'templates/deployment.yaml')).toContain(
      '    matchLabels:\n      {{- include "gateway.selectorLabels" . | nindent 6 }}',
    );
    expect(chartFile('gateway', 'templates/deployment.yaml')).toContain('        {{- include "gateway.selectorLabels" . | nindent 8 }}');
    expect(chartFile('gateway', 'templates/service.yaml')).toContain(
      '  selector:\n    {{- include "gateway.selectorLabels" . | nindent 4 }}',
    );
  });

  it('runs the pods as a ServiceAccount named after the release: the principal our AuthorizationPolicies allow', () => {
    const env = loadEnvironment('dev');
    const account = renderGateway('{{ include "gateway.serviceAccountName" . }}', gatewayValues('dev'), env.gatewayName);
    expect(account).toBe(env.gatewayName);
    expect(chartFile('gateway', 'templates/serviceaccount.yaml')).toContain('  name: {{ include "gateway.serviceAccountName" . }}');
    expect(chartFile('gateway', 'templates/deployment.yaml')).toContain(
      '      serviceAccountName: {{ include "gateway.serviceAccountName" . }}',
    );
    const mesh = {
      namespace: env.apps[0].namespace,
      domain: env.domain,
      gatewayNamespace: env.gatewayNamespace,
      gatewayName: env.gatewayName,
      controlPlaneNamespace: env.controlPlaneNamespace,
    };
    expect(gatewayIdentity(mesh)).toEqual({
      selector: gatewaySelector(env.gatewayName),
      principal: `cluster.local/ns/${env.gatewayNamespace}/sa/${account}`,
    });
  });

  it('answers health checks on 15021 /healthz/ready, where the load balancer checks', () => {
    const injection = read(GATEWAY_INJECTION);
    expect(injection).toContain('    readinessProbe:\n      httpGet:\n        path: /healthz/ready\n        port: 15021\n');
    expect(GATEWAY_HEALTH_CHECK).toEqual({ port: 15021, requestPath: '/healthz/ready' });
  });

  it.each(STACKS)('publishes our Service ports as written (%s), so the pods listen on the ports the firewall opens', (stack) => {
    const service = chartFile('gateway', 'templates/service.yaml');
    expect(service).toContain('{{ .Values.service.ports | toYaml | indent 4 }}');
    const ports = (gatewayValues(stack).service as { ports: Array<{ targetPort: number }> }).ports;
    expect(ports.map((p) => p.targetPort).sort()).toEqual([...GATEWAY_POD_PORTS].sort());
    expect(ports.find((p) => p.targetPort === GATEWAY_HEALTH_CHECK.port)).toMatchObject({ name: 'status-port', port: 15021 });
  });

  it('gives pods that meet Pod Security restricted once injected with the gateway template', () => {
    const values = gatewayValues('dev');
    const deploymentTemplate = chartFile('gateway', 'templates/deployment.yaml');
    const part = (template: string, markers: { after?: string; start: string; end: string }, data: Values, table: Values = {}): Values =>
      (parseYaml(render(slice(template, markers), { data, table })) ?? {}) as Values;
    const chartPod = part(
      deploymentTemplate,
      { start: '      securityContext:\n      {{- if .Values.securityContext }}', end: '      {{- with .Values.volumes }}' },
      { Values: values },
    );
    const chartContainer = part(
      deploymentTemplate,
      { start: '          securityContext:\n          {{- if .Values.containerSecurityContext }}', end: '          env:\n' },
      { Values: values },
    );
    expect(
      render(slice(deploymentTemplate, { start: '      {{- with .Values.volumes }}', end: '      containers:\n' }), {
        data: { Values: values },
      }).trim(),
    ).toBe('');

    const injection = read(GATEWAY_INJECTION);
    const injector = { Values: injectorValues(effective('istiod', settingsOf('dev'))) };
    const injectedPod = part(
      injection,
      { start: '  securityContext:\n  {{- if .Values.gateways.securityContext }}', end: '  containers:\n' },
      injector,
    );
    const injectedContainer = part(
      injection,
      { after: '  - name: istio-proxy\n', start: '    securityContext:\n', end: '    env:\n' },
      injector,
      INJECTION_TABLE,
    );
    const injectedVolumes = part(
      injection,
      { after: '  - name: istio-proxy\n', start: '  volumes:\n', end: '  {{- if .Values.global.imagePullSecrets }}' },
      injector,
      INJECTION_TABLE,
    );

    // The injector merges the template over the pod (a strategic merge: maps key by key).
    const pod: ManifestObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'istio-ingress', namespace: 'istio-ingress' },
      spec: {
        template: {
          spec: {
            securityContext: mergeValues(chartPod.securityContext as Values, injectedPod.securityContext as Values),
            containers: [
              {
                name: 'istio-proxy',
                image: 'auto',
                securityContext: mergeValues(chartContainer.securityContext as Values, injectedContainer.securityContext as Values),
              },
            ],
            volumes: injectedVolumes.volumes,
          },
        },
      },
    };
    expect(pod.spec).toMatchObject({
      template: {
        spec: {
          securityContext: {
            seccompProfile: { type: 'RuntimeDefault' },
            sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }],
          },
        },
      },
    });
    expect(restrictedViolations([pod])).toEqual([]);
    // Without our seccomp profile the chart's pods would only meet baseline.
    const upstreamPod = part(
      deploymentTemplate,
      { start: '      securityContext:\n      {{- if .Values.securityContext }}', end: '      {{- with .Values.volumes }}' },
      { Values: { ...values, securityContext: {} } },
    );
    const bare = {
      ...pod,
      spec: {
        template: { spec: { ...(pod.spec as { template: { spec: Values } }).template.spec, securityContext: upstreamPod.securityContext } },
      },
    };
    expect(restrictedViolations([bare])).toEqual([
      'PS07-seccomp: Deployment/istio-ingress/istio-ingress: container "istio-proxy": seccompProfile is unset on the container and on the pod',
    ]);
  });
});

describe('istiod', () => {
  it('runs a container that meets Pod Security restricted once given a seccomp profile', () => {
    const deployment = chartFile('istiod', 'templates/deployment.yaml');
    const values = effective('istiod', settingsOf('dev'));
    const container = parseYaml(
      render(slice(deployment, { start: '          securityContext:\n', end: '          volumeMounts:\n' }), { data: { Values: values } }),
    ) as Values;
    const pod: ManifestObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'istiod', namespace: 'istio-system' },
      spec: { template: { spec: { containers: [{ name: 'discovery', image: 'pilot', ...container }] } } },
    };
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(restrictedViolations([pod])).toEqual([]);
    expect(deployment).not.toMatch(/hostPath|hostNetwork/);
  });
});
