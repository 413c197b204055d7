/**
 * The API server's create validation of workloads: apps/v1 Deployment, ReplicaSet, StatefulSet,
 * DaemonSet (kubernetes pkg/apis/apps/validation/validation.go), batch/v1 Job and CronJob (the main
 * rules of pkg/apis/batch/validation/validation.go) and v1 Pod (`ValidatePodCreate`), read after the
 * v1 defaults the API server applies first (replicas 1, RollingUpdate 25%/25%, progressDeadlineSeconds
 * 600, revisionHistoryLimit 10, template restartPolicy Always, ...).
 */
import type { ManifestObject } from '../../schema';
import { FieldPath, forbidden, invalid, notSupported, required, type FieldError } from '../field';
import {
  getIntOrPercentValue,
  intOrString,
  isNotMoreThan100Percent,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  validateLabelSelector,
  validateObjectMeta,
  validatePositiveIntOrPercent,
  type NameFn,
} from './meta';
import { IS_NEGATIVE_ERROR } from './pod-containers';
import { defaulted, int, intOr, isObj, list, obj, optStr, str, stringMap, type Obj } from './pod-read';
import { validatePodSpec, validatePodTemplateSpec } from './pod';

export type WorkloadValidator = (obj: ManifestObject) => FieldError[];

const SPEC = FieldPath.root('spec');
const METADATA = FieldPath.root('metadata');
const NO_MATCH = '`selector` does not match template `labels`';

const nonNegative = (v: number | undefined, path: FieldPath): FieldError[] =>
  v !== undefined && v < 0 ? [invalid(path, v, IS_NEGATIVE_ERROR, 'ValidateNonnegativeField')] : [];

/** `metav1.LabelSelectorAsSelector` + `Matches`: 'nothing' for a nil selector, 'invalid' when it does not convert. */
type Selector =
  | { readonly kind: 'nothing' }
  | { readonly kind: 'invalid' }
  | { readonly kind: 'selector'; readonly empty: boolean; readonly matches: (labels: Readonly<Record<string, string>>) => boolean };

function labelSelector(v: unknown): Selector {
  if (v === undefined || v === null) return { kind: 'nothing' };
  if (!isObj(v)) return { kind: 'invalid' };
  const tests: ((l: Readonly<Record<string, string>>) => boolean)[] = [];
  for (const [k, val] of Object.entries(obj(v.matchLabels) ?? {})) {
    if (typeof val !== 'string') return { kind: 'invalid' };
    tests.push((l) => l[k] === val);
  }
  for (const e of list(v.matchExpressions)) {
    if (!isObj(e) || typeof e.key !== 'string') return { kind: 'invalid' };
    const key = e.key;
    const values = list(e.values).filter((x): x is string => typeof x === 'string');
    switch (e.operator) {
      case 'In':
        if (values.length === 0) return { kind: 'invalid' };
        tests.push((l) => key in l && values.includes(l[key] ?? ''));
        break;
      case 'NotIn':
        if (values.length === 0) return { kind: 'invalid' };
        tests.push((l) => !(key in l) || !values.includes(l[key] ?? ''));
        break;
      case 'Exists':
        if (values.length > 0) return { kind: 'invalid' };
        tests.push((l) => key in l);
        break;
      case 'DoesNotExist':
        if (values.length > 0) return { kind: 'invalid' };
        tests.push((l) => !(key in l));
        break;
      default:
        return { kind: 'invalid' };
    }
  }
  return { kind: 'selector', empty: tests.length === 0, matches: (l) => tests.every((t) => t(l)) };
}

const templateLabels = (template: Obj | undefined): Readonly<Record<string, string>> => stringMap(obj(template?.metadata)?.labels) ?? {};

/** Whether a selector with matchLabels or matchExpressions is empty (`len(MatchLabels)+len(MatchExpressions) == 0`). */
const selectorIsEmpty = (s: Obj): boolean => Object.keys(obj(s.matchLabels) ?? {}).length + list(s.matchExpressions).length === 0;

/** The spec's selector: required, valid, non-empty (`empty selector is invalid for <kind>`). */
function requiredSelector(spec: Obj, kind: string): FieldError[] {
  const path = SPEC.child('selector');
  const s = spec.selector;
  if (s === undefined || s === null) return [required(path, '', `Validate${kind}Spec`)];
  if (!isObj(s)) return [];
  const errs = validateLabelSelector(s, path);
  if (selectorIsEmpty(s)) errs.push(invalid(path, s, `empty selector is invalid for ${kind.toLowerCase()}`, `Validate${kind}Spec`));
  return errs;
}

