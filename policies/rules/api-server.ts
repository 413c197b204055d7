/**
 * MC10: what the API server would reject, checked before anything is applied: the OpenAPI
 * schema of every kind with a registered one (MC10-openapi-schema), and beyond it. A real API
 * server rejects more than the OpenAPI schema says: the CRDs' `x-kubernetes-validations`
 * CEL rules (Istio, Gateway API) and Kubernetes' own field validation of built-in kinds
 * (names per kind, label and port name syntax, unique names, probe handlers, selectors
 * that match their template). Both come from charts/apiserver, the same code `synth` runs,
 * ported from the Kubernetes 1.35 sources vendored under vendor/kubernetes/.
 */
import { apiServerValidation, describeError, type ApiServerResult } from '../../charts/apiserver';
import { hasSchema, validateObject, type ManifestObject } from '../../charts/schema';
import { perRun, type ObjectIndex } from '../objects';
import type { Finding } from '../types';
import { finding, manifestRule } from './define';

/** One API-server validation per object per run, shared by the rules below. */
const results = perRun((index: ObjectIndex) => index.objects.map((o): [ManifestObject, ApiServerResult] => [o, apiServerValidation(o)]));

function findings(index: ObjectIndex, pick: (r: ApiServerResult) => readonly string[]): Finding[] {
  return results(index).flatMap(([o, r]) => pick(r).map((m) => finding(o, m)));
}

const openApiSchema = manifestRule(
  {
    id: 'MC10-openapi-schema',
    description:
      'Objects of the kinds this repository emits and of the Istio CRDs are valid against their OpenAPI schemas, with no undeclared fields',
    why: 'The API server rejects an object of the wrong shape, and silently drops a field its structural schema does not declare: a misspelled `trafficPolicy` key vanishes on apply and the policy it meant never exists.',
    fix: 'Fix the field the message names (the path is JSON-pointer style); an undeclared field is usually a typo or sits at the wrong level.',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['MC10'],
  },
  (_ctx, index) =>
    index.objects.flatMap((o) =>
      (hasSchema(o.apiVersion, o.kind) ? validateObject(o, '') : []).map((p) =>
        finding(o, `${p.field.slice(p.field.indexOf(' ') + 1)}: ${p.problem}`),
      ),
    ),
);

const crdValidationRules = manifestRule(
  {
    id: 'MC10-crd-validation-rules',
    description: "Istio and Gateway API objects pass their CRDs' `x-kubernetes-validations` (CEL) rules",
    why: 'The API server evaluates these rules on every create and update and rejects the object: a `0s` timeout, a `*` in a host, a port outside 1-65535 or two mutually exclusive fields pass the OpenAPI schema and still fail `pulumi up`, half-way through a rollout.',
    fix: "Change the field the message names to what the rule requires (the message is the CRD's own; the rule text follows it).",
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['MC10'],
  },
  (_ctx, index) => findings(index, (r) => r.celErrors.map(describeError)),
);

const kubernetesValidation = manifestRule(
  {
    id: 'MC10-kubernetes-validation',
    description:
      "Built-in kinds pass Kubernetes' own field validation (the API server's `Validate*` functions), not only the OpenAPI schema",
    why: 'The OpenAPI schema of a built-in kind says little beyond types: names per kind (a Service name must be a DNS-1035 label), label and annotation syntax, port names (15 characters, IANA syntax, unique), unique container and volume names, exactly one probe handler, a Deployment selector that matches its template are checked by the API server alone, which rejects the object at apply time.',
    fix: "Change the field the message names; the message is the API server's own, and the bracket names the upstream check (vendored under vendor/kubernetes/).",
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['MC10', 'RR07'],
  },
  (_ctx, index) => findings(index, (r) => r.fieldErrors.map(describeError)),
);

const notValidated = manifestRule(
  {
    id: 'MC10-not-validated',
    description:
      'Every object could be validated offline: its kind has a known schema or API-server validation, and every CRD rule that applies to it could be evaluated',
    why: 'What was not checked is not known to pass. An object of a kind with no schema here (a CRD this repository does not hold), or a CRD rule the offline evaluator cannot run (a CEL function it does not implement), is named instead of being counted as passed, so the gap is visible until it is closed.',
    fix: 'Check the object on a cluster (`kubectl apply --dry-run=server -f <file>`); to cover a kind for good, vendor its CRD (see docs/validation.md) or extend charts/apiserver to evaluate the named rule.',
    severity: 'low',
    enforcement: 'advisory',
    catalogue: ['MC10'],
  },
  (_ctx, index) =>
    results(index).flatMap(([o, r]) => [
      ...(r.covered || hasSchema(o.apiVersion, o.kind)
        ? []
        : [finding(o, `kind ${o.kind} (${o.apiVersion}) has no schema or API-server validation here: not checked`)]),
      ...r.notChecked.map((n) => finding(o, `${n.field}: rule ${JSON.stringify(n.rule)} was not checked: ${n.reason}`)),
    ]),
);

export const apiServerRules = [openApiSchema, crdValidationRules, kubernetesValidation, notValidated];
