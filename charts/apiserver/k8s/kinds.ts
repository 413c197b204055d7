/**
 * Kubernetes' own create-time validation for the non-workload kinds the platform emits and
 * `policy --dir` reads: Namespace, ConfigMap, Secret, ServiceAccount, Service (core), NetworkPolicy
 * (networking), PodDisruptionBudget (policy), HorizontalPodAutoscaler (autoscaling/v2), and RBAC
 * Role/ClusterRole/RoleBinding/ClusterRoleBinding. Ported from kubernetes `pkg/apis/<group>/validation`
 * (see the report of issue 13 for which commit was read and what is from memory), over the object
 * after the API server's defaulting (a field the defaults fill in is never "required" here).
 *
 * Exported: KIND_VALIDATORS, keyed `apiVersion/kind` (`v1/Service`, `policy/v1/PodDisruptionBudget`).
 *
 * Where upstream runs its per-kind ValidateObjectMeta, we do; where it does not (PDB, RBAC use the
 * generic `ValidateObjectMetaAccessor` with `ValidatePathSegmentName` that `rest.BeforeCreate` runs
 * after the kind's own checks pass), we run that, only when the kind's checks pass, as upstream does.
 */
import type { ManifestObject } from '../../schema';
import { FieldPath, duplicate, forbidden, invalid, notSupported, required, tooLong, type FieldError } from '../field';
import {
  intOrString,
  isNotMoreThan100Percent,
  isRecord,
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  nameIsPathSegment,
  validateLabelSelector,
  validateLabels,
  validateObjectMeta,
  validatePortNumOrName,
  validatePositiveIntOrPercent,
  validateServiceAccountName,
  type NameFn,
} from './meta';
import {
  byteLength,
  isConfigMapKey,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isStrictCIDRSubset,
  isValidCIDRForLegacyField,
  isValidIP,
  isValidIPForLegacyField,
  isValidPortName,
  isValidPortNum,
} from './primitives';
import { parseQuantity, quantityText } from './quantity';
import { asList as arr, asString as str } from '../../../core/json';

type Validator = (obj: ManifestObject) => FieldError[];

const META = FieldPath.root('metadata');
const SPEC = FieldPath.root('spec');
const int = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) ? v : undefined);
const has = (v: unknown, k: string): boolean => isRecord(v) && Object.prototype.hasOwnProperty.call(v, k);

/** `core.MaxSecretSize` (also the ConfigMap limit). */
export const MAX_SECRET_SIZE = 1024 * 1024;

/** `rest.BeforeCreate`: the generic metadata check, run only when the kind's own checks passed. */
function withGenericMeta(obj: ManifestObject, namespaced: boolean, errs: FieldError[]): FieldError[] {
  return errs.length > 0 ? errs : validateObjectMeta(obj.metadata, namespaced, nameIsPathSegment, META);
}

function invalidEach(path: FieldPath, value: string, msgs: readonly string[], rule: string): FieldError[] {
  return msgs.map((m) => invalid(path, value, m, rule));
}

// --- core ---------------------------------------------------------------------------------------

function validateNamespace(obj: ManifestObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, false, nameIsDNSLabel, META);
  const spec = obj.spec;
  if (isRecord(spec)) {
    for (const f of arr(spec.finalizers)) {
      if (typeof f === 'string') errs.push(...invalidEach(SPEC.child('finalizers'), f, isQualifiedName(f), 'validateFinalizerName'));
    }
  }
  return errs;
}

function validateServiceAccount(obj: ManifestObject): FieldError[] {
  return validateObjectMeta(obj.metadata, true, validateServiceAccountName, META);
}

/** Decoded length of a base64 `data` value (Go's []byte after JSON decoding). */
function base64Length(v: string): number {
  const s = v.replace(/=+$/, '');
  return Math.floor((s.length * 3) / 4);
}

function validateConfigMap(obj: ManifestObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, true, nameIsDNSSubdomain, META);
  const rule = 'ValidateConfigMap';
  const data = isRecord(obj.data) ? obj.data : {};
  const binary = isRecord(obj.binaryData) ? obj.binaryData : {};
  let total = 0;
  for (const k of Object.keys(data)) {
    const p = FieldPath.root('data').key(k);
    errs.push(...invalidEach(p, k, isConfigMapKey(k), rule));
    if (has(binary, k)) errs.push(invalid(p, k, 'duplicate of key present in binaryData', rule));
    const v = data[k];
    if (typeof v === 'string') total += byteLength(v);
  }
  for (const k of Object.keys(binary)) {
    const p = FieldPath.root('binaryData').key(k);
    errs.push(...invalidEach(p, k, isConfigMapKey(k), rule));
    if (has(data, k)) errs.push(invalid(p, k, 'duplicate of key present in data', rule));
    const v = binary[k];
    if (typeof v === 'string') total += base64Length(v);
  }
  if (total > MAX_SECRET_SIZE) errs.push(tooLong(FieldPath.root(''), MAX_SECRET_SIZE, rule));
  return errs;
}

const SECRET_REQUIRED_KEYS: Readonly<Record<string, readonly string[]>> = {
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
};

