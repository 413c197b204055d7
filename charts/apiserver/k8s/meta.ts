/**
 * Object metadata and label selectors as the API server validates them on create, ported from
 * k8s.io/apimachinery v0.35.7 `pkg/api/validation/{objectmeta,generic}.go` and
 * `pkg/apis/meta/v1/validation/validation.go`, plus kubernetes `pkg/apis/core/validation`
 * `ValidateObjectMeta` (which adds `validateKubeFinalizerName`), and the int-or-string helpers
 * of `pkg/apis/apps/validation` / core `ValidatePortNumOrName`.
 *
 * Exported:
 * - validateObjectMeta(meta, namespaced, nameFn, path): FieldError[]
 * - validateLabels(labels, path), validateLabelName(key, path), validateAnnotations(annotations, path)
 * - validateLabelSelector(selector, path): FieldError[]   (`ValidateLabelSelector`, default options)
 * - name functions (`ValidateNameFunc`, prefix = false): nameIsDNSSubdomain, nameIsDNSLabel,
 *   nameIsDNS1035Label, validateNamespaceName, validateServiceAccountName, nameIsPathSegment
 * - int-or-string: validatePortNumOrName, validatePositiveIntOrPercent, isNotMoreThan100Percent,
 *   getIntOrPercentValue; validateNonnegativeField; isRecord, stringMap
 * - messages: IS_NEGATIVE_ERROR_MSG, TOTAL_ANNOTATION_SIZE_LIMIT_B
 *
 * Input is plain parsed YAML: a field of the wrong type is skipped (the OpenAPI check reports it).
 * Go iterates maps in random order; we keep the object's key order, so messages are deterministic.
 */
import { type FieldPath, forbidden, invalid, notSupported, required, tooLong, type FieldError } from '../field';
import {
  byteLength,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  isValidPercent,
  isValidPortName,
  isValidPortNum,
} from './primitives';
import { isRecord } from '../../../core/json';

/** `ValidateNameFunc` with prefix = false (manifests carry names, not generateName prefixes). */
export type NameFn = (name: string) => readonly string[];

export const IS_NEGATIVE_ERROR_MSG = 'must be greater than or equal to 0';
/** `TotalAnnotationSizeLimitB`: 256 KiB. */
export const TOTAL_ANNOTATION_SIZE_LIMIT_B = 256 * 1024;

export { isRecord };

/** The string entries of a map[string]string field (others are the schema's to report). */
export function stringMap(v: unknown): [string, string][] {
  if (!isRecord(v)) return [];
  const out: [string, string][] = [];
  for (const k of Object.keys(v)) {
    const x = v[k];
    if (typeof x === 'string') out.push([k, x]);
  }
  return out;
}

const maskTrailingDash = (name: string): string => (name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name);

/** `NameIsDNSSubdomain`. */
export const nameIsDNSSubdomain: NameFn = (name) => isDNS1123Subdomain(name);
/** `NameIsDNSLabel`. */
export const nameIsDNSLabel: NameFn = (name) => isDNS1123Label(name);
/** `NameIsDNS1035Label`. */
export const nameIsDNS1035Label: NameFn = (name) => isDNS1035Label(name);
/** `ValidateNamespaceName` (= NameIsDNSLabel). */
export const validateNamespaceName: NameFn = nameIsDNSLabel;
/** `ValidateServiceAccountName` (= NameIsDNSSubdomain). */
export const validateServiceAccountName: NameFn = nameIsDNSSubdomain;
/** The prefix form (`generateName`): a trailing dash is allowed. */
export const asPrefix =
  (fn: NameFn): NameFn =>
  (name) =>
    fn(maskTrailingDash(name));

/** `path.ValidatePathSegmentName` (prefix = false): the RBAC name function (`ValidateRBACName`). */
export const nameIsPathSegment: NameFn = (name) => {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  const errs: string[] = [];
  if (name.includes('/')) errs.push("may not contain '/'");
  if (name.includes('%')) errs.push("may not contain '%'");
  return errs;
};

/** `ValidateLabelName`. */
export function validateLabelName(key: string, path: FieldPath, rule = 'ValidateLabelName'): FieldError[] {
  return isQualifiedName(key).map((m) => invalid(path, key, m, rule));
}

/** `ValidateLabels` (meta/v1/validation). */
export function validateLabels(labels: unknown, path: FieldPath, rule = 'ValidateLabels'): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of stringMap(labels)) {
    errs.push(...validateLabelName(k, path, rule));
    for (const m of isValidLabelValue(v)) errs.push(invalid(path, v, m, rule));
  }
  return errs;
}

/** `ValidateAnnotations`: keys are qualified names (case-insensitive), total size at most 256 KiB. */
export function validateAnnotations(annotations: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of stringMap(annotations)) {
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(invalid(path, k, m, 'ValidateAnnotations'));
    total += byteLength(k) + byteLength(v);
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT_B) errs.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT_B, 'ValidateAnnotations'));
  return errs;
}

