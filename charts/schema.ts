/**
 * Validation of every emitted object before anything is written: Kubernetes kinds
 * against the Kubernetes OpenAPI schema (kubernetes-models ships it as compiled
 * validators), Istio kinds against the `openAPIV3Schema` of their CRDs (extracted into
 * imports/istio-schemas.json by `npm run import:istio`) and Gateway API kinds against the
 * vendored CRDs (vendor/gateway-api), the SecretProviderClass of GKE's Secret Manager add-on
 * against its extracted CRD (vendor/secrets-store-csi-driver), and Managed Service for
 * Prometheus' PodMonitoring, ClusterPodMonitoring and Rules against their vendored CRDs
 * (vendor/prometheus-engine), and Config Connector's kinds against its vendored CRDs
 * (vendor/k8s-config-connector), with ajv.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { Pod } from 'kubernetes-models/v1/Pod';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { DaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import { ReplicaSet } from 'kubernetes-models/apps/v1/ReplicaSet';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import type { Problem } from '../core/problems';
import istioSchemas from '../imports/istio-schemas.json';
import {
  CONFIG_CONNECTOR_CRDS,
  CONFIG_CONNECTOR_OPERATOR_CRDS,
  GATEWAY_API_CRDS,
  MONITORING_CRDS,
  MONITORING_GROUP,
  SECRET_PROVIDER_CLASS_CRD,
} from './apiserver/crd-files';

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

/**
 * Kinds with a Kubernetes schema here, by `apiVersion/kind`: those this repository emits, and
 * the workload and RBAC kinds `npm run policy -- --dir` reads (MC10-openapi-schema). Anything
 * else is refused by synth.
 */
const MODELS: Readonly<Record<string, ModelClass>> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'v1/Secret': Secret,
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'v1/Pod': Pod,
  'apps/v1/StatefulSet': StatefulSet,
  'apps/v1/DaemonSet': DaemonSet,
  'apps/v1/ReplicaSet': ReplicaSet,
  'batch/v1/Job': Job,
  'batch/v1/CronJob': CronJob,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
};

export function objectRef(obj: ManifestObject): string {
  return `${obj.kind}/${obj.metadata?.name ?? '?'}`;
}

interface SchemaErrorDetail {
  readonly instancePath?: string;
  readonly message?: string;
  readonly params?: Record<string, unknown>;
}

type JsonSchema = { [key: string]: unknown };

/**
 * The API server prunes fields a structural schema does not declare, silently. A typo'd
 * field would vanish on apply, so here an undeclared field is an error: every object
 * schema with `properties` gets `additionalProperties: false` unless it preserves
 * unknown fields. Also checks metadata, which CRD schemas leave open.
 */
export function strictCrdSchema(schema: JsonSchema): JsonSchema {
  const strict = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strict);
    if (typeof node !== 'object' || node === null) return node;
    const out: JsonSchema = Object.fromEntries(
      Object.entries(node).map(([k, v]) => [
        k,
        k === 'properties' ? mapValues(v as JsonSchema, strict) : DATA_KEYWORDS.has(k) ? v : strict(v),
      ]),
    );
    if (out.properties !== undefined && out.additionalProperties === undefined && out['x-kubernetes-preserve-unknown-fields'] !== true) {
      out.additionalProperties = false;
    }
    return out;
  };
  const root = strict(schema) as JsonSchema;
  return {
    ...root,
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    properties: {
      ...(root.properties as JsonSchema),
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: {
        type: 'object',
        required: ['name'],
        additionalProperties: false,
        properties: {
          name: { type: 'string', maxLength: 253, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$' },
          namespace: { type: 'string', maxLength: 63, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' },
          labels: { type: 'object', additionalProperties: { type: 'string' } },
          annotations: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
    },
  };
}

/** Keywords whose values are data, not schemas: never rewritten. */
const DATA_KEYWORDS = new Set(['default', 'example', 'enum', 'const', 'x-kubernetes-validations']);

function mapValues(o: JsonSchema, f: (v: unknown) => unknown): JsonSchema {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));
}

// code.optimize off: Ajv's optimiser only trims the generated code; on the Istio CRDs it made
// compiling 40% slower (each process and each test file compiles them again) and validating no faster.
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, code: { optimize: false } });
const crdValidators = new Map<string, ValidateFunction>();

interface CrdVersionDoc {
  readonly name?: string;
  readonly served?: boolean;
  readonly schema?: { readonly openAPIV3Schema?: JsonSchema };
}
interface CrdDoc {
  readonly kind?: string;
  readonly spec?: { readonly group?: string; readonly names?: { readonly kind?: string }; readonly versions?: readonly CrdVersionDoc[] };
}

/** The OpenAPI schema of every served version of the CRDs in a vendored directory's `.yaml` files, by `apiVersion/kind`. */
function servedSchemas(dir: string): Map<string, JsonSchema> {
  const schemas = new Map<string, JsonSchema>();
  for (const file of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    for (const doc of parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8'))) {
      const crd = doc.toJS() as CrdDoc | null;
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      for (const v of crd.spec?.versions ?? []) {
        const schema = v.schema?.openAPIV3Schema;
        if (v.served === true && schema !== undefined) schemas.set(`${crd.spec?.group}/${v.name}/${crd.spec?.names?.kind}`, schema);
      }
    }
  }
  return schemas;
}

