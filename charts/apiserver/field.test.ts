import { duplicate, FieldPath, forbidden, invalid, notFound, notSupported, render, required, tooLong, tooMany } from './field';

const spec = FieldPath.root('spec');

describe('FieldPath', () => {
  it.each([
    [
      spec.child('template', 'spec').child('containers').index(0).child('ports').index(1).child('name'),
      'spec.template.spec.containers[0].ports[1].name',
    ],
    [FieldPath.root('metadata').child('labels').key('app.kubernetes.io/name'), 'metadata.labels[app.kubernetes.io/name]'],
    [FieldPath.root('').child('spec'), 'spec'],
    [spec.child('', 'selector'), 'spec.selector'],
    [spec, 'spec'],
  ])('renders %s as upstream field.Path.String() does', (path, text) => {
    expect(path.toString()).toBe(text);
  });

  it('is immutable: a child does not change its parent', () => {
    const ports = spec.child('ports');
    ports.index(3);
    expect(ports.toString()).toBe('spec.ports');
  });
});

describe('render (upstream field.Error.Error())', () => {
  const p = spec.child('x');
  it.each([
    [
      'a string value, quoted',
      invalid(p, '0s', 'must be a valid duration greater than 1ms', 'r'),
      'spec.x: Invalid value: "0s": must be a valid duration greater than 1ms',
    ],
    [
      'a number, bare',
      invalid(p, 70000, 'must be between 1 and 65535, inclusive', 'r'),
      'spec.x: Invalid value: 70000: must be between 1 and 65535, inclusive',
    ],
    ['a boolean, bare', invalid(p, true, 'must be false', 'r'), 'spec.x: Invalid value: true: must be false'],
    ['an object, as JSON', invalid(p, { a: 1 }, 'is bad', 'r'), 'spec.x: Invalid value: {"a":1}: is bad'],
    ['required: no value', required(p, '', 'r'), 'spec.x: Required value'],
    ['required with a detail', required(p, 'must specify a handler type', 'r'), 'spec.x: Required value: must specify a handler type'],
    [
      'forbidden: no value',
      forbidden(p, 'may not be set when `minAvailable` is set', 'r'),
      'spec.x: Forbidden: may not be set when `minAvailable` is set',
    ],
    ['duplicate', duplicate(p, 'http', 'r'), 'spec.x: Duplicate value: "http"'],
    ['not found', notFound(p, 'data', 'r'), 'spec.x: Not found: "data"'],
    [
      'not supported lists the values quoted',
      notSupported(p, 'SCTPX', ['SCTP', 'TCP', 'UDP'], 'r'),
      'spec.x: Unsupported value: "SCTPX": supported values: "SCTP", "TCP", "UDP"',
    ],
    ['too long omits the value', tooLong(p, 63, 'r'), 'spec.x: Too long: may not be more than 63 bytes'],
    ['too long, one byte', tooLong(p, 1, 'r'), 'spec.x: Too long: may not be more than 1 byte'],
    ['too many', tooMany(p, 3, 1, 'r'), 'spec.x: Too many: 3: must have at most 1 item'],
    ['too many, unknown count', tooMany(p, -1, 2, 'r'), 'spec.x: Too many: must have at most 2 items'],
  ])('%s', (_title, error, text) => {
    expect(render(error)).toBe(text);
  });
});
