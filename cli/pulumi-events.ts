/**
 * Reading what `pulumi preview|up|destroy --json` writes to stdout: one engine event per
 * line (newline-delimited JSON, `apitype.EngineEvent`). A preview streams them only with
 * PULUMI_ENABLE_STREAMING_JSON_PREVIEW set; without it, it writes one `PreviewDigest`
 * at the end, which drops policy events, so pulumi-step always sets it.
 *
 * Field names as in pulumi/pulumi v3.248.0 (a88168d865b7fd428e5a929cc54aeceaf72d203f):
 * sdk/go/common/apitype/events.go (EngineEvent, SummaryEvent, StepEventMetadata,
 * PolicyEvent, DiagnosticEvent, ResOpFailedEvent); pkg/backend/display/display.go
 * (ShowEvents: `--json` on a preview streams events when EnableStreamingJSONPreview is
 * set, ShowJSONEvents writes each through logJSONEvent); pkg/backend/display/events.go
 * (convertStepEventStateMetadata: a step's `old` and `new` carry the resource's inputs, secrets
 * blinded); pkg/engine/events.go (makeStepEventMetadata fills both from the step's old and new state); pkg/cmd/pulumi/operations/preview.go
 * (the `--json` help names PULUMI_ENABLE_STREAMING_JSON_PREVIEW); sdk/go/common/util/env
 * (variables take the PULUMI_ prefix); pkg/resource/deploy/step.go (refresh steps and the
 * create/delete halves of a replacement are not `logical`).
 */
import { asString as str, isRecord } from '../core/json';

/** The environment that makes a preview stream events like the other operations. */
export const STREAMING_PREVIEW_ENV: Readonly<Record<string, string>> = { PULUMI_ENABLE_STREAMING_JSON_PREVIEW: 'true' };

export interface ResourceStep {
  /** `create`, `update`, `delete`, `replace`, ... (apitype.OpType). */
  readonly op: string;
  readonly urn: string;
  /** The resource type token, e.g. `gcp:compute/firewall:Firewall`. */
  readonly type: string;
  /** The properties that changed (`diffs`). */
  readonly diffs: readonly string[];
  /** The inputs before and after the step (`old.inputs`, `new.inputs`; absent for a create or a delete's missing side). */
  readonly oldInputs?: Readonly<Record<string, unknown>>;
  readonly newInputs?: Readonly<Record<string, unknown>>;
}

export interface PolicyViolation {
  readonly policy: string;
  readonly pack: string;
  /** `advisory`, `mandatory`, ... as Pulumi reports it. */
  readonly enforcement: string;
  readonly message: string;
  readonly urn?: string;
}

export interface Diagnostic {
  /** `error` or `warning` (info and debug messages are left out). */
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly urn?: string;
}

export interface EngineEvents {
  /** summaryEvent.resourceChanges: resources per operation; undefined when no summary came. */
  readonly changes?: Readonly<Record<string, number>>;
  /** summaryEvent.result: `succeeded`, `failed` or `canceled`. */
  readonly result?: string;
  /** The logical steps that change something (not `same`, not refresh reads). */
  readonly steps: readonly ResourceStep[];
  /** Resources whose operation failed (resOpFailedEvent). */
  readonly failed: readonly string[];
  readonly violations: readonly PolicyViolation[];
  readonly diagnostics: readonly Diagnostic[];
  /** Lines of stdout that were not an event (none when Pulumi wrote only events). */
  readonly otherLines: number;
}

/** The last part of a URN (`urn:pulumi:<stack>::<project>::<type>::<name>`): the resource's name. */
export function urnName(urn: string): string {
  const at = urn.lastIndexOf('::');
  return at === -1 ? urn : urn.slice(at + 2);
}

/** Every event of a `--json` stdout, in order; a line that is not an event is counted, not fatal. */
export function readEngineEvents(stdout: string): EngineEvents {
  const steps: ResourceStep[] = [];
  const failed: string[] = [];
  const violations: PolicyViolation[] = [];
  const diagnostics: Diagnostic[] = [];
  let changes: Record<string, number> | undefined;
  let result: string | undefined;
  let otherLines = 0;
  for (const line of stdout.split('\n')) {
    if (line.trim() === '') continue;
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      event = undefined;
    }
    if (!isRecord(event) || typeof event.sequence !== 'number') {
      otherLines++;
      continue;
    }
    const { resourcePreEvent: pre, resOpFailedEvent: opFailed, policyEvent: policy, diagnosticEvent: diag, summaryEvent: summary } = event;
    if (isRecord(pre) && isRecord(pre.metadata)) {
      const m = pre.metadata;
      const op = str(m.op);
      const urn = str(m.urn);
      if (op !== undefined && urn !== undefined && op !== 'same' && m.logical === true) {
        const diffs = Array.isArray(m.diffs) ? m.diffs.filter((d): d is string => typeof d === 'string') : [];
        const oldInputs = isRecord(m.old) && isRecord(m.old.inputs) ? m.old.inputs : undefined;
        const newInputs = isRecord(m.new) && isRecord(m.new.inputs) ? m.new.inputs : undefined;
        steps.push({
          op,
          urn,
          type: str(m.type) ?? '',
          diffs,
          ...(oldInputs === undefined ? {} : { oldInputs }),
          ...(newInputs === undefined ? {} : { newInputs }),
        });
      }
    } else if (isRecord(opFailed) && isRecord(opFailed.metadata) && typeof opFailed.metadata.urn === 'string') {
      failed.push(opFailed.metadata.urn);
    } else if (isRecord(policy)) {
      const urn = str(policy.resourceUrn);
      violations.push({
        policy: str(policy.policyName) ?? '',
        pack: str(policy.policyPackName) ?? '',
        enforcement: str(policy.enforcementLevel) ?? '',
        message: (str(policy.message) ?? '').trim(),
        ...(urn === undefined ? {} : { urn }),
      });
    } else if (isRecord(diag) && (diag.severity === 'error' || diag.severity === 'warning') && diag.ephemeral !== true) {
      const urn = str(diag.urn);
      diagnostics.push({
        severity: diag.severity,
        message: `${str(diag.prefix) ?? ''}${str(diag.message) ?? ''}`.trim(),
        ...(urn === undefined ? {} : { urn }),
      });
    } else if (isRecord(summary)) {
      const counts = isRecord(summary.resourceChanges) ? summary.resourceChanges : {};
      changes = Object.fromEntries(Object.entries(counts).filter((e): e is [string, number] => typeof e[1] === 'number'));
      result = str(summary.result);
    }
  }
  return {
    ...(changes === undefined ? {} : { changes }),
    ...(result === undefined ? {} : { result }),
    steps,
    failed,
    violations,
    diagnostics,
    otherLines,
  };
}
