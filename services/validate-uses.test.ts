import type { Problem } from '../core/problems';
import { formatProblem } from '../core/problems';
import type { Catalogue, ServiceDefinition, ServiceSpec } from './spec';
import { catalogueWarnings, usesEnvironment, validateCatalogue, validateForEnvironment, validateService } from './validate';

const base: ServiceSpec = {
  name: 'svc',
  description: 'A test service',
  owner: 'team-a',
  port: 8080,
  versions: [{ name: 'v1' }],
};
const WHERE = 'service "svc"';

/** Specs may come from plain JavaScript, so tests pass values the types forbid. */
type Overrides = Record<string, unknown>;

const problemsWithUses = (uses: unknown, overrides: Overrides = {}): Problem[] =>
  validateService({ spec: { ...base, ...overrides, uses } as ServiceSpec });

const service = (name: string, uses: unknown, source?: string): ServiceDefinition => {
  const spec = { ...base, name, uses } as ServiceSpec;
  return source === undefined ? { spec } : { spec, source };
};
const catalogue = (services: ServiceDefinition[]): Catalogue => ({ name: 'shop', services });

describe('validateService: uses', () => {
  it('accepts every resource with valid values', () => {
    expect(
      problemsWithUses({
        postgres: { database: 'orders_2' },
        redis: { sizeGb: 300 },
        publishes: ['order-placed', 'order-cancelled'],
        consumes: [
          { event: 'payment-failed', ackDeadlineSeconds: 600, maxDeliveryAttempts: 100, minimumBackoff: '0s', maximumBackoff: '600s' },
          { event: 'shipping-failed', ackDeadlineSeconds: 10, maxDeliveryAttempts: 5, minimumBackoff: '250ms', maximumBackoff: '10m' },
        ],
        buckets: [{ name: 'labels' }, { name: 'a2345678901234567890' }],
        secrets: [{ name: 'api-key' }, { name: 'a'.repeat(40) }],
      }),
    ).toEqual([]);
  });

  it('accepts empty declarations: postgres and redis with their defaults', () => {
    expect(problemsWithUses({ postgres: {}, redis: {} })).toEqual([]);
  });

  type Row = [title: string, uses: unknown, field: string, value: unknown, problem: string, fix: string];
  const rows: Row[] = [
    ['uses that is not an object', 'postgres', 'uses', 'postgres', 'must be an object', 'write uses:'],
    [
      'a database name with "-"',
      { postgres: { database: 'my-db' } },
      'uses.postgres.database',
      'my-db',
      'is not a database name',
      "e.g. 'orders'",
    ],
    [
      'a database name starting with a digit',
      { postgres: { database: '1db' } },
      'uses.postgres.database',
      '1db',
      'is not a database name',
      'rename it',
    ],
    [
      'a database name of 64 characters',
      { postgres: { database: 'd'.repeat(64) } },
      'uses.postgres.database',
      'd'.repeat(64),
      'at most 63',
      'rename it',
    ],
    [
      'a reserved database name',
      { postgres: { database: 'template1' } },
      'uses.postgres.database',
      'template1',
      'already has',
      'choose another name',
    ],
    ['redis of 0 GiB', { redis: { sizeGb: 0 } }, 'uses.redis.sizeGb', 0, 'must be a whole number from 1 to 300', 'use 1 to 300 GiB'],
    ['redis of 301 GiB', { redis: { sizeGb: 301 } }, 'uses.redis.sizeGb', 301, 'from 1 to 300', '1 to 300 GiB'],
    ['redis of 1.5 GiB', { redis: { sizeGb: 1.5 } }, 'uses.redis.sizeGb', 1.5, 'whole number', '1 to 300 GiB'],
    ['an upper-case event', { publishes: ['OrderPlaced'] }, 'uses.publishes[0]', 'OrderPlaced', 'is not an event name', "'order-placed'"],
    [
      'an event starting with a digit',
      { publishes: ['1-placed'] },
      'uses.publishes[0]',
      '1-placed',
      'starting with a letter',
      "'order-placed'",
    ],
    ['an event ending with "-"', { publishes: ['placed-'] }, 'uses.publishes[0]', 'placed-', 'is not an event name', 'past tense'],
    ['an event of 64 characters', { publishes: ['e'.repeat(64)] }, 'uses.publishes[0]', 'e'.repeat(64), 'at most 63', 'past tense'],
    ['an event published twice', { publishes: ['a-b', 'a-b'] }, 'uses.publishes[1]', 'a-b', 'is listed twice', 'remove the duplicate'],
    ['publishes that is not a list', { publishes: 'a-b' }, 'uses.publishes', 'a-b', 'must be a list', "publishes: ['order-placed']"],
    [
      'a consumed event with "_"',
      { consumes: [{ event: 'order_placed' }] },
      'uses.consumes[0].event',
      'order_placed',
      'is not an event name',
      'uses.publishes',
    ],
    [
      'an ack deadline of 9 s',
      { consumes: [{ event: 'e-1', ackDeadlineSeconds: 9 }] },
      'uses.consumes[0].ackDeadlineSeconds',
      9,
      'from 10 to 600',
      '10 to 600 seconds',
    ],
    [
      'an ack deadline of 601 s',
      { consumes: [{ event: 'e-1', ackDeadlineSeconds: 601 }] },
      'uses.consumes[0].ackDeadlineSeconds',
      601,
      'from 10 to 600',
      '10 to 600 seconds',
    ],
    [
      '4 delivery attempts',
      { consumes: [{ event: 'e-1', maxDeliveryAttempts: 4 }] },
      'uses.consumes[0].maxDeliveryAttempts',
      4,
      'from 5 to 100',
      '5 to 100 deliveries',
    ],
    [
      '101 delivery attempts',
      { consumes: [{ event: 'e-1', maxDeliveryAttempts: 101 }] },
      'uses.consumes[0].maxDeliveryAttempts',
      101,
      'from 5 to 100',
      '5 to 100 deliveries',
    ],
    [
      'a backoff that is not a duration',
      { consumes: [{ event: 'e-1', minimumBackoff: '10' }] },
      'uses.consumes[0].minimumBackoff',
      '10',
      'is not a duration',
      "'10s'",
    ],
    [
      'a backoff over 600 s',
      { consumes: [{ event: 'e-1', maximumBackoff: '11m' }] },
      'uses.consumes[0].maximumBackoff',
      '11m',
      'longest backoff, 600s',
      "'0s' to '600s'",
    ],
    [
      'a maximum backoff below the minimum',
      { consumes: [{ event: 'e-1', minimumBackoff: '30s', maximumBackoff: '20s' }] },
      'uses.consumes[0].maximumBackoff',
      '20s',
      'is shorter than minimumBackoff 30s',
      'at least minimumBackoff',
    ],
    [
      'a maximum backoff below the default minimum',
      { consumes: [{ event: 'e-1', maximumBackoff: '5s' }] },
      'uses.consumes[0].maximumBackoff',
      '5s',
      'is shorter than minimumBackoff 10s (the default)',
      'at least minimumBackoff',
    ],
    [
      'a minimum backoff above the default maximum',
      { consumes: [{ event: 'e-1', minimumBackoff: '601s' }] },
      'uses.consumes[0].minimumBackoff',
      '601s',
      'longest backoff, 600s',
      "'0s' to '600s'",
    ],
    [
      'an event consumed twice',
      { consumes: [{ event: 'e-1' }, { event: 'e-1' }] },
      'uses.consumes[1].event',
      'e-1',
      'is consumed twice',
      'merge',
    ],
    [
      'consumes that is not a list',
      { consumes: { event: 'e-1' } },
      'uses.consumes',
      { event: 'e-1' },
      'must be a list',
      "consumes: [{ event: 'order-placed' }]",
    ],
    [
      'a consumer that is not an object',
      { consumes: ['e-1'] },
      'uses.consumes[0]',
      'e-1',
      'must be an object',
      "{ event: 'order-placed' }",
    ],
    [
      'a bucket with "_"',
      { buckets: [{ name: 'my_labels' }] },
      'uses.buckets[0].name',
      'my_labels',
      'at most 20 lower-case letters',
      "'labels'",
    ],
    [
      'a bucket of 21 characters',
      { buckets: [{ name: 'b'.repeat(21) }] },
      'uses.buckets[0].name',
      'b'.repeat(21),
      'at most 20',
      "'labels'",
    ],
    [
      'a bucket declared twice',
      { buckets: [{ name: 'labels' }, { name: 'labels' }] },
      'uses.buckets[1].name',
      'labels',
      'is declared twice',
      'distinct name',
    ],
    [
      'a bucket named with "google"',
      { buckets: [{ name: 'google-docs' }] },
      'uses.buckets[0].name',
      'google-docs',
      'containing "google"',
      'rename the bucket',
    ],
    ['buckets that is not a list', { buckets: 'labels' }, 'uses.buckets', 'labels', 'must be a list', "buckets: [{ name: 'labels' }]"],
    [
      'a secret of 41 characters',
      { secrets: [{ name: 's'.repeat(41) }] },
      'uses.secrets[0].name',
      's'.repeat(41),
      'at most 40',
      "'api-key'",
    ],
    ['a secret with upper case', { secrets: [{ name: 'ApiKey' }] }, 'uses.secrets[0].name', 'ApiKey', 'lower-case', "'api-key'"],
    [
      'a secret declared twice',
      { secrets: [{ name: 'api-key' }, { name: 'api-key' }] },
      'uses.secrets[1].name',
      'api-key',
      'is declared twice',
      'distinct name',
    ],
    ['a secret that is not an object', { secrets: ['api-key'] }, 'uses.secrets[0]', 'api-key', 'must be an object', "{ name: 'api-key' }"],
  ];
  it.each(rows)('reports %s', (_title, uses, field, value, problem, fix) => {
    expect(problemsWithUses(uses)).toEqual([
      { where: WHERE, field, value, problem: expect.stringContaining(problem), fix: expect.stringContaining(fix) },
    ]);
  });

  it('reports a consumer without an event as missing', () => {
    expect(problemsWithUses({ consumes: [{ ackDeadlineSeconds: 30 }] })).toEqual([
      { where: WHERE, field: 'uses.consumes[0].event', problem: 'is required', fix: expect.stringContaining("event: 'order-placed'") },
    ]);
  });

  it("reports a service named 'postgres' whose default database is the instance's own", () => {
    expect(problemsWithUses({ postgres: {} }, { name: 'postgres' })).toEqual([
      expect.objectContaining({ where: 'service "postgres"', field: 'uses.postgres', value: 'postgres' }),
    ]);
  });

  it('reports an unknown field of uses with a did-you-mean (from the generated schema)', () => {
    expect(problemsWithUses({ publish: ['a-b'] })).toEqual([
      { where: WHERE, field: 'uses.publish', value: ['a-b'], problem: 'is not a field of ServiceUses', fix: 'did you mean publishes?' },
    ]);
  });

  it('reports an unknown field of a consumer with a did-you-mean', () => {
    expect(problemsWithUses({ consumes: [{ event: 'e-1', maxDeliveryAttempt: 30 }] })).toEqual([
      expect.objectContaining({ field: 'uses.consumes[0].maxDeliveryAttempt', fix: 'did you mean maxDeliveryAttempts?' }),
    ]);
  });

  it('reports an environment variable that uses also sets, naming the field that sets it', () => {
    expect(
      problemsWithUses({ postgres: {}, publishes: ['order-placed'] }, { env: { PGHOST: 'db', PUBSUB_TOPIC_ORDER_PLACED: 'x' } }),
    ).toEqual([
      {
        where: WHERE,
        field: 'env',
        value: 'PGHOST',
        problem: 'is also set by uses.postgres',
        fix: expect.stringContaining('remove PGHOST'),
      },
      {
        where: WHERE,
        field: 'env',
        value: 'PUBSUB_TOPIC_ORDER_PLACED',
        problem: 'is also set by uses.publishes[0]',
        fix: expect.stringContaining('remove PUBSUB_TOPIC_ORDER_PLACED'),
      },
    ]);
  });

  it('formats a uses problem as one line naming the file, field, value and fix', () => {
    const [problem] = validateService({ spec: { ...base, uses: { redis: { sizeGb: 0 } } }, source: 'services/shop/cart.ts' });
    expect(formatProblem(problem)).toBe(
      'services/shop/cart.ts (service "svc"): uses.redis.sizeGb 0 must be a whole number from 1 to 300. Fix: use 1 to 300 GiB (Memorystore for Redis limits)',
    );
  });
});

