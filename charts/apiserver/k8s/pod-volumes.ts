/**
 * Pod volumes and container volume mounts, ported from kubernetes pkg/apis/core/validation/validation.go
 * (`ValidateVolumes`, `validateVolumeSource` and the per-source checks, `ValidateVolumeMounts`).
 * Paths, messages and upstream's quirks kept: `downwarAPI` in the "more than 1 volume type" path, the
 * downward API items and mount subPath errors reported on the list path, not the item.
 */
import { type FieldPath, forbidden, invalid, notFound, notSupported, required, tooLong, duplicate, type FieldError } from '../field';
import { isConfigMapKey, isDNS1123Label, isDNS1123Subdomain, isQualifiedName } from './primitives';
import { defaulted, int, isObj, list, obj, optStr, quantity, str, type Obj } from './pod-read';

export const FILE_MODE_ERROR = 'must be a number between 0 and 0777 (octal), both inclusive';

/** The volume sources in upstream's order, by JSON name, with the path name upstream reports. */
const SOURCES: readonly (readonly [json: string, path: string])[] = [
  ['emptyDir', 'emptyDir'],
  ['hostPath', 'hostPath'],
  ['gitRepo', 'gitRepo'],
  ['gcePersistentDisk', 'gcePersistentDisk'],
  ['awsElasticBlockStore', 'awsElasticBlockStore'],
  ['secret', 'secret'],
  ['nfs', 'nfs'],
  ['iscsi', 'iscsi'],
  ['glusterfs', 'glusterfs'],
  ['flocker', 'flocker'],
  ['persistentVolumeClaim', 'persistentVolumeClaim'],
  ['rbd', 'rbd'],
  ['cinder', 'cinder'],
  ['cephfs', 'cephFS'],
  ['quobyte', 'quobyte'],
  ['downwardAPI', 'downwarAPI'],
  ['fc', 'fc'],
  ['flexVolume', 'flexVolume'],
  ['configMap', 'configMap'],
  ['azureFile', 'azureFile'],
  ['vsphereVolume', 'vsphereVolume'],
  ['photonPersistentDisk', 'photonPersistentDisk'],
  ['portworxVolume', 'portworxVolume'],
  ['azureDisk', 'azureDisk'],
  ['storageos', 'storageos'],
  ['projected', 'projected'],
  ['scaleIO', 'scaleIO'],
  ['csi', 'csi'],
  ['ephemeral', 'ephemeral'],
  ['image', 'image'],
];

const HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'] as const;
const VOLUME_FIELD_PATHS = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid'] as const;
export const ENV_FIELD_PATHS = [
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
] as const;
export const RESOURCE_FIELD_PATHS = [
  'limits.cpu',
  'limits.ephemeral-storage',
  'limits.memory',
  'requests.cpu',
  'requests.ephemeral-storage',
  'requests.memory',
] as const;
const HUGEPAGES_FIELD_PREFIXES = ['limits.hugepages-', 'requests.hugepages-'] as const;
/** The field labels `ConvertDownwardAPIFieldLabel` (pkg/apis/core/pods/helpers.go, newest stored version) accepts for v1. */
const CONVERTIBLE_FIELD_LABELS = new Set([
  'metadata.annotations',
  'metadata.labels',
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.restartPolicy',
  'spec.serviceAccountName',
  'spec.schedulerName',
  'status.phase',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
  'spec.terminationGracePeriodSeconds',
]);

/** The valid volumes by name (only volumes without errors, as upstream's map), for the mounts. */
export type VolumeMap = ReadonlyMap<string, Obj>;

/** `ValidateVolumes`. */
export function validateVolumes(volumes: unknown, path: FieldPath): { volumes: VolumeMap; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const byName = new Map<string, Obj>();
  list(volumes).forEach((v, i) => {
    if (!isObj(v)) return;
    const idx = path.index(i);
    const namePath = idx.child('name');
    const name = str(v.name);
    const el = validateVolumeSource(v, idx);
    if (name === '') el.push(required(namePath, '', 'ValidateVolumes'));
    else if (name !== undefined) for (const m of isDNS1123Label(name)) el.push(invalid(namePath, name, m, 'ValidateDNS1123Label'));
    if (name !== undefined && byName.has(name)) el.push(duplicate(namePath, name, 'ValidateVolumes'));
    if (el.length === 0 && name !== undefined) byName.set(name, v);
    else errors.push(...el);
  });
  return { volumes: byName, errors };
}

