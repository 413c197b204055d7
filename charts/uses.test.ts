import { synthesize } from '.';
import { loadEnvironment } from '../core/config';
import type { ManifestObject } from './schema';
import { defineCatalogue } from '../services/define';
import type { ServiceDefinition, ServiceSpec } from '../services/spec';
import { REDIS_CA_DIR, SECRET_MOUNT_DIR } from '../services/uses';
import { environment } from '../test/fixtures/environments';
import { thrown } from '../test/fixtures/thrown';
import {
  CLOUD_SQL_PROXY_CONTAINER,
  CLOUD_SQL_PROXY_HEALTH_PORT,
  CLOUD_SQL_PROXY_IMAGE,
  CLOUD_SQL_PROXY_REGISTRY,
  isPreviewStack,
  postgresIamUser,
  programWrittenObjects,
  secretManagerParameters,
} from './uses';

const base = (name: string, extra: Partial<ServiceSpec> = {}): ServiceDefinition => ({
  spec: { name, description: 'x', owner: 'team-a', port: 8080, versions: [{ name: 'v1' }], ...extra },
});

const shop = defineCatalogue('shop', [
  base('orders', {
    uses: {
      postgres: {},
      publishes: ['order-placed'],
      buckets: [{ name: 'invoices' }],
      secrets: [{ name: 'stripe-key' }, { name: 'api-key' }],
    },
  }),
  base('cart', { uses: { redis: {}, consumes: [{ event: 'order-placed' }] }, dependencies: ['orders'] }),
  base('web', { dependencies: ['cart'] }),
]);
const pins = { orders: { v1: 'example.com/o:1' }, cart: { v1: 'example.com/c:1' }, web: { v1: 'example.com/w:1' } };
const platform = environment('dev', {
  gcpProject: 'shop-proj',
  gcpRegion: 'europe-west1',
  privateServicesCidr: '10.60.0.0/16',
  namespace: 'shop',
});

type Container = {
  name: string;
  image: string;
  args?: string[];
  restartPolicy?: string;
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }>;
  volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
  securityContext?: Record<string, unknown>;
  resources?: Record<string, unknown>;
  startupProbe?: { httpGet: { path: string; port: number } };
  livenessProbe?: { httpGet: { path: string; port: number } };
};
type Pod = {
  metadata: { annotations: Record<string, string> };
  spec: { containers: Container[]; initContainers?: Container[]; volumes: Array<Record<string, unknown> & { name: string }> };
};

function objects(env = platform, catalogue = shop): ManifestObject[] {
  const own = Object.fromEntries(catalogue.services.map(({ spec }) => [spec.name, pins[spec.name as keyof typeof pins]]));
  return synthesize(env, catalogue, own).files.flatMap((f) => f.objects);
}
function find(objs: ManifestObject[], kind: string, name: string): ManifestObject {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  if (o === undefined) throw new Error(`no ${kind}/${name}`);
  return o;
}
const pod = (objs: ManifestObject[], deployment: string) =>
  (find(objs, 'Deployment', deployment) as unknown as { spec: { template: Pod } }).spec.template;
const envOf = (c: Container) => Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value ?? e.valueFrom]));

describe('uses: Google identity', () => {
  it('annotates the ServiceAccount of every service with uses, as for gcp.roles', () => {
    const objs = objects();
    const annotation = (n: string) =>
      (find(objs, 'ServiceAccount', n).metadata.annotations as Record<string, string> | undefined)?.['iam.gke.io/gcp-service-account'];
    expect(annotation('orders')).toBe('orders-dev@shop-proj.iam.gserviceaccount.com');
    expect(annotation('cart')).toBe('cart-dev@shop-proj.iam.gserviceaccount.com');
    expect(annotation('web')).toBeUndefined();
  });

  it('gives them the metadata server and Google APIs egress, in the mesh and at L4', () => {
    const objs = objects();
    expect(find(objs, 'ServiceEntry', 'google-apis')).toBeDefined();
    const hosts = (n: string) =>
      (find(objs, 'Sidecar', n) as unknown as { spec: { egress: Array<{ hosts: string[] }> } }).spec.egress[0].hosts;
    expect(hosts('orders')).toEqual(expect.arrayContaining(['./*.googleapis.com', './metadata.google.internal']));
    expect(hosts('web')).not.toContain('./*.googleapis.com');
    const cidrs = (n: string) =>
      JSON.stringify((find(objs, 'NetworkPolicy', n) as unknown as { spec: { egress: unknown[] } }).spec.egress).match(/"cidr":"[^"]+"/g);
    expect(cidrs('cart')).toEqual(expect.arrayContaining(['"cidr":"199.36.153.8/30"', '"cidr":"169.254.169.252/32"']));
    expect(cidrs('web')).toBeNull();
  });
});

