import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  DEFAULT_CIRCUIT_BREAKER,
  DEFAULT_CPU_TARGET_PERCENT,
  DEFAULT_REPLICAS,
  DEFAULT_RETRY_ON,
  DEFAULT_RUN_AS_USER,
  DEFAULT_STARTUP_SECONDS,
  DEFAULT_TERMINATION_GRACE_SECONDS,
  portNameFor,
  trafficFor,
} from './defaults';
import { generateSpecSchema } from '../cli/spec-docs-command';
import { DEFAULT_DESCRIPTION, SPEC_SCHEMA_FILE } from './spec-schema';
import type { ServiceSpec } from './spec';

const ROOT = path.resolve(__dirname, '..');
const committed = fs.readFileSync(path.join(ROOT, SPEC_SCHEMA_FILE), 'utf8');
type Node = { [key: string]: unknown };
const schema = JSON.parse(committed) as { definitions: Record<string, Node> };

/** Every property of every object in the schema, as [definition.path, node, required]. */
function properties(): Array<[string, Node, boolean]> {
  const out: Array<[string, Node, boolean]> = [];
  const visit = (where: string, node: Node) => {
    if (node.type === 'object' && typeof node.properties === 'object' && node.properties !== null) {
      const required = new Set((node.required as string[] | undefined) ?? []);
      for (const [key, child] of Object.entries(node.properties as Record<string, Node>)) {
        out.push([`${where}.${key}`, child, required.has(key)]);
        visit(`${where}.${key}`, child);
      }
    }
    if (Array.isArray(node.anyOf)) (node.anyOf as Node[]).forEach((b, i) => visit(`${where}|${i}`, b));
  };
  for (const [name, node] of Object.entries(schema.definitions)) visit(name, node);
  return out;
}

describe(SPEC_SCHEMA_FILE, () => {
  it('is what npm run schema:spec generates from services/spec.ts', () => {
    // On failure: run `npm run schema:spec` and commit services/spec.schema.json.
    expect(generateSpecSchema(ROOT)).toBe(committed);
  }, 30_000);

  it('rejects unknown fields in every object', () => {
    const open = Object.entries(schema.definitions).filter(([, n]) => n.type === 'object' && n.additionalProperties === undefined);
    expect(open).toEqual([]);
    for (const [field, node] of properties()) {
      if (node.type === 'object' && node.properties !== undefined) expect([field, node.additionalProperties]).toEqual([field, false]);
    }
  });

  it('documents every field, and gives every optional field a default (a value or what happens)', () => {
    const missing = properties()
      .filter(([field]) => !field.includes('|'))
      .filter(([, node, required]) => {
        const described = typeof node.description === 'string' || node.$ref !== undefined;
        const defaulted = node.default !== undefined || node[DEFAULT_DESCRIPTION] !== undefined;
        return !described || required === defaulted;
      })
      .map(([field]) => field);
    expect(missing).toEqual([]);
  });

  it('documents the defaults that defaults.ts resolves', () => {
    const spec = { name: 'svc', versions: [{ name: 'v1' }] } as unknown as ServiceSpec;
    const d = (definition: string, field: string) => (schema.definitions[definition].properties as Record<string, Node>)[field].default;
    const traffic = trafficFor(spec);
    expect(d('ServiceSpec', 'protocol')).toBe(portNameFor(spec));
    expect(d('ServiceSpec', 'runAsUser')).toBe(DEFAULT_RUN_AS_USER);
    expect(d('ServiceSpec', 'terminationGracePeriodSeconds')).toBe(DEFAULT_TERMINATION_GRACE_SECONDS);
    expect(d('ReplicaSpec', 'cpuTargetPercent')).toBe(DEFAULT_CPU_TARGET_PERCENT);
    expect(d('ProbeSpec', 'startupSeconds')).toBe(DEFAULT_STARTUP_SECONDS);
    expect(d('TrafficPolicy', 'timeout')).toBe(traffic.timeout);
    expect(d('RetryPolicy', 'attempts')).toBe(traffic.retries.attempts);
    expect(d('RetryPolicy', 'perTryTimeout')).toBe(traffic.retries.perTryTimeout);
    expect(d('RetryPolicy', 'retryOn')).toBe(DEFAULT_RETRY_ON);
    for (const [key, value] of Object.entries(DEFAULT_CIRCUIT_BREAKER)) expect([key, d('CircuitBreakerPolicy', key)]).toEqual([key, value]);
    for (const [profile, range] of Object.entries(DEFAULT_REPLICAS)) {
      const text = (schema.definitions.ReplicaSpec.properties as Record<string, Node>)[profile][DEFAULT_DESCRIPTION];
      expect(text).toBe(`\`{ min: ${range.min}, max: ${range.max} }\``);
    }
  });
});