function validateSecret(obj: ManifestObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, true, nameIsDNSSubdomain, META);
  const rule = 'ValidateSecret';
  const dataPath = FieldPath.root('data');
  // v1 -> internal conversion merges stringData into data (stringData wins).
  const sizes = new Map<string, number>();
  const data = isRecord(obj.data) ? obj.data : {};
  for (const k of Object.keys(data)) sizes.set(k, typeof data[k] === 'string' ? base64Length(data[k]) : 0);
  const stringData = isRecord(obj.stringData) ? obj.stringData : {};
  for (const k of Object.keys(stringData)) sizes.set(k, typeof stringData[k] === 'string' ? byteLength(stringData[k]) : 0);
  let total = 0;
  for (const [k, n] of sizes) {
    errs.push(...invalidEach(dataPath.key(k), k, isConfigMapKey(k), rule));
    total += n;
  }
  if (total > MAX_SECRET_SIZE) errs.push(tooLong(dataPath, MAX_SECRET_SIZE, rule));
  const type = str(obj.type) ?? '';
  if (type === 'kubernetes.io/service-account-token') {
    const annotations = isRecord(obj.metadata) && isRecord(obj.metadata.annotations) ? obj.metadata.annotations : {};
    const sa = annotations['kubernetes.io/service-account.name'];
    if (typeof sa !== 'string' || sa === '') {
      errs.push(required(META.child('annotations').key('kubernetes.io/service-account.name'), '', rule));
    }
  } else if (type === 'kubernetes.io/basic-auth') {
    if (!sizes.has('username') && !sizes.has('password')) {
      errs.push(required(dataPath.key('username'), '', rule), required(dataPath.key('password'), '', rule));
    }
  } else if (type === 'kubernetes.io/ssh-auth') {
    if ((sizes.get('ssh-privatekey') ?? 0) === 0) errs.push(required(dataPath.key('ssh-privatekey'), '', rule));
  } else if (type in SECRET_REQUIRED_KEYS) {
    const need = SECRET_REQUIRED_KEYS[type];
    // dockercfg/dockerconfigjson stop at the first missing key; tls reports each.
    for (const k of need) if (!sizes.has(k)) errs.push(required(dataPath.key(k), '', rule));
  }
  return errs;
}

const SUPPORTED_PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const SESSION_AFFINITIES = ['ClientIP', 'None'];
const EXTERNAL_TRAFFIC_POLICIES = ['Cluster', 'Local'];
const INTERNAL_TRAFFIC_POLICIES = ['Cluster', 'Local'];
const IP_FAMILIES = ['IPv4', 'IPv6'];
const IP_FAMILY_POLICIES = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
/** 1.35: PreferSameZone / PreferSameNode with PreferSameTrafficDistribution GA (unverified, see report). */
const TRAFFIC_DISTRIBUTIONS = ['PreferClose', 'PreferSameZone', 'PreferSameNode'];

