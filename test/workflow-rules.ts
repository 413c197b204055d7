/**
 * GitHub Actions' rules for calls, secrets, variables and forks, as pure checks over parsed
 * workflows, so test/workflows.test.ts can run them on the real workflows and on small
 * fixtures that show each check fails where it should. Each rule cites the GitHub page it
 * models (github/docs, content/actions/...):
 *
 * - A called workflow sees a caller's secret only when the caller passes it by name (or with
 *   `secrets: inherit`, which we never use), and the callee declares it in
 *   `on.workflow_call.secrets` (how-tos/reuse-automations/reuse-workflows.md, "Using inputs
 *   and secrets in a reusable workflow"). The same page warns that environment secrets cannot
 *   be passed, and that when the called workflow's job declares `environment`, "the
 *   environment secret will be used": we read no environment secret at all, so nothing
 *   depends on that.
 * - Environment variables (`vars`) reach a job that declares the environment, "on the runner
 *   after the job starts executing", and a reusable workflow uses the variables of the
 *   caller's repository (reference/workflows-and-actions/variables.md, "Configuration variable
 *   precedence"): so `vars` are read only in the steps of a job with `environment:`.
 * - `with:` of a call takes the callee's `on.workflow_call.inputs`, each with its `type`, and
 *   must give every `required` one (reference/workflows-and-actions/workflow-syntax.md).
 * - A pull request from a fork gets a read-only GITHUB_TOKEN and no secrets
 *   (reference/workflows-and-actions/events-that-trigger-workflows.md, "Workflows in forked
 *   repositories"): a job that writes or signs in must not run for one.
 */
type Json = Record<string, unknown>;

export interface Step {
  uses?: string;
  run?: string;
  with?: Json;
  env?: Json;
  if?: string;
  id?: string;
  name?: string;
}
export interface Job {
  'runs-on'?: string;
  uses?: string;
  with?: Json;
  secrets?: Json | string;
  needs?: string | string[];
  if?: string;
  name?: string;
  env?: Json;
  environment?: string | { name: string };
  permissions?: Json | string;
  concurrency?: { group: string; 'cancel-in-progress'?: boolean | string };
  steps?: Step[];
  strategy?: { matrix?: Json };
}
export interface Workflow {
  name: string;
  on: Json | string | string[];
  permissions?: Json | string;
  concurrency?: Json;
  env?: Json;
  jobs: Record<string, Job>;
}

export interface InputSpec {
  type?: string;
  required?: boolean;
  default?: unknown;
}
export interface WorkflowCall {
  inputs?: Record<string, InputSpec>;
  secrets?: Record<string, { required?: boolean }>;
}

/** The guard that keeps a job away from pull requests from forks. */
export const FORK_GUARD = 'github.event.pull_request.head.repo.full_name == github.repository';

/** Names read from a context (`secrets.X`, `vars.X`) anywhere inside a value. */
export function contextReads(value: unknown, context: 'secrets' | 'vars'): string[] {
  const text = JSON.stringify(value ?? null);
  const reads = [...text.matchAll(/\$\{\{([^}]*)\}\}/g)].flatMap((m) =>
    [...m[1].matchAll(new RegExp(`\\b${context}\\.([A-Za-z_][A-Za-z0-9_-]*)`, 'g'))].map((n) => n[1]),
  );
  return [...new Set(reads)].sort();
}

/** The events of `on:`, which may be one name, a list or a map. */
export function triggers(w: Workflow): string[] {
  return typeof w.on === 'string' ? [w.on] : Array.isArray(w.on) ? w.on : Object.keys(w.on);
}

export function workflowCall(w: Workflow): WorkflowCall | undefined {
  if (!triggers(w).includes('workflow_call')) return undefined;
  return typeof w.on === 'object' && !Array.isArray(w.on) ? (w.on.workflow_call ?? {}) : {};
}

