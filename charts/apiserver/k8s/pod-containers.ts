/**
 * Container checks, ported from kubernetes pkg/apis/core/validation/validation.go:
 * `validateContainerCommon`, `validateContainers`, `validateInitContainers`,
 * `validateEphemeralContainers`, `validateContainerPorts`, `ValidateEnv`, `ValidateEnvFrom`,
 * probes and handlers, `validateResourceRequirements`, `ValidateSecurityContext`.
 * Inputs are read after the API server's v1 defaults (protocol TCP, probe periods, handler
 * scheme and path, pull and termination-message policies).
 */
import { type FieldPath, duplicate, forbidden, invalid, notFound, notSupported, required, type FieldError } from '../field';
import {
  isDNS1123Label,
  isDNS1123Subdomain,
  isHTTPHeaderName,
  isQualifiedName,
  isRelaxedEnvVarName,
  isValidGroupID,
  isValidPortName,
  isValidPortNum,
  isValidUserID,
} from './primitives';
import { cmp, defaulted, int, intOr, isObj, list, obj, optStr, quantity, str, type Obj, type ReadQuantity } from './pod-read';
import {
  ENV_FIELD_PATHS,
  localDescendingPath,
  validateKeySelector,
  validateObjectFieldSelector,
  validateResourceFieldSelector,
  validateVolumeMounts,
  type VolumeMap,
} from './pod-volumes';

export const IS_NEGATIVE_ERROR = 'must be greater than or equal to 0';