/** `ValidatePodTemplateSpecForReplicaSet` (Deployments and ReplicaSets). */
function podTemplateForReplicaSet(spec: Obj, owner: string): FieldError[] {
  const path = SPEC.child('template');
  const template = obj(spec.template);
  const selector = labelSelector(spec.selector);
  if (selector.kind === 'invalid')
    return [invalid(SPEC.child('selector'), spec.selector, 'invalid label selector', 'ValidateDeploymentSpec')];
  if (template === undefined) return [required(path, '', 'ValidatePodTemplateSpecForReplicaSet')];
  const errs: FieldError[] = [];
  const labels = templateLabels(template);
  if (selector.kind === 'nothing' || (!selector.empty && !selector.matches(labels))) {
    errs.push(invalid(path.child('metadata', 'labels'), labels, NO_MATCH, 'ValidatePodTemplateSpecForReplicaSet'));
  }
  errs.push(...validatePodTemplateSpec(template, path));
  errs.push(...alwaysRestart(template, path, owner, 'ValidatePodTemplateSpecForReplicaSet'));
  return errs;
}

/** Template restartPolicy Always and no activeDeadlineSeconds (ReplicaSet, StatefulSet, DaemonSet). */
function alwaysRestart(template: Obj, path: FieldPath, owner: string, rule: string): FieldError[] {
  const spec = obj(template.spec) ?? {};
  const errs: FieldError[] = [];
  const restartPolicy = defaulted(spec.restartPolicy, 'Always');
  if (restartPolicy !== undefined && restartPolicy !== 'Always')
    errs.push(notSupported(path.child('spec', 'restartPolicy'), restartPolicy, ['Always'], rule));
  if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds !== null) {
    errs.push(forbidden(path.child('spec', 'activeDeadlineSeconds'), `activeDeadlineSeconds in ${owner} is not Supported`, rule));
  }
  return errs;
}

/** `getIntOrPercentValue` with upstream's fallback: a string that is not a percent reads as 0 (`IntValue()`). */
function intOrPercent(v: unknown, dflt: number | string): number {
  const p = intOrString(v ?? dflt);
  if (p === undefined) return 0;
  const r = getIntOrPercentValue(p);
  if (r !== undefined) return r.value;
  return 'str' in p && /^[+-]?[0-9]+$/.test(p.str) ? Number(p.str) : 0;
}

const specOf = (o: ManifestObject): Obj => obj(o.spec) ?? {};
const meta = (o: ManifestObject, nameFn: NameFn): FieldError[] => validateObjectMeta(o.metadata, true, nameFn, METADATA);

/** `ValidateDeployment`. */
function validateDeployment(o: ManifestObject): FieldError[] {
  const spec = specOf(o);
  const errs = meta(o, nameIsDNSSubdomain);
  errs.push(...nonNegative(intOr(spec.replicas, 1), SPEC.child('replicas')));
  errs.push(...requiredSelector(spec, 'Deployment'));
  errs.push(...podTemplateForReplicaSet(spec, 'ReplicaSet'));
  errs.push(...validateDeploymentStrategy(obj(spec.strategy) ?? {}, SPEC.child('strategy')));
  const minReady = intOr(spec.minReadySeconds, 0);
  errs.push(...nonNegative(minReady, SPEC.child('minReadySeconds')));
  errs.push(...nonNegative(int(spec.revisionHistoryLimit), SPEC.child('revisionHistoryLimit')));
  const progress = intOr(spec.progressDeadlineSeconds, 600);
  if (progress !== undefined) {
    errs.push(...nonNegative(progress, SPEC.child('progressDeadlineSeconds')));
    if (minReady !== undefined && progress <= minReady) {
      errs.push(invalid(SPEC.child('progressDeadlineSeconds'), progress, 'must be greater than minReadySeconds', 'ValidateDeploymentSpec'));
    }
  }
  return errs;
}