/** `ValidateNonnegativeField`. */
export function validateNonnegativeField(value: unknown, path: FieldPath, rule: string): FieldError[] {
  return typeof value === 'number' && value < 0 ? [invalid(path, value, IS_NEGATIVE_ERROR_MSG, rule)] : [];
}

function validateOwnerReferences(refs: unknown, path: FieldPath): FieldError[] {
  if (!Array.isArray(refs)) return [];
  const errs: FieldError[] = [];
  const rule = 'ValidateOwnerReferences';
  let firstController = '';
  for (const ref of refs) {
    if (!isRecord(ref)) continue;
    const str = (k: string): string => (typeof ref[k] === 'string' ? ref[k] : '');
    const apiVersion = str('apiVersion');
    const kind = str('kind');
    // schema.FromAPIVersionAndKind: "group/version" or "version"; more slashes give an empty version.
    const parts = apiVersion.split('/');
    const version = parts.length === 1 ? parts[0] : parts.length === 2 ? parts[1] : '';
    const group = parts.length === 2 ? parts[0] : '';
    if (version === '') errs.push(invalid(path.child('apiVersion'), apiVersion, 'version must not be empty', rule));
    if (kind === '') errs.push(invalid(path.child('kind'), kind, 'must not be empty', rule));
    if (str('name') === '') errs.push(invalid(path.child('name'), str('name'), 'must not be empty', rule));
    if (str('uid') === '') errs.push(invalid(path.child('uid'), str('uid'), 'must not be empty', rule));
    if (group === '' && version === 'v1' && kind === 'Event') {
      errs.push(invalid(path, ref, '/v1, Kind=Event is disallowed from being an owner', rule));
    }
    if (ref.controller === true) {
      const current = `${kind}/${str('name')}`;
      if (firstController !== '') {
        errs.push(
          invalid(
            path,
            refs,
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`,
            rule,
          ),
        );
      } else firstController = current;
    }
  }
  return errs;
}

const ORPHAN = 'orphan';
const FOREGROUND = 'foregroundDeletion';
/** core `validateKubeFinalizerName`: finalizers without a domain prefix must be standard ones. */
const STANDARD_FINALIZERS = new Set(['kubernetes', ORPHAN, FOREGROUND]);

function validateFinalizers(finalizers: unknown, path: FieldPath): FieldError[] {
  if (!Array.isArray(finalizers)) return [];
  const errs: FieldError[] = [];
  let orphan = false;
  let foreground = false;
  finalizers.forEach((f) => {
    if (typeof f !== 'string') return;
    for (const m of isQualifiedName(f)) errs.push(invalid(path, f, m, 'ValidateFinalizerName'));
    if (f === ORPHAN) orphan = true;
    if (f === FOREGROUND) foreground = true;
  });
  if (orphan && foreground) {
    errs.push(invalid(path, finalizers, `finalizer ${ORPHAN} and ${FOREGROUND} cannot be both set`, 'ValidateFinalizers'));
  }
  // core ValidateObjectMeta: validateKubeFinalizerName on each, by index (unverified at 1.35: read at
  // kubernetes commit 000f2605, and from memory of earlier releases).
  finalizers.forEach((f, i) => {
    if (typeof f === 'string' && !f.includes('/') && !STANDARD_FINALIZERS.has(f)) {
      errs.push(notSupported(path.index(i), f, [...STANDARD_FINALIZERS].sort(), 'validateKubeFinalizerName'));
    }
  });
  return errs;
}

/**
 * `ValidateObjectMeta` (core's wrapper around apimachinery's): name via `nameFn`, namespace
 * required and a DNS-1123 label when namespaced (forbidden otherwise), generation, labels,
 * annotations, ownerReferences, finalizers. An absent namespace on a namespaced object is not
 * an error here: `kubectl apply` and Pulumi fill it from the context.
 */
export function validateObjectMeta(meta: unknown, namespaced: boolean, nameFn: NameFn, path: FieldPath): FieldError[] {
  if (!isRecord(meta)) return [required(path.child('name'), 'name or generateName is required', 'ValidateObjectMeta')];
  const errs: FieldError[] = [];
  const rule = 'ValidateObjectMeta';
  const generateName = meta.generateName;
  if (typeof generateName === 'string' && generateName !== '') {
    for (const m of asPrefix(nameFn)(generateName)) errs.push(invalid(path.child('generateName'), generateName, m, rule));
  }
  const name = meta.name;
  if (typeof name !== 'string' || name === '') {
    if (!(typeof generateName === 'string' && generateName !== ''))
      errs.push(required(path.child('name'), 'name or generateName is required', rule));
  } else {
    for (const m of nameFn(name)) errs.push(invalid(path.child('name'), name, m, rule));
  }
  const ns = meta.namespace;
  if (namespaced) {
    if (typeof ns === 'string' && ns !== '') {
      for (const m of validateNamespaceName(ns)) errs.push(invalid(path.child('namespace'), ns, m, rule));
    }
  } else if (typeof ns === 'string' && ns !== '') {
    errs.push(forbidden(path.child('namespace'), 'not allowed on this type', rule));
  }
  errs.push(...validateNonnegativeField(meta.generation, path.child('generation'), 'ValidateNonnegativeField'));
  errs.push(...validateLabels(meta.labels, path.child('labels')));
  errs.push(...validateAnnotations(meta.annotations, path.child('annotations')));
  errs.push(...validateOwnerReferences(meta.ownerReferences, path.child('ownerReferences')));
  errs.push(...validateFinalizers(meta.finalizers, path.child('finalizers')));
  return errs;
}

const SELECTOR_OPERATORS_IN = new Set(['In', 'NotIn']);
const SELECTOR_OPERATORS_EXISTS = new Set(['Exists', 'DoesNotExist']);

/** `ValidateLabelSelectorRequirement` (default options: unknown operators and invalid values rejected). */
export function validateLabelSelectorRequirement(req: unknown, path: FieldPath): FieldError[] {
  if (!isRecord(req)) return [];
  const errs: FieldError[] = [];
  const rule = 'ValidateLabelSelectorRequirement';
  const values = Array.isArray(req.values) ? req.values : [];
  const op = req.operator;
  if (typeof op === 'string' && SELECTOR_OPERATORS_IN.has(op)) {
    if (values.length === 0) errs.push(required(path.child('values'), "must be specified when `operator` is 'In' or 'NotIn'", rule));
  } else if (typeof op === 'string' && SELECTOR_OPERATORS_EXISTS.has(op)) {
    if (values.length > 0)
      errs.push(forbidden(path.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'", rule));
  } else {
    errs.push(invalid(path.child('operator'), typeof op === 'string' ? op : '', 'not a valid selector operator', rule));
  }
  errs.push(...validateLabelName(typeof req.key === 'string' ? req.key : '', path.child('key'), rule));
  values.forEach((v, i) => {
    if (typeof v !== 'string') return;
    for (const m of isValidLabelValue(v)) errs.push(invalid(path.child('values').index(i), v, m, rule));
  });
  return errs;
}

/** `ValidateLabelSelector`: matchLabels as labels, each matchExpressions requirement. */
export function validateLabelSelector(selector: unknown, path: FieldPath): FieldError[] {
  if (!isRecord(selector)) return [];
  const errs = validateLabels(selector.matchLabels, path.child('matchLabels'), 'ValidateLabelSelector');
  if (Array.isArray(selector.matchExpressions)) {
    selector.matchExpressions.forEach((e, i) => errs.push(...validateLabelSelectorRequirement(e, path.child('matchExpressions').index(i))));
  }
  return errs;
}

/** An IntOrString value as the API server decodes it: a JSON integer or string; else undefined. */
export type IntOrString = { readonly int: number } | { readonly str: string };

export function intOrString(v: unknown): IntOrString | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return { int: v };
  if (typeof v === 'string') return { str: v };
  return undefined;
}

/** core `ValidatePortNumOrName`: an int port 1..65535, or an IANA port name. */
export function validatePortNumOrName(v: unknown, path: FieldPath, rule = 'ValidatePortNumOrName'): FieldError[] {
  const p = intOrString(v);
  if (p === undefined) return [];
  if ('int' in p) return isValidPortNum(p.int).map((m) => invalid(path, p.int, m, rule));
  return isValidPortName(p.str).map((m) => invalid(path, p.str, m, rule));
}

/** apps `getIntOrPercentValue`: the int, or the number before `%`; undefined when neither parses. */
export function getIntOrPercentValue(p: IntOrString): { value: number; isPercent: boolean } | undefined {
  if ('int' in p) return { value: p.int, isPercent: false };
  if (isValidPercent(p.str).length > 0) return undefined;
  return { value: Number(p.str.slice(0, -1)), isPercent: true };
}

/** apps `ValidatePositiveIntOrPercent`: a percent string (`N%`) or a non-negative int. */
export function validatePositiveIntOrPercent(v: unknown, path: FieldPath): FieldError[] {
  const p = intOrString(v);
  if (p === undefined) return [];
  const rule = 'ValidatePositiveIntOrPercent';
  if ('str' in p) {
    return isValidPercent(p.str).map((m) => invalid(path, p.str, m, rule));
  }
  return p.int < 0 ? [invalid(path, p.int, IS_NEGATIVE_ERROR_MSG, rule)] : [];
}

/** apps `IsNotMoreThan100Percent`. */
export function isNotMoreThan100Percent(v: unknown, path: FieldPath): FieldError[] {
  const p = intOrString(v);
  if (p === undefined) return [];
  const r = getIntOrPercentValue(p);
  if (r === undefined || !r.isPercent || r.value <= 100) return [];
  return [invalid(path, 'str' in p ? p.str : p.int, 'must not be greater than 100%', 'IsNotMoreThan100Percent')];
}