describe('usesEnvironment', () => {
  it('lists the variables each declaration sets', () => {
    const spec = {
      ...base,
      uses: { redis: {}, consumes: [{ event: 'order-placed' }], buckets: [{ name: 'raw-labels' }], secrets: [{ name: 'api-key' }] },
    };
    expect(usesEnvironment(spec).map((e) => `${e.name} <- ${e.field}`)).toEqual([
      'REDIS_HOST <- uses.redis',
      'REDIS_PORT <- uses.redis',
      'REDIS_ADDR <- uses.redis',
      'REDIS_AUTH <- uses.redis',
      'REDIS_CA_FILE <- uses.redis',
      'PUBSUB_SUBSCRIPTION_ORDER_PLACED <- uses.consumes[0].event',
      'BUCKET_RAW_LABELS <- uses.buckets[0].name',
    ]);
  });
});

describe('validateCatalogue: events between services', () => {
  it('accepts a publisher and its consumer, and a service consuming its own event', () => {
    const services = [
      service('order', { publishes: ['order-placed'], consumes: [{ event: 'order-placed' }] }),
      service('payment', { consumes: [{ event: 'order-placed' }] }),
    ];
    expect(validateCatalogue(catalogue(services))).toEqual([]);
  });

  it('reports a consumed event that nobody publishes, with a did-you-mean against published events', () => {
    const services = [
      service('order', { publishes: ['order-placed'] }),
      service('payment', { consumes: [{ event: 'order-placd' }] }, 'services/shop/payment.ts'),
    ];
    expect(validateCatalogue(catalogue(services))).toEqual([
      {
        where: 'services/shop/payment.ts (service "payment")',
        field: 'uses.consumes[0].event',
        value: 'order-placd',
        problem: 'is published by no service of this catalogue',
        fix: 'did you mean order-placed?',
      },
    ]);
  });

  it('lists the published events when no name is close', () => {
    const services = [
      service('order', { publishes: ['order-placed', 'order-cancelled'] }),
      service('pay', { consumes: [{ event: 'refund' }] }),
    ];
    expect(validateCatalogue(catalogue(services))).toEqual([
      expect.objectContaining({
        field: 'uses.consumes[0].event',
        value: 'refund',
        fix: "consume one of: order-cancelled, order-placed, or add 'refund' to the uses.publishes of the service that emits it",
      }),
    ]);
  });

  it('says where to publish when the catalogue publishes nothing', () => {
    expect(validateCatalogue(catalogue([service('pay', { consumes: [{ event: 'refund' }] })]))).toEqual([
      expect.objectContaining({ value: 'refund', fix: "add 'refund' to the uses.publishes of the service that emits it" }),
    ]);
  });

  it('reports an event published by two services, on the second, naming the first', () => {
    const services = [
      service('order', { publishes: ['order-placed'] }, 'services/shop/order.ts'),
      service('cart', { publishes: ['cart-emptied', 'order-placed'] }),
      service('payment', { consumes: [{ event: 'order-placed' }, { event: 'cart-emptied' }] }),
    ];
    expect(validateCatalogue(catalogue(services))).toEqual([
      {
        where: 'service "cart"',
        field: 'uses.publishes[1]',
        value: 'order-placed',
        problem: 'is already published by services/shop/order.ts (service "order"): a topic has one owner',
        fix: expect.stringContaining("'cart-order-placed'"),
      },
    ]);
  });

  it('counts the events of a malformed service, so its consumers are not reported too', () => {
    const services = [
      service('order', { publishes: ['order-placed'], redis: { sizeGb: 'big' } }),
      service('pay', { consumes: [{ event: 'order-placed' }] }),
    ];
    expect(validateCatalogue(catalogue(services)).map((p) => p.field)).toEqual(['uses.redis.sizeGb']);
  });

  it('reports two services with the same database on the shared instance', () => {
    const services = [service('order', { postgres: { database: 'shop' } }), service('cart', { postgres: { database: 'shop' } })];
    expect(validateCatalogue(catalogue(services))).toEqual([
      {
        where: 'service "cart"',
        field: 'uses.postgres.database',
        value: 'shop',
        problem: `is already the database of service "order" on the environment's Cloud SQL instance`,
        fix: expect.stringContaining('a database of its own'),
      },
    ]);
  });

  it('compares default database names too', () => {
    const services = [service('my-cart', { postgres: {} }), service('cart', { postgres: { database: 'my_cart' } })];
    expect(validateCatalogue(catalogue(services))).toEqual([expect.objectContaining({ where: 'service "cart"', value: 'my_cart' })]);
  });

  it('ignores uses that are not lists when indexing events (reported per service)', () => {
    const services = [service('order', { publishes: 'order-placed', consumes: 'x' })];
    expect(validateCatalogue(catalogue(services)).map((p) => p.field)).toEqual(['uses.publishes', 'uses.consumes']);
  });
});