function validateService(obj: ManifestObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, true, nameIsDNS1035Label, META);
  const rule = 'ValidateService';
  const spec = isRecord(obj.spec) ? obj.spec : {};
  // Defaults (SetDefaults_Service): type ClusterIP, sessionAffinity None, protocol TCP, targetPort = port.
  const type = str(spec.type) ?? 'ClusterIP';
  const clusterIPs = Array.isArray(spec.clusterIPs)
    ? spec.clusterIPs
    : typeof spec.clusterIP === 'string' && spec.clusterIP !== ''
      ? [spec.clusterIP]
      : [];
  const headless = clusterIPs.length > 0 && clusterIPs[0] === 'None';
  const ports = arr(spec.ports);
  const portsPath = SPEC.child('ports');

  if (ports.length === 0 && !headless && type !== 'ExternalName') errs.push(required(portsPath, '', rule));
  if (type === 'LoadBalancer' && headless)
    errs.push(invalid(SPEC.child('clusterIPs').index(0), 'None', "may not be set to 'None' for LoadBalancer services", rule));
  if (type === 'NodePort' && headless)
    errs.push(invalid(SPEC.child('clusterIPs').index(0), 'None', "may not be set to 'None' for NodePort services", rule));
  if (type === 'ExternalName') {
    if (clusterIPs.length > 0) errs.push(forbidden(SPEC.child('clusterIPs'), 'may not be set for ExternalName services', rule));
    if (arr(spec.ipFamilies).length > 0) errs.push(forbidden(SPEC.child('ipFamilies'), 'may not be set for ExternalName services', rule));
    if (spec.ipFamilyPolicy !== undefined && spec.ipFamilyPolicy !== null)
      errs.push(forbidden(SPEC.child('ipFamilyPolicy'), 'may not be set for ExternalName services', rule));
    const cname = (str(spec.externalName) ?? '').replace(/\.$/, '');
    if (cname.length > 0) errs.push(...invalidEach(SPEC.child('externalName'), cname, isDNS1123Subdomain(cname), rule));
    else errs.push(required(SPEC.child('externalName'), '', rule));
  }

  const names = new Set<string>();
  ports.forEach((port, i) => {
    if (!isRecord(port)) return;
    const p = portsPath.index(i);
    const name = str(port.name) ?? '';
    if (ports.length > 1 && name === '') errs.push(required(p.child('name'), '', 'validateServicePort'));
    else if (name !== '') {
      errs.push(...invalidEach(p.child('name'), name, isDNS1123Label(name), 'validateServicePort'));
      if (names.has(name)) errs.push(duplicate(p.child('name'), name, 'validateServicePort'));
      else names.add(name);
    }
    const num = int(port.port);
    if (num !== undefined) for (const m of isValidPortNum(num)) errs.push(invalid(p.child('port'), num, m, 'validateServicePort'));
    const protocol = str(port.protocol);
    if (protocol !== undefined && !SUPPORTED_PORT_PROTOCOLS.includes(protocol)) {
      errs.push(notSupported(p.child('protocol'), protocol, SUPPORTED_PORT_PROTOCOLS, 'validateServicePort'));
    }
    if (port.targetPort !== undefined) errs.push(...validatePortNumOrName(port.targetPort, p.child('targetPort')));
    const app = str(port.appProtocol);
    if (app !== undefined) errs.push(...invalidEach(p.child('appProtocol'), app, isQualifiedName(app), 'validateServicePort'));
  });

  if (spec.selector !== undefined && spec.selector !== null) errs.push(...validateLabels(spec.selector, SPEC.child('selector')));

  const affinity = str(spec.sessionAffinity) ?? 'None';
  if (!SESSION_AFFINITIES.includes(affinity)) errs.push(notSupported(SPEC.child('sessionAffinity'), affinity, SESSION_AFFINITIES, rule));
  if (affinity === 'None' && isRecord(spec.sessionAffinityConfig)) {
    errs.push(forbidden(SPEC.child('sessionAffinityConfig'), 'must not be set when session affinity is None', rule));
  }

  if (type !== 'ExternalName') errs.push(...validateClusterIPsRelatedFields(spec, clusterIPs));

  arr(spec.externalIPs).forEach((ip, i) => {
    if (typeof ip === 'string') errs.push(...isValidIP(SPEC.child('externalIPs').index(i), ip, rule));
  });

  if (!SERVICE_TYPES.includes(type)) errs.push(notSupported(SPEC.child('type'), type, SERVICE_TYPES, rule));
  if (type === 'ClusterIP') {
    ports.forEach((port, i) => {
      if (isRecord(port) && int(port.nodePort) !== undefined && port.nodePort !== 0) {
        errs.push(forbidden(portsPath.index(i).child('nodePort'), "may not be used when `type` is 'ClusterIP'", rule));
      }
    });
  }
  const nodePorts = new Set<string>();
  const seen = new Set<string>();
  ports.forEach((port, i) => {
    if (!isRecord(port)) return;
    const protocol = str(port.protocol) ?? 'TCP';
    const nodePort = int(port.nodePort) ?? 0;
    if (nodePort !== 0) {
      const key = `${protocol}/${nodePort}`;
      if (nodePorts.has(key)) errs.push(duplicate(portsPath.index(i).child('nodePort'), nodePort, rule));
      nodePorts.add(key);
    }
  });
  ports.forEach((port, i) => {
    if (!isRecord(port)) return;
    const protocol = str(port.protocol) ?? 'TCP';
    const num = int(port.port) ?? 0;
    const key = `${protocol}/${num}`;
    // The Go value is core.ServicePort{Protocol, Port}; JSON shows every field of the internal type.
    if (seen.has(key))
      errs.push(
        duplicate(portsPath.index(i), { Name: '', Protocol: protocol, AppProtocol: null, Port: num, TargetPort: 0, NodePort: 0 }, rule),
      );
    seen.add(key);
  });

  const ranges = arr(spec.loadBalancerSourceRanges);
  if (ranges.length > 0) {
    const fp = SPEC.child('LoadBalancerSourceRanges');
    if (type !== 'LoadBalancer') errs.push(forbidden(fp, "may only be used when `type` is 'LoadBalancer'", rule));
    ranges.forEach((r, i) => {
      if (typeof r === 'string') errs.push(...isValidCIDRForLegacyField(fp.index(i), r.trim(), true, rule));
    });
  }
  if (spec.allocateLoadBalancerNodePorts !== undefined && spec.allocateLoadBalancerNodePorts !== null && type !== 'LoadBalancer') {
    errs.push(forbidden(SPEC.child('allocateLoadBalancerNodePorts'), "may only be used when `type` is 'LoadBalancer'", rule));
  }
  const lbClass = str(spec.loadBalancerClass);
  if (lbClass !== undefined) {
    if (type !== 'LoadBalancer')
      errs.push(
        forbidden(SPEC.child('loadBalancerClass'), "may only be used when `type` is 'LoadBalancer'", 'validateLoadBalancerClassField'),
      );
    else errs.push(...invalidEach(SPEC.child('loadBalancerClass'), lbClass, isQualifiedName(lbClass), 'validateLoadBalancerClassField'));
  }

  const externallyAccessible = type === 'LoadBalancer' || type === 'NodePort' || (type === 'ClusterIP' && arr(spec.externalIPs).length > 0);
  const etp = str(spec.externalTrafficPolicy);
  if (etp !== undefined && etp !== '') {
    if (!externallyAccessible)
      errs.push(
        invalid(
          SPEC.child('externalTrafficPolicy'),
          etp,
          'may only be set for externally-accessible services',
          'validateServiceExternalTrafficPolicy',
        ),
      );
    else if (!EXTERNAL_TRAFFIC_POLICIES.includes(etp))
      errs.push(notSupported(SPEC.child('externalTrafficPolicy'), etp, EXTERNAL_TRAFFIC_POLICIES, 'validateServiceExternalTrafficPolicy'));
  }
  const hcnp = int(spec.healthCheckNodePort);
  const needsHealthCheck = type === 'LoadBalancer' && etp === 'Local';
  if (hcnp !== undefined && hcnp !== 0) {
    if (!needsHealthCheck) {
      errs.push(
        invalid(
          SPEC.child('healthCheckNodePort'),
          hcnp,
          "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
          'validateServiceExternalTrafficPolicy',
        ),
      );
    } else
      for (const m of isValidPortNum(hcnp))
        errs.push(invalid(SPEC.child('healthCheckNodePort'), hcnp, m, 'validateServiceExternalTrafficPolicy'));
  }
  const itp = str(spec.internalTrafficPolicy);
  if (itp !== undefined && !INTERNAL_TRAFFIC_POLICIES.includes(itp)) {
    errs.push(
      notSupported(SPEC.child('internalTrafficPolicy'), itp, INTERNAL_TRAFFIC_POLICIES, 'validateServiceInternalTrafficFieldsValue'),
    );
  }
  const td = str(spec.trafficDistribution);
  if (td !== undefined && !TRAFFIC_DISTRIBUTIONS.includes(td)) {
    errs.push(notSupported(SPEC.child('trafficDistribution'), td, TRAFFIC_DISTRIBUTIONS, 'validateServiceTrafficDistribution'));
  }
  return errs;
}

