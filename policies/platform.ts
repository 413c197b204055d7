/**
 * The platform's own objects in a policy run. An environment's policy check covers what
 * the environment deploys: the apps' manifests and the objects the platform applies for
 * them (the load balancer hop's edge Gateway, which the apps' routes refer to, and the
 * observability objects: the trace collector, the mesh-wide Telemetry, istiod's and the
 * gateway's PodMonitorings). A `pr-<N>` preview binds to dev's, so its run includes them too.
 */
import { isDeepStrictEqual } from 'node:util';
import { platformObjects, type EdgeGatewayEnvironment } from '../charts/mesh/edge-gateway';
import { observabilityObjects, type ObservabilityEnvironment } from '../charts/observability';
import type { ManifestObject } from '../charts/schema';
import { objectId, type ManifestContext } from './types';

/**
 * The settings the platform's objects are built from: the edge's, and the observability
 * objects' where the environment has them (a stack's settings do; a synthetic environment, like
 * the benchmark's, may not, and then its run has no observability objects).
 */
export type PlatformEnvironment = EdgeGatewayEnvironment & Partial<ObservabilityEnvironment>;

function observabilityOf(env: PlatformEnvironment): ObservabilityEnvironment | undefined {
  const { stack, profile, gcpProject, controlPlaneNamespace, traceSamplingPercent } = env;
  return stack === undefined ||
    profile === undefined ||
    gcpProject === undefined ||
    controlPlaneNamespace === undefined ||
    traceSamplingPercent === undefined
    ? undefined
    : { ...env, stack, profile, gcpProject, controlPlaneNamespace, traceSamplingPercent };
}

/** Every object the platform applies for an environment (the edge's, then the observability objects). */
export function environmentPlatformObjects(environment: PlatformEnvironment): ManifestObject[] {
  const observability = observabilityOf(environment);
  return [...platformObjects(environment), ...(observability === undefined ? [] : observabilityObjects(observability))];
}

/**
 * A manifest context for an environment: the given objects plus each platform object the
 * set does not already hold (a full stack's CrossGuard run sees the applied Gateway itself).
 */
export function environmentContext(
  objects: readonly ManifestObject[],
  environment: PlatformEnvironment,
  settings: Pick<ManifestContext, 'profile' | 'allowedRegistries'>,
  /**
   * Objects the Pulumi program writes for the apps at deploy time (the Redis Secrets of services
   * that use redis: charts/uses.ts `programWrittenObjects`): platform objects too.
   */
  programWritten: readonly ManifestObject[] = [],
): ManifestContext {
  const platform = [...environmentPlatformObjects(environment), ...programWritten];
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