/** `ValidateDeploymentStrategy` after defaulting (type RollingUpdate, maxUnavailable and maxSurge 25%). */
function validateDeploymentStrategy(strategy: Obj, path: FieldPath): FieldError[] {
  const rule = 'ValidateDeploymentStrategy';
  const type = defaulted(strategy.type, 'RollingUpdate');
  if (type === 'Recreate') {
    return obj(strategy.rollingUpdate) !== undefined
      ? [forbidden(path.child('rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'", rule)]
      : [];
  }
  if (type !== 'RollingUpdate') return type === undefined ? [] : [notSupported(path, strategy, ['Recreate', 'RollingUpdate'], rule)];
  const ru = obj(strategy.rollingUpdate) ?? {};
  const p = path.child('rollingUpdate');
  const maxUnavailable = ru.maxUnavailable ?? '25%';
  const maxSurge = ru.maxSurge ?? '25%';
  const errs = validatePositiveIntOrPercent(maxUnavailable, p.child('maxUnavailable'));
  errs.push(...validatePositiveIntOrPercent(maxSurge, p.child('maxSurge')));
  if (intOrPercent(maxUnavailable, '25%') === 0 && intOrPercent(maxSurge, '25%') === 0) {
    errs.push(invalid(p.child('maxUnavailable'), maxUnavailable, 'may not be 0 when `maxSurge` is 0', 'ValidateRollingUpdateDeployment'));
  }
  errs.push(...isNotMoreThan100Percent(maxUnavailable, p.child('maxUnavailable')));
  return errs;
}

/** `ValidateReplicaSet`. */
function validateReplicaSet(o: ManifestObject): FieldError[] {
  const spec = specOf(o);
  const errs = meta(o, nameIsDNSSubdomain);
  errs.push(...nonNegative(intOr(spec.replicas, 1), SPEC.child('replicas')));
  errs.push(...nonNegative(intOr(spec.minReadySeconds, 0), SPEC.child('minReadySeconds')));
  // upstream says "deployment" here too
  errs.push(...requiredSelector(spec, 'Deployment').map((e) => ({ ...e, rule: 'ValidateReplicaSetSpec' })));
  errs.push(...podTemplateForReplicaSet(spec, 'ReplicaSet'));
  return errs;
}

/** `ValidateStatefulSet` (upstream validates the template's labels and annotations only, not its pod spec). */
function validateStatefulSet(o: ManifestObject): FieldError[] {
  const rule = 'ValidateStatefulSetSpec';
  const spec = specOf(o);
  const errs = meta(o, nameIsDNSLabel);
  const pmp = defaulted(spec.podManagementPolicy, 'OrderedReady');
  if (pmp !== undefined && pmp !== 'OrderedReady' && pmp !== 'Parallel') {
    errs.push(invalid(SPEC.child('podManagementPolicy'), pmp, "must be 'OrderedReady' or 'Parallel'", rule));
  }
  const strategy = obj(spec.updateStrategy) ?? {};
  const type = defaulted(strategy.type, 'RollingUpdate');
  const ru = obj(strategy.rollingUpdate);
  if (type === 'OnDelete') {
    if (ru !== undefined)
      errs.push(invalid(SPEC.child('updateStrategy', 'rollingUpdate'), ru, "only allowed for updateStrategy 'RollingUpdate'", rule));
  } else if (type === 'RollingUpdate') {
    if (ru !== undefined) {
      const p = SPEC.child('updateStrategy', 'rollingUpdate');
      errs.push(...nonNegative(intOr(ru.partition, 0), p.child('partition')));
      if (ru.maxUnavailable !== undefined && ru.maxUnavailable !== null) {
        const mu = p.child('maxUnavailable');
        errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, mu));
        if (intOrPercent(ru.maxUnavailable, 1) === 0)
          errs.push(invalid(mu, ru.maxUnavailable, 'cannot be 0', 'validateRollingUpdateStatefulSet'));
        errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, mu));
      }
    }
  } else if (type !== undefined) {
    errs.push(invalid(SPEC.child('updateStrategy'), strategy, "must be 'RollingUpdate' or 'OnDelete'", rule));
  }
  const retention = obj(spec.persistentVolumeClaimRetentionPolicy);
  if (retention !== undefined) {
    for (const k of ['whenDeleted', 'whenScaled'] as const) {
      const v = defaulted(retention[k], 'Retain');
      if (v !== undefined && v !== 'Retain' && v !== 'Delete') {
        errs.push(
          notSupported(
            SPEC.child('persistentVolumeClaimRetentionPolicy', k),
            v,
            ['Retain', 'Delete'],
            'ValidatePersistentVolumeClaimRetentionPolicyType',
          ),
        );
      }
    }
  }
  errs.push(...nonNegative(intOr(spec.replicas, 1), SPEC.child('replicas')));
  errs.push(...nonNegative(intOr(spec.minReadySeconds, 0), SPEC.child('minReadySeconds')));
  const ordinals = obj(spec.ordinals);
  if (ordinals !== undefined) errs.push(...nonNegative(intOr(ordinals.start, 0), SPEC.child('ordinals.start')));
  errs.push(...requiredSelector(spec, 'StatefulSet'));
  const selector = labelSelector(spec.selector);
  const template = obj(spec.template) ?? {};
  const tPath = SPEC.child('template');
  if (selector.kind === 'invalid') errs.push(invalid(SPEC.child('selector'), spec.selector, '', rule));
  else {
    const labels = templateLabels(template);
    if (selector.kind === 'nothing' || (!selector.empty && !selector.matches(labels))) {
      errs.push(invalid(tPath.child('metadata', 'labels'), labels, NO_MATCH, 'ValidatePodTemplateSpecForStatefulSet'));
    }
    const tMeta = obj(template.metadata) ?? {};
    errs.push(...validatePodTemplateSpecMeta(tMeta, tPath));
  }
  errs.push(...alwaysRestart(template, tPath, 'StatefulSet', rule));
  return errs;
}