/** `ValidateServiceClusterIPsRelatedFields` (the create-time part; families the allocator fills are not required). */
function validateClusterIPsRelatedFields(spec: Record<string, unknown>, clusterIPs: unknown[]): FieldError[] {
  const errs: FieldError[] = [];
  const rule = 'ValidateServiceClusterIPsRelatedFields';
  const clusterIP = str(spec.clusterIP);
  if (
    Array.isArray(spec.clusterIPs) &&
    spec.clusterIPs.length > 0 &&
    clusterIP !== undefined &&
    clusterIP !== '' &&
    clusterIP !== spec.clusterIPs[0]
  ) {
    errs.push(invalid(SPEC.child('clusterIPs'), spec.clusterIPs, 'first value must match `clusterIP`', rule));
  }
  clusterIPs.forEach((ip, i) => {
    if (typeof ip !== 'string') return;
    const p = SPEC.child('clusterIPs').index(i);
    if (i === 0 && ip === 'None') {
      if (clusterIPs.length > 1) errs.push(invalid(p, ip, "'None' must be the first and only value", rule));
      return;
    }
    errs.push(...isValidIPForLegacyField(p, ip, true, rule));
  });
  const seen = new Set<string>();
  arr(spec.ipFamilies).forEach((f, i) => {
    if (typeof f !== 'string') return;
    const p = SPEC.child('ipFamilies').index(i);
    if (!IP_FAMILIES.includes(f)) errs.push(notSupported(p, f, IP_FAMILIES, rule));
    if (seen.has(f)) errs.push(duplicate(p, f, rule));
    seen.add(f);
  });
  const policy = str(spec.ipFamilyPolicy);
  if (policy !== undefined && !IP_FAMILY_POLICIES.includes(policy))
    errs.push(notSupported(SPEC.child('ipFamilyPolicy'), policy, IP_FAMILY_POLICIES, rule));
  return errs;
}

// --- networking ---------------------------------------------------------------------------------

const NP_PROTOCOLS = ['TCP', 'UDP', 'SCTP'];

function validateNetworkPolicyPort(port: unknown, path: FieldPath): FieldError[] {
  if (!isRecord(port)) return [];
  const errs: FieldError[] = [];
  const rule = 'ValidateNetworkPolicyPort';
  const protocol = str(port.protocol);
  if (protocol !== undefined && !NP_PROTOCOLS.includes(protocol))
    errs.push(notSupported(path.child('protocol'), protocol, NP_PROTOCOLS, rule));
  const p = intOrString(port.port);
  const end = int(port.endPort);
  if (p !== undefined) {
    if ('int' in p) {
      for (const m of isValidPortNum(p.int)) errs.push(invalid(path.child('port'), p.int, m, rule));
      if (end !== undefined) {
        if (end < p.int) errs.push(invalid(path.child('endPort'), p.int, 'must be greater than or equal to `port`', rule));
        for (const m of isValidPortNum(end)) errs.push(invalid(path.child('endPort'), end, m, rule));
      }
    } else {
      if (end !== undefined) errs.push(invalid(path.child('endPort'), end, 'may not be specified when `port` is non-numeric', rule));
      for (const m of isValidPortName(p.str)) errs.push(invalid(path.child('port'), p.str, m, rule));
    }
  } else if (end !== undefined) {
    errs.push(invalid(path.child('endPort'), end, 'may not be specified when `port` is not specified', rule));
  }
  return errs;
}

