/**
 * Every command of cli/, by its npm script: `npm run <script>` runs `cli/<entry>.ts`, whose
 * three lines call `main(<command>)`. The command reference of docs/commands.md is generated
 * from their declarations (`npm run docs:commands`, declared here), and cli/help.test.ts
 * checks each one's `--help` and bad usage.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../core/config';
import { withCommandsReference } from './help';
import { command, type DeclaredCommand } from './args';
import { bundleCli } from './bundle-command';
import { codeownersCli } from './codeowners-command';
import { docsPoliciesCli } from './docs-policies-command';
import { dnsRecordsCli } from './dns-records-command';
import { docsGraphCli, graphCli } from './graph-command';
import { importIstioCli } from './import-istio-command';
import { importMonitoringCli } from './import-monitoring-command';
import { manifestDiffCli } from './manifest-diff-command';
import { openPrCli } from './open-pr-command';
import { pinActionsCli } from './pin-actions-command';
import { planCli } from './plan-command';
import { policyCli } from './policy-command';
import { prCommentCli } from './pr-comment-command';
import { promoteCli } from './promote-command';
import { pulumiStepCli } from './pulumi-step-command';
import { releaseCli } from './release-command';
import { stacksCli } from './stacks-command';
import { docsSpecCli, schemaSpecCli } from './spec-docs-command';
import { startCli } from './start-command';
import { synthBaseCli } from './synth-base-command';
import { synthCli } from './synth-command';
import { syncWaitCli } from './sync-wait-command';

export interface CliEntry {
  /** The entry point, relative to the repository root. */
  readonly entry: string;
  /** The name the entry point imports it by. */
  readonly exportName: string;
  /** The module that declares it, relative to cli/, without `.ts`. */
  readonly module: string;
  readonly command: DeclaredCommand;
}

/** The file whose command reference is generated, relative to the repository root. */
export const COMMANDS_DOCS = 'docs/commands.md';

export const docsCommandsCli = command(
  {
    script: 'docs:commands',
    summary: `Regenerates the command reference of ${COMMANDS_DOCS} (every command's --help) from the commands' declarations.`,
    options: {},
  },
  (_args, io) => {
    const file = path.join(repoRoot(), COMMANDS_DOCS);
    fs.writeFileSync(file, withCommandsReference(fs.readFileSync(file, 'utf8'), COMMANDS));
    io.out(`${COMMANDS_DOCS}: command reference regenerated (${Object.keys(COMMANDS).length} commands)\n`);
  },
);

/** npm script -> its command, in the order docs/commands.md lists them. */
export const COMMANDS: Readonly<Record<string, CliEntry>> = {
  start: { entry: 'cli/start.ts', exportName: 'startCli', module: 'start-command', command: startCli },
  synth: { entry: 'cli/synth.ts', exportName: 'synthCli', module: 'synth-command', command: synthCli },
  graph: { entry: 'cli/graph.ts', exportName: 'graphCli', module: 'graph-command', command: graphCli },
  plan: { entry: 'cli/plan.ts', exportName: 'planCli', module: 'plan-command', command: planCli },
  policy: { entry: 'cli/policy.ts', exportName: 'policyCli', module: 'policy-command', command: policyCli },
  release: { entry: 'cli/release.ts', exportName: 'releaseCli', module: 'release-command', command: releaseCli },
  promote: { entry: 'cli/promote.ts', exportName: 'promoteCli', module: 'promote-command', command: promoteCli },
  'manifest-diff': {
    entry: 'cli/manifest-diff.ts',
    exportName: 'manifestDiffCli',
    module: 'manifest-diff-command',
    command: manifestDiffCli,
  },
  bundle: { entry: 'cli/bundle.ts', exportName: 'bundleCli', module: 'bundle-command', command: bundleCli },
  'sync-wait': { entry: 'cli/sync-wait.ts', exportName: 'syncWaitCli', module: 'sync-wait-command', command: syncWaitCli },
  'dns-records': { entry: 'cli/dns-records.ts', exportName: 'dnsRecordsCli', module: 'dns-records-command', command: dnsRecordsCli },
  stacks: { entry: 'cli/stacks.ts', exportName: 'stacksCli', module: 'stacks-command', command: stacksCli },
  'pr-comment': { entry: 'cli/pr-comment.ts', exportName: 'prCommentCli', module: 'pr-comment-command', command: prCommentCli },
  'open-pr': { entry: 'cli/open-pr.ts', exportName: 'openPrCli', module: 'open-pr-command', command: openPrCli },
  'pulumi-step': { entry: 'cli/pulumi-step.ts', exportName: 'pulumiStepCli', module: 'pulumi-step-command', command: pulumiStepCli },
  'synth-base': { entry: 'cli/synth-base.ts', exportName: 'synthBaseCli', module: 'synth-base-command', command: synthBaseCli },
  'pin-actions': { entry: 'cli/pin-actions.ts', exportName: 'pinActionsCli', module: 'pin-actions-command', command: pinActionsCli },
  'import:istio': { entry: 'cli/import-istio.ts', exportName: 'importIstioCli', module: 'import-istio-command', command: importIstioCli },
  'import:monitoring': {
    entry: 'cli/import-monitoring.ts',
    exportName: 'importMonitoringCli',
    module: 'import-monitoring-command',
    command: importMonitoringCli,
  },
  'docs:policies': {
    entry: 'cli/docs-policies.ts',
    exportName: 'docsPoliciesCli',
    module: 'docs-policies-command',
    command: docsPoliciesCli,
  },
  'docs:graph': { entry: 'cli/docs-graph.ts', exportName: 'docsGraphCli', module: 'graph-command', command: docsGraphCli },
  codeowners: { entry: 'cli/codeowners.ts', exportName: 'codeownersCli', module: 'codeowners-command', command: codeownersCli },
  'docs:commands': { entry: 'cli/docs-commands.ts', exportName: 'docsCommandsCli', module: 'commands', command: docsCommandsCli },
  'schema:spec': { entry: 'cli/schema-spec.ts', exportName: 'schemaSpecCli', module: 'spec-docs-command', command: schemaSpecCli },
  'docs:spec': { entry: 'cli/docs-spec.ts', exportName: 'docsSpecCli', module: 'spec-docs-command', command: docsSpecCli },
};