describe('uses: postgres', () => {
  const objs = objects();
  const template = pod(objs, 'orders-v1');
  const proxy = (template.spec.initContainers ?? [])[0];

  it('runs the Cloud SQL Auth Proxy as a native sidecar, first, with private IP and IAM authentication', () => {
    expect(proxy.name).toBe(CLOUD_SQL_PROXY_CONTAINER);
    expect(proxy.restartPolicy).toBe('Always');
    expect(proxy.image).toBe(CLOUD_SQL_PROXY_IMAGE);
    expect(proxy.image).toMatch(/^gcr\.io\/cloud-sql-connectors\/cloud-sql-proxy:2\.\d+\.\d+(@sha256:[0-9a-f]{64})?$/);
    // A tag may move: pulled Always unless pinned by digest.
    expect((proxy as unknown as { imagePullPolicy: string }).imagePullPolicy).toBe(
      proxy.image.includes('@sha256:') ? 'IfNotPresent' : 'Always',
    );
    expect(proxy.args).toEqual(expect.arrayContaining(['--private-ip', '--auto-iam-authn', '--port=5432', '--health-check']));
    expect(proxy.args?.at(-1)).toBe('shop-proj:europe-west1:dev-postgres');
    expect(template.metadata.annotations['sidecar.istio.io/nativeSidecar']).toBe('true');
  });

  it('hardens the proxy and gates the app on its startup probe', () => {
    expect(proxy.securityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(proxy.resources).toMatchObject({
      requests: { cpu: expect.any(String), memory: expect.any(String) },
      limits: { memory: expect.any(String) },
    });
    expect(proxy.startupProbe?.httpGet).toEqual({ path: '/startup', port: CLOUD_SQL_PROXY_HEALTH_PORT });
    expect(proxy.livenessProbe?.httpGet).toEqual({ path: '/liveness', port: CLOUD_SQL_PROXY_HEALTH_PORT });
  });

  it("gives the app libpq's variables, the user being the service account without .gserviceaccount.com", () => {
    expect(envOf(template.spec.containers[0])).toMatchObject({
      PGHOST: '127.0.0.1',
      PGPORT: '5432',
      PGDATABASE: 'orders',
      PGUSER: 'orders-dev@shop-proj.iam',
      GOOGLE_CLOUD_PROJECT: 'shop-proj',
    });
    expect(postgresIamUser('a-dev@p.iam.gserviceaccount.com')).toBe('a-dev@p.iam');
  });

  it('opens the private services range on 3307 and 6378 only to the services that need each', () => {
    const entry = find(objs, 'ServiceEntry', 'google-private-services') as unknown as { spec: Record<string, unknown> };
    expect(entry.spec).toMatchObject({
      addresses: ['10.60.0.0/16'],
      location: 'MESH_EXTERNAL',
      resolution: 'NONE',
      ports: [
        { number: 3307, protocol: 'TCP', name: 'tcp-cloudsql' },
        { number: 6378, protocol: 'TCP', name: 'tcp-redis-tls' },
      ],
    });
    const egress = (n: string) => (find(objs, 'NetworkPolicy', n) as unknown as { spec: { egress: unknown[] } }).spec.egress;
    const range = (port: number) => ({ to: [{ ipBlock: { cidr: '10.60.0.0/16' } }], ports: [{ protocol: 'TCP', port }] });
    expect(egress('orders')).toContainEqual(range(3307));
    expect(egress('orders')).not.toContainEqual(range(6378));
    expect(egress('cart')).toContainEqual(range(6378));
    expect(JSON.stringify(egress('web'))).not.toContain('10.60.0.0/16');
    const hosts = (n: string) =>
      (find(objs, 'Sidecar', n) as unknown as { spec: { egress: Array<{ hosts: string[] }> } }).spec.egress[0].hosts;
    expect(hosts('orders')).toContain('./private-services.google.internal');
    expect(hosts('web')).not.toContain('./private-services.google.internal');
  });

  it('refuses a platform stack that does not say where the private services range is', () => {
    const { message } = thrown(() => objects({ ...platform, privateServicesCidr: undefined }));
    expect(message).toContain('privateServicesCidr');
    expect(message).toContain('orders, cart');
  });

  it('refuses a range that is not a network CIDR', () => {
    for (const bad of ['10.60.0.1/16', '10.60.0.0', 'ten/8']) {
      const { message } = thrown(() => objects({ ...platform, privateServicesCidr: bad }));
      expect(message).toContain(`privateServicesCidr "${bad}" is not an IPv4 CIDR`);
    }
  });

  it('refuses an environment with no region', () => {
    expect(thrown(() => objects({ ...platform, gcpRegion: undefined })).message).toContain('gcp:region');
  });
});

describe('uses: redis', () => {
  const app = pod(objects(), 'cart-v1');
  const env = app.spec.containers[0].env ?? [];

  it('takes host and AUTH from the Secret the program writes, and builds the address from them', () => {
    const byName = envOf(app.spec.containers[0]);
    expect(byName.REDIS_HOST).toEqual({ secretKeyRef: { name: 'cart-redis', key: 'host' } });
    expect(byName.REDIS_AUTH).toEqual({ secretKeyRef: { name: 'cart-redis', key: 'auth' } });
    expect(byName.REDIS_PORT).toBe('6378');
    expect(byName.REDIS_ADDR).toBe('$(REDIS_HOST):$(REDIS_PORT)');
    const index = (n: string) => env.findIndex((e) => e.name === n);
    // $(VAR) expands only variables defined earlier in the list.
    expect(index('REDIS_HOST')).toBeLessThan(index('REDIS_ADDR'));
    expect(index('REDIS_PORT')).toBeLessThan(index('REDIS_ADDR'));
  });

  it('mounts the server CA from the same Secret and points REDIS_CA_FILE at it', () => {
    expect(envOf(app.spec.containers[0]).REDIS_CA_FILE).toBe(`${REDIS_CA_DIR}/server-ca.pem`);
    expect(app.spec.volumes).toContainEqual({
      name: 'redis-ca',
      secret: { secretName: 'cart-redis', items: [{ key: 'server-ca.pem', path: 'server-ca.pem' }] },
    });
    expect(app.spec.containers[0].volumeMounts).toContainEqual({ name: 'redis-ca', mountPath: REDIS_CA_DIR, readOnly: true });
    expect(app.spec.initContainers).toBeUndefined();
  });
});

describe('the Secrets the program writes', () => {
  it('are described, keys only, for the policy runs: one per service with redis, none on a preview', () => {
    const objs = programWrittenObjects(shop, platform);
    expect(objs.map((o) => [o.kind, o.metadata.namespace, o.metadata.name])).toEqual([['Secret', 'shop', 'cart-redis']]);
    expect(Object.keys(objs[0].stringData as object)).toEqual(['host', 'auth', 'server-ca.pem']);
    expect(programWrittenObjects(shop, { stack: 'pr-7', namespace: 'pr-7' })).toEqual([]);
  });

  it('are exactly what the pods name', () => {
    const template = pod(objects(), 'cart-v1');
    const names = new Set(programWrittenObjects(shop, platform).map((o) => o.metadata.name));
    const keys = new Set(Object.keys(programWrittenObjects(shop, platform)[0].stringData as object));
    for (const e of template.spec.containers[0].env ?? []) {
      if (e.valueFrom === undefined) continue;
      expect(names).toContain(e.valueFrom.secretKeyRef.name);
      expect(keys).toContain(e.valueFrom.secretKeyRef.key);
    }
  });
});

describe('uses: events and buckets', () => {
  it('gives the full topic, subscription and bucket names', () => {
    const objs = objects();
    expect(envOf(pod(objs, 'orders-v1').spec.containers[0])).toMatchObject({
      PUBSUB_TOPIC_ORDER_PLACED: 'projects/shop-proj/topics/dev.shop.order-placed',
      BUCKET_INVOICES: 'shop-proj-dev-orders-invoices',
    });
    expect(envOf(pod(objs, 'cart-v1').spec.containers[0])).toMatchObject({
      PUBSUB_SUBSCRIPTION_ORDER_PLACED: 'projects/shop-proj/subscriptions/dev.shop.order-placed.cart',
      GOOGLE_CLOUD_PROJECT: 'shop-proj',
    });
  });

  it('refuses a bucket name longer than 63 characters, naming the field, the value and the fix', () => {
    const long = defineCatalogue('shop', [base('warehouse', { uses: { buckets: [{ name: 'customer-invoice-pdf' }] } })]);
    const { message } = thrown(() => objects({ ...platform, gcpProject: 'a-rather-long-project-name-26' }, long));
    expect(message).toContain('uses.buckets[0].name');
    expect(message).toContain('a-rather-long-project-name-26-dev-warehouse-customer-invoice-pdf');
    expect(message).toContain('64 characters, and Cloud Storage allows 63. Fix: shorten the bucket or service name by 1 character');
  });

  it('refuses a variable the spec sets itself', () => {
    const clash = defineCatalogue('shop', [base('orders', { env: { PGHOST: 'db' }, uses: { postgres: {} } })]);
    expect(thrown(() => objects(platform, clash)).message).toContain('PGHOST');
  });
});

describe('uses: secrets', () => {
  const objs = objects();

  it('emits a SecretProviderClass for GKE\u2019s Secret Manager add-on, validated against its CRD', () => {
    const spc = find(objs, 'SecretProviderClass', 'orders-secrets') as unknown as {
      apiVersion: string;
      spec: { provider: string; parameters: { secrets: string } };
    };
    expect(spc.apiVersion).toBe('secrets-store.csi.x-k8s.io/v1');
    expect(spc.spec.provider).toBe('gke');
    expect(spc.spec.parameters.secrets).toBe(
      [
        '- resourceName: "projects/shop-proj/secrets/dev-orders-api-key/versions/latest"',
        '  path: "api-key"',
        '- resourceName: "projects/shop-proj/secrets/dev-orders-stripe-key/versions/latest"',
        '  path: "stripe-key"',
        '',
      ].join('\n'),
    );
  });

  it('mounts it read-only through the add-on\u2019s CSI driver', () => {
    const template = pod(objs, 'orders-v1');
    expect(template.spec.volumes).toContainEqual({
      name: 'platform-secrets',
      csi: { driver: 'secrets-store-gke.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: 'orders-secrets' } },
    });
    expect(template.spec.containers[0].volumeMounts).toContainEqual({
      name: 'platform-secrets',
      mountPath: SECRET_MOUNT_DIR,
      readOnly: true,
    });
  });

  it('lists entries in name order whatever the spec order', () => {
    const spec = shop.services[0].spec;
    expect(secretManagerParameters('p', 'dev', spec).indexOf('api-key')).toBeLessThan(
      secretManagerParameters('p', 'dev', spec).indexOf('stripe-key'),
    );
  });
});

describe('uses on a preview stack', () => {
  const preview = { ...platform, stack: 'pr-42', namespace: 'pr-42', privateServicesCidr: undefined };
  const objs = objects(preview);

  it('knows a preview by its stack name', () => {
    expect(isPreviewStack('pr-42')).toBe(true);
    expect(isPreviewStack('dev')).toBe(false);
    expect(isPreviewStack('prod')).toBe(false);
  });

  it('keeps the plain variables but adds nothing that would keep a pod from starting', () => {
    for (const name of ['orders-v1', 'cart-v1']) {
      const template = pod(objs, name);
      expect(template.spec.initContainers).toBeUndefined();
      expect(template.spec.volumes.map((v) => v.name)).toEqual(['tmp']);
      expect((template.spec.containers[0].env ?? []).filter((e) => e.valueFrom !== undefined)).toEqual([]);
    }
    expect(envOf(pod(objs, 'orders-v1').spec.containers[0])).toMatchObject({ PGHOST: '127.0.0.1', PGDATABASE: 'orders' });
    expect(envOf(pod(objs, 'cart-v1').spec.containers[0])).toMatchObject({ REDIS_PORT: '6378' });
    expect(objs.filter((o) => o.kind === 'SecretProviderClass')).toEqual([]);
  });

  it('gives no Google identity and no egress to Google or the private range', () => {
    expect(find(objs, 'ServiceAccount', 'orders').metadata.annotations).toBeUndefined();
    expect(objs.filter((o) => o.kind === 'ServiceEntry').map((o) => o.metadata.name)).toEqual([]);
  });
});

describe('uses: the proxy image is allowed by default', () => {
  it("is under a registry every environment allows unless it lists its own (core/config-schema.ts's default)", () => {
    const dev = loadEnvironment('dev');
    expect(dev.allowedRegistries).toContain(CLOUD_SQL_PROXY_REGISTRY);
    expect(CLOUD_SQL_PROXY_IMAGE.startsWith(CLOUD_SQL_PROXY_REGISTRY)).toBe(true);
  });
});