function validateIPBlock(block: unknown, path: FieldPath): FieldError[] {
  if (!isRecord(block)) return [];
  const rule = 'ValidateIPBlock';
  const cidr = str(block.cidr) ?? '';
  if (cidr === '') return [required(path.child('cidr'), '', rule)];
  // StrictIPCIDRValidation: treated as off for these legacy fields (unverified for 1.35, see report).
  const errs = isValidCIDRForLegacyField(path.child('cidr'), cidr, false, rule);
  if (errs.length > 0) return errs;
  arr(block.except).forEach((e, i) => {
    if (typeof e !== 'string') return;
    const p = path.child('except').index(i);
    const eErrs = isValidCIDRForLegacyField(p, e, false, rule);
    errs.push(...eErrs);
    if (eErrs.length === 0 && isStrictCIDRSubset(cidr, e) === false) errs.push(invalid(p, e, 'must be a strict subset of `cidr`', rule));
  });
  return errs;
}

function validateNetworkPolicyPeer(peer: unknown, path: FieldPath): FieldError[] {
  if (!isRecord(peer)) return [];
  const errs: FieldError[] = [];
  let n = 0;
  if (isRecord(peer.podSelector)) {
    n++;
    errs.push(...validateLabelSelector(peer.podSelector, path.child('podSelector')));
  }
  if (isRecord(peer.namespaceSelector)) {
    n++;
    errs.push(...validateLabelSelector(peer.namespaceSelector, path.child('namespaceSelector')));
  }
  if (isRecord(peer.ipBlock)) {
    n++;
    errs.push(...validateIPBlock(peer.ipBlock, path.child('ipBlock')));
  }
  if (n === 0) errs.push(required(path, 'must specify a peer', 'ValidateNetworkPolicyPeer'));
  else if (n > 1 && isRecord(peer.ipBlock))
    errs.push(forbidden(path, 'may not specify both ipBlock and another peer', 'ValidateNetworkPolicyPeer'));
  return errs;
}

function validateNetworkPolicy(obj: ManifestObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, true, nameIsDNSSubdomain, META);
  const spec = isRecord(obj.spec) ? obj.spec : {};
  errs.push(...validateLabelSelector(spec.podSelector, SPEC.child('podSelector')));
  arr(spec.ingress).forEach((rule, i) => {
    if (!isRecord(rule)) return;
    const p = SPEC.child('ingress').index(i);
    arr(rule.ports).forEach((port, j) => errs.push(...validateNetworkPolicyPort(port, p.child('ports').index(j))));
    arr(rule.from).forEach((peer, j) => errs.push(...validateNetworkPolicyPeer(peer, p.child('from').index(j))));
  });
  arr(spec.egress).forEach((rule, i) => {
    if (!isRecord(rule)) return;
    const p = SPEC.child('egress').index(i);
    arr(rule.to).forEach((peer, j) => errs.push(...validateNetworkPolicyPeer(peer, p.child('to').index(j))));
    arr(rule.ports).forEach((port, j) => errs.push(...validateNetworkPolicyPort(port, p.child('ports').index(j))));
  });
  const types = arr(spec.policyTypes);
  if (types.length > 2) {
    errs.push(invalid(SPEC.child('policyTypes'), types, 'may not specify more than two policyTypes', 'ValidateNetworkPolicySpec'));
    return errs;
  }
  types.forEach((t, i) => {
    if (typeof t === 'string' && t !== 'Ingress' && t !== 'Egress') {
      errs.push(notSupported(SPEC.child('policyTypes').index(i), t, ['Ingress', 'Egress'], 'ValidateNetworkPolicySpec'));
    }
  });
  return errs;
}

// --- policy -------------------------------------------------------------------------------------

const UNHEALTHY_POD_EVICTION_POLICIES = ['AlwaysAllow', 'IfHealthyBudget'];

