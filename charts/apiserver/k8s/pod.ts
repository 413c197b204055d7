/**
 * The API server's pod spec and pod template validation, ported from kubernetes
 * pkg/apis/core/validation/validation.go (`ValidatePodSpec`, `ValidatePodTemplateSpec` and the
 * checks they call), for the v1 objects as the API server sees them after its v1 defaults
 * (restartPolicy Always, dnsPolicy ClusterFirst, terminationGracePeriodSeconds 30, ...).
 * Containers live in pod-containers.ts, volumes and mounts in pod-volumes.ts.
 */
import { type FieldPath, duplicate, forbidden, invalid, notSupported, required, type FieldError } from '../field';
import { validateAnnotations, validateLabelName, validateLabelSelector, validateLabels } from './meta';
import {
  inclusiveRangeError,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidGroupID,
  isValidIP,
  isValidLabelValue,
  isValidUserID,
} from './primitives';
import {
  validateAppArmorProfile,
  validateContainerOnlyForPod,
  validateContainers,
  validateEphemeralContainers,
  validateInitContainers,
  validateSeccompProfile,
  type PodContext,
} from './pod-containers';
import { defaulted, int, intOr, isObj, list, obj, optStr, str, type Obj } from './pod-read';
import { validateVolumes } from './pod-volumes';

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'] as const;
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'] as const;
const PREEMPTION_POLICIES = ['PreemptLowerPriority', 'Never'] as const;
const FS_GROUP_CHANGE_POLICIES = ['Always', 'OnRootMismatch'] as const;
const SUPPLEMENTAL_GROUPS_POLICIES = ['Merge', 'Strict'] as const;
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;
const TOLERATION_OPERATORS = ['Equal', 'Exists'] as const;
const SCHEDULE_ACTIONS = ['DoNotSchedule', 'ScheduleAnyway'] as const;
const NODE_INCLUSION_POLICIES = ['Honor', 'Ignore'] as const;
const OS_NAMES = ['linux', 'windows'] as const;
const MAX_INT32 = 2147483647;
const IS_NOT_POSITIVE = 'must be greater than zero';
const SYSCTL_RE = /^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$/;
const SYSCTL_FMT = '^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$';

const has = (values: readonly string[], v: string): boolean => values.includes(v);

/** Options that differ between a Pod and a pod template embedded in a workload. */
export interface PodSpecOptions {
  /** The spec is a Pod's own (`opts.ResourceIsPod`), not a template's. */
  readonly resourceIsPod?: boolean;
}

