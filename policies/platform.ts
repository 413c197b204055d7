/**
 * The platform's own objects in a policy run. An environment's policy check covers what
 * the environment deploys: the apps' manifests and the objects the platform applies for
 * them (the load balancer hop's edge Gateway), which the apps' routes refer to. A
 * `pr-<N>` preview binds to dev's edge Gateway, so its run includes that Gateway too.
 */
import { isDeepStrictEqual } from 'node:util';
import { platformObjects } from '../charts/mesh/edge-gateway';
import type { ManifestObject } from '../charts/schema';
import type { SynthEnvironment } from '../core/environment';
import { objectId, type ManifestContext } from './types';

/**
 * A manifest context for an environment: the given objects plus each platform object the
 * set does not already hold (a full stack's CrossGuard run sees the applied Gateway itself).
 */
export function environmentContext(
  objects: readonly ManifestObject[],
  environment: Pick<SynthEnvironment, 'gatewayNamespace' | 'gatewayName' | 'tlsCredential'>,
  settings: Pick<ManifestContext, 'profile' | 'allowedRegistries'>,
  /**
   * Objects the Pulumi program writes for the apps at deploy time (the Redis Secrets of services
   * that use redis: charts/uses.ts `programWrittenObjects`): platform objects too.
   */
  programWritten: readonly ManifestObject[] = [],
): ManifestContext {
  const platform = [...platformObjects(environment), ...programWritten];
  const present = new Set(objects.map(objectId));
  return {
    objects: [...platform.filter((o) => !present.has(objectId(o))), ...objects],
    profile: settings.profile,
    allowedRegistries: settings.allowedRegistries,
    platformObjects: platform,
  };
}

/**
 * Whether an object of the set is one the platform itself deploys, exactly as the platform
 * synthesizes it (same apiVersion, id and spec): only then do its documented exceptions apply.
 */
export function isPlatformObject(ctx: ManifestContext, o: ManifestObject): boolean {
  return (ctx.platformObjects ?? []).some(
    (p) => p.apiVersion === o.apiVersion && objectId(p) === objectId(o) && isDeepStrictEqual(p.spec, o.spec),
  );
}

/**
 * Whether a Secret of the set is one whose data the platform generates when it deploys
 * (same id and type as a platform Secret, and only that Secret's keys): its data is in the
 * encrypted Pulumi state and the cluster, never in a committed manifest.
 */
export function isPlatformGeneratedSecret(ctx: ManifestContext, s: ManifestObject, keys: readonly string[]): boolean {
  const platform = (ctx.platformObjects ?? []).find(
    (p) => p.kind === 'Secret' && p.apiVersion === s.apiVersion && objectId(p) === objectId(s) && p.type === s.type,
  );
  if (platform === undefined) return false;
  const own = new Set([...Object.keys(dataOf(platform.data)), ...Object.keys(dataOf(platform.stringData))]);
  return keys.every((k) => own.has(k));
}

function dataOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}