function validatePodDisruptionBudget(obj: ManifestObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = isRecord(obj.spec) ? obj.spec : {};
  const present = (k: string): boolean => spec[k] !== undefined && spec[k] !== null;
  // The Go value is the internal spec struct (no json tags): shown as JSON with Go field names (unverified rendering).
  if (present('minAvailable') && present('maxUnavailable')) {
    errs.push(
      invalid(
        SPEC,
        {
          MinAvailable: spec.minAvailable,
          Selector: spec.selector ?? null,
          MaxUnavailable: spec.maxUnavailable,
          UnhealthyPodEvictionPolicy: spec.unhealthyPodEvictionPolicy ?? null,
        },
        'minAvailable and maxUnavailable cannot be both set',
        'ValidatePodDisruptionBudgetSpec',
      ),
    );
  }
  for (const k of ['minAvailable', 'maxUnavailable']) {
    if (!present(k)) continue;
    errs.push(...validatePositiveIntOrPercent(spec[k], SPEC.child(k)), ...isNotMoreThan100Percent(spec[k], SPEC.child(k)));
  }
  errs.push(...validateLabelSelector(spec.selector, SPEC.child('selector')));
  const uhp = str(spec.unhealthyPodEvictionPolicy);
  if (uhp !== undefined && !UNHEALTHY_POD_EVICTION_POLICIES.includes(uhp)) {
    errs.push(
      notSupported(SPEC.child('unhealthyPodEvictionPolicy'), uhp, UNHEALTHY_POD_EVICTION_POLICIES, 'ValidatePodDisruptionBudgetSpec'),
    );
  }
  return withGenericMeta(obj, true, errs);
}

// --- autoscaling/v2 -----------------------------------------------------------------------------

const METRIC_SOURCE_TYPES = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
const METRIC_FIELD: Readonly<Record<string, string>> = {
  Object: 'object',
  Pods: 'pods',
  Resource: 'resource',
  External: 'external',
  ContainerResource: 'containerResource',
};
const SELECT_POLICIES = ['Disabled', 'Max', 'Min'];
const SCALING_POLICY_TYPES = ['Percent', 'Pods'];
const MAX_STABILIZATION_WINDOW_SECONDS = 3600;
const MAX_PERIOD_SECONDS = 1800;

function positiveQuantity(v: unknown, path: FieldPath, rule: string): FieldError[] {
  const text = quantityText(v);
  if (text === undefined) return [];
  const q = parseQuantity(text);
  if ('error' in q) return [invalid(path, text, q.error, rule)];
  return q.quantity.num > 0n ? [] : [invalid(path, text, 'must be positive', rule)];
}

function validateMetricTarget(target: unknown, path: FieldPath): FieldError[] {
  const t = isRecord(target) ? target : {};
  const errs: FieldError[] = [];
  const rule = 'validateMetricTarget';
  const type = str(t.type) ?? '';
  if (type === '') errs.push(required(path.child('type'), 'must specify a metric target type', rule));
  if (type !== 'Utilization' && type !== 'Value' && type !== 'AverageValue') {
    errs.push(invalid(path.child('type'), type, 'must be either Utilization, Value, or AverageValue', rule));
  }
  if (t.value !== undefined) errs.push(...positiveQuantity(t.value, path.child('value'), rule));
  if (t.averageValue !== undefined) errs.push(...positiveQuantity(t.averageValue, path.child('averageValue'), rule));
  const u = int(t.averageUtilization);
  if (u !== undefined && u < 1) errs.push(invalid(path.child('averageUtilization'), u, 'must be greater than 0', rule));
  return errs;
}

function validateResourceLikeSource(src: Record<string, unknown>, path: FieldPath, container: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const rule = container ? 'validateContainerResourceSource' : 'validateResourceSource';
  if ((str(src.name) ?? '') === '') errs.push(required(path.child('name'), 'must specify a resource name', rule));
  if (container) {
    const c = str(src.container) ?? '';
    if (c === '') errs.push(required(path.child('container'), 'must specify a container', rule));
    else errs.push(...invalidEach(path.child('container'), c, isDNS1123Label(c), rule));
  }
  errs.push(...validateMetricTarget(src.target, path.child('target')));
  const t = isRecord(src.target) ? src.target : {};
  const hasU = t.averageUtilization !== undefined && t.averageUtilization !== null;
  const hasV = t.averageValue !== undefined && t.averageValue !== null;
  if (!hasU && !hasV)
    errs.push(
      required(path.child('target').child('averageUtilization'), 'must set either a target raw value or a target utilization', rule),
    );
  if (hasU && hasV)
    errs.push(forbidden(path.child('target').child('averageValue'), 'may not set both a target raw value and a target utilization', rule));
  return errs;
}

function validateMetricSpec(spec: unknown, path: FieldPath): FieldError[] {
  if (!isRecord(spec)) return [];
  const errs: FieldError[] = [];
  const rule = 'validateMetricSpec';
  const type = str(spec.type) ?? '';
  if (type === '') errs.push(required(path.child('type'), 'must specify a metric source type', rule));
  if (!METRIC_SOURCE_TYPES.includes(type)) errs.push(notSupported(path.child('type'), type, METRIC_SOURCE_TYPES, rule));
  const present = ['object', 'pods', 'resource', 'external', 'containerResource'].filter((k) => isRecord(spec[k]));
  const first = present[0];
  if (first === 'resource' || first === 'containerResource') {
    errs.push(...validateResourceLikeSource(spec[first] as Record<string, unknown>, path.child(first), first === 'containerResource'));
  } else if (first !== undefined) {
    errs.push(...validateMetricTarget((spec[first] as Record<string, unknown>).target, path.child(first).child('target')));
  }
  const expected = METRIC_FIELD[type];
  if (expected !== undefined && !isRecord(spec[expected]))
    errs.push(required(path.child(expected), 'must populate information for the given metric source', rule));
  if (present.length !== 1) {
    for (const k of present) if (k !== expected) errs.push(forbidden(path.child(k), 'must populate the given metric source only', rule));
  }
  return errs;
}

