/**
 * The shared harness of the resource (GCP) rule tests: a hardened stack every rule accepts, cases
 * that patch it into what a rule must reject or may accept, and the checks every table of rules
 * gets (policies/rules/gcp.test.ts, managed-services.test.ts).
 */
import { evaluate } from '../engine';
import type { Finding, PolicyResource, ResourceRule } from '../types';
import type { EnvironmentProfile } from '../../services/spec';

export function resource(type: string, name: string, props: Record<string, unknown>): PolicyResource {
  return { type, name, props };
}

/** `resources` with the resource `name`'s props changed at dotted paths (`undefined` deletes). */
export function patch(resources: readonly PolicyResource[], name: string, changes: Record<string, unknown>): PolicyResource[] {
  if (!resources.some((r) => r.name === name)) throw new Error(`no resource ${name} in the fixture`);
  return resources.map((r) => {
    if (r.name !== name) return r;
    const props = structuredClone(r.props);
    for (const [path, value] of Object.entries(changes)) {
      const keys = path.split('.');
      let node = props;
      for (const key of keys.slice(0, -1)) {
        if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
        node = node[key] as Record<string, unknown>;
      }
      const last = keys[keys.length - 1];
      if (value === undefined) delete node[last];
      else node[last] = value;
    }
    return { ...r, props };
  });
}

/** What one rule of `rules` reports on `resources` in a profile, as `{ object, message }`. */
export function ruleFindings(
  rules: readonly ResourceRule[],
  ruleId: string,
  resources: readonly PolicyResource[],
  profile: EnvironmentProfile = 'dev',
): Finding[] {
  const rule = rules.find((r) => r.id === ruleId);
  if (rule === undefined) throw new Error(`no rule ${ruleId}`);
  const report = evaluate([rule], { resources: { resources, profile } }, { environment: profile, exceptions: [], today: '2026-11-30' });
  return report.violations.map((v) => ({ object: v.object, message: v.message }));
}

export interface ResourceCase {
  readonly rule: string;
  readonly what: string;
  readonly resources: readonly PolicyResource[];
  readonly profile?: EnvironmentProfile;
  readonly expected: Finding[];
}

export interface ResourceRuleTable {
  readonly rules: readonly ResourceRule[];
  /** A stack every rule accepts, in dev and prod. */
  readonly hardened: () => PolicyResource[];
  readonly rejected: readonly ResourceCase[];
  readonly accepted: readonly ResourceCase[];
  /** The ids of the advisory rules, in catalogue order: everything else is mandatory. */
  readonly advisory: readonly string[];
}

/** The checks every table of resource rules gets: hardened accepted, each case, a rejecting case per rule, ids, levels. */
export function describeResourceRules(title: string, table: ResourceRuleTable): void {
  const findings = (rule: string, resources: readonly PolicyResource[], profile?: EnvironmentProfile) =>
    ruleFindings(table.rules, rule, resources, profile);
  describe(title, () => {
    it.each(table.rules.flatMap((rule) => (['dev', 'prod'] as const).map((profile) => ({ id: rule.id, profile }))))(
      '$id accepts the hardened stack in $profile',
      ({ id, profile }) => {
        expect(findings(id, table.hardened(), profile)).toEqual([]);
      },
    );

    it.each(table.rejected)('$rule rejects $what', ({ rule, resources, profile, expected }) => {
      expect(findings(rule, resources, profile)).toEqual(expected);
    });

    it.each(table.accepted)('$rule accepts $what', ({ rule, resources, profile, expected }) => {
      expect(findings(rule, resources, profile)).toEqual(expected);
    });

    it('has a rejecting case for every rule', () => {
      expect(table.rules.map((r) => r.id).filter((id) => !table.rejected.some((c) => c.rule === id))).toEqual([]);
    });

    it('gives every rule a unique id prefixed by a catalogue entry it lists', () => {
      const ids = table.rules.map((r) => r.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const rule of table.rules) {
        expect(rule.catalogue).toContain(rule.id.split('-')[0]);
        expect(rule.target).toBe('resources');
      }
    });

    it('marks only good practice as advisory', () => {
      expect(table.rules.filter((r) => r.enforcement === 'advisory').map((r) => r.id)).toEqual(table.advisory);
    });
  });
}