describe('catalogueWarnings', () => {
  it('warns about an event nobody consumes, naming the publisher, field and fix', () => {
    const services = [
      service('order', { publishes: ['order-placed', 'order-shipped'] }, 'services/shop/order.ts'),
      service('pay', { consumes: [{ event: 'order-placed' }] }),
    ];
    expect(catalogueWarnings(catalogue(services))).toEqual([
      {
        where: 'services/shop/order.ts (service "order")',
        field: 'uses.publishes[1]',
        value: 'order-shipped',
        problem: 'is consumed by no service of this catalogue',
        fix: "add uses.consumes: [{ event: 'order-shipped' }] to the service that reacts to it, or stop publishing it",
      },
    ]);
  });

  it('is not an error: validateCatalogue accepts the same catalogue', () => {
    expect(validateCatalogue(catalogue([service('order', { publishes: ['order-placed'] })]))).toEqual([]);
  });

  it('counts a service consuming its own event as a consumer', () => {
    expect(catalogueWarnings(catalogue([service('order', { publishes: ['tick'], consumes: [{ event: 'tick' }] })]))).toEqual([]);
  });

  it('returns nothing for a catalogue without events, and for input that is not a catalogue', () => {
    expect(catalogueWarnings(catalogue([service('a', undefined)]))).toEqual([]);
    expect(catalogueWarnings(undefined as unknown as Catalogue)).toEqual([]);
    expect(catalogueWarnings({ name: 'x', services: [null, { spec: 'nope' }] } as unknown as Catalogue)).toEqual([]);
  });
});