function validateScalingRules(rules: unknown, path: FieldPath): FieldError[] {
  if (!isRecord(rules)) return [];
  const errs: FieldError[] = [];
  const rule = 'validateScalingRules';
  const w = int(rules.stabilizationWindowSeconds);
  if (w !== undefined && w < 0)
    errs.push(invalid(path.child('stabilizationWindowSeconds'), w, 'must be greater than or equal to zero', rule));
  if (w !== undefined && w > MAX_STABILIZATION_WINDOW_SECONDS) {
    errs.push(
      invalid(path.child('stabilizationWindowSeconds'), w, `must be less than or equal to ${MAX_STABILIZATION_WINDOW_SECONDS}`, rule),
    );
  }
  const select = str(rules.selectPolicy);
  if (select !== undefined && !SELECT_POLICIES.includes(select))
    errs.push(notSupported(path.child('selectPolicy'), select, SELECT_POLICIES, rule));
  // Defaulting fills absent policies; an explicit empty list stays empty.
  if (Array.isArray(rules.policies) && rules.policies.length === 0)
    errs.push(required(path.child('policies'), 'must specify at least one Policy', rule));
  arr(rules.policies).forEach((p, i) => {
    if (!isRecord(p)) return;
    const pp = path.child('policies').index(i);
    const type = str(p.type) ?? '';
    if (!SCALING_POLICY_TYPES.includes(type))
      errs.push(notSupported(pp.child('type'), type, SCALING_POLICY_TYPES, 'validateScalingPolicy'));
    const value = int(p.value) ?? 0;
    if (value <= 0) errs.push(invalid(pp.child('value'), value, 'must be greater than zero', 'validateScalingPolicy'));
    const period = int(p.periodSeconds) ?? 0;
    if (period <= 0) errs.push(invalid(pp.child('periodSeconds'), period, 'must be greater than zero', 'validateScalingPolicy'));
    if (period > MAX_PERIOD_SECONDS)
      errs.push(invalid(pp.child('periodSeconds'), period, `must be less than or equal to ${MAX_PERIOD_SECONDS}`, 'validateScalingPolicy'));
  });
  return errs;
}

function validateHorizontalPodAutoscaler(obj: ManifestObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, true, nameIsDNSSubdomain, META);
  const spec = isRecord(obj.spec) ? obj.spec : {};
  const rule = 'validateHorizontalPodAutoscalerSpec';
  const min = int(spec.minReplicas) ?? 1; // SetDefaults: minReplicas 1
  const max = int(spec.maxReplicas);
  if (min < 1) errs.push(invalid(SPEC.child('minReplicas'), min, 'must be greater than or equal to 1', rule));
  if (max !== undefined && max < 1) errs.push(invalid(SPEC.child('maxReplicas'), max, 'must be greater than 0', rule));
  if (max !== undefined && max < min)
    errs.push(invalid(SPEC.child('maxReplicas'), max, 'must be greater than or equal to `minReplicas`', rule));
  const ref = isRecord(spec.scaleTargetRef) ? spec.scaleTargetRef : {};
  const refPath = SPEC.child('scaleTargetRef');
  for (const k of ['kind', 'name']) {
    const v = str(ref[k]) ?? '';
    if (v === '') errs.push(required(refPath.child(k), '', 'ValidateCrossVersionObjectReference'));
    else errs.push(...invalidEach(refPath.child(k), v, nameIsPathSegment(v), 'ValidateCrossVersionObjectReference'));
  }
  arr(spec.metrics).forEach((m, i) => errs.push(...validateMetricSpec(m, SPEC.child('metrics').index(i))));
  if (isRecord(spec.behavior)) {
    errs.push(...validateScalingRules(spec.behavior.scaleUp, SPEC.child('behavior').child('scaleUp')));
    errs.push(...validateScalingRules(spec.behavior.scaleDown, SPEC.child('behavior').child('scaleDown')));
  }
  return errs;
}

// --- rbac ---------------------------------------------------------------------------------------

const RBAC_GROUP = 'rbac.authorization.k8s.io';

function validatePolicyRule(r: unknown, namespaced: boolean, path: FieldPath): FieldError[] {
  if (!isRecord(r)) return [];
  const errs: FieldError[] = [];
  const rule = 'ValidatePolicyRule';
  if (arr(r.verbs).length === 0) errs.push(required(path.child('verbs'), 'verbs must contain at least one value', rule));
  const urls = arr(r.nonResourceURLs);
  if (urls.length > 0) {
    if (namespaced) errs.push(invalid(path.child('nonResourceURLs'), urls, 'namespaced rules cannot apply to non-resource URLs', rule));
    if (arr(r.apiGroups).length > 0 || arr(r.resources).length > 0 || arr(r.resourceNames).length > 0) {
      errs.push(invalid(path.child('nonResourceURLs'), urls, 'rules cannot apply to both regular resources and non-resource URLs', rule));
    }
    return errs;
  }
  if (arr(r.apiGroups).length === 0)
    errs.push(required(path.child('apiGroups'), 'resource rules must supply at least one api group', rule));
  if (arr(r.resources).length === 0) errs.push(required(path.child('resources'), 'resource rules must supply at least one resource', rule));
  return errs;
}

