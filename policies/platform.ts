/**
 * The platform's own objects in a policy run. An environment's policy check covers what
 * the environment deploys: the apps' manifests and the objects the platform applies for
 * them (the load balancer hop's edge Gateway), which the apps' routes refer to. A
 * `pr-<N>` preview binds to dev's edge Gateway, so its run includes that Gateway too.
 */
import { platformObjects } from '../charts/mesh/edge-gateway';
import type { ManifestObject } from '../charts/schema';
import type { SynthEnvironment } from '../charts/synthesize';
import { objectId, type ManifestContext } from './types';

/**
 * A manifest context for an environment: the given objects plus each platform object the
 * set does not already hold (a full stack's CrossGuard run sees the applied Gateway itself).
 */
export function environmentContext(
  objects: readonly ManifestObject[],
  environment: Pick<SynthEnvironment, 'gatewayNamespace' | 'gatewayName' | 'tlsCredential'>,
  settings: Pick<ManifestContext, 'profile' | 'allowedRegistries'>,
): ManifestContext {
  const platform = platformObjects(environment);
  const present = new Set(objects.map(objectId));
  return {
    objects: [...platform.filter((o) => !present.has(objectId(o))), ...objects],
    profile: settings.profile,
    allowedRegistries: settings.allowedRegistries,
    platformObjects: platform,
  };
}
