import Ajv from 'ajv';
import { strictCrdSchema, validateObject, type ManifestObject } from './schema';
import istioSchemas from '../imports/istio-schemas.json';

const FIX = 'the CRD schema would reject this object: fix the construct or the spec value that produced it';
const NS = 'bookinfo';

const destinationRule = (spec: Record<string, unknown> = {}): ManifestObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'DestinationRule',
  metadata: { name: 'x', namespace: NS },
  spec: {
    host: 'x.bookinfo.svc.cluster.local',
    subsets: [{ name: 'v1', labels: { version: 'v1' } }],
    trafficPolicy: {
      tls: { mode: 'ISTIO_MUTUAL' },
      connectionPool: { tcp: { maxConnections: 100 }, http: { http1MaxPendingRequests: 64, http2MaxRequests: 1000 } },
      outlierDetection: { consecutive5xxErrors: 5, interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 50 },
    },
    ...spec,
  },
});

const virtualService = (http: Record<string, unknown> = {}): ManifestObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'productpage', namespace: NS, labels: { app: 'productpage' } },
  spec: {
    hosts: ['productpage.bookinfo.svc.cluster.local'],
    http: [
      {
        name: 'default',
        match: [{ uri: { prefix: '/api' }, headers: { 'end-user': { exact: 'jason' } } }],
        retries: { attempts: 2, perTryTimeout: '4s', retryOn: 'connect-failure,refused-stream' },
        route: [{ destination: { host: 'productpage.bookinfo.svc.cluster.local', port: { number: 9080 }, subset: 'v1' }, weight: 100 }],
        timeout: '10s',
        ...http,
      },
    ],
  },
});

const gateway: ManifestObject = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'Gateway',
  metadata: { name: 'bookinfo-gateway', namespace: NS },
  spec: {
    selector: { istio: 'ingress' },
    servers: [
      {
        name: 'https',
        hosts: ['dev.bookinfo.example.com'],
        port: { name: 'https', number: 443, protocol: 'HTTPS' },
        tls: { mode: 'SIMPLE', credentialName: 'bookinfo-dev-tls' },
      },
      {
        name: 'http',
        hosts: ['dev.bookinfo.example.com'],
        port: { name: 'http', number: 80, protocol: 'HTTP' },
        tls: { httpsRedirect: true },
      },
    ],
  },
};

const sidecar: ManifestObject = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'Sidecar',
  metadata: { name: 'productpage', namespace: NS },
  spec: {
    workloadSelector: { labels: { app: 'productpage' } },
    egress: [{ hosts: ['./details.bookinfo.svc.cluster.local', 'istio-system/*'] }],
    outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
  },
};

const serviceEntry: ManifestObject = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'ServiceEntry',
  metadata: { name: 'google-apis', namespace: NS },
  spec: {
    hosts: ['*.googleapis.com'],
    exportTo: ['.'],
    location: 'MESH_EXTERNAL',
    resolution: 'NONE',
    ports: [{ number: 443, name: 'tls', protocol: 'TLS' }],
  },
};

const peerAuthentication = (mode: string): ManifestObject => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'PeerAuthentication',
  metadata: { name: 'default', namespace: NS },
  spec: { mtls: { mode } },
});

const authorizationPolicy: ManifestObject = {
  apiVersion: 'security.istio.io/v1',
  kind: 'AuthorizationPolicy',
  metadata: { name: 'productpage', namespace: NS },
  spec: {
    action: 'ALLOW',
    selector: { matchLabels: { app: 'productpage' } },
    rules: [
      {
        from: [{ source: { principals: ['cluster.local/ns/istio-ingress/sa/istio-ingress'] } }],
        to: [{ operation: { methods: ['GET'], paths: ['/api/v1/products*'] } }],
      },
    ],
  },
};

const requestAuthentication: ManifestObject = {
  apiVersion: 'security.istio.io/v1',
  kind: 'RequestAuthentication',
  metadata: { name: 'productpage-jwt', namespace: NS },
  spec: {
    selector: { matchLabels: { app: 'productpage' } },
    jwtRules: [
      { issuer: 'https://accounts.google.com', jwksUri: 'https://www.googleapis.com/oauth2/v3/certs', forwardOriginalToken: true },
    ],
  },
};

const telemetry: ManifestObject = {
  apiVersion: 'telemetry.istio.io/v1',
  kind: 'Telemetry',
  metadata: { name: 'mesh-default', namespace: 'istio-system' },
  spec: {
    accessLogging: [{ providers: [{ name: 'json-stdout' }] }],
    tracing: [{ providers: [{ name: 'otel-tracing' }], randomSamplingPercentage: 1 }],
  },
};