function validateRole(namespaced: boolean): Validator {
  return (obj) => {
    const errs = validateObjectMeta(obj.metadata, namespaced, nameIsPathSegment, META);
    arr(obj.rules).forEach((r, i) => errs.push(...validatePolicyRule(r, namespaced, FieldPath.root('rules').index(i))));
    return errs;
  };
}

function validateRoleBindingSubject(s: unknown, namespaced: boolean, path: FieldPath): FieldError[] {
  if (!isRecord(s)) return [];
  const errs: FieldError[] = [];
  const rule = 'ValidateRoleBindingSubject';
  const name = str(s.name) ?? '';
  const apiGroup = str(s.apiGroup) ?? '';
  const kind = str(s.kind) ?? '';
  if (name === '') errs.push(required(path.child('name'), '', rule));
  if (kind === 'ServiceAccount') {
    if (name !== '') errs.push(...invalidEach(path.child('name'), name, validateServiceAccountName(name), rule));
    if (apiGroup !== '') errs.push(notSupported(path.child('apiGroup'), apiGroup, [''], rule));
    if (!namespaced && (str(s.namespace) ?? '') === '') errs.push(required(path.child('namespace'), '', rule));
  } else if (kind === 'User' || kind === 'Group') {
    if (apiGroup !== RBAC_GROUP) errs.push(notSupported(path.child('apiGroup'), apiGroup, [RBAC_GROUP], rule));
  } else {
    errs.push(notSupported(path.child('kind'), kind, ['ServiceAccount', 'User', 'Group'], rule));
  }
  return errs;
}

function validateRoleBinding(namespaced: boolean): Validator {
  return (obj) => {
    const errs = validateObjectMeta(obj.metadata, namespaced, nameIsPathSegment, META);
    const ref = isRecord(obj.roleRef) ? obj.roleRef : {};
    const refPath = FieldPath.root('roleRef');
    const rule = namespaced ? 'ValidateRoleBinding' : 'ValidateClusterRoleBinding';
    const apiGroup = str(ref.apiGroup) ?? '';
    if (apiGroup !== RBAC_GROUP) errs.push(notSupported(refPath.child('apiGroup'), apiGroup, [RBAC_GROUP], rule));
    const kind = str(ref.kind) ?? '';
    const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
    if (!kinds.includes(kind)) errs.push(notSupported(refPath.child('kind'), kind, kinds, rule));
    const name = str(ref.name) ?? '';
    if (name === '') errs.push(required(refPath.child('name'), '', rule));
    else errs.push(...invalidEach(refPath.child('name'), name, nameIsPathSegment(name), rule));
    arr(obj.subjects).forEach((s, i) => errs.push(...validateRoleBindingSubject(s, namespaced, FieldPath.root('subjects').index(i))));
    return errs;
  };
}

/** Validators by `apiVersion/kind`. */
export const KIND_VALIDATORS: Readonly<Record<string, Validator>> = {
  'v1/Namespace': validateNamespace,
  'v1/ConfigMap': validateConfigMap,
  'v1/Secret': validateSecret,
  'v1/ServiceAccount': validateServiceAccount,
  'v1/Service': validateService,
  'networking.k8s.io/v1/NetworkPolicy': validateNetworkPolicy,
  'policy/v1/PodDisruptionBudget': validatePodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': validateHorizontalPodAutoscaler,
  'rbac.authorization.k8s.io/v1/Role': validateRole(true),
  'rbac.authorization.k8s.io/v1/ClusterRole': validateRole(false),
  'rbac.authorization.k8s.io/v1/RoleBinding': validateRoleBinding(true),
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': validateRoleBinding(false),
};

/** The name function each kind's ValidateObjectMeta uses (for tests and callers naming objects). */
export const NAME_FUNCTIONS: Readonly<Record<string, NameFn>> = {
  'v1/Namespace': nameIsDNSLabel,
  'v1/ConfigMap': nameIsDNSSubdomain,
  'v1/Secret': nameIsDNSSubdomain,
  'v1/ServiceAccount': validateServiceAccountName,
  'v1/Service': nameIsDNS1035Label,
  'networking.k8s.io/v1/NetworkPolicy': nameIsDNSSubdomain,
  'policy/v1/PodDisruptionBudget': nameIsPathSegment,
  'autoscaling/v2/HorizontalPodAutoscaler': nameIsDNSSubdomain,
  'rbac.authorization.k8s.io/v1/Role': nameIsPathSegment,
  'rbac.authorization.k8s.io/v1/ClusterRole': nameIsPathSegment,
  'rbac.authorization.k8s.io/v1/RoleBinding': nameIsPathSegment,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': nameIsPathSegment,
};
