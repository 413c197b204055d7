/**
 * One Pulumi operation as the workflows run it (`.github/workflows/pulumi.yml`): the exact
 * CLI arguments per operation, the output streamed to the log and kept, and a Markdown
 * summary for the pull request comment. The CLI's exit code is the step's.
 */
import { PREVIEW_STACK } from '../infra/config';

export const OPERATIONS = ['preview', 'up', 'destroy', 'drift'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** Runs a command, streaming its output, and gives back the exit code and the output. */
export type Runner = (command: string, args: readonly string[]) => Promise<{ readonly code: number; readonly output: string }>;

/** Longest body a PR comment may have, with room for the heading. */
const MAX_OUTPUT = 60_000;

export function pulumiArgs(operation: Operation, stack: string): string[] {
  const common = ['--stack', stack, '--non-interactive'];
  switch (operation) {
    case 'preview':
      return ['preview', ...common, '--diff', '--policy-pack', 'policies'];
    case 'up':
      return ['up', ...common, '--yes', '--skip-preview', '--policy-pack', 'policies'];
    case 'destroy':
      // --remove deletes the stack and its state once its resources are gone.
      return ['destroy', ...common, '--yes', '--remove'];
    case 'drift':
      return ['preview', ...common, '--expect-no-changes', '--policy-pack', 'policies'];
  }
}

/** The `Resources:` block Pulumi prints at the end (`+ 3 to create`, `12 unchanged`). */
export function resourceSummary(output: string): string[] {
  const lines = output.split('\n');
  const start = lines.findIndex((l) => l.trim() === 'Resources:');
  if (start < 0) return [];
  const out: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '') break;
    out.push(line.trim());
  }
  return out;
}

function tail(text: string, max: number): string {
  if (text.length <= max) return text;
  return `... (${text.length - max} earlier characters in the job log)\n${text.slice(text.length - max)}`;
}

export interface StepResult {
  readonly code: number;
  readonly markdown: string;
}

export async function runStep(operation: Operation, stack: string, run: Runner): Promise<StepResult> {
  const args = pulumiArgs(operation, stack);
  const result = await run('pulumi', args);
  const verdict = result.code === 0 ? 'succeeded' : operation === 'drift' ? 'found drift or failed' : 'failed';
  const lines = [`### \`pulumi ${args[0]}\` of stack \`${stack}\`: ${verdict}`, ''];
  const summary = resourceSummary(result.output);
  if (summary.length > 0) lines.push(...summary.map((s) => `- ${s}`), '');
  if (operation === 'up' && result.code === 0 && PREVIEW_STACK.test(stack)) {
    const urls = await run('pulumi', ['stack', 'output', 'urls', '--stack', stack, '--json']);
    const parsed: unknown = urls.code === 0 ? JSON.parse(urls.output || '[]') : [];
    const list = Array.isArray(parsed) ? parsed.filter((u): u is string => typeof u === 'string') : [];
    if (list.length > 0) lines.push('Preview stack is up:', ...list.map((u) => `- ${u}`), '');
  }
  lines.push('<details><summary>Output</summary>', '', '```', tail(result.output.trimEnd(), MAX_OUTPUT), '```', '</details>', '');
  return { code: result.code, markdown: lines.join('\n') };
}