/** `ValidatePodSpec`: `spec` is the pod spec object, `path` its field path (`spec`, `spec.template.spec`). */
export function validatePodSpec(spec: unknown, path: FieldPath, options: PodSpecOptions = {}): FieldError[] {
  if (!isObj(spec)) return [];
  const errs: FieldError[] = [];
  const gracePeriod = intOr(spec.terminationGracePeriodSeconds, 30);
  const podSc = obj(spec.securityContext);
  const hostUsers = podSc?.hostUsers !== false;
  const restartPolicy = defaulted(spec.restartPolicy, 'Always');
  const { volumes, errors } = validateVolumes(spec.volumes, path.child('volumes'));
  errs.push(...errors);
  const ctx: PodContext = { volumes, gracePeriod, hostUsers, restartPolicy };
  errs.push(...validateContainers(spec.containers, ctx, path.child('containers')));
  errs.push(...validateInitContainers(spec.initContainers, spec.containers, ctx, path.child('initContainers')));
  errs.push(
    ...validateEphemeralContainers(spec.ephemeralContainers, spec.containers, spec.initContainers, ctx, path.child('ephemeralContainers')),
  );
  errs.push(...validatePodHostNetworkDeps(spec, path));
  if (restartPolicy !== undefined && !has(RESTART_POLICIES, restartPolicy)) {
    errs.push(notSupported(path.child('restartPolicy'), restartPolicy, RESTART_POLICIES, 'validateRestartPolicy'));
  }
  const dnsPolicy = defaulted(spec.dnsPolicy, 'ClusterFirst');
  if (dnsPolicy !== undefined && !has(DNS_POLICIES, dnsPolicy))
    errs.push(notSupported(path.child('dnsPolicy'), dnsPolicy, DNS_POLICIES, 'validateDNSPolicy'));
  errs.push(...validateLabels(spec.nodeSelector, path.child('nodeSelector')));
  errs.push(...validatePodSecurityContext(spec, podSc, path.child('securityContext')));
  errs.push(...validateAffinity(obj(spec.affinity), path.child('affinity')));
  errs.push(...validateDNSConfig(obj(spec.dnsConfig), dnsPolicy, path.child('dnsConfig')));
  list(spec.readinessGates).forEach((g, i) => {
    const t = isObj(g) ? str(g.conditionType) : undefined;
    if (t !== undefined) errs.push(...qualifiedName(t, path.child('readinessGates').index(i).child('conditionType')));
  });
  errs.push(...validateSchedulingGates(spec.schedulingGates, path.child('schedulingGates')));
  errs.push(...validateTopologySpreadConstraints(spec.topologySpreadConstraints, path.child('topologySpreadConstraints')));
  errs.push(...validateHostUsers(spec, podSc, path));
  errs.push(...nameField(spec.serviceAccountName, path.child('serviceAccountName')));
  errs.push(...nameField(spec.nodeName, path.child('nodeName')));
  const deadline = int(spec.activeDeadlineSeconds);
  if (deadline !== undefined && (deadline < 1 || deadline > MAX_INT32)) {
    errs.push(invalid(path.child('activeDeadlineSeconds'), deadline, inclusiveRangeError(1, MAX_INT32), 'ValidatePodSpec'));
  }
  for (const k of ['hostname', 'subdomain'] as const) {
    const v = str(spec[k]);
    if (v !== undefined && v !== '') for (const m of isDNS1123Label(v)) errs.push(invalid(path.child(k), v, m, 'ValidateDNS1123Label'));
  }
  errs.push(...validateTolerations(spec.tolerations, path.child('tolerations')));
  errs.push(...validateHostAliases(spec.hostAliases, path.child('hostAliases')));
  errs.push(...nameField(spec.priorityClassName, path.child('priorityClassName')));
  const runtimeClassName = optStr(spec.runtimeClassName);
  if (runtimeClassName !== undefined) {
    for (const m of isDNS1123Subdomain(runtimeClassName))
      errs.push(invalid(path.child('runtimeClassName'), runtimeClassName, m, 'ValidateRuntimeClassName'));
  }
  const preemption = optStr(spec.preemptionPolicy);
  if (preemption === '') errs.push(required(path.child('preemptionPolicy'), '', 'ValidatePreemptionPolicy'));
  else if (preemption !== undefined && !has(PREEMPTION_POLICIES, preemption)) {
    errs.push(notSupported(path.child('preemptionPolicy'), preemption, PREEMPTION_POLICIES, 'ValidatePreemptionPolicy'));
  }
  errs.push(...validateOS(spec, path));
  if (options.resourceIsPod === true) {
    for (const kind of ['containers', 'initContainers'] as const) {
      list(spec[kind]).forEach((c, i) => {
        if (isObj(c)) errs.push(...validateContainerOnlyForPod(c, path.child(kind).index(i)));
      });
    }
  }
  return errs;
}

/**
 * `ValidatePodTemplateSpec`: template labels and annotations, the pod spec, no ephemeral containers.
 * `path` is the template's (`spec.template`).
 */
export function validatePodTemplateSpec(template: unknown, path: FieldPath): FieldError[] {
  if (!isObj(template)) return [];
  const meta = obj(template.metadata) ?? {};
  const spec = obj(template.spec);
  const errs = validateLabels(meta.labels, path.child('labels'));
  errs.push(...validateAnnotations(meta.annotations, path.child('annotations')));
  errs.push(...validatePodSpec(spec ?? {}, path.child('spec')));
  if (spec !== undefined && list(spec.ephemeralContainers).length > 0) {
    errs.push(
      forbidden(path.child('spec', 'ephemeralContainers'), 'ephemeral containers not allowed in pod template', 'ValidatePodTemplateSpec'),
    );
  }
  return errs;
}

const qualifiedName = (value: string, path: FieldPath): FieldError[] =>
  isQualifiedName(value).map((m) => invalid(path, value, m, 'ValidateQualifiedName'));

