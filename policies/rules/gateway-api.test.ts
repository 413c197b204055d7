import { readFileSync } from 'fs';
import { load } from 'js-yaml';
import path from 'path';
import { validateObject, type ManifestObject } from '../../charts/schema';
import { evaluate } from '../engine';
import type { Finding } from '../types';
import { gatewayApiRules } from './gateway-api';

// GIVEN a Gateway with an HTTPS listener and an HTTP listener whose only route redirects to
// HTTPS, and a route serving on the HTTPS listener, WHEN one field is changed, THEN the rule
// about it reports exactly that. Every fixture is validated against the vendored CRDs.

// The fixtures' shapes: the fields these tests set, read or delete, not the whole Gateway API.
type Metadata = { name: string; namespace?: string };
type ListenerTls = { mode: 'Terminate' | 'Passthrough'; certificateRefs?: { name: string }[] };
type Listener = {
  name: string;
  protocol: 'HTTP' | 'HTTPS' | 'TLS';
  port: number;
  hostname?: string;
  tls?: ListenerTls;
  allowedRoutes?: { namespaces: { from: 'All' | 'Same' } };
};
type ParentRef = { name: string; namespace?: string; sectionName?: string };
type RouteRule = {
  filters?: { type: 'RequestRedirect'; requestRedirect: { scheme: string; statusCode: number } }[];
  backendRefs?: { name: string; port: number }[];
};
type Gateway = { apiVersion: string; kind: 'Gateway'; metadata: Metadata; spec: { gatewayClassName: string; listeners: Listener[] } };
type HTTPRoute = {
  apiVersion: string;
  kind: 'HTTPRoute';
  metadata: Metadata;
  spec: { parentRefs: ParentRef[]; hostnames?: string[]; rules: RouteRule[] };
};
type GatewayApiObject = Gateway | HTTPRoute;

const GATEWAY = 'Gateway/edge/public';

/**
 * The vendored CRD's schema, made strict (a field the CRD does not declare, which the API
 * server would prune, fails): charts/schema.ts validates Gateway API kinds against it.
 */
const schemaErrors = (o: GatewayApiObject | ManifestObject): string[] =>
  validateObject(o as ManifestObject, 'fixture').map((p) => `${p.field}: ${p.problem}`);

function set(): GatewayApiObject[] {
  const meta = <K extends GatewayApiObject['kind']>(kind: K, name: string) => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind,
    metadata: { name, namespace: 'edge' },
  });
  return [
    {
      ...meta('Gateway', 'public'),
      spec: {
        gatewayClassName: 'gke-l7-global-external-managed',
        listeners: [
          {
            name: 'https',
            protocol: 'HTTPS',
            port: 443,
            hostname: 'shop.example.com',
            tls: { mode: 'Terminate', certificateRefs: [{ name: 'shop-tls' }] },
          },
          { name: 'http', protocol: 'HTTP', port: 80, hostname: 'shop.example.com' },
        ],
      },
    },
    {
      ...meta('HTTPRoute', 'redirect'),
      spec: {
        parentRefs: [{ name: 'public', sectionName: 'http' }],
        rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
      },
    },
    {
      ...meta('HTTPRoute', 'shop'),
      spec: {
        parentRefs: [{ name: 'public', sectionName: 'https' }],
        hostnames: ['shop.example.com'],
        rules: [{ backendRefs: [{ name: 'shop', port: 80 }] }],
      },
    },
  ];
}

const isRoute = (x: GatewayApiObject): x is HTTPRoute => x.kind === 'HTTPRoute';
function found<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`fixture has no ${what}`);
  return value;
}
const gateway = (o: GatewayApiObject[]): Gateway => {
  const g = o[0];
  if (g.kind !== 'Gateway') throw new Error('fixture has no Gateway first');
  return g;
};
const listener = (o: GatewayApiObject[], name: string): Listener =>
  found(
    gateway(o).spec.listeners.find((l) => l.name === name),
    `listener ${name}`,
  );
