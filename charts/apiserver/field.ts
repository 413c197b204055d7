/**
 * The errors the Kubernetes API server returns when it rejects an object, in its own words:
 * a port of `field.Error` from k8s.io/apimachinery `pkg/util/validation/field/errors.go`
 * (vendor/kubernetes/apimachinery). `render` gives the text `kubectl apply` prints after
 * `<Kind> "<name>" is invalid:`, e.g.
 * `spec.http[0].timeout: Invalid value: "0s": must be a valid duration greater than 1ms`.
 */

/** Upstream `field.ErrorType`, by its canonical message (`ErrorType.String()`). */
export type FieldErrorType =
  | 'Not found'
  | 'Required value'
  | 'Duplicate value'
  | 'Invalid value'
  | 'Unsupported value'
  | 'Forbidden'
  | 'Too long'
  | 'Too many'
  | 'Internal error';

/** One rejection: the field path, what is wrong, and which upstream check says so. */
export interface FieldError {
  /** Field path as the API server prints it: `spec.template.spec.containers[0].ports[1].name`, `metadata.labels[app]`. */
  readonly field: string;
  readonly type: FieldErrorType;
  /** The bad value, when the error type shows one (`Invalid value`, `Duplicate value`, ...). */
  readonly value?: unknown;
  /** Upstream's detail message, verbatim where upstream has a fixed one. */
  readonly detail: string;
  /**
   * The upstream check that rejects it: a Go function (`ValidatePodSpec`, `IsValidPortName`)
   * or, for CRD rules, `x-kubernetes-validations` with the rule text.
   */
  readonly rule: string;
}

const OMIT: unique symbol = Symbol('omit value');
/** Any value, or `OMIT` for an error that shows none. */
type BadValue = unknown;

/**
 * A field path, built the way upstream's `field.Path` is: `.child`, `[index]`, `[key]`.
 * Validators build one for every field they visit and almost never render it, so a path
 * is a parent link and a segment; the text is joined only when an error is rendered.
 */
export class FieldPath {
  private constructor(
    private readonly parent: FieldPath | undefined,
    /** `.name`, `[0]` or `[key]` (the root's own name has no dot). */
    private readonly segment: string,
  ) {}

  static root(name: string): FieldPath {
    return new FieldPath(undefined, name);
  }

  /** Up to three names, no rest array: validators call this for every field they visit. */
  child(name: string, name2?: string, name3?: string): FieldPath {
    let path = this.step(name);
    if (name2 !== undefined) path = path.step(name2);
    if (name3 !== undefined) path = path.step(name3);
    return path;
  }

  private step(name: string): FieldPath {
    return name === '' ? this : new FieldPath(this, this.isEmpty() ? name : `.${name}`);
  }

  index(i: number): FieldPath {
    return new FieldPath(this, `[${i}]`);
  }

  key(k: string): FieldPath {
    return new FieldPath(this, `[${k}]`);
  }

  private isEmpty(): boolean {
    return this.parent === undefined && this.segment === '';
  }

  toString(): string {
    const parts = [this.segment];
    for (let p = this.parent; p !== undefined; p = p.parent) parts.push(p.segment);
    return parts.reverse().join('');
  }
}

const make = (type: FieldErrorType, path: FieldPath, value: BadValue, detail: string, rule: string): FieldError => ({
  field: path.toString(),
  type,
  ...(value !== OMIT && { value }),
  detail,
  rule,
});

/** `field.Invalid`. */
export const invalid = (path: FieldPath, value: unknown, detail: string, rule: string): FieldError =>
  make('Invalid value', path, value, detail, rule);
/** `field.Required` (shows no value). */
export const required = (path: FieldPath, detail: string, rule: string): FieldError => make('Required value', path, OMIT, detail, rule);
/** `field.Duplicate`. */
export const duplicate = (path: FieldPath, value: unknown, rule: string): FieldError => make('Duplicate value', path, value, '', rule);
/** `field.Forbidden` (shows no value). */
export const forbidden = (path: FieldPath, detail: string, rule: string): FieldError => make('Forbidden', path, OMIT, detail, rule);
/** `field.NotFound`. */
export const notFound = (path: FieldPath, value: unknown, rule: string): FieldError => make('Not found', path, value, '', rule);

/** `field.NotSupported`: the detail lists the supported values, quoted. */
export function notSupported(path: FieldPath, value: unknown, validValues: readonly string[], rule: string): FieldError {
  const detail = validValues.length > 0 ? `supported values: ${validValues.map((v) => JSON.stringify(v)).join(', ')}` : '';
  return make('Unsupported value', path, value, detail, rule);
}

/** `field.TooLong`: upstream omits the value. */
export function tooLong(path: FieldPath, maxLength: number, rule: string): FieldError {
  const detail = maxLength >= 0 ? `may not be more than ${maxLength} ${maxLength === 1 ? 'byte' : 'bytes'}` : 'value is too long';
  return make('Too long', path, OMIT, detail, rule);
}

/** `field.TooMany`. */
export function tooMany(path: FieldPath, actual: number, max: number, rule: string): FieldError {
  const detail = max >= 0 ? `must have at most ${max} ${max === 1 ? 'item' : 'items'}` : 'has too many items';
  return make('Too many', path, actual >= 0 ? actual : OMIT, detail, rule);
}

/** Upstream `ErrorBody()`: `Invalid value: "x": detail`; strings quoted, numbers and booleans bare, the rest as JSON. */
export function errorBody(e: FieldError): string {
  const shows = e.type !== 'Required value' && e.type !== 'Forbidden' && e.type !== 'Too long' && e.type !== 'Internal error';
  let s: string = e.type;
  if (shows && 'value' in e) {
    const v = e.value;
    s += `: ${typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' ? String(v) : (JSON.stringify(v) ?? 'null')}`;
  }
  return e.detail === '' ? s : `${s}: ${e.detail}`;
}

/** Upstream `Error()`: `<field>: <body>`. */
export function render(e: FieldError): string {
  return `${e.field}: ${errorBody(e)}`;
}