/** A DNS-subdomain name field checked when set (serviceAccountName, nodeName, priorityClassName). */
function nameField(v: unknown, path: FieldPath): FieldError[] {
  const name = str(v);
  if (name === undefined || name === '') return [];
  return isDNS1123Subdomain(name).map((m) => invalid(path, name, m, 'ValidatePodSpec'));
}

/** `validatePodHostNetworkDeps`: with hostNetwork, a set hostPort must equal containerPort. */
function validatePodHostNetworkDeps(spec: Obj, path: FieldPath): FieldError[] {
  if (spec.hostNetwork !== true) return [];
  const errs: FieldError[] = [];
  list(spec.containers).forEach((c, i) => {
    if (!isObj(c)) return;
    list(c.ports).forEach((p, j) => {
      if (!isObj(p)) return;
      const hp = intOr(p.hostPort, 0);
      const cp = intOr(p.containerPort, 0);
      if (hp !== undefined && cp !== undefined && hp !== 0 && hp !== cp) {
        const at = path.child('containers').index(i).child('ports').index(j).child('hostPort');
        errs.push(invalid(at, hp, 'must match `containerPort` when `hostNetwork` is true', 'validatePodHostNetworkDeps'));
      }
    });
  });
  return errs;
}

/** `validateHostUsers` (upstream's paths, `HostPID` and `HostIPC` capitalised). */
function validateHostUsers(spec: Obj, sc: Obj | undefined, path: FieldPath): FieldError[] {
  if (sc === undefined || sc.hostUsers !== false) return [];
  const errs: FieldError[] = [];
  const msg = 'when `pod.Spec.HostUsers` is false';
  if (spec.hostNetwork === true) errs.push(forbidden(path.child('hostNetwork'), msg, 'validateHostUsers'));
  if (spec.hostPID === true) errs.push(forbidden(path.child('HostPID'), msg, 'validateHostUsers'));
  if (spec.hostIPC === true) errs.push(forbidden(path.child('HostIPC'), msg, 'validateHostUsers'));
  return errs;
}

/** `validatePodSpecSecurityContext` (hostPID and shareProcessNamespace sit on the v1 pod spec). */
function validatePodSecurityContext(spec: Obj, sc: Obj | undefined, path: FieldPath): FieldError[] {
  if (sc === undefined) return [];
  const rule = 'validatePodSpecSecurityContext';
  const errs: FieldError[] = [];
  for (const [k, check] of [
    ['fsGroup', isValidGroupID],
    ['runAsUser', isValidUserID],
    ['runAsGroup', isValidGroupID],
  ] as const) {
    const v = int(sc[k]);
    if (v !== undefined) for (const m of check(v)) errs.push(invalid(path.child(k), v, m, rule));
  }
  list(sc.supplementalGroups).forEach((g, i) => {
    const v = int(g);
    if (v !== undefined) for (const m of isValidGroupID(v)) errs.push(invalid(path.child('supplementalGroups').index(i), v, m, rule));
  });
  if (spec.shareProcessNamespace === true && spec.hostPID === true) {
    errs.push(invalid(path.child('shareProcessNamespace'), true, 'ShareProcessNamespace and HostPID cannot both be enabled', rule));
  }
  errs.push(...validateSysctls(sc.sysctls, spec, path.child('sysctls')));
  const fsPolicy = optStr(sc.fsGroupChangePolicy);
  if (fsPolicy !== undefined && !has(FS_GROUP_CHANGE_POLICIES, fsPolicy)) {
    errs.push(notSupported(path.child('fsGroupChangePolicy'), fsPolicy, FS_GROUP_CHANGE_POLICIES, 'validateFSGroupChangePolicy'));
  }
  errs.push(...validateSeccompProfile(obj(sc.seccompProfile), path.child('seccompProfile')));
  errs.push(...validateAppArmorProfile(obj(sc.appArmorProfile), path.child('appArmorProfile')));
  const sgPolicy = optStr(sc.supplementalGroupsPolicy);
  if (sgPolicy !== undefined && !has(SUPPLEMENTAL_GROUPS_POLICIES, sgPolicy)) {
    errs.push(
      notSupported(path.child('supplementalGroupsPolicy'), sgPolicy, SUPPLEMENTAL_GROUPS_POLICIES, 'validateSupplementalGroupsPolicy'),
    );
  }
  return errs;
}