const tls = (o: GatewayApiObject[], name: string): ListenerTls => found(listener(o, name).tls, `tls on listener ${name}`);
const route = (o: GatewayApiObject[], name: string): HTTPRoute =>
  found(
    o.filter(isRoute).find((x) => x.metadata.name === name),
    `HTTPRoute ${name}`,
  );

function findings(rule: string, objects: GatewayApiObject[]): Finding[] {
  const report = evaluate(
    gatewayApiRules,
    { manifests: { objects, profile: 'prod', allowedRegistries: [] } },
    { environment: 'prod', exceptions: [], today: '2026-11-30' },
  );
  return report.violations.filter((v) => v.rule.id === rule).map((v) => ({ object: v.object, message: v.message }));
}

interface Case {
  readonly rule: string;
  readonly what: string;
  readonly mutate: (objects: GatewayApiObject[]) => void;
  readonly expected?: Finding[];
}

const rejected: Case[] = [
  {
    rule: 'NM06-gateway-api-hosts',
    what: 'an HTTP listener with no hostname (any host)',
    mutate: (o) => {
      delete listener(o, 'http').hostname;
    },
    expected: [{ object: GATEWAY, message: "listener 'http' (HTTP port 80) has no hostname: it accepts any hostname" }],
  },
  {
    rule: 'NM06-gateway-api-hosts',
    what: 'a wildcard over a top-level domain',
    mutate: (o) => {
      listener(o, 'https').hostname = '*.com';
    },
    expected: [
      { object: GATEWAY, message: "listener 'https' (HTTPS port 443) hostname '*.com' accepts any hostname under a top-level domain" },
    ],
  },
  {
    rule: 'NM07-gateway-api-certificate',
    what: 'an HTTPS listener without certificateRefs',
    mutate: (o) => {
      delete tls(o, 'https').certificateRefs;
    },
    expected: [{ object: GATEWAY, message: "listener 'https' (HTTPS port 443) has no tls.certificateRefs" }],
  },
  {
    rule: 'NM07-gateway-api-certificate',
    what: 'an HTTPS listener without tls',
    mutate: (o) => {
      delete listener(o, 'https').tls;
    },
    expected: [{ object: GATEWAY, message: "listener 'https' (HTTPS port 443) has no tls settings" }],
  },
  {
    rule: 'NM07-gateway-api-http-redirect',
    what: 'an HTTP listener with no route attached',
    mutate: (o) => {
      o.splice(o.indexOf(route(o, 'redirect')), 1);
    },
    expected: [{ object: GATEWAY, message: "listener 'http' (HTTP port 80) has no HTTPRoute attached that redirects to HTTPS" }],
  },
  {
    rule: 'NM07-gateway-api-http-redirect',
    what: 'a serving route attached to every listener (no sectionName)',
    mutate: (o) => {
      delete route(o, 'shop').spec.parentRefs[0].sectionName;
    },
    expected: [
      {
        object: GATEWAY,
        message:
          "listener 'http' (HTTP port 80) serves plaintext: HTTPRoute/edge/shop has a rule without a RequestRedirect to scheme https",
      },
    ],
  },
  {
    rule: 'NM07-gateway-api-http-redirect',
    what: 'a redirect route in a namespace the listener does not admit (from defaults to Same)',
    mutate: (o) => {
      route(o, 'redirect').metadata.namespace = 'apps';
      route(o, 'redirect').spec.parentRefs[0].namespace = 'edge';
    },
    expected: [{ object: GATEWAY, message: "listener 'http' (HTTP port 80) has no HTTPRoute attached that redirects to HTTPS" }],
  },
  {
    rule: 'MC03-httproute-parent',
    what: 'a parentRef naming a Gateway not in the set',
    mutate: (o) => {
      route(o, 'shop').spec.parentRefs[0].name = 'retired';
    },
    expected: [{ object: 'HTTPRoute/edge/shop', message: "parentRef Gateway 'retired' (namespace 'edge') is not in the set" }],
  },
];