describe('validateForEnvironment: uses', () => {
  const rules = {
    profile: 'dev' as const,
    defaultTier: 'small' as const,
    domain: 'example.com',
    hasJwtIssuer: false,
    stackFile: 'Pulumi.staging.yaml',
  };

  it('reports a Memorystore instance id over 40 characters in the stack', () => {
    const name = 'a'.repeat(33); // staging-<33> = 41
    const problems = validateForEnvironment(catalogue([service(name, { redis: {} })]), { ...rules, stack: 'staging' });
    expect(problems).toEqual([
      {
        where: `service "${name}"`,
        field: 'uses.redis',
        value: `staging-${name}`,
        problem: 'is the Memorystore instance id in Pulumi.staging.yaml: 41 characters, and Memorystore allows 40',
        fix: 'shorten the service name to at most 32 characters',
      },
    ]);
  });

  it('accepts an id of exactly 40 characters, and services without redis', () => {
    const services = [service('a'.repeat(32), { redis: {} }), service('b'.repeat(60), { postgres: {} })];
    expect(validateForEnvironment(catalogue(services), { ...rules, stack: 'staging' })).toEqual([]);
  });

  it('reports a bucket name over 63 characters once the project is known', () => {
    const services = [service('shipping', { buckets: [{ name: 'labels' }, { name: 'b'.repeat(20) }] })];
    const project = 'p'.repeat(30);
    expect(validateForEnvironment(catalogue(services), { ...rules, stack: 'staging', gcpProject: project })).toEqual([
      {
        where: 'service "shipping"',
        field: 'uses.buckets[1].name',
        value: `${project}-staging-shipping-${'b'.repeat(20)}`,
        problem: "is the bucket's name in Pulumi.staging.yaml: 68 characters, and Cloud Storage allows 63",
        fix: 'shorten the bucket or service name by 5 characters',
      },
    ]);
  });

  it('skips the check when the stack is not given', () => {
    expect(validateForEnvironment(catalogue([service('a'.repeat(50), { redis: {} })]), rules)).toEqual([]);
  });
});