function validateVolumeSource(v: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const [json, name] of SOURCES) {
    const src = obj(v[json]);
    if (src === undefined) continue;
    if (count > 0) {
      errs.push(forbidden(path.child(name), 'may not specify more than 1 volume type', 'validateVolumeSource'));
      continue;
    }
    count++;
    errs.push(...validateSource(json, src, path.child(json)));
  }
  if (count === 0) errs.push(required(path, 'must specify a volume type', 'validateVolumeSource'));
  return errs;
}

function validateSource(kind: string, src: Obj, path: FieldPath): FieldError[] {
  switch (kind) {
    case 'emptyDir': {
      const limit = quantity(src.sizeLimit);
      return limit !== undefined && limit.value.num < 0n
        ? [forbidden(path.child('sizeLimit'), 'SizeLimit field must be a valid resource quantity', 'validateVolumeSource')]
        : [];
    }
    case 'hostPath':
      return validateHostPath(src, path);
    case 'secret':
      return validateObjectVolume(src, 'secretName', path, 'validateSecretVolumeSource');
    case 'configMap':
      return validateObjectVolume(src, 'name', path, 'validateConfigMapVolumeSource');
    case 'persistentVolumeClaim':
      return str(src.claimName) === '' ? [required(path.child('claimName'), '', 'validatePersistentClaimVolumeSource')] : [];
    case 'downwardAPI': {
      const errs = fileModeErrors(src.defaultMode, path.child('defaultMode'), 'validateDownwardAPIVolumeSource');
      for (const item of list(src.items)) if (isObj(item)) errs.push(...validateDownwardAPIFile(item, path));
      return errs;
    }
    case 'projected':
      return validateProjected(src, path);
    case 'csi':
      return validateCSIDriverName(src.driver, path.child('driver'));
    case 'nfs': {
      const errs: FieldError[] = [];
      const server = str(src.server);
      const p = str(src.path);
      if (server === '') errs.push(required(path.child('server'), '', 'validateNFSVolumeSource'));
      if (p === '') errs.push(required(path.child('path'), '', 'validateNFSVolumeSource'));
      if (p !== undefined && !p.startsWith('/'))
        errs.push(invalid(path.child('path'), p, 'must be an absolute path', 'validateNFSVolumeSource'));
      return errs;
    }
    default:
      return [];
  }
}

function validateHostPath(src: Obj, path: FieldPath): FieldError[] {
  const p = str(src.path);
  if (p === '') return [required(path.child('path'), '', 'validateHostPathVolumeSource')];
  const errs = p === undefined ? [] : pathNoBacksteps(p, path.child('path'));
  const type = defaulted(src.type, '');
  if (type !== undefined && !(HOST_PATH_TYPES as readonly string[]).includes(type)) {
    errs.push(notSupported(path.child('type'), type, HOST_PATH_TYPES, 'validateHostPathType'));
  }
  return errs;
}

function validateObjectVolume(src: Obj, nameKey: string, path: FieldPath, rule: string): FieldError[] {
  const errs: FieldError[] = [];
  if (str(src[nameKey]) === '') errs.push(required(path.child(nameKey), '', rule));
  errs.push(...fileModeErrors(src.defaultMode, path.child('defaultMode'), rule));
  list(src.items).forEach((kp, i) => {
    if (isObj(kp)) errs.push(...validateKeyToPath(kp, path.child('items').index(i)));
  });
  return errs;
}

/** `validateKeyToPath`. */
function validateKeyToPath(kp: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const p = str(kp.path);
  if (str(kp.key) === '') errs.push(required(path.child('key'), '', 'validateKeyToPath'));
  if (p === '') errs.push(required(path.child('path'), '', 'validateKeyToPath'));
  if (p !== undefined) errs.push(...localNonReservedPath(p, path.child('path')));
  errs.push(...fileModeErrors(kp.mode, path.child('mode'), 'validateKeyToPath'));
  return errs;
}

function fileModeErrors(mode: unknown, path: FieldPath, rule: string): FieldError[] {
  const m = int(mode);
  return m !== undefined && (m > 0o777 || m < 0) ? [invalid(path, m, FILE_MODE_ERROR, rule)] : [];
}