/** What the container checks need from the pod. */
export interface PodContext {
  readonly volumes: VolumeMap;
  /** spec.terminationGracePeriodSeconds after defaulting (30), undefined when not an integer. */
  readonly gracePeriod: number | undefined;
  readonly hostUsers: boolean;
  readonly restartPolicy: string | undefined;
}

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'] as const;
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'] as const;
const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'] as const;
const HTTP_SCHEMES = ['HTTP', 'HTTPS'] as const;
const SECCOMP_TYPES = ['Localhost', 'RuntimeDefault', 'Unconfined'] as const;
const APPARMOR_TYPES = ['Localhost', 'RuntimeDefault', 'Unconfined'] as const;
const PROC_MOUNT_TYPES = ['Default', 'Unmasked'] as const;
const RESIZE_RESOURCES = ['cpu', 'memory'] as const;
const RESIZE_POLICIES = ['NotRequired', 'RestartContainer'] as const;
/** Container fields an ephemeral container may not set (`allowedEphemeralContainerFields` false entries). */
const EPHEMERAL_FORBIDDEN = ['ports', 'resources', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle'] as const;

const nonNegative = (v: number, path: FieldPath): FieldError[] =>
  v < 0 ? [invalid(path, v, IS_NEGATIVE_ERROR, 'ValidateNonnegativeField')] : [];

/** `validateContainerCommon`. */
function validateContainerCommon(c: Obj, ctx: PodContext, path: FieldPath): FieldError[] {
  const rule = 'validateContainerCommon';
  const errs: FieldError[] = [];
  const name = str(c.name);
  if (name === '') errs.push(required(path.child('name'), '', rule));
  else if (name !== undefined)
    for (const m of isDNS1123Label(name)) errs.push(invalid(path.child('name'), name, m, 'ValidateDNS1123Label'));
  if (str(c.image) === '') errs.push(required(path.child('image'), '', rule));
  const tmp = defaulted(c.terminationMessagePolicy, 'File');
  if (tmp !== undefined && !(TERMINATION_MESSAGE_POLICIES as readonly string[]).includes(tmp)) {
    errs.push(notSupported(path.child('terminationMessagePolicy'), tmp, TERMINATION_MESSAGE_POLICIES, rule));
  }
  errs.push(...validateContainerPorts(c.ports, path.child('ports')));
  errs.push(...validateEnv(c.env, path.child('env')));
  errs.push(...validateEnvFrom(c.envFrom, path.child('envFrom')));
  const sc = obj(c.securityContext);
  errs.push(...validateVolumeMounts(c.volumeMounts, ctx.volumes, sc?.privileged === true, path.child('volumeMounts')));
  const pull = defaulted(c.imagePullPolicy, 'IfNotPresent');
  if (pull !== undefined && !(PULL_POLICIES as readonly string[]).includes(pull)) {
    errs.push(notSupported(path.child('imagePullPolicy'), pull, PULL_POLICIES, 'validatePullPolicy'));
  }
  errs.push(...validateResources(obj(c.resources), path.child('resources')));
  errs.push(...validateResizePolicy(c.resizePolicy, path.child('resizePolicy'), ctx.restartPolicy));
  if (sc !== undefined) errs.push(...validateSecurityContext(sc, path.child('securityContext'), ctx.hostUsers));
  return errs;
}

/** `validateContainerPorts`: port names are unique within the container, as upstream checks them. */
export function validateContainerPorts(ports: unknown, path: FieldPath): FieldError[] {
  const rule = 'validateContainerPorts';
  const errs: FieldError[] = [];
  const names = new Set<string>();
  list(ports).forEach((p, i) => {
    if (!isObj(p)) return;
    const idx = path.index(i);
    const name = str(p.name);
    if (name !== undefined && name !== '') {
      const msgs = isValidPortName(name);
      if (msgs.length > 0) for (const m of msgs) errs.push(invalid(idx.child('name'), name, m, 'IsValidPortName'));
      else if (names.has(name)) errs.push(duplicate(idx.child('name'), name, rule));
      else names.add(name);
    }
    const containerPort = intOr(p.containerPort, 0);
    if (containerPort === 0) errs.push(required(idx.child('containerPort'), '', rule));
    else if (containerPort !== undefined)
      for (const m of isValidPortNum(containerPort)) errs.push(invalid(idx.child('containerPort'), containerPort, m, rule));
    const hostPort = intOr(p.hostPort, 0);
    if (hostPort !== undefined && hostPort !== 0)
      for (const m of isValidPortNum(hostPort)) errs.push(invalid(idx.child('hostPort'), hostPort, m, rule));
    const protocol = defaulted(p.protocol, 'TCP');
    if (protocol !== undefined && !(PROTOCOLS as readonly string[]).includes(protocol)) {
      errs.push(notSupported(idx.child('protocol'), protocol, PROTOCOLS, rule));
    }
  });
  return errs;
}

/**
 * `ValidateEnv`. Names use the relaxed check: the RelaxedEnvironmentVariableValidation gate is GA and
 * locked on since 1.34 (pkg/features/kube_features.go), so at 1.35 `AllowRelaxedEnvironmentVariableValidation` is true.
 */
function validateEnv(vars: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  list(vars).forEach((ev, i) => {
    if (!isObj(ev)) return;
    const idx = path.index(i);
    const name = str(ev.name);
    if (name === '') errs.push(required(idx.child('name'), '', 'ValidateEnv'));
    else if (name !== undefined) for (const m of isRelaxedEnvVarName(name)) errs.push(invalid(idx.child('name'), name, m, 'ValidateEnv'));
    errs.push(...validateEnvVarValueFrom(ev, idx.child('valueFrom')));
  });
  return errs;
}

/** `validateEnvVarValueFrom`. */
function validateEnvVarValueFrom(ev: Obj, path: FieldPath): FieldError[] {
  const rule = 'validateEnvVarValueFrom';
  const from = obj(ev.valueFrom);
  if (from === undefined) return [];
  const errs: FieldError[] = [];
  let n = 0;
  const fieldRef = obj(from.fieldRef);
  if (fieldRef !== undefined) {
    n++;
    errs.push(...validateObjectFieldSelector(fieldRef, ENV_FIELD_PATHS, path.child('fieldRef')));
  }
  const resourceFieldRef = obj(from.resourceFieldRef);
  if (resourceFieldRef !== undefined) {
    n++;
    errs.push(...validateResourceFieldSelector(resourceFieldRef, path.child('resourceFieldRef'), false));
  }
  const configMapKeyRef = obj(from.configMapKeyRef);
  if (configMapKeyRef !== undefined) {
    n++;
    errs.push(...validateKeySelector(configMapKeyRef, path.child('configMapKeyRef'), 'validateConfigMapKeySelector'));
  }
  const secretKeyRef = obj(from.secretKeyRef);
  if (secretKeyRef !== undefined) {
    n++;
    errs.push(...validateKeySelector(secretKeyRef, path.child('secretKeyRef'), 'validateSecretKeySelector'));
  }
  const value = str(ev.value) ?? '';
  if (n === 0)
    errs.push(invalid(path, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`', rule));
  else if (value !== '') errs.push(invalid(path, '', 'may not be specified when `value` is not empty', rule));
  else if (n > 1) errs.push(invalid(path, '', 'may not have more than one field specified at a time', rule));
  return errs;
}

/** `NameIsDNSSubdomain(name, prefix=true)`: a trailing '-' is allowed (masked) before the check. */
function nameIsDNSSubdomainPrefix(name: string): readonly string[] {
  return isDNS1123Subdomain(name.length > 1 && name.endsWith('-') ? `${name.slice(0, -1)}a` : name);
}

/** `ValidateEnvFrom`. */
function validateEnvFrom(sources: unknown, path: FieldPath): FieldError[] {
  const rule = 'ValidateEnvFrom';
  const errs: FieldError[] = [];
  list(sources).forEach((ev, i) => {
    if (!isObj(ev)) return;
    const idx = path.index(i);
    const prefix = str(ev.prefix);
    if (prefix !== undefined && prefix !== '')
      for (const m of isRelaxedEnvVarName(prefix)) errs.push(invalid(idx.child('prefix'), prefix, m, rule));
    let n = 0;
    for (const kind of ['configMapRef', 'secretRef'] as const) {
      const ref = obj(ev[kind]);
      if (ref === undefined) continue;
      n++;
      const name = str(ref.name);
      if (name === '') errs.push(required(idx.child(kind, 'name'), '', rule));
      else if (name !== undefined)
        for (const m of nameIsDNSSubdomainPrefix(name)) errs.push(invalid(idx.child(kind, 'name'), name, m, rule));
    }
    if (n === 0) errs.push(invalid(path, '', 'must specify one of: `configMapRef` or `secretRef`', rule));
    else if (n > 1) errs.push(invalid(path, '', 'may not have more than one field specified at a time', rule));
  });
  return errs;
}

/** `ValidatePortNumOrName` (intstr: a number is a port, a string a port name). */
export function validatePortNumOrName(port: unknown, path: FieldPath): FieldError[] {
  const rule = 'ValidatePortNumOrName';
  if (typeof port === 'string') return isValidPortName(port).map((m) => invalid(path, port, m, rule));
  const n = intOr(port, 0);
  return n === undefined ? [] : isValidPortNum(n).map((m) => invalid(path, n, m, rule));
}

type HandlerKind = 'probe' | 'lifecycle';

/** `validateHandler`: exactly one of exec, httpGet, tcpSocket, grpc (probes) or sleep (lifecycle). */
function validateHandler(h: Obj, kind: HandlerKind, gracePeriod: number | undefined, path: FieldPath): FieldError[] {
  const rule = 'validateHandler';
  const errs: FieldError[] = [];
  let n = 0;
  const kinds =
    kind === 'probe' ? (['exec', 'httpGet', 'tcpSocket', 'grpc'] as const) : (['exec', 'httpGet', 'tcpSocket', 'sleep'] as const);
  for (const k of kinds) {
    const action = obj(h[k]);
    if (action === undefined) continue;
    if (n > 0) {
      errs.push(forbidden(path.child(k), 'may not specify more than 1 handler type', rule));
      continue;
    }
    n++;
    errs.push(...validateAction(k, action, gracePeriod, path.child(k)));
  }
  if (n === 0) errs.push(required(path, 'must specify a handler type', rule));
  return errs;
}

function validateAction(kind: string, a: Obj, gracePeriod: number | undefined, path: FieldPath): FieldError[] {
  switch (kind) {
    case 'exec':
      return list(a.command).length === 0 ? [required(path.child('command'), '', 'validateExecAction')] : [];
    case 'httpGet': {
      const errs = validatePortNumOrName(a.port, path.child('port'));
      const scheme = defaulted(a.scheme, 'HTTP');
      if (scheme !== undefined && !(HTTP_SCHEMES as readonly string[]).includes(scheme)) {
        errs.push(notSupported(path.child('scheme'), scheme, HTTP_SCHEMES, 'validateHTTPGetAction'));
      }
      for (const header of list(a.httpHeaders)) {
        const name = isObj(header) ? str(header.name) : undefined;
        if (name !== undefined)
          for (const m of isHTTPHeaderName(name)) errs.push(invalid(path.child('httpHeaders'), name, m, 'validateHTTPGetAction'));
      }
      return errs;
    }
    case 'tcpSocket':
      return validatePortNumOrName(a.port, path.child('port'));
    case 'grpc': {
      const port = intOr(a.port, 0);
      return port === undefined ? [] : isValidPortNum(port).map((m) => invalid(path.child('port'), port, m, 'ValidatePortNumOrName'));
    }
    case 'sleep': {
      // AllowPodLifecycleSleepActionZeroValue: the PodLifecycleSleepActionAllowZero gate is on by default (unverified at 1.35)
      const seconds = intOr(a.seconds, 0);
      if (seconds === undefined || gracePeriod === undefined || (seconds >= 0 && seconds <= gracePeriod)) return [];
      return [
        invalid(path, seconds, `must be non-negative and less than terminationGracePeriodSeconds (${gracePeriod})`, 'validateSleepAction'),
      ];
    }
    default:
      return [];
  }
}

type ProbeKind = 'liveness' | 'readiness' | 'startup';

/** `validateLivenessProbe` / `validateReadinessProbe` / `validateStartupProbe` over `validateProbe`. */
function validateProbe(probe: Obj | undefined, kind: ProbeKind, gracePeriod: number | undefined, path: FieldPath): FieldError[] {
  if (probe === undefined) return [];
  const errs = validateHandler(probe, 'probe', gracePeriod, path);
  // v1 defaults: 0 or absent periods and thresholds read as their defaults, so only negatives remain
  const fields: readonly (readonly [string, number])[] = [
    ['initialDelaySeconds', 0],
    ['timeoutSeconds', 1],
    ['periodSeconds', 10],
    ['successThreshold', 1],
    ['failureThreshold', 3],
  ];
  const value = (k: string, dflt: number): number | undefined => {
    const v = intOr(probe[k], 0);
    return v === 0 ? dflt : v;
  };
  for (const [k, dflt] of fields) {
    const v = value(k, dflt);
    if (v !== undefined) errs.push(...nonNegative(v, path.child(k)));
  }
  const tgps = int(probe.terminationGracePeriodSeconds);
  if (tgps !== undefined && tgps <= 0)
    errs.push(invalid(path.child('terminationGracePeriodSeconds'), tgps, 'must be greater than 0', 'validateProbe'));
  const success = value('successThreshold', 1);
  if (kind !== 'readiness' && success !== undefined && success !== 1) {
    errs.push(
      invalid(path.child('successThreshold'), success, 'must be 1', kind === 'liveness' ? 'validateLivenessProbe' : 'validateStartupProbe'),
    );
  }
  if (kind === 'readiness' && tgps !== undefined) {
    errs.push(invalid(path.child('terminationGracePeriodSeconds'), tgps, 'must not be set for readinessProbes', 'validateReadinessProbe'));
  }
  return errs;
}

function validateLifecycle(lifecycle: Obj, gracePeriod: number | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of ['postStart', 'preStop'] as const) {
    const h = obj(lifecycle[k]);
    if (h !== undefined) errs.push(...validateHandler(h, 'lifecycle', gracePeriod, path.child(k)));
  }
  return errs;
}

function validateProbesAndLifecycle(c: Obj, gracePeriod: number | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const lifecycle = obj(c.lifecycle);
  if (lifecycle !== undefined) errs.push(...validateLifecycle(lifecycle, gracePeriod, path.child('lifecycle')));
  errs.push(...validateProbe(obj(c.livenessProbe), 'liveness', gracePeriod, path.child('livenessProbe')));
  errs.push(...validateProbe(obj(c.readinessProbe), 'readiness', gracePeriod, path.child('readinessProbe')));
  errs.push(...validateProbe(obj(c.startupProbe), 'startup', gracePeriod, path.child('startupProbe')));
  return errs;
}

/** `checkHostPortConflicts` / `AccumulateUniqueHostPorts`: protocol/hostIP/hostPort unique. */
function checkHostPortConflicts(containers: readonly (readonly [Obj, number])[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  for (const [c, ci] of containers) {
    list(c.ports).forEach((p, pi) => {
      if (!isObj(p)) return;
      const hostPort = int(p.hostPort);
      if (hostPort === undefined || hostPort === 0) return;
      const key = `${defaulted(p.protocol, 'TCP') ?? ''}/${str(p.hostIP) ?? ''}/${hostPort}`;
      if (seen.has(key)) errs.push(duplicate(path.index(ci).child('ports').index(pi).child('hostPort'), key, 'AccumulateUniqueHostPorts'));
      else seen.add(key);
    });
  }
  return errs;
}

const objects = (v: unknown): (readonly [Obj, number])[] => {
  const out: (readonly [Obj, number])[] = [];
  list(v).forEach((c, i) => {
    if (isObj(c)) out.push([c, i]);
  });
  return out;
};

/** `validateContainers`. */
export function validateContainers(containers: unknown, ctx: PodContext, path: FieldPath): FieldError[] {
  const all = objects(containers);
  if (list(containers).length === 0) return [required(path, '', 'validateContainers')];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  for (const [c, i] of all) {
    const p = path.index(i);
    errs.push(...validateContainerCommon(c, ctx, p));
    const name = str(c.name);
    if (name !== undefined) {
      if (names.has(name)) errs.push(duplicate(p.child('name'), name, 'validateContainers'));
      else names.add(name);
    }
    errs.push(...validateProbesAndLifecycle(c, ctx.gracePeriod, p));
    if (c.restartPolicy !== undefined && c.restartPolicy !== null) {
      errs.push(forbidden(p.child('restartPolicy'), 'may not be set for non-init containers', 'validateContainers'));
    }
  }
  errs.push(...checkHostPortConflicts(all, path));
  return errs;
}

/** `validateInitContainers`. */
export function validateInitContainers(inits: unknown, containers: unknown, ctx: PodContext, path: FieldPath): FieldError[] {
  const rule = 'validateInitContainers';
  const errs: FieldError[] = [];
  const names = new Set<string>();
  for (const [c] of objects(containers)) {
    const name = str(c.name);
    if (name !== undefined) names.add(name);
  }
  for (const [c, i] of objects(inits)) {
    const p = path.index(i);
    errs.push(...validateContainerCommon(c, ctx, p));
    const restartPolicy = optStr(c.restartPolicy);
    if (restartPolicy !== undefined && restartPolicy !== 'Always')
      errs.push(notSupported(p.child('restartPolicy'), restartPolicy, ['Always'], 'validateInitContainerRestartPolicy'));
    const name = str(c.name);
    if (name !== undefined && names.has(name)) errs.push(duplicate(p.child('name'), name, rule));
    else if (name !== undefined && name !== '') names.add(name);
    errs.push(...checkHostPortConflicts([[c, i]], path));
    if (restartPolicy === 'Always') {
      errs.push(...validateProbesAndLifecycle(c, ctx.gracePeriod, p));
    } else {
      for (const k of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
        if (obj(c[k]) !== undefined)
          errs.push(forbidden(p.child(k), 'may not be set for init containers without restartPolicy=Always', rule));
      }
    }
  }
  return errs;
}

/** `validateEphemeralContainers`: names unique across all container kinds, a target that exists, no ports, probes, resources. */
export function validateEphemeralContainers(
  ephemeral: unknown,
  containers: unknown,
  inits: unknown,
  ctx: PodContext,
  path: FieldPath,
): FieldError[] {
  const rule = 'validateEphemeralContainers';
  const all = objects(ephemeral);
  if (all.length === 0) return [];
  const others = new Set<string>();
  for (const [c] of [...objects(containers), ...objects(inits)]) {
    const name = str(c.name);
    if (name !== undefined) others.add(name);
  }
  const names = new Set(others);
  const errs: FieldError[] = [];
  for (const [c, i] of all) {
    const p = path.index(i);
    errs.push(...validateContainerCommon(c, ctx, p));
    errs.push(...validateContainerOnlyForPod(c, p));
    const name = str(c.name);
    if (name !== undefined) {
      if (names.has(name)) errs.push(duplicate(p.child('name'), name, rule));
      else names.add(name);
    }
    const target = str(c.targetContainerName);
    if (target !== undefined && target !== '' && !others.has(target)) errs.push(notFound(p.child('targetContainerName'), target, rule));
    for (const k of EPHEMERAL_FORBIDDEN) {
      const v = c[k];
      const set = Array.isArray(v) ? v.length > 0 : isObj(v) ? Object.keys(v).length > 0 : v !== undefined && v !== null;
      if (set) errs.push(forbidden(p.child(k), 'cannot be set for an Ephemeral Container', 'validateFieldAllowList'));
    }
    list(c.volumeMounts).forEach((vm, j) => {
      if (!isObj(vm)) return;
      for (const k of ['subPath', 'subPathExpr'] as const) {
        const s = str(vm[k]);
        if (s !== undefined && s !== '')
          errs.push(forbidden(p.child('volumeMounts').index(j).child(k), 'cannot be set for an Ephemeral Container', rule));
      }
    });
  }
  return errs;
}

/** `validateContainerOnlyForPod`. */
export function validateContainerOnlyForPod(c: Obj, path: FieldPath): FieldError[] {
  const image = str(c.image);
  return image !== undefined && image !== image.trim()
    ? [invalid(path.child('image'), image, 'must not have leading or trailing whitespace', 'validateContainerOnlyForPod')]
    : [];
}

// ----- resources -----

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
const STANDARD_RESOURCES = new Set([
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'pods',
  'resourcequotas',
  'services',
  'replicationcontrollers',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'storage',
  'requests.storage',
  'services.nodeports',
  'services.loadbalancers',
]);
const INTEGER_RESOURCES = new Set([
  'pods',
  'resourcequotas',
  'services',
  'replicationcontrollers',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'services.nodeports',
  'services.loadbalancers',
]);

const isHugePages = (name: string): boolean => name.startsWith('hugepages-');
const isNative = (name: string): boolean => !name.includes('/') || name.includes('kubernetes.io/');
const isOvercommitAllowed = (name: string): boolean => isNative(name) && !isHugePages(name);
const isExtended = (name: string): boolean =>
  !isNative(name) && !name.startsWith('requests.') && isQualifiedName(`requests.${name}`).length === 0;
const isStandardResource = (name: string): boolean =>
  STANDARD_RESOURCES.has(name) || isHugePages(name) || name.startsWith('requests.hugepages-');

/** `validateContainerResourceName` over `validateResourceName`. */
function validateContainerResourceName(name: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = isQualifiedName(name).map((m) => invalid(path, name, m, 'validateResourceName'));
  if (errs.length > 0) return errs;
  if (!name.includes('/')) {
    if (!isStandardResource(name))
      errs.push(invalid(path, name, 'must be a standard resource type or fully qualified', 'validateResourceName'));
    if (!STANDARD_CONTAINER_RESOURCES.has(name) && !isHugePages(name)) {
      errs.push(invalid(path, name, 'must be a standard resource for containers', 'validateContainerResourceName'));
    }
  } else if (!isNative(name) && !isExtended(name)) {
    errs.push(invalid(path, name, "doesn't follow extended resource name standard", 'validateContainerResourceName'));
  }
  return errs;
}

/** `ValidateResourceQuantityValue`. */
function validateQuantityValue(name: string, q: ReadQuantity, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (q.value.num < 0n) errs.push(invalid(path, q.text, IS_NEGATIVE_ERROR, 'ValidateNonnegativeQuantity'));
  if ((INTEGER_RESOURCES.has(name) || isExtended(name)) && q.value.den !== 1n) {
    errs.push(invalid(path, q.text, 'must be an integer', 'ValidateResourceQuantityValue'));
  }
  return errs;
}

/** `validateResourceRequirements` for containers (hugepage size divisibility is not checked). */
function validateResources(resources: Obj | undefined, path: FieldPath): FieldError[] {
  if (resources === undefined) return [];
  const rule = 'validateResourceRequirements';
  const errs: FieldError[] = [];
  const limPath = path.child('limits');
  const reqPath = path.child('requests');
  const limits = new Map<string, ReadQuantity>();
  let cpuOrMemory = false;
  let hugePages = false;
  const limitsObj = obj(resources.limits) ?? {};
  for (const [name, raw] of Object.entries(limitsObj)) {
    const p = limPath.key(name);
    errs.push(...validateContainerResourceName(name, p));
    const q = quantity(raw);
    if (q === undefined) continue;
    limits.set(name, q);
    errs.push(...validateQuantityValue(name, q, p));
    if (isHugePages(name)) hugePages = true;
    if (name === 'cpu' || name === 'memory') cpuOrMemory = true;
  }
  for (const [name, raw] of Object.entries(obj(resources.requests) ?? {})) {
    const p = reqPath.key(name);
    errs.push(...validateContainerResourceName(name, p));
    const q = quantity(raw);
    if (q === undefined) continue;
    errs.push(...validateQuantityValue(name, q, p));
    const limit = limits.get(name);
    if (limit !== undefined) {
      const c = cmp(q, limit);
      if (c !== 0 && !isOvercommitAllowed(name))
        errs.push(invalid(reqPath, q.text, `must be equal to ${name} limit of ${limit.text}`, rule));
      else if (c > 0) errs.push(invalid(reqPath, q.text, `must be less than or equal to ${name} limit of ${limit.text}`, rule));
    } else if (!isOvercommitAllowed(name) && !(name in limitsObj)) {
      errs.push(required(limPath, 'Limit must be set for non overcommitable resources', rule));
    }
    if (isHugePages(name)) hugePages = true;
    if (name === 'cpu' || name === 'memory') cpuOrMemory = true;
  }
  if (hugePages && !cpuOrMemory) errs.push(forbidden(path, 'HugePages require cpu or memory', rule));
  return errs;
}

/** `validateResizePolicy`. */
function validateResizePolicy(policies: unknown, path: FieldPath, podRestartPolicy: string | undefined): FieldError[] {
  const rule = 'validateResizePolicy';
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  list(policies).forEach((p, i) => {
    if (!isObj(p)) return;
    const name = str(p.resourceName);
    const policy = str(p.restartPolicy);
    if (name === undefined || policy === undefined) return;
    if (seen.has(name)) errs.push(duplicate(path.index(i), name, rule));
    seen.add(name);
    if (name === '') errs.push(required(path, '', rule));
    else if (!(RESIZE_RESOURCES as readonly string[]).includes(name)) errs.push(notSupported(path, name, RESIZE_RESOURCES, rule));
    if (policy === '') errs.push(required(path, '', rule));
    else if (!(RESIZE_POLICIES as readonly string[]).includes(policy)) errs.push(notSupported(path, policy, RESIZE_POLICIES, rule));
    if (podRestartPolicy === 'Never' && policy !== 'NotRequired')
      errs.push(invalid(path, policy, "must be 'NotRequired' when `restartPolicy` is 'Never'", rule));
  });
  return errs;
}

// ----- security context -----

/** `ValidateSecurityContext` (privileged is allowed: GKE runs the API server with --allow-privileged). */
function validateSecurityContext(sc: Obj, path: FieldPath, hostUsers: boolean): FieldError[] {
  const rule = 'ValidateSecurityContext';
  const errs: FieldError[] = [];
  const runAsUser = int(sc.runAsUser);
  if (runAsUser !== undefined) for (const m of isValidUserID(runAsUser)) errs.push(invalid(path.child('runAsUser'), runAsUser, m, rule));
  const runAsGroup = int(sc.runAsGroup);
  if (runAsGroup !== undefined)
    for (const m of isValidGroupID(runAsGroup)) errs.push(invalid(path.child('runAsGroup'), runAsGroup, m, rule));
  const procMount = optStr(sc.procMount);
  if (procMount !== undefined) {
    if (!(PROC_MOUNT_TYPES as readonly string[]).includes(procMount))
      errs.push(notSupported(path.child('procMount'), procMount, PROC_MOUNT_TYPES, 'ValidateProcMountType'));
    if (hostUsers && procMount === 'Unmasked')
      errs.push(invalid(path.child('procMount'), procMount, '`hostUsers` must be false to use `Unmasked`', rule));
  }
  errs.push(...validateSeccompProfile(obj(sc.seccompProfile), path.child('seccompProfile')));
  if (sc.allowPrivilegeEscalation === false) {
    if (sc.privileged === true)
      errs.push(invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true', rule));
    for (const cap of list(obj(sc.capabilities)?.add)) {
      if (cap === 'CAP_SYS_ADMIN')
        errs.push(invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN', rule));
    }
  }
  errs.push(...validateAppArmorProfile(obj(sc.appArmorProfile), path.child('appArmorProfile')));
  return errs;
}

/** `validateSeccompProfileField`. */
export function validateSeccompProfile(sp: Obj | undefined, path: FieldPath): FieldError[] {
  if (sp === undefined) return [];
  const rule = 'validateSeccompProfileField';
  const errs: FieldError[] = [];
  const type = str(sp.type);
  if (type === undefined) return [];
  if (type === '') errs.push(required(path.child('type'), 'type is required when seccompProfile is set', 'validateSeccompProfileType'));
  else if (!(SECCOMP_TYPES as readonly string[]).includes(type))
    errs.push(notSupported(path.child('type'), type, SECCOMP_TYPES, 'validateSeccompProfileType'));
  const localhost = optStr(sp.localhostProfile);
  if (type === 'Localhost') {
    if (localhost === undefined) errs.push(required(path.child('localhostProfile'), 'must be set when seccomp type is Localhost', rule));
    else errs.push(...localDescendingPath(localhost, path.child('localhostProfile')));
  } else if (localhost !== undefined) {
    errs.push(invalid(path.child('localhostProfile'), sp, 'can only be set when seccomp type is Localhost', rule));
  }
  return errs;
}

/** `ValidateAppArmorProfileField`. */
export function validateAppArmorProfile(profile: Obj | undefined, path: FieldPath): FieldError[] {
  if (profile === undefined) return [];
  const rule = 'ValidateAppArmorProfileField';
  const type = str(profile.type);
  const localhost = optStr(profile.localhostProfile);
  switch (type) {
    case undefined:
      return [];
    case 'Localhost': {
      if (localhost === undefined) return [required(path.child('localhostProfile'), 'must be set when AppArmor type is Localhost', rule)];
      const errs: FieldError[] = [];
      if (localhost.trim() !== localhost)
        errs.push(invalid(path.child('localhostProfile'), localhost, 'must not be padded with whitespace', rule));
      else if (localhost === '') errs.push(required(path.child('localhostProfile'), 'must be set when AppArmor type is Localhost', rule));
      return errs;
    }
    case 'RuntimeDefault':
    case 'Unconfined':
      return localhost !== undefined
        ? [invalid(path.child('localhostProfile'), localhost, 'can only be set when AppArmor type is Localhost', rule)]
        : [];
    case '':
      return [required(path.child('type'), 'type is required when appArmorProfile is set', rule)];
    default:
      return [notSupported(path.child('type'), type, APPARMOR_TYPES, rule)];
  }
}