let gatewayApiSchemas: Map<string, JsonSchema> | undefined;
/**
 * The OpenAPI schemas of the vendored Gateway API CRDs (vendor/gateway-api), by
 * `apiVersion/kind` of each served version: `npm run policy -- --dir` reads Gateway API
 * objects, and the API server validates them against these before their CEL rules.
 */
function gatewayApiSchema(key: string): JsonSchema | undefined {
  gatewayApiSchemas ??= servedSchemas(GATEWAY_API_CRDS);
  return gatewayApiSchemas.get(key);
}

let monitoringSchemas: Map<string, JsonSchema> | undefined;
/** The schemas of Managed Service for Prometheus' CRDs (vendor/prometheus-engine), by `apiVersion/kind`. */
function monitoringSchema(key: string): JsonSchema | undefined {
  monitoringSchemas ??= servedSchemas(MONITORING_CRDS);
  return monitoringSchemas.get(key);
}

let configConnectorSchemas: Map<string, JsonSchema> | undefined;
/** The schemas of the vendored Config Connector CRDs (vendor/k8s-config-connector): the kinds `uses` become under Config Sync, and the operator's. */
function configConnectorSchema(key: string): JsonSchema | undefined {
  configConnectorSchemas ??= new Map([...servedSchemas(CONFIG_CONNECTOR_CRDS), ...servedSchemas(CONFIG_CONNECTOR_OPERATOR_CRDS)]);
  return configConnectorSchemas.get(key);
}

let secretsStoreSchemas: Map<string, JsonSchema> | undefined;
/** The SecretProviderClass schema (vendor/secrets-store-csi-driver), by `apiVersion/kind`. */
function secretsStoreSchema(key: string): JsonSchema | undefined {
  if (secretsStoreSchemas === undefined) {
    secretsStoreSchemas = new Map();
    const crd = SECRET_PROVIDER_CLASS_CRD as CrdDoc;
    for (const v of crd.spec?.versions ?? []) {
      const schema = v.schema?.openAPIV3Schema;
      if (v.served === true && schema !== undefined)
        secretsStoreSchemas.set(`${crd.spec?.group}/${v.name}/${crd.spec?.names?.kind}`, schema);
    }
  }
  return secretsStoreSchemas.get(key);
}

function crdSchema(key: string): JsonSchema | undefined {
  return (
    (istioSchemas.schemas as Record<string, JsonSchema | undefined>)[key] ??
    (key.startsWith('gateway.networking.k8s.io/') ? gatewayApiSchema(key) : undefined) ??
    (key.startsWith('secrets-store.csi.x-k8s.io/') ? secretsStoreSchema(key) : undefined) ??
    (key.startsWith(`${MONITORING_GROUP}/`) ? monitoringSchema(key) : undefined) ??
    (/^[a-z0-9.-]+\.cnrm\.cloud\.google\.com\//.test(key) ? configConnectorSchema(key) : undefined)
  );
}

/** Compiled once per kind, on first use: compiling all of them costs ~1 s at start-up. */
function crdValidator(key: string): ValidateFunction | undefined {
  const cached = crdValidators.get(key);
  if (cached !== undefined) return cached;
  const schema = crdSchema(key);
  if (schema === undefined) return undefined;
  const validate = ajv.compile(strictCrdSchema(schema));
  crdValidators.set(key, validate);
  return validate;
}

function crdProblems(obj: ManifestObject, where: string, errors: ErrorObject[]): Problem[] {
  return errors.map((e) => {
    const extra = e.keyword === 'additionalProperties' ? ` ("${String(e.params.additionalProperty)}": the API server would drop it)` : '';
    const allowed = e.keyword === 'enum' ? ` (${JSON.stringify(e.params.allowedValues)})` : '';
    return {
      where,
      field: `${objectRef(obj)} ${e.instancePath === '' ? '/' : e.instancePath}`,
      problem: `${e.message ?? 'is invalid'}${extra}${allowed}`,
      fix: 'the CRD schema would reject this object: fix the construct or the spec value that produced it',
    };
  });
}

/** Whether `validateObject` knows the kind's schema (a Kubernetes kind this repository emits, an Istio, Gateway API, SecretProviderClass or Managed Prometheus CRD). */
export function hasSchema(apiVersion: string, kind: string): boolean {
  const key = `${apiVersion}/${kind}`;
  return MODELS[key] !== undefined || crdSchema(key) !== undefined;
}

/** Problems of one object; `where` names the output file it was going to. */
export function validateObject(obj: ManifestObject, where: string): Problem[] {
  const key = `${obj.apiVersion}/${obj.kind}`;
  const crd = crdValidator(key);
  if (crd !== undefined) return crd(obj) ? [] : crdProblems(obj, where, crd.errors ?? []);
  const Model = MODELS[key];
  if (Model === undefined) {
    return [
      {
        where,
        field: objectRef(obj),
        value: key,
        problem: 'is a kind with no registered schema',
        fix: 'register its schema in charts/schema.ts before emitting it',
      },
    ];
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
