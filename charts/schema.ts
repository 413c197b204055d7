/**
 * Validation of every emitted object against the Kubernetes OpenAPI schema, before
 * anything is written. kubernetes-models ships the schema as compiled validators.
 */
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { Problem } from '../services/problems';

/** A synthesized manifest object. */
export interface ManifestObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

interface ValidatingModel {
  validate(): void;
}
type ModelClass = new (data: never) => ValidatingModel;

/** Kinds this repository emits, by `apiVersion/kind`. Anything else is refused. */
const MODELS: Readonly<Record<string, ModelClass>> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
};

export function objectRef(obj: ManifestObject): string {
  return `${obj.kind}/${obj.metadata?.name ?? '?'}`;
}

interface SchemaErrorDetail {
  readonly instancePath?: string;
  readonly message?: string;
  readonly params?: Record<string, unknown>;
}

/** Problems of one object; `where` names the output file it was going to. */
export function validateObject(obj: ManifestObject, where: string): Problem[] {
  const key = `${obj.apiVersion}/${obj.kind}`;
  const Model = MODELS[key];
  if (Model === undefined) {
    return [{ where, field: objectRef(obj), value: key, problem: 'is a kind with no registered schema', fix: 'register its schema in charts/schema.ts before emitting it' }];
  }
  try {
    new Model(obj as never).validate();
    return [];
  } catch (error) {
    const details = (error as { errors?: SchemaErrorDetail[] }).errors;
    if (!Array.isArray(details)) throw error;
    return details.map((d) => ({
      where,
      field: `${objectRef(obj)} ${d.instancePath === '' || d.instancePath === undefined ? '/' : d.instancePath}`,
      problem: `${d.message ?? 'is invalid'}${d.params?.allowedValues ? ` (${JSON.stringify(d.params.allowedValues)})` : ''}`,
      fix: 'the Kubernetes API would reject this object: fix the construct or the spec value that produced it',
    }));
  }
}