function validateDownwardAPIFile(file: Obj, path: FieldPath): FieldError[] {
  const rule = 'validateDownwardAPIVolumeFile';
  const errs: FieldError[] = [];
  const p = str(file.path);
  if (p === '') errs.push(required(path.child('path'), '', rule));
  if (p !== undefined) errs.push(...localNonReservedPath(p, path.child('path')));
  const fieldRef = obj(file.fieldRef);
  const resourceFieldRef = obj(file.resourceFieldRef);
  if (fieldRef !== undefined) {
    errs.push(...validateObjectFieldSelector(fieldRef, VOLUME_FIELD_PATHS, path.child('fieldRef')));
    if (resourceFieldRef !== undefined) {
      errs.push(invalid(path, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously', rule));
    }
  } else if (resourceFieldRef !== undefined) {
    errs.push(...validateResourceFieldSelector(resourceFieldRef, path.child('resourceFieldRef'), true));
  } else {
    errs.push(required(path, 'one of fieldRef and resourceFieldRef is required', rule));
  }
  errs.push(...fileModeErrors(file.mode, path.child('mode'), rule));
  return errs;
}

function validateProjected(src: Obj, path: FieldPath): FieldError[] {
  const rule = 'validateProjectionSources';
  const errs = fileModeErrors(src.defaultMode, path.child('defaultMode'), 'validateProjectedVolumeSource');
  const paths = new Set<string>();
  const claim = (p: string | undefined, value: unknown): void => {
    if (p === undefined || p === '') return;
    if (paths.has(p)) errs.push(invalid(path, value, 'conflicting duplicate paths', rule));
    else paths.add(p);
  };
  list(src.sources).forEach((s, i) => {
    if (!isObj(s)) return;
    const srcPath = path.child('sources').index(i);
    let n = 0;
    for (const kind of ['secret', 'configMap'] as const) {
      const ref = obj(s[kind]);
      if (ref === undefined) continue;
      n++;
      const p = srcPath.child(kind);
      if (str(ref.name) === '') errs.push(required(p.child('name'), '', rule));
      list(ref.items).forEach((kp, j) => {
        if (!isObj(kp)) return;
        errs.push(...validateKeyToPath(kp, p.child('items').index(j)));
        claim(str(kp.path), ref.name ?? '');
      });
    }
    const downward = obj(s.downwardAPI);
    if (downward !== undefined) {
      n++;
      for (const file of list(downward.items)) {
        if (!isObj(file)) continue;
        errs.push(...validateDownwardAPIFile(file, srcPath.child('downwardAPI')));
        claim(str(file.path), file.path);
      }
    }
    const token = obj(s.serviceAccountToken);
    if (token !== undefined) {
      n++;
      const p = srcPath.child('serviceAccountToken');
      const seconds = int(token.expirationSeconds);
      if (seconds !== undefined && seconds < 600) {
        errs.push(invalid(p.child('expirationSeconds'), seconds, 'may not specify a duration less than 10 minutes', rule));
      }
      if (seconds !== undefined && seconds > 2 ** 32) {
        errs.push(invalid(p.child('expirationSeconds'), seconds, 'may not specify a duration larger than 2^32 seconds', rule));
      }
      const tokenPath = str(token.path);
      if (tokenPath === '') errs.push(required(path.child('path'), '', rule));
      else if (tokenPath !== undefined) errs.push(...localNonReservedPath(tokenPath, path.child('path')));
    }
    if (obj(s.clusterTrustBundle) !== undefined) n++;
    if (obj(s.podCertificate) !== undefined) n++;
    if (n > 1) errs.push(forbidden(srcPath, 'may not specify more than 1 volume type per source', rule));
  });
  return errs;
}

/** `ValidateCSIDriverName`. */
function validateCSIDriverName(driver: unknown, path: FieldPath): FieldError[] {
  const name = str(driver);
  if (name === undefined) return [];
  const errs: FieldError[] = [];
  if (name === '') errs.push(required(path, '', 'ValidateCSIDriverName'));
  if (name.length > 63) errs.push(tooLong(path, 63, 'ValidateCSIDriverName'));
  for (const m of isDNS1123Subdomain(name.toLowerCase())) errs.push(invalid(path, name, m, 'ValidateCSIDriverName'));
  return errs;
}

/** `validateObjectFieldSelector` (fieldRef of env vars and downward API volume items). */
export function validateObjectFieldSelector(fs: Obj, expressions: readonly string[], path: FieldPath): FieldError[] {
  const rule = 'validateObjectFieldSelector';
  const apiVersion = defaulted(fs.apiVersion, 'v1');
  const fieldPath = str(fs.fieldPath);
  if (apiVersion === undefined || fieldPath === undefined) return [];
  if (fieldPath === '') return [required(path.child('fieldPath'), '', rule)];
  const converted = convertDownwardAPIFieldLabel(apiVersion, fieldPath);
  if (converted !== undefined) return [invalid(path.child('fieldPath'), fieldPath, `error converting fieldPath: ${converted}`, rule)];
  const sub = splitSubscriptedPath(fieldPath);
  if (sub !== undefined) {
    if (sub.path === 'metadata.annotations') return qualifiedName(sub.subscript.toLowerCase(), path);
    if (sub.path === 'metadata.labels') return qualifiedName(sub.subscript, path);
    return [invalid(path, sub.path, 'does not support subscript', rule)];
  }
  return expressions.includes(fieldPath) ? [] : [notSupported(path.child('fieldPath'), fieldPath, expressions, rule)];
}

const qualifiedName = (value: string, path: FieldPath): FieldError[] =>
  isQualifiedName(value).map((m) => invalid(path, value, m, 'ValidateQualifiedName'));

/** `podshelper.ConvertDownwardAPIFieldLabel` for apiVersion v1: the error text, or undefined. */
function convertDownwardAPIFieldLabel(apiVersion: string, label: string): string | undefined {
  if (apiVersion !== 'v1') return `unsupported pod version: ${apiVersion}`;
  const sub = splitSubscriptedPath(label);
  if (sub !== undefined)
    return sub.path === 'metadata.annotations' || sub.path === 'metadata.labels'
      ? undefined
      : `field label does not support subscript: ${label}`;
  if (CONVERTIBLE_FIELD_LABELS.has(label) || label === 'spec.host') return undefined;
  return `field label not supported: ${label}`;
}

/** `fieldpath.SplitMaybeSubscriptedPath`: `metadata.labels['key']`. */
function splitSubscriptedPath(p: string): { path: string; subscript: string } | undefined {
  if (!p.endsWith("']")) return undefined;
  const s = p.slice(0, -2);
  const at = s.indexOf("['");
  if (at <= 0) return undefined;
  return { path: s.slice(0, at), subscript: s.slice(at + 2) };
}

/** `validateContainerResourceFieldSelector`. */
export function validateResourceFieldSelector(fs: Obj, path: FieldPath, volume: boolean): FieldError[] {
  const rule = 'validateContainerResourceFieldSelector';
  const resource = str(fs.resource);
  if (volume && str(fs.containerName) === '') return [required(path.child('containerName'), '', rule)];
  if (resource === '') return [required(path.child('resource'), '', rule)];
  if (resource === undefined || (RESOURCE_FIELD_PATHS as readonly string[]).includes(resource)) return [];
  if (HUGEPAGES_FIELD_PREFIXES.some((p) => resource.startsWith(p))) return [];
  return [notSupported(path.child('resource'), resource, RESOURCE_FIELD_PATHS, rule)];
}

/** `validatePathNoBacksteps`. */
export function pathNoBacksteps(target: string, path: FieldPath): FieldError[] {
  return target.split('/').includes('..') ? [invalid(path, target, "must not contain '..'", 'validatePathNoBacksteps')] : [];
}

/** `validateLocalDescendingPath`. */
export function localDescendingPath(target: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (target.startsWith('/')) errs.push(invalid(path, target, 'must be a relative path', 'validateLocalDescendingPath'));
  errs.push(...pathNoBacksteps(target, path));
  return errs;
}

/** `ValidateLocalNonReservedPath`. */
function localNonReservedPath(target: string, path: FieldPath): FieldError[] {
  const errs = localDescendingPath(target, path);
  if (target.startsWith('..') && !target.startsWith('../')) {
    errs.push(invalid(path, target, "must not start with '..'", 'ValidateLocalNonReservedPath'));
  }
  return errs;
}

const MOUNT_PROPAGATIONS = ['Bidirectional', 'HostToContainer', 'None'] as const;
const RECURSIVE_READ_ONLY = ['Disabled', 'Enabled', 'IfPossible'] as const;

/** `ValidateVolumeMounts` (volumeDevices are not read: none of our objects use block volumes). */
export function validateVolumeMounts(mounts: unknown, volumes: VolumeMap, privileged: boolean, path: FieldPath): FieldError[] {
  const rule = 'ValidateVolumeMounts';
  const errs: FieldError[] = [];
  const mountPoints = new Set<string>();
  list(mounts).forEach((m, i) => {
    if (!isObj(m)) return;
    const idx = path.index(i);
    const name = str(m.name);
    const mountPath = str(m.mountPath);
    if (name === '') errs.push(required(idx.child('name'), '', rule));
    if (name !== undefined && !volumes.has(name)) errs.push(notFound(idx.child('name'), name, rule));
    if (mountPath === '') errs.push(required(idx.child('mountPath'), '', rule));
    if (mountPath !== undefined) {
      if (mountPoints.has(mountPath)) errs.push(invalid(idx.child('mountPath'), mountPath, 'must be unique', rule));
      mountPoints.add(mountPath);
    }
    const subPath = str(m.subPath) ?? '';
    const subPathExpr = str(m.subPathExpr) ?? '';
    const volume = name === undefined ? undefined : volumes.get(name);
    if (volume !== undefined && obj(volume.image) !== undefined) {
      if (subPath !== '') errs.push(invalid(idx.child('subPath'), subPath, 'not allowed in image volume sources', rule));
      if (subPathExpr !== '') errs.push(invalid(idx.child('subPathExpr'), subPathExpr, 'not allowed in image volume sources', rule));
    }
    if (subPath !== '') errs.push(...localDescendingPath(subPath, path.child('subPath')));
    if (subPathExpr !== '') {
      if (subPath !== '') errs.push(invalid(idx.child('subPathExpr'), subPathExpr, 'subPathExpr and subPath are mutually exclusive', rule));
      errs.push(...localDescendingPath(subPathExpr, path.child('subPathExpr')));
    }
    const propagation = optStr(m.mountPropagation);
    if (propagation !== undefined) {
      const p = path.child('mountPropagation');
      if (!(MOUNT_PROPAGATIONS as readonly string[]).includes(propagation))
        errs.push(notSupported(p, propagation, MOUNT_PROPAGATIONS, 'validateMountPropagation'));
      if (propagation === 'Bidirectional' && !privileged) {
        errs.push(forbidden(p, 'Bidirectional mount propagation is available only to privileged containers', 'validateMountPropagation'));
      }
    }
    errs.push(...validateRecursiveReadOnly(m, path.child('recursiveReadOnly')));
  });
  return errs;
}

/** `validateMountRecursiveReadOnly`. */
function validateRecursiveReadOnly(m: Obj, path: FieldPath): FieldError[] {
  const rule = 'validateMountRecursiveReadOnly';
  const rro = optStr(m.recursiveReadOnly);
  if (rro === undefined || rro === 'Disabled') return [];
  if (rro !== 'Enabled' && rro !== 'IfPossible') return [notSupported(path, rro, RECURSIVE_READ_ONLY, rule)];
  const errs: FieldError[] = [];
  if (m.readOnly !== true) errs.push(forbidden(path, 'may only be specified when readOnly is true', rule));
  const propagation = optStr(m.mountPropagation);
  if (propagation !== undefined && propagation !== 'None') {
    errs.push(forbidden(path, 'may only be specified when mountPropagation is None or not specified', rule));
  }
  return errs;
}

/** ConfigMap and Secret key selectors of env vars (`validateConfigMapKeySelector`, `validateSecretKeySelector`). */
export function validateKeySelector(s: Obj, path: FieldPath, rule: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(s.name);
  if (name !== undefined) for (const m of isDNS1123Subdomain(name)) errs.push(invalid(path.child('name'), name, m, rule));
  const key = str(s.key);
  if (key === '') errs.push(required(path.child('key'), '', rule));
  else if (key !== undefined) for (const m of isConfigMapKey(key)) errs.push(invalid(path.child('key'), key, m, rule));
  return errs;
}
