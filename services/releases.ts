/**
 * Image pins per environment: `services/releases/<env>.yaml` maps service -> image key
 * (the version name unless the spec says otherwise) -> image reference. CI writes these
 * files; staging and prod pins must be immutable digests.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { requiredImageKeys } from './validate';
import { assertNoProblems, type Problem } from '../core/problems';
import type { Catalogue } from './spec';

export type Releases = Readonly<Record<string, Readonly<Record<string, string>>>>;

/**
 * registry/path[:tag][@sha256:digest], the Docker reference grammar without the exotic
 * corners. As in Docker, the first component is a registry when it has a dot or a port,
 * or is `localhost`.
 */
const IMAGE_REF =
  /^(?:(?<registry>(?:[a-zA-Z0-9-]+\.)+[a-zA-Z0-9-]+(?::\d+)?|[a-zA-Z0-9-]+:\d+|localhost)\/)?(?<repository>[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)(?::(?<tag>[\w][\w.-]{0,127}))?(?:@(?<digest>sha256:[a-f0-9]{64}))?$/;

export interface ImageReference {
  readonly registry?: string;
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

export function parseImageReference(ref: string): ImageReference | undefined {
  const m = IMAGE_REF.exec(ref);
  if (m?.groups === undefined) return undefined;
  const { registry, repository, tag, digest } = m.groups;
  return {
    repository,
    ...(registry !== undefined && { registry }),
    ...(tag !== undefined && { tag }),
    ...(digest !== undefined && { digest }),
  };
}

export function releasesFile(root: string, env: string): string {
  return path.join(root, 'services', 'releases', `${env}.yaml`);
}

/** Reads and parses a releases file; problems name the file and line. */
export function loadReleases(file: string, displayName = file): Releases {
  if (!fs.existsSync(file)) {
    assertNoProblems([
      {
        where: displayName,
        field: '(file)',
        problem: 'does not exist',
        fix: 'create it with one pin per service version, e.g. `reviews: { v1: <image> }`',
      },
    ]);
  }
  const doc = parseDocument(fs.readFileSync(file, 'utf8'), { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    assertNoProblems(
      doc.errors.map((e) => ({
        where: displayName,
        field: `line ${e.linePos?.[0]?.line ?? '?'}`,
        problem: `is not valid YAML (${e.code})`,
        fix: e.message.split('\n')[0],
      })),
    );
  }
  const data: unknown = doc.toJS() ?? {};
  const problems: Problem[] = [];
  const out: Record<string, Record<string, string>> = {};
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    assertNoProblems([
      {
        where: displayName,
        field: '(root)',
        value: data,
        problem: 'must be a map of services',
        fix: 'write one map per service, e.g. `reviews: { v1: <image> }`',
      },
    ]);
  }
  for (const [service, pins] of Object.entries(data as Record<string, unknown>)) {
    if (typeof pins !== 'object' || pins === null || Array.isArray(pins)) {
      problems.push({
        where: displayName,
        field: service,
        value: pins,
        problem: 'must map image keys to image references',
        fix: `write \`${service}: { v1: <image> }\``,
      });
      continue;
    }
    out[service] = {};
    for (const [key, image] of Object.entries(pins as Record<string, unknown>)) {
      if (typeof image !== 'string') {
        problems.push({
          where: displayName,
          field: `${service}.${key}`,
          value: image,
          problem: 'must be an image reference string',
          fix: 'write e.g. registry/repo/image@sha256:<64 hex>',
        });
      } else {
        out[service][key] = image;
      }
    }
  }
  assertNoProblems(problems);
  return out;
}

export interface ReleaseRules {
  /** staging and prod: every pin must be `@sha256:` + 64 hex. */
  readonly requireDigests: boolean;
  /** Name used in messages, usually the repository-relative file. */
  readonly file: string;
}

/** Every version of every service pinned, nothing pinned that does not exist, refs well formed. */
export function validateReleases(releases: Releases, catalogue: Catalogue, rules: ReleaseRules): Problem[] {
  const problems: Problem[] = [];
  const where = rules.file;
  const services = new Map(catalogue.services.map((d) => [d.spec.name, d.spec]));
  for (const spec of services.values()) {
    for (const key of requiredImageKeys(spec)) {
      if (releases[spec.name]?.[key] === undefined) {
        problems.push({
          where,
          field: `${spec.name}.${key}`,
          problem: 'is not pinned',
          fix: `add \`${key}: <image>\` under \`${spec.name}:\``,
        });
      }
    }
  }
  for (const [service, pins] of Object.entries(releases)) {
    const spec = services.get(service);
    if (spec === undefined) {
      problems.push({
        where,
        field: service,
        problem: 'is not a service of the catalogue',
        fix: `remove the stale pin or fix the name (services: ${[...services.keys()].sort().join(', ')})`,
      });
      continue;
    }
    const keys = requiredImageKeys(spec);
    for (const [key, image] of Object.entries(pins)) {
      const field = `${service}.${key}`;
      if (!keys.includes(key)) {
        problems.push({
          where,
          field,
          value: image,
          problem: `is not a version of ${service}`,
          fix: `remove the stale pin or use one of: ${keys.join(', ')}`,
        });
        continue;
      }
      const ref = parseImageReference(image);
      if (ref === undefined || (ref.tag === undefined && ref.digest === undefined)) {
        problems.push({
          where,
          field,
          value: image,
          problem: 'is not an image reference with a tag or digest',
          fix: 'write registry/repository:tag or registry/repository@sha256:<64 hex>',
        });
      } else if (rules.requireDigests && ref.digest === undefined) {
        problems.push({
          where,
          field,
          value: image,
          problem: 'is a tag; this environment requires an immutable digest',
          fix: 'pin it as <image>@sha256:<64 hex> (crane digest <image>, or promote from the previous environment)',
        });
      } else if (ref.digest === undefined && ref.tag === 'latest') {
        problems.push({
          where,
          field,
          value: image,
          problem: 'uses the mutable "latest" tag',
          fix: 'pin a version tag or a digest so a rollout is repeatable',
        });
      }
    }
  }
  return problems;
}