/** The template labels and annotations (what `ValidatePodTemplateSpecForStatefulSet` checks besides the selector). */
function validatePodTemplateSpecMeta(tMeta: Obj, path: FieldPath): FieldError[] {
  // reuse the template check with an empty spec: only labels and annotations can fail
  return validatePodTemplateSpec({ metadata: tMeta, spec: { containers: [{ name: 'c', image: 'i' }] } }, path);
}

/** `ValidateDaemonSet` after defaulting (RollingUpdate, maxUnavailable 1, maxSurge 0). */
function validateDaemonSet(o: ManifestObject): FieldError[] {
  const spec = specOf(o);
  const errs = meta(o, nameIsDNSSubdomain);
  const sPath = SPEC.child('selector');
  errs.push(...validateLabelSelector(spec.selector, sPath));
  const selector = labelSelector(spec.selector);
  const template = obj(spec.template) ?? {};
  const tPath = SPEC.child('template');
  const labels = templateLabels(template);
  if (selector.kind === 'nothing' || (selector.kind === 'selector' && !selector.matches(labels))) {
    errs.push(invalid(tPath.child('metadata', 'labels'), labels, NO_MATCH, 'ValidateDaemonSetSpec'));
  }
  const s = obj(spec.selector);
  if (s !== undefined && selectorIsEmpty(s))
    errs.push(invalid(sPath, s, 'empty selector is invalid for daemonset', 'ValidateDaemonSetSpec'));
  errs.push(...validatePodTemplateSpec(template, tPath));
  errs.push(...alwaysRestart(template, tPath, 'DaemonSet', 'ValidateDaemonSetSpec'));
  errs.push(...nonNegative(intOr(spec.minReadySeconds, 0), SPEC.child('minReadySeconds')));
  errs.push(...nonNegative(int(spec.templateGeneration), SPEC.child('templateGeneration')));
  const strategy = obj(spec.updateStrategy) ?? {};
  const type = defaulted(strategy.type, 'RollingUpdate');
  const sp = SPEC.child('updateStrategy');
  if (type === 'RollingUpdate') {
    const ru = obj(strategy.rollingUpdate) ?? {};
    const p = sp.child('rollingUpdate');
    const maxUnavailable = ru.maxUnavailable ?? 1;
    const maxSurge = ru.maxSurge ?? 0;
    errs.push(...validatePositiveIntOrPercent(maxUnavailable, p.child('maxUnavailable')));
    errs.push(...validatePositiveIntOrPercent(maxSurge, p.child('maxSurge')));
    errs.push(...isNotMoreThan100Percent(maxUnavailable, p.child('maxUnavailable')));
    errs.push(...isNotMoreThan100Percent(maxSurge, p.child('maxSurge')));
    const hasUnavailable = intOrPercent(maxUnavailable, 1) !== 0;
    const hasSurge = intOrPercent(maxSurge, 0) !== 0;
    if (hasUnavailable && hasSurge)
      errs.push(invalid(p.child('maxSurge'), maxSurge, 'may not be set when maxUnavailable is non-zero', 'ValidateRollingUpdateDaemonSet'));
    if (!hasUnavailable && !hasSurge)
      errs.push(required(p.child('maxUnavailable'), 'cannot be 0 when maxSurge is 0', 'ValidateRollingUpdateDaemonSet'));
  } else if (type !== 'OnDelete' && type !== undefined) {
    errs.push(notSupported(sp, strategy, ['RollingUpdate', 'OnDelete'], 'ValidateDaemonSetUpdateStrategy'));
  }
  errs.push(...nonNegative(int(spec.revisionHistoryLimit), SPEC.child('revisionHistoryLimit')));
  return errs;
}