/** `validateSysctls` (without the host-namespace check, which needs the sysctl namespace table). */
function validateSysctls(sysctls: unknown, spec: Obj, path: FieldPath): FieldError[] {
  void spec;
  const errs: FieldError[] = [];
  const names = new Set<string>();
  list(sysctls).forEach((s, i) => {
    const name = isObj(s) ? str(s.name) : undefined;
    if (name === undefined) return;
    const p = path.index(i).child('name');
    if (name === '') errs.push(required(p, '', 'validateSysctls'));
    else if (name.length > 253 || !SYSCTL_RE.test(name))
      errs.push(invalid(p, name, `must have at most 253 characters and match regex ${SYSCTL_FMT}`, 'validateSysctls'));
    else if (names.has(name)) errs.push(duplicate(p, name, 'validateSysctls'));
    names.add(name);
  });
  return errs;
}

/** `validateAffinity`. */
function validateAffinity(affinity: Obj | undefined, path: FieldPath): FieldError[] {
  if (affinity === undefined) return [];
  const errs: FieldError[] = [];
  const node = obj(affinity.nodeAffinity);
  if (node !== undefined) {
    const p = path.child('nodeAffinity');
    const requiredSelector = obj(node.requiredDuringSchedulingIgnoredDuringExecution);
    if (requiredSelector !== undefined)
      errs.push(...validateNodeSelector(requiredSelector, p.child('requiredDuringSchedulingIgnoredDuringExecution')));
    list(node.preferredDuringSchedulingIgnoredDuringExecution).forEach((t, i) => {
      if (!isObj(t)) return;
      const tp = p.child('preferredDuringSchedulingIgnoredDuringExecution').index(i);
      errs.push(...weight(t.weight, tp.child('weight')));
      const pref = obj(t.preference);
      if (pref !== undefined) errs.push(...validateNodeSelectorTerm(pref, true, tp.child('preference')));
    });
  }
  for (const kind of ['podAffinity', 'podAntiAffinity'] as const) {
    const a = obj(affinity[kind]);
    if (a === undefined) continue;
    const p = path.child(kind);
    list(a.requiredDuringSchedulingIgnoredDuringExecution).forEach((t, i) => {
      if (isObj(t)) errs.push(...validatePodAffinityTerm(t, p.child('requiredDuringSchedulingIgnoredDuringExecution').index(i)));
    });
    list(a.preferredDuringSchedulingIgnoredDuringExecution).forEach((t, i) => {
      if (!isObj(t)) return;
      const tp = p.child('preferredDuringSchedulingIgnoredDuringExecution').index(i);
      errs.push(...weight(t.weight, tp.child('weight')));
      const term = obj(t.podAffinityTerm);
      if (term !== undefined) errs.push(...validatePodAffinityTerm(term, tp.child('podAffinityTerm')));
    });
  }
  return errs;
}

function weight(v: unknown, path: FieldPath): FieldError[] {
  const w = intOr(v, 0);
  return w !== undefined && (w <= 0 || w > 100) ? [invalid(path, w, 'must be in the range 1-100', 'ValidatePreferredSchedulingTerms')] : [];
}

/** `ValidateNodeSelector`. */
function validateNodeSelector(selector: Obj, path: FieldPath): FieldError[] {
  const terms = list(selector.nodeSelectorTerms);
  const termPath = path.child('nodeSelectorTerms');
  if (terms.length === 0) return [required(termPath, 'must have at least one node selector term', 'ValidateNodeSelector')];
  const errs: FieldError[] = [];
  terms.forEach((t, i) => {
    if (isObj(t)) errs.push(...validateNodeSelectorTerm(t, false, termPath.index(i)));
  });
  return errs;
}