/** Problems of one caller job against the workflow it calls. */
export function callProblems(where: string, job: Job, callee: Workflow): string[] {
  const call = workflowCall(callee);
  if (call === undefined) return [`${where}: calls a workflow without on.workflow_call`];
  const problems: string[] = [];
  const inputs = call.inputs ?? {};
  const given = job.with ?? {};
  for (const [name, value] of Object.entries(given)) {
    const spec = inputs[name];
    if (spec === undefined) {
      problems.push(`${where}: with.${name} is not an input of the called workflow (inputs: ${Object.keys(inputs).join(', ') || 'none'})`);
      continue;
    }
    const expression = typeof value === 'string' && value.includes('${{');
    const type = spec.type ?? 'string';
    if (!expression && typeof value !== type) problems.push(`${where}: with.${name} is a ${typeof value}, the input is a ${type}`);
  }
  for (const [name, spec] of Object.entries(inputs)) {
    if (spec.required === true && !(name in given)) problems.push(`${where}: required input ${name} is not given`);
  }
  if (job.secrets === 'inherit') problems.push(`${where}: secrets: inherit hands every secret over; pass the ones needed by name`);
  const passed = typeof job.secrets === 'object' ? Object.keys(job.secrets) : [];
  const declared = call.secrets ?? {};
  for (const name of passed) {
    if (!(name in declared)) problems.push(`${where}: passes secret ${name}, which the called workflow does not declare`);
  }
  for (const [name, spec] of Object.entries(declared)) {
    if (spec.required === true && !passed.includes(name)) problems.push(`${where}: required secret ${name} is not passed`);
  }
  // Every secret the callee reads must reach it: declared there and passed here.
  for (const name of contextReads(callee.jobs, 'secrets')) {
    if (name === 'GITHUB_TOKEN') continue;
    if (!(name in declared))
      problems.push(
        `${where}: the called workflow reads secrets.${name}, which it does not declare in on.workflow_call.secrets, so no caller can pass it`,
      );
    else if (!passed.includes(name) && declared[name].required !== true)
      problems.push(`${where}: the called workflow reads secrets.${name}, which this call does not pass`);
  }
  return problems;
}

/**
 * `vars` read where environment variables do not exist: outside a job that declares an
 * environment, or in the job's own keys (evaluated before its environment's variables reach
 * the runner) rather than in its steps. Names in `repositoryLevel` are repository variables,
 * set everywhere, and are not checked.
 */
export function variableProblems(file: string, w: Workflow, repositoryLevel: ReadonlySet<string> = new Set()): string[] {
  const problems: string[] = [];
  const environmentLevel = (names: string[]) => names.filter((n) => !repositoryLevel.has(n));
  if (environmentLevel(contextReads(w.env, 'vars')).length > 0) problems.push(`${file}: workflow-level env reads vars`);
  for (const [name, job] of Object.entries(w.jobs)) {
    const { steps, ...keys } = job;
    const inSteps = environmentLevel(contextReads(steps, 'vars'));
    const inKeys = environmentLevel(contextReads(keys, 'vars'));
    if (inKeys.length > 0) problems.push(`${file} ${name}: reads vars.${inKeys.join(', vars.')} in the job's keys; read them in its steps`);
    if (inSteps.length > 0 && job.environment === undefined)
      problems.push(`${file} ${name}: reads vars.${inSteps.join(', vars.')} without an environment:, where they are not set`);
  }
  return problems;
}

/** The conjuncts of an `if:` (top level `&&` only). */
export function conjuncts(condition: string | undefined): string[] {
  if (condition === undefined) return [];
  const body = condition
    .trim()
    .replace(/^\$\{\{\s*/, '')
    .replace(/\s*\}\}$/, '');
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '(') depth++;
    else if (body[i] === ')') depth--;
    else if (depth === 0 && body.startsWith('&&', i)) {
      parts.push(body.slice(start, i).trim());
      start = i + 2;
    }
  }
  parts.push(body.slice(start).trim());
  return parts;
}

/** Whether a job writes or signs in: any write permission, or a call of a reusable workflow (which signs in to Google here). */
export function writes(job: Job): boolean {
  const permissions = typeof job.permissions === 'object' ? Object.values(job.permissions) : [job.permissions];
  return job.uses !== undefined || permissions.some((p) => typeof p === 'string' && p.includes('write'));
}

/** Jobs of a workflow triggered by pull requests that could write, or sign in, for a fork. */
export function forkProblems(file: string, w: Workflow): string[] {
  if (!triggers(w).some((t) => t === 'pull_request' || t === 'pull_request_target')) return [];
  return Object.entries(w.jobs)
    .filter(([, job]) => writes(job) && !conjuncts(job.if).includes(FORK_GUARD))
    .map(([name]) => `${file} ${name}: writes or signs in but may run for a fork (add \`${FORK_GUARD}\` to its if:, joined with &&)`);
}

/** Jobs that sign in to Google without a GitHub environment (their account is bound to one). */
export function authProblems(file: string, w: Workflow, callees: (uses: string) => Workflow | undefined): string[] {
  const problems: string[] = [];
  for (const [name, job] of Object.entries(w.jobs)) {
    const signsIn = (job.steps ?? []).some((s) => s.uses?.startsWith('google-github-actions/auth@') === true);
    if (signsIn && job.environment === undefined) problems.push(`${file} ${name}: signs in to Google outside a GitHub environment`);
    const callee = job.uses === undefined ? undefined : callees(job.uses);
    if (callee !== undefined) problems.push(...authProblems(`${file} ${name} -> ${job.uses}`, callee, callees));
  }
  return problems;
}