const withMetadata = (obj: ManifestObject, metadata: Record<string, unknown>): ManifestObject =>
  ({ ...obj, metadata }) as unknown as ManifestObject;

describe('validateObject with Istio kinds', () => {
  it('knows a schema for every Istio kind tested here', () => {
    expect(Object.keys(istioSchemas.schemas).sort()).toEqual([
      'networking.istio.io/v1/DestinationRule',
      'networking.istio.io/v1/Gateway',
      'networking.istio.io/v1/ServiceEntry',
      'networking.istio.io/v1/Sidecar',
      'networking.istio.io/v1/VirtualService',
      'security.istio.io/v1/AuthorizationPolicy',
      'security.istio.io/v1/PeerAuthentication',
      'security.istio.io/v1/RequestAuthentication',
      'telemetry.istio.io/v1/Telemetry',
    ]);
  });

  it.each<[string, ManifestObject]>([
    ['DestinationRule', destinationRule()],
    ['VirtualService', virtualService()],
    ['Gateway', gateway],
    ['Sidecar', sidecar],
    ['ServiceEntry', serviceEntry],
    ['PeerAuthentication', peerAuthentication('STRICT')],
    ['AuthorizationPolicy', authorizationPolicy],
    ['RequestAuthentication', requestAuthentication],
    ['Telemetry', telemetry],
    [
      'AuthorizationPolicy with an empty spec (allow-nothing)',
      { ...authorizationPolicy, metadata: { name: 'allow-nothing', namespace: NS }, spec: {} },
    ],
  ])('accepts a valid %s', (_name, obj) => {
    expect(validateObject(obj, 'out.yaml')).toEqual([]);
  });

  it('reports an undeclared field with the exact problem', () => {
    expect(validateObject(destinationRule({ hostz: 'typo' }), 'x.yaml')).toEqual([
      {
        where: 'x.yaml',
        field: 'DestinationRule/x /spec',
        problem: 'must NOT have additional properties ("hostz": the API server would drop it)',
        fix: FIX,
      },
    ]);
  });

  it('reports an undeclared nested field at its path', () => {
    const problems = validateObject(destinationRule({ trafficPolicy: { tls: { mod: 'ISTIO_MUTUAL' } } }), 'x.yaml');
    expect(problems).toEqual([
      {
        where: 'x.yaml',
        field: 'DestinationRule/x /spec/trafficPolicy/tls',
        problem: 'must NOT have additional properties ("mod": the API server would drop it)',
        fix: FIX,
      },
    ]);
  });

  it('reports every undeclared field at once', () => {
    const problems = validateObject(destinationRule({ hostz: 1, trafficPolicy: { tls: { mod: 'ISTIO_MUTUAL' } } }), 'x.yaml');
    expect(problems.map((p) => [p.field, p.problem]).sort()).toEqual([
      ['DestinationRule/x /spec', 'must NOT have additional properties ("hostz": the API server would drop it)'],
      ['DestinationRule/x /spec/trafficPolicy/tls', 'must NOT have additional properties ("mod": the API server would drop it)'],
    ]);
  });

  it('reports an undeclared top-level field at /', () => {
    const problems = validateObject({ ...gateway, specs: {} }, 'gw.yaml');
    expect(problems).toEqual([
      {
        where: 'gw.yaml',
        field: 'Gateway/bookinfo-gateway /',
        problem: 'must NOT have additional properties ("specs": the API server would drop it)',
        fix: FIX,
      },
    ]);
  });

  it('reports an undeclared field in a list item of another kind', () => {
    const obj = { ...authorizationPolicy, spec: { ...(authorizationPolicy.spec as object), rules: [{ form: [] }] } };
    expect(validateObject(obj, 'ap.yaml').map((p) => [p.field, p.problem])).toEqual([
      ['AuthorizationPolicy/productpage /spec/rules/0', 'must NOT have additional properties ("form": the API server would drop it)'],
    ]);
  });

  it('lists the allowed values of a wrong enum value', () => {
    expect(validateObject(peerAuthentication('STRICTER'), 'pa.yaml')).toEqual([
      {
        where: 'pa.yaml',
        field: 'PeerAuthentication/default /spec/mtls/mode',
        problem: 'must be equal to one of the allowed values (["UNSET","DISABLE","PERMISSIVE","STRICT"])',
        fix: FIX,
      },
    ]);
  });

  it('reports a wrong type with its instance path', () => {
    const problems = validateObject(virtualService({ retries: { attempts: '3', perTryTimeout: '4s' } }), 'vs.yaml');
    expect(problems).toEqual([
      { where: 'vs.yaml', field: 'VirtualService/productpage /spec/http/0/retries/attempts', problem: 'must be integer', fix: FIX },
    ]);
  });

  it('reports a missing required field of the CRD', () => {
    const obj = { ...gateway, spec: { servers: [{ hosts: ['a.example.com'], port: { number: 80, protocol: 'HTTP' } }] } };
    expect(validateObject(obj, 'gw.yaml').map((p) => [p.field, p.problem])).toEqual([
      ['Gateway/bookinfo-gateway /spec/servers/0/port', "must have required property 'name'"],
    ]);
  });

  describe('metadata', () => {
    it.each([
      ['upper case', 'Productpage'],
      ['an underscore', 'product_page'],
      ['a leading dash', '-productpage'],
      ['a trailing dash', 'productpage-'],
    ])('refuses a name with %s on /metadata/name', (_name, name) => {
      const problems = validateObject(withMetadata(sidecar, { name, namespace: NS }), 's.yaml');
      expect(problems).toHaveLength(1);
      expect(problems[0].field).toBe(`Sidecar/${name} /metadata/name`);
      expect(problems[0].problem).toMatch(/^must match pattern /);
      expect(problems[0].where).toBe('s.yaml');
    });

    it('accepts a dotted DNS-1123 subdomain name', () => {
      expect(validateObject(withMetadata(sidecar, { name: 'productpage.v1', namespace: NS }), 's.yaml')).toEqual([]);
    });

    it('refuses a name longer than 253 characters', () => {
      const name = `${'a'.repeat(63)}.`.repeat(4).slice(0, 254);
      const problems = validateObject(withMetadata(sidecar, { name }), 's.yaml');
      expect(problems.map((p) => [p.field, p.problem])).toEqual([
        [`Sidecar/${name} /metadata/name`, 'must NOT have more than 253 characters'],
      ]);
    });

    it('refuses a namespace that is not a DNS-1123 label', () => {
      const problems = validateObject(withMetadata(sidecar, { name: 'productpage', namespace: 'Book.Info' }), 's.yaml');
      expect(problems.map((p) => p.field)).toEqual(['Sidecar/productpage /metadata/namespace']);
    });

    it('refuses a missing name', () => {
      expect(validateObject(withMetadata(peerAuthentication('STRICT'), { namespace: NS }), 'pa.yaml')).toEqual([
        { where: 'pa.yaml', field: 'PeerAuthentication/? /metadata', problem: "must have required property 'name'", fix: FIX },
      ]);
    });

    it('refuses an unknown metadata field', () => {
      expect(validateObject(withMetadata(requestAuthentication, { name: 'jwt', namespace: NS, lables: { app: 'x' } }), 'ra.yaml')).toEqual([
        {
          where: 'ra.yaml',
          field: 'RequestAuthentication/jwt /metadata',
          problem: 'must NOT have additional properties ("lables": the API server would drop it)',
          fix: FIX,
        },
      ]);
    });

    it('accepts string labels and annotations and refuses a non-string label value', () => {
      const labels = { app: 'productpage', 'app.kubernetes.io/part-of': 'bookinfo' };
      expect(
        validateObject(withMetadata(sidecar, { name: 'productpage', namespace: NS, labels, annotations: { note: 'x' } }), 's.yaml'),
      ).toEqual([]);
      const problems = validateObject(withMetadata(sidecar, { name: 'productpage', labels: { replicas: 3 } }), 's.yaml');
      expect(problems.map((p) => [p.field, p.problem])).toEqual([['Sidecar/productpage /metadata/labels/replicas', 'must be string']]);
    });
  });

  it('requires a spec', () => {
    const { spec: _spec, ...noSpec } = gateway;
    expect(validateObject(noSpec, 'gw.yaml')).toEqual([
      { where: 'gw.yaml', field: 'Gateway/bookinfo-gateway /', problem: "must have required property 'spec'", fix: FIX },
    ]);
  });

  it.each([
    ['networking.istio.io/v1beta1', 'Gateway'],
    ['security.istio.io/v1beta1', 'AuthorizationPolicy'],
    ['networking.istio.io/v1', 'WorkloadEntry'],
  ])('refuses %s %s as a kind with no registered schema', (apiVersion, kind) => {
    expect(validateObject({ ...gateway, apiVersion, kind }, 'gw.yaml')).toEqual([
      {
        where: 'gw.yaml',
        field: `${kind}/bookinfo-gateway`,
        value: `${apiVersion}/${kind}`,
        problem: 'is a kind with no registered schema',
        fix: 'register its schema in charts/schema.ts before emitting it',
      },
    ]);
  });
});