/** `validateJobSpec`'s main rules (counts, the pod template, restartPolicy OnFailure or Never). */
function validateJobSpec(spec: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit'] as const) {
    errs.push(...nonNegative(int(spec[k]), path.child(k)));
  }
  const template = obj(spec.template) ?? {};
  const tPath = path.child('template');
  errs.push(...validatePodTemplateSpec(template, tPath));
  const restartPolicy = defaulted(obj(template.spec)?.restartPolicy, 'Always');
  if (restartPolicy !== undefined && restartPolicy !== 'OnFailure' && restartPolicy !== 'Never') {
    errs.push(notSupported(tPath.child('spec', 'restartPolicy'), restartPolicy, ['OnFailure', 'Never'], 'validateJobSpec'));
  }
  return errs;
}

/**
 * `ValidateJob`. The selector and the template's job labels are generated on create unless
 * `manualSelector` is true, so only a manual selector is checked against the template.
 */
function validateJob(o: ManifestObject): FieldError[] {
  const spec = specOf(o);
  const errs = meta(o, nameIsDNSSubdomain);
  errs.push(...validateJobSpec(spec, SPEC));
  if (spec.manualSelector === true) {
    const s = spec.selector;
    if (s === undefined || s === null) errs.push(required(SPEC.child('selector'), '', 'ValidateJobSpec'));
    else errs.push(...validateLabelSelector(s, SPEC.child('selector')));
    const selector = labelSelector(s);
    if (selector.kind === 'selector' && !selector.matches(templateLabels(obj(spec.template)))) {
      errs.push(invalid(SPEC.child('template', 'metadata', 'labels'), templateLabels(obj(spec.template)), NO_MATCH, 'ValidateJobSpec'));
    }
  }
  return errs;
}

/** `ValidateCronJob` (the schedule's cron syntax and timeZone are not checked). */
function validateCronJob(o: ManifestObject): FieldError[] {
  const spec = specOf(o);
  const errs = meta(o, nameIsDNSSubdomain);
  if (str(spec.schedule) === '') errs.push(required(SPEC.child('schedule'), '', 'ValidateCronJobSpec'));
  errs.push(...nonNegative(int(spec.startingDeadlineSeconds), SPEC.child('startingDeadlineSeconds')));
  const policy = defaulted(spec.concurrencyPolicy, 'Allow');
  if (policy !== undefined && policy !== 'Allow' && policy !== 'Forbid' && policy !== 'Replace') {
    errs.push(notSupported(SPEC.child('concurrencyPolicy'), policy, ['Allow', 'Forbid', 'Replace'], 'validateConcurrencyPolicy'));
  }
  const jobTemplate = obj(spec.jobTemplate) ?? {};
  const jobSpec = obj(jobTemplate.spec) ?? {};
  const jPath = SPEC.child('jobTemplate', 'spec');
  errs.push(...validateJobSpec(jobSpec, jPath));
  if (jobSpec.selector !== undefined && jobSpec.selector !== null) {
    errs.push(invalid(jPath.child('selector'), jobSpec.selector, '`selector` will be auto-generated', 'ValidateJobTemplateSpec'));
  }
  if (jobSpec.manualSelector === true)
    errs.push(notSupported(jPath.child('manualSelector'), true, ['nil', 'false'], 'ValidateJobTemplateSpec'));
  errs.push(...nonNegative(int(spec.successfulJobsHistoryLimit), SPEC.child('successfulJobsHistoryLimit')));
  errs.push(...nonNegative(int(spec.failedJobsHistoryLimit), SPEC.child('failedJobsHistoryLimit')));
  return errs;
}

/** `ValidatePodCreate`: metadata, the pod spec as a Pod's, no ephemeral containers, no nodeName while gated. */
function validatePod(o: ManifestObject): FieldError[] {
  const spec = specOf(o);
  const errs = meta(o, nameIsDNSSubdomain);
  errs.push(...validatePodSpec(spec, SPEC, { resourceIsPod: true }));
  if (list(spec.ephemeralContainers).length > 0)
    errs.push(forbidden(SPEC.child('ephemeralContainers'), 'cannot be set on create', 'ValidatePodCreate'));
  if ((optStr(spec.nodeName) ?? '') !== '' && list(spec.schedulingGates).length > 0) {
    errs.push(forbidden(SPEC.child('nodeName'), 'cannot be set until all schedulingGates have been cleared', 'ValidatePodCreate'));
  }
  return errs;
}

/** The workload validators, by `<apiVersion>/<kind>`. */
export const WORKLOAD_VALIDATORS: Readonly<Record<string, WorkloadValidator>> = Object.freeze({
  'apps/v1/Deployment': validateDeployment,
  'apps/v1/ReplicaSet': validateReplicaSet,
  'apps/v1/StatefulSet': validateStatefulSet,
  'apps/v1/DaemonSet': validateDaemonSet,
  'batch/v1/Job': validateJob,
  'batch/v1/CronJob': validateCronJob,
  'v1/Pod': validatePod,
});