/** `ValidateNodeSelectorTerm` (matchExpressions; matchFields only accept metadata.name). */
function validateNodeSelectorTerm(term: Obj, allowInvalidValues: boolean, path: FieldPath): FieldError[] {
  const rule = 'ValidateNodeSelectorRequirement';
  const errs: FieldError[] = [];
  list(term.matchExpressions).forEach((r, i) => {
    if (!isObj(r)) return;
    const p = path.child('matchExpressions').index(i);
    const values = list(r.values);
    const op = str(r.operator) ?? '';
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0) errs.push(required(p.child('values'), "must be specified when `operator` is 'In' or 'NotIn'", rule));
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length > 0)
        errs.push(forbidden(p.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'", rule));
    } else if (op === 'Gt' || op === 'Lt') {
      if (values.length !== 1)
        errs.push(required(p.child('values'), "must be specified single value when `operator` is 'Lt' or 'Gt'", rule));
    } else {
      errs.push(invalid(p.child('operator'), op, 'not a valid selector operator', rule));
    }
    errs.push(...validateLabelName(str(r.key) ?? '', p.child('key')));
    if (!allowInvalidValues) {
      values.forEach((v, j) => {
        if (typeof v === 'string') for (const m of isValidLabelValue(v)) errs.push(invalid(p.child('values').index(j), v, m, rule));
      });
    }
  });
  list(term.matchFields).forEach((r, i) => {
    if (!isObj(r)) return;
    const p = path.child('matchFields').index(i);
    const op = str(r.operator) ?? '';
    const values = list(r.values);
    if (op === 'In' || op === 'NotIn') {
      if (values.length !== 1)
        errs.push(
          required(
            p.child('values'),
            "must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
            'ValidateNodeFieldSelectorRequirement',
          ),
        );
    } else {
      errs.push(invalid(p.child('operator'), op, 'not a valid selector operator', 'ValidateNodeFieldSelectorRequirement'));
    }
    const key = str(r.key) ?? '';
    if (key !== 'metadata.name')
      errs.push(invalid(p.child('key'), key, 'not a valid field selector key', 'ValidateNodeFieldSelectorRequirement'));
    else {
      values.forEach((v, j) => {
        if (typeof v === 'string')
          for (const m of isDNS1123Subdomain(v))
            errs.push(invalid(p.child('values').index(j), v, m, 'ValidateNodeFieldSelectorRequirement'));
      });
    }
  });
  return errs;
}

/** `validatePodAffinityTerm`. */
function validatePodAffinityTerm(term: Obj, path: FieldPath): FieldError[] {
  const rule = 'validatePodAffinityTerm';
  const errs = validateLabelSelector(term.labelSelector, path.child('labelSelector'));
  errs.push(...validateLabelSelector(term.namespaceSelector, path.child('namespaceSelector')));
  for (const ns of list(term.namespaces)) {
    if (typeof ns === 'string') for (const m of isDNS1123Label(ns)) errs.push(invalid(path.child('namespace'), ns, m, rule));
  }
  const selector = obj(term.labelSelector);
  errs.push(...labelKeys(term.matchLabelKeys, selector, path.child('matchLabelKeys')));
  errs.push(...labelKeys(term.mismatchLabelKeys, selector, path.child('mismatchLabelKeys')));
  const key = str(term.topologyKey);
  if (key === undefined) return errs;
  if (key === '') errs.push(required(path.child('topologyKey'), 'can not be empty', rule));
  errs.push(...validateLabelName(key, path.child('topologyKey')));
  return errs;
}

/** `validateLabelKeys` (matchLabelKeys / mismatchLabelKeys of pod affinity terms). */
function labelKeys(keys: unknown, selector: Obj | undefined, path: FieldPath): FieldError[] {
  const all = list(keys);
  if (all.length === 0) return [];
  if (selector === undefined) return [forbidden(path, 'must not be specified when labelSelector is not set', 'validateLabelKeys')];
  const errs: FieldError[] = [];
  all.forEach((k, i) => {
    if (typeof k === 'string') errs.push(...validateLabelName(k, path.index(i)));
  });
  return errs;
}

