/**
 * Config Connector in the primary region's cluster, for `platform:appDelivery: configsync`
 * (docs/scaling.md): GKE's add-on (infra/cluster.ts) installs the operator; this declares its
 * ConfigConnector object in namespaced mode and one ConfigConnectorContext per app that uses
 * Google resources, so each app's Config Connector objects (charts/config-connector.ts, delivered
 * by the app's RepoSync) are created as that app's own Google account (the bootstrap stack's,
 * infra/config-connector-identity.ts) and by no other. A constant number of resources per app.
 *
 * Object names and fields are the operator's at the vendored release
 * (vendor/k8s-config-connector/<tag>: its CRDs and facts.json); infra/config-connector.test.ts
 * validates these objects against them.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { CONFIG_CONNECTOR_FACTS, configConnectorServiceAccountEmail } from '../charts/config-connector';
import type { ManifestObject } from '../charts/schema';

export const CONFIG_CONNECTOR_API = 'core.cnrm.cloud.google.com/v1beta1';

/** The operator's cluster-wide object: namespaced mode, each namespace with its own Google account. */
export function configConnectorObject(): ManifestObject {
  return {
    apiVersion: CONFIG_CONNECTOR_API,
    kind: 'ConfigConnector',
    metadata: { name: CONFIG_CONNECTOR_FACTS.configConnectorName },
    // State never merged into spec: Config Sync owns the spec, and would fight it.
    spec: { mode: 'namespaced', stateIntoSpec: 'Absent' },
  };
}

/** A namespace's context: the Google account its Config Connector controller acts as. */
export function configConnectorContext(namespace: string, stack: string, project: string): ManifestObject {
  return {
    apiVersion: CONFIG_CONNECTOR_API,
    kind: 'ConfigConnectorContext',
    metadata: { name: CONFIG_CONNECTOR_FACTS.configConnectorContextName, namespace },
    spec: { googleServiceAccount: configConnectorServiceAccountEmail(namespace, stack, project), stateIntoSpec: 'Absent' },
  };
}

export interface ConfigConnectorArgs {
  readonly stack: string;
  readonly project: string;
  /** The namespaces of the apps with Config Connector objects. */
  readonly namespaces: readonly string[];
  /** The primary region's cluster, with the add-on enabled. */
  readonly provider: k8s.Provider;
  /** What must exist first: the cluster's add-on and the app namespaces. */
  readonly after: readonly pulumi.Resource[];
}

export class ConfigConnector extends pulumi.ComponentResource {
  /** One per namespace: an app's RepoSync waits for its context. */
  readonly contexts: readonly k8s.apiextensions.CustomResource[];

  constructor(name: string, args: ConfigConnectorArgs, opts?: pulumi.ComponentResourceOptions) {
    super('platform:configconnector:ConfigConnector', name, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider };
    const operator = configConnectorObject();
    const root = new k8s.apiextensions.CustomResource(
      `${name}-operator`,
      { apiVersion: operator.apiVersion, kind: operator.kind, metadata: operator.metadata, spec: operator.spec },
      { ...k8sOpts, dependsOn: [...args.after] },
    );
    this.contexts = args.namespaces.map((namespace) => {
      const context = configConnectorContext(namespace, args.stack, args.project);
      return new k8s.apiextensions.CustomResource(
        `${name}-${namespace}-context`,
        { apiVersion: context.apiVersion, kind: context.kind, metadata: context.metadata, spec: context.spec },
        { ...k8sOpts, dependsOn: [root, ...args.after] },
      );
    });
    this.registerOutputs({});
  }
}
