import { createHash } from 'node:crypto';
import { Construct } from 'constructs';
import * as kplus from 'cdk8s-plus-27';
import { configMapNameFor } from '../services/defaults';
import type { ServiceSpec } from '../services/spec';

export interface ServiceConfigProps {
  readonly spec: ServiceSpec;
  readonly labels: Record<string, string>;
}

/**
 * The service's config as a ConfigMap (the "config server" pattern kept in git). The
 * content hash goes on the pod template, so a config change rolls the pods instead of
 * waiting for the next deploy.
 */
export class ServiceConfig extends Construct {
  /** Undefined when the spec has no config. */
  public readonly configMap?: kplus.ConfigMap;
  /** sha256 of the ConfigMap's data (empty string when there is none). */
  public readonly hash: string;
  public readonly mountPath: string;
  public readonly hasFiles: boolean;

  constructor(scope: Construct, id: string, props: ServiceConfigProps) {
    super(scope, id);
    const { spec } = props;
    const values = spec.config?.values ?? {};
    const files = spec.config?.files ?? {};
    this.mountPath = spec.config?.mountPath ?? `/etc/${spec.name}`;
    this.hasFiles = Object.keys(files).length > 0;
    const data = sortedRecord({ ...values, ...files });
    this.hash = configHash(data);
    if (Object.keys(data).length === 0) return;
    this.configMap = new kplus.ConfigMap(this, 'Resource', {
      metadata: { name: configMapNameFor(spec), labels: props.labels },
      data,
    });
  }
}

export function configHash(data: Readonly<Record<string, string>>): string {
  if (Object.keys(data).length === 0) return '';
  return createHash('sha256')
    .update(JSON.stringify(sortedRecord(data)))
    .digest('hex');
}

function sortedRecord(r: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
