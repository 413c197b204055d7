/**
 * The bootstrap stack's settings, read through `pulumi.Config` (so `pulumi config set`
 * and secrets work) and validated at once: every problem names the stack file, the key,
 * the value and the fix. The stack name is the environment: dev, staging or prod.
 */
import * as pulumi from '@pulumi/pulumi';
import { assertNoProblems, type Problem } from '../core/problems';

/** The bootstrap program's Pulumi project name, which namespaces its config keys. */
export const BOOTSTRAP_CONFIG = 'platform-bootstrap';

export interface BootstrapConfig {
  /** dev, staging or prod: the platform stack, and the deployer's GitHub environment. */
  readonly stack: string;
  /** `bootstrap/Pulumi.<stack>.yaml`, for messages. */
  readonly file: string;
  /** GCP project id (`gcp:project`). */
  readonly gcpProject: string;
  /** The cluster's region (`gcp:region`): the KMS keys live there. */
  readonly gcpRegion: string;
  /** GitHub `owner/repo` of this manifest repository. */
  readonly repository: string;
  /** GitHub `owner/repo`s whose release workflows push images. @default [] */
  readonly appRepositories: readonly string[];
  /** Bucket of the Pulumi state, without `gs://` (uniform bucket-level access on). */
  readonly stateBucket: string;
  /** Whether `pr-<N>` preview stacks run on this environment's cluster. @default true in dev only */
  readonly previews: boolean;
}

/** One raw value per key; `undefined` when absent. Lists arrive as JSON text from the CLI. */
export type ConfigReader = (key: string) => string | undefined;

const REPOSITORY = /^[A-Za-z0-9-]+\/[A-Za-z0-9_.-]+$/;
const GCP_PROJECT = /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/;
const GCP_REGION = /^[a-z]+-[a-z]+[0-9]$/;
const BUCKET = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;
const STACKS = ['dev', 'staging', 'prod'];

/**
 * Validates the bootstrap settings of `stack`. `read` returns a key's raw value as the
 * Pulumi CLI stores it (strings; lists and booleans as JSON text).
 */
export function parseBootstrapConfig(stack: string, read: ConfigReader): BootstrapConfig {
  const file = `bootstrap/Pulumi.${stack}.yaml`;
  const problems: Problem[] = [];
  const add = (key: string, value: unknown, problem: string, fix: string) =>
    problems.push({ where: file, field: `config.${key}`, ...(value === undefined ? {} : { value }), problem, fix });
  if (!STACKS.includes(stack)) {
    problems.push({
      where: file,
      field: '(stack)',
      value: stack,
      problem: 'is not an environment with its own project',
      fix: `bootstrap one of ${STACKS.join(', ')}; pr-<N> stacks use dev's`,
    });
  }
  const text = (key: string, re: RegExp, what: string, example: string): string => {
    const value = read(key);
    if (value === undefined) add(key, undefined, 'is required', `add \`${key}: ${example}\` under config:`);
    else if (!re.test(value)) add(key, value, `must be ${what}`, `set it to e.g. ${example}`);
    return value ?? '';
  };
  const gcpProject = text('gcp:project', GCP_PROJECT, 'a GCP project id', 'my-platform-dev');
  const gcpRegion = text('gcp:region', GCP_REGION, 'a GCP region', 'europe-west1');
  const repository = text(`${BOOTSTRAP_CONFIG}:repository`, REPOSITORY, 'a GitHub owner/repo', 'my-org/platform');
  const stateBucket = text(`${BOOTSTRAP_CONFIG}:stateBucket`, BUCKET, 'a Cloud Storage bucket name (no gs://)', 'my-org-pulumi-state');

  const appsKey = `${BOOTSTRAP_CONFIG}:appRepositories`;
  const rawApps = read(appsKey);
  let appRepositories: string[] = [];
  if (rawApps !== undefined) {
    const parsed = parseJson(rawApps);
    if (Array.isArray(parsed) && parsed.every((r) => typeof r === 'string' && REPOSITORY.test(r))) appRepositories = parsed as string[];
    else add(appsKey, parsed ?? rawApps, 'must be a list of GitHub owner/repo names', 'write it as a YAML list, e.g. [my-org/reviews]');
  }
  const previewsKey = `${BOOTSTRAP_CONFIG}:previews`;
  const rawPreviews = read(previewsKey);
  let previews = stack === 'dev';
  if (rawPreviews === 'true' || rawPreviews === 'false') previews = rawPreviews === 'true';
  else if (rawPreviews !== undefined) add(previewsKey, rawPreviews, 'must be true or false', 'set it to true or false');

  assertNoProblems(problems);
  return { stack, file, gcpProject, gcpRegion, repository, appRepositories, stateBucket, previews };
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/** The running stack's settings, through `pulumi.Config`. */
export function loadBootstrapConfig(stack = pulumi.getStack()): BootstrapConfig {
  const gcp = new pulumi.Config('gcp');
  const own = new pulumi.Config(BOOTSTRAP_CONFIG);
  return parseBootstrapConfig(stack, (key) => {
    const [namespace, name] = key.split(':');
    return (namespace === 'gcp' ? gcp : own).get(name);
  });
}