/** `ValidateTolerations`. */
function validateTolerations(tolerations: unknown, path: FieldPath): FieldError[] {
  const rule = 'ValidateTolerations';
  const errs: FieldError[] = [];
  list(tolerations).forEach((t, i) => {
    if (!isObj(t)) return;
    const p = path.index(i);
    const key = str(t.key) ?? '';
    const op = str(t.operator) ?? '';
    const value = str(t.value) ?? '';
    const effect = str(t.effect) ?? '';
    if (key !== '') errs.push(...validateLabelName(key, p.child('key')));
    if (key === '' && op !== 'Exists') {
      errs.push(
        invalid(p.child('operator'), op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"', rule),
      );
    }
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && effect !== 'NoExecute') {
      errs.push(invalid(p.child('effect'), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set", rule));
    }
    if (op === 'Equal' || op === '') {
      const msgs = isValidLabelValue(value);
      if (msgs.length > 0) errs.push(invalid(p.child('operator'), value, msgs.join(';'), rule));
    } else if (op === 'Exists') {
      if (value !== '') errs.push(invalid(p.child('operator'), value, "value must be empty when `operator` is 'Exists'", rule));
    } else {
      errs.push(notSupported(p.child('operator'), op, TOLERATION_OPERATORS, rule));
    }
    if (effect !== '' && !has(TAINT_EFFECTS, effect))
      errs.push(notSupported(p.child('effect'), effect, TAINT_EFFECTS, 'validateTaintEffect'));
  });
  return errs;
}

/** `ValidateHostAliases`. */
function validateHostAliases(aliases: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  list(aliases).forEach((a, i) => {
    if (!isObj(a)) return;
    const p = path.index(i);
    const ip = str(a.ip);
    if (ip !== undefined) errs.push(...isValidIP(p.child('ip'), ip, 'ValidateHostAliases'));
    list(a.hostnames).forEach((h, j) => {
      if (typeof h === 'string')
        for (const m of isDNS1123Subdomain(h)) errs.push(invalid(p.child('hostnames').index(j), h, m, 'ValidateHostAliases'));
    });
  });
  return errs;
}

/** `validatePodDNSConfig` (searches with the relaxed check, RelaxedDNSSearchValidation GA since 1.34). */
function validateDNSConfig(config: Obj | undefined, dnsPolicy: string | undefined, path: FieldPath): FieldError[] {
  const rule = 'validatePodDNSConfig';
  if (dnsPolicy === 'None') {
    if (config === undefined) return [required(path, 'must provide `dnsConfig` when `dnsPolicy` is None', rule)];
    if (list(config.nameservers).length === 0)
      return [required(path.child('nameservers'), 'must provide at least one DNS nameserver when `dnsPolicy` is None', rule)];
  }
  if (config === undefined) return [];
  const errs: FieldError[] = [];
  const nameservers = list(config.nameservers);
  if (nameservers.length > 3) errs.push(invalid(path.child('nameservers'), nameservers, 'must not have more than 3 nameservers', rule));
  nameservers.forEach((ns, i) => {
    if (typeof ns === 'string') errs.push(...isValidIP(path.child('nameservers').index(i), ns, rule));
  });
  const searches = list(config.searches).filter((s): s is string => typeof s === 'string');
  if (searches.length > 32) errs.push(invalid(path.child('searches'), searches, 'must not have more than 32 search paths', rule));
  if (searches.join(' ').length > 2048) {
    errs.push(
      invalid(path.child('searches'), searches, 'must not have more than 2048 characters (including spaces) in the search list', rule),
    );
  }
  searches.forEach((s, i) => {
    if (s === '.') return;
    const trimmed = s.endsWith('.') ? s.slice(0, -1) : s;
    // IsDNS1123SubdomainWithUnderscore: the subdomain check with '_' allowed
    for (const m of isDNS1123Subdomain(trimmed.replaceAll('_', 'a'))) errs.push(invalid(path.child('searches').index(i), trimmed, m, rule));
  });
  list(config.options).forEach((o, i) => {
    if (isObj(o) && (str(o.name) ?? '') === '') errs.push(required(path.child('options').index(i), 'must not be empty', rule));
  });
  return errs;
}

/** `validateSchedulingGates`. */
function validateSchedulingGates(gates: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  list(gates).forEach((g, i) => {
    const name = isObj(g) ? str(g.name) : undefined;
    if (name === undefined) return;
    errs.push(...qualifiedName(name, path.index(i)));
    if (seen.has(name)) errs.push(duplicate(path.index(i), name, 'validateSchedulingGates'));
    seen.add(name);
  });
  return errs;
}

/** `validateTopologySpreadConstraints`. */
function validateTopologySpreadConstraints(constraints: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const all = list(constraints);
  all.forEach((c, i) => {
    if (!isObj(c)) return;
    const p = path.index(i);
    const maxSkew = intOr(c.maxSkew, 0);
    if (maxSkew !== undefined && maxSkew <= 0) errs.push(invalid(p.child('maxSkew'), maxSkew, IS_NOT_POSITIVE, 'ValidateMaxSkew'));
    const key = str(c.topologyKey) ?? '';
    if (key === '') errs.push(required(p.child('topologyKey'), 'can not be empty', 'ValidateTopologyKey'));
    const action = str(c.whenUnsatisfiable) ?? '';
    if (!has(SCHEDULE_ACTIONS, action))
      errs.push(notSupported(p.child('whenUnsatisfiable'), action, SCHEDULE_ACTIONS, 'ValidateWhenUnsatisfiable'));
    const repeated = all
      .slice(i + 1)
      .some((o) => isObj(o) && (str(o.topologyKey) ?? '') === key && (str(o.whenUnsatisfiable) ?? '') === action);
    if (repeated)
      errs.push(duplicate(p.child('{topologyKey, whenUnsatisfiable}'), `{${key}, ${action}}`, 'ValidateSpreadConstraintNotRepeat'));
    const minDomains = int(c.minDomains);
    if (minDomains !== undefined) {
      if (minDomains <= 0) errs.push(invalid(p.child('minDomains'), minDomains, IS_NOT_POSITIVE, 'validateMinDomains'));
      if (action !== 'DoNotSchedule') {
        errs.push(
          invalid(
            p.child('minDomains'),
            minDomains,
            `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${action}`,
            'validateMinDomains',
          ),
        );
      }
    }
    for (const k of ['nodeAffinityPolicy', 'nodeTaintsPolicy'] as const) {
      const policy = optStr(c[k]);
      if (policy !== undefined && !has(NODE_INCLUSION_POLICIES, policy))
        errs.push(notSupported(p.child(k), policy, NODE_INCLUSION_POLICIES, 'validateNodeInclusionPolicy'));
    }
    const selector = obj(c.labelSelector);
    const matchLabelKeys = list(c.matchLabelKeys);
    if (matchLabelKeys.length > 0) {
      const mp = p.child('matchLabelKeys');
      const selectorKeys = new Set<string>();
      if (selector === undefined)
        errs.push(forbidden(mp, 'must not be specified when labelSelector is not set', 'validateMatchLabelKeysInTopologySpread'));
      else {
        for (const k of Object.keys(obj(selector.matchLabels) ?? {})) selectorKeys.add(k);
        for (const e of list(selector.matchExpressions)) if (isObj(e) && typeof e.key === 'string') selectorKeys.add(e.key);
      }
      matchLabelKeys.forEach((k, j) => {
        if (typeof k !== 'string') return;
        errs.push(...validateLabelName(k, mp.index(j)));
        if (selectorKeys.has(k))
          errs.push(invalid(mp.index(j), k, 'exists in both matchLabelKeys and labelSelector', 'validateMatchLabelKeysInTopologySpread'));
      });
    }
    errs.push(...validateLabelSelector(c.labelSelector, p.child('labelSelector')));
  });
  return errs;
}

/** `validateOS` and, for linux pods, `validateLinux` (windowsOptions forbidden). */
function validateOS(spec: Obj, path: FieldPath): FieldError[] {
  const os = obj(spec.os);
  if (os === undefined) return [];
  const name = str(os.name);
  if (name === undefined) return [];
  if (name === '') return [required(path.child('os', 'name'), 'cannot be empty', 'validateOS')];
  if (!has(OS_NAMES, name)) return [notSupported(path.child('os'), name, OS_NAMES, 'validateOS')];
  if (name !== 'linux') return [];
  const errs: FieldError[] = [];
  const msg = 'windows options cannot be set for a linux pod';
  if (obj(obj(spec.securityContext)?.windowsOptions) !== undefined)
    errs.push(forbidden(path.child('securityContext', 'windowsOptions'), msg, 'validateLinux'));
  for (const kind of ['initContainers', 'containers', 'ephemeralContainers'] as const) {
    list(spec[kind]).forEach((c, i) => {
      if (isObj(c) && obj(obj(c.securityContext)?.windowsOptions) !== undefined) {
        errs.push(forbidden(path.child(kind).index(i).child('securityContext', 'windowsOptions'), msg, 'validateLinux'));
      }
    });
  }
  return errs;
}
