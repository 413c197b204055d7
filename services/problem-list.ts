/**
 * The collector the spec checks share (validate.ts, validate-uses.ts): every problem of one
 * spec, located at the same place, and the small field checks written once.
 */
import type { Problem } from '../core/problems';
import { isRecord } from '../core/json';
import type { ServiceDefinition } from './spec';

export class ProblemList {
  readonly problems: Problem[] = [];
  constructor(readonly where: string) {}
  add(field: string, value: unknown, problem: string, fix: string): void {
    this.problems.push({ where: this.where, field, value, problem, fix });
  }
  missing(field: string, problem: string, fix: string): void {
    this.problems.push({ where: this.where, field, problem, fix });
  }
}

export const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** An optional object-valued field: absent is fine, anything but an object is a problem. */
export function isSection(p: ProblemList, field: string, value: unknown, fix: string): boolean {
  if (value === undefined) return true;
  if (isRecord(value)) return true;
  p.add(field, value, 'must be an object', fix);
  return false;
}

export function checkInt(p: ProblemList, field: string, value: unknown, min: number, max: number, fix: string): void {
  if (value === undefined) return;
  if (!isInt(value) || value < min || value > max) p.add(field, value, `must be a whole number from ${min} to ${max}`, fix);
}

/** Names the spec in messages: its file when known, else the service name. */
export function specLocation(def: ServiceDefinition): string {
  const name = typeof def.spec?.name === 'string' ? def.spec.name : '?';
  return def.source === undefined ? `service "${name}"` : `${def.source} (service "${name}")`;
}