const accepted: Case[] = [
  {
    rule: 'NM06-gateway-api-hosts',
    what: 'a wildcard under an owned domain',
    mutate: (o) => {
      listener(o, 'https').hostname = '*.example.com';
    },
  },
  {
    rule: 'NM07-gateway-api-certificate',
    what: 'a TLS passthrough listener without certificates',
    mutate: (o) => {
      gateway(o).spec.listeners.push({
        name: 'tls',
        protocol: 'TLS',
        port: 8443,
        hostname: 'db.example.com',
        tls: { mode: 'Passthrough' },
      });
    },
  },
  {
    rule: 'NM07-gateway-api-http-redirect',
    what: 'a redirect route from an admitted namespace',
    mutate: (o) => {
      listener(o, 'http').allowedRoutes = { namespaces: { from: 'All' } };
      route(o, 'redirect').metadata.namespace = 'apps';
      route(o, 'redirect').spec.parentRefs[0].namespace = 'edge';
    },
  },
  {
    rule: 'MC03-httproute-parent',
    what: 'a parentRef to a Gateway of another namespace in the set',
    mutate: (o) => {
      gateway(o).metadata.namespace = 'gw';
      for (const r of o.slice(1).filter(isRoute)) r.spec.parentRefs[0].namespace = 'gw';
      listener(o, 'http').allowedRoutes = { namespaces: { from: 'All' } };
    },
  },
];

describe('Gateway API rules', () => {
  it('accept the compliant set with no finding at all', () => {
    expect(gatewayApiRules.flatMap((r) => findings(r.id, set()))).toEqual([]);
  });

  it.each(rejected)('$rule rejects $what', ({ rule, mutate, expected }) => {
    const objects = set();
    mutate(objects);
    expect(findings(rule, objects)).toEqual(expected);
  });

  it.each(accepted)('$rule accepts $what', ({ rule, mutate }) => {
    const objects = set();
    mutate(objects);
    expect(objects).not.toEqual(set());
    expect(findings(rule, objects)).toEqual([]);
  });

  it('has a rejecting and an accepting case for every rule', () => {
    for (const r of gatewayApiRules) {
      expect(rejected.some((c) => c.rule === r.id)).toBe(true);
      expect(accepted.some((c) => c.rule === r.id)).toBe(true);
    }
  });

  // Every case is an object the API server would accept, so a bump that renames or retypes a
  // field the rules read fails here.
  it.each([...rejected, ...accepted])('uses only CRD-valid objects ($rule, $what)', ({ mutate }) => {
    const objects = set();
    mutate(objects);
    for (const o of objects) expect([o.kind, schemaErrors(o)]).toEqual([o.kind, []]);
  });

  it('rejects a misspelt field the rules would not read (the validation can fail)', () => {
    const o = set();
    // The misspelling is deliberately not in ListenerTls: add it beside the declared fields.
    Object.assign(tls(o, 'https'), { certificateRef: tls(o, 'https').certificateRefs });
    delete tls(o, 'https').certificateRefs;
    expect(schemaErrors(gateway(o))).toContainEqual(
      'Gateway/public /spec/listeners/0/tls: must NOT have additional properties ("certificateRef": the API server would drop it)',
    );
  });

  it('validates the bad fixture of the --dir run against the CRDs', () => {
    const docs = readFileSync(path.join(__dirname, '..', '..', 'test', 'fixtures', 'policy', 'bad', 'gateway-api.yaml'), 'utf8')
      .split(/^---$/m)
      .map((d) => load(d) as ManifestObject);
    expect(docs.map((o) => [o.kind, schemaErrors(o)])).toEqual([
      ['Gateway', []],
      ['HTTPRoute', []],
    ]);
  });
});