describe('strictCrdSchema', () => {
  const METADATA_KEYS = ['annotations', 'labels', 'name', 'namespace'];
  type Schema = { [key: string]: unknown };
  const at = (schema: Schema, ...path: string[]): Schema =>
    path.reduce<Schema>((node, key) => (node.properties as Record<string, Schema>)[key], schema);

  const crd = (spec: Schema): Schema => ({
    type: 'object',
    properties: { spec, status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
  });
  const validator = (schema: Schema) => new Ajv({ strict: false, allErrors: true }).compile(strictCrdSchema(schema));
  const obj = (spec: unknown): unknown => ({ apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 'thing' }, spec });

  it('leaves data keywords (default, example, enum, const) untouched even when they look like schemas', () => {
    const value = { properties: { a: 1 } };
    const spec = { type: 'object', properties: { x: { type: 'object', default: value, example: value, enum: [value], const: value } } };
    const x = at(strictCrdSchema(crd(spec)), 'spec', 'x');
    expect([x.default, x.example, x.enum, x.const]).toEqual([value, value, [value], value]);
  });

  it('adds additionalProperties: false to every object schema with properties, nested ones included', () => {
    const out = strictCrdSchema(
      crd({
        type: 'object',
        properties: {
          tls: { type: 'object', properties: { mode: { type: 'string' } } },
          servers: { type: 'array', items: { type: 'object', properties: { port: { type: 'integer' } } } },
          name: { type: 'string' },
        },
      }),
    );
    expect(out.additionalProperties).toBe(false);
    expect(at(out, 'spec').additionalProperties).toBe(false);
    expect(at(out, 'spec', 'tls').additionalProperties).toBe(false);
    expect((at(out, 'spec', 'servers').items as Schema).additionalProperties).toBe(false);
    expect(at(out, 'spec', 'name')).toEqual({ type: 'string' });
    expect(at(out, 'spec', 'servers')).not.toHaveProperty('additionalProperties');
  });

  it('adds it inside combinators too', () => {
    const out = strictCrdSchema(
      crd({ type: 'object', properties: { a: { type: 'string' } }, oneOf: [{ type: 'object', properties: { b: { type: 'string' } } }] }),
    );
    expect((at(out, 'spec').oneOf as Schema[])[0].additionalProperties).toBe(false);
  });

  it('leaves a node that preserves unknown fields open', () => {
    const out = strictCrdSchema(
      crd({
        type: 'object',
        properties: { open: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'string' } } } },
      }),
    );
    expect(at(out, 'spec', 'open')).toEqual({
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
      properties: { known: { type: 'string' } },
    });
    expect(at(out, 'status')).toEqual({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
    expect(at(out, 'spec').additionalProperties).toBe(false);
    const validate = validator(
      crd({
        type: 'object',
        properties: { open: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'string' } } } },
      }),
    );
    expect(validate(obj({ open: { known: 'x', anything: 1 } }))).toBe(true);
    expect(validate(obj({ opn: {} }))).toBe(false);
  });

  it('does not open a node whose preserve-unknown-fields is false', () => {
    const out = strictCrdSchema(
      crd({ type: 'object', 'x-kubernetes-preserve-unknown-fields': false, properties: { a: { type: 'string' } } }),
    );
    expect(at(out, 'spec').additionalProperties).toBe(false);
  });

  it.each<[string, unknown]>([
    ['a schema', { type: 'string' }],
    ['true', true],
    ['false', false],
  ])('leaves an explicit additionalProperties (%s) alone', (_name, additionalProperties) => {
    const out = strictCrdSchema(crd({ type: 'object', properties: { a: { type: 'string' } }, additionalProperties }));
    expect(at(out, 'spec').additionalProperties).toEqual(additionalProperties);
  });

  it('lets an explicit additionalProperties schema decide what extra fields may be', () => {
    const validate = validator(crd({ type: 'object', properties: { a: { type: 'integer' } }, additionalProperties: { type: 'string' } }));
    expect(validate(obj({ a: 1, extra: 'ok' }))).toBe(true);
    expect(validate(obj({ a: 1, extra: 2 }))).toBe(false);
  });

  it('leaves an object without properties (a map or free-form object) alone', () => {
    const out = strictCrdSchema(
      crd({
        type: 'object',
        properties: { labels: { type: 'object', additionalProperties: { type: 'string' } }, free: { type: 'object' } },
      }),
    );
    expect(at(out, 'spec', 'labels')).toEqual({ type: 'object', additionalProperties: { type: 'string' } });
    expect(at(out, 'spec', 'free')).toEqual({ type: 'object' });
  });

  it('treats a field literally named "properties" as a field, not as a schema keyword', () => {
    const schema = crd({
      type: 'object',
      properties: {
        properties: { type: 'object', properties: { a: { type: 'string' } } },
        additionalProperties: { type: 'string' },
        'x-kubernetes-preserve-unknown-fields': { type: 'boolean' },
      },
    });
    const out = strictCrdSchema(schema);
    expect(at(out, 'spec')).toEqual({
      type: 'object',
      properties: {
        properties: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false },
        additionalProperties: { type: 'string' },
        'x-kubernetes-preserve-unknown-fields': { type: 'boolean' },
      },
      additionalProperties: false,
    });
    const validate = validator(schema);
    expect(validate(obj({ properties: { a: 'x' }, additionalProperties: 'y', 'x-kubernetes-preserve-unknown-fields': true }))).toBe(true);
    expect(validate(obj({ properties: { b: 'x' } }))).toBe(false);
    expect(validate(obj({ other: 1 }))).toBe(false);
  });

  it('treats a field named "properties" holding a map as a map', () => {
    const schema = crd({ type: 'object', properties: { properties: { type: 'object', additionalProperties: { type: 'string' } } } });
    // The property map is not a schema: nothing is added to it (no field named additionalProperties appears).
    expect(at(strictCrdSchema(schema), 'spec')).toEqual({
      type: 'object',
      properties: { properties: { type: 'object', additionalProperties: { type: 'string' } } },
      additionalProperties: false,
    });
    const validate = validator(schema);
    expect(validate(obj({ properties: { any: 'x', other: 'y' } }))).toBe(true);
    expect(validate(obj({ properties: { any: 1 } }))).toBe(false);
    expect(validate(obj({ additionalProperties: 'x' }))).toBe(false);
  });

  it('requires apiVersion, kind, metadata and spec at the root, and declares them', () => {
    const out = strictCrdSchema({ type: 'object', required: ['status'], properties: { spec: { type: 'object' } } });
    expect(out.required).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    expect(Object.keys(out.properties as Schema).sort()).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    expect(at(out, 'apiVersion')).toEqual({ type: 'string' });
    expect(at(out, 'kind')).toEqual({ type: 'string' });
    expect(at(out, 'metadata')).toMatchObject({ type: 'object', required: ['name'], additionalProperties: false });
    expect(Object.keys(at(out, 'metadata').properties as Schema).sort()).toEqual(METADATA_KEYS);
    expect(out.additionalProperties).toBe(false);

    const validate = validator({ type: 'object', properties: { spec: { type: 'object' } } });
    expect(validate(obj({}))).toBe(true);
    for (const key of ['apiVersion', 'kind', 'metadata', 'spec']) {
      const partial = { ...(obj({}) as Schema) };
      delete partial[key];
      expect(validate(partial)).toBe(false);
      expect(validate.errors?.map((e) => e.message)).toContain(`must have required property '${key}'`);
    }
  });

  it('does not modify the schema it is given', () => {
    const schema = crd({ type: 'object', properties: { a: { type: 'object', properties: { b: { type: 'string' } } } } });
    const copy = JSON.parse(JSON.stringify(schema)) as Schema;
    strictCrdSchema(schema);
    expect(schema).toEqual(copy);
  });

  it('keeps the other keywords of every node', () => {
    const out = strictCrdSchema(
      crd({
        type: 'object',
        description: 'spec',
        required: ['mode'],
        properties: { mode: { type: 'string', enum: ['A', 'B'] }, n: { type: 'integer', minimum: 0, maximum: 10 } },
      }),
    );
    expect(at(out, 'spec')).toEqual({
      type: 'object',
      description: 'spec',
      required: ['mode'],
      properties: { mode: { type: 'string', enum: ['A', 'B'] }, n: { type: 'integer', minimum: 0, maximum: 10 } },
      additionalProperties: false,
    });
  });
});
