// GIVEN the compliant workload of ./workloads.fixture.ts, WHEN one field changes, THEN the rule about it reports it (or, for
// the accepted cases, does not); every case runs all the workload rules, as the runners do.

import type { ManifestObject } from '../../charts/schema';
import { evaluate } from '../engine';
import type { Finding } from '../types';
import { edgeTlsSecret, platformObjects } from '../../charts/mesh/edge-gateway';
import { podIdentityRules } from './pod-identity';
import {
  describeCases,
  type Case,
  DEPLOYMENT,
  REGISTRIES,
  type Rejection,
  at,
  configMap,
  env,
  on,
  one,
  pod,
  remove,
  service,
  withInit,
  workloadRules,
} from './workloads.fixture';

const rejected: Rejection[] = [
  // PS10
  {
    rule: 'PS10-default-service-account',
    what: 'no serviceAccountName',
    mutate: (o) => {
      delete pod(o).serviceAccountName;
    },
    expected: on(DEPLOYMENT, 'serviceAccountName is unset (the pod runs as "default")'),
  },
  {
    rule: 'PS10-default-service-account',
    what: 'the "default" service account named explicitly',
    mutate: (o) => {
      pod(o).serviceAccountName = 'default';
    },
    expected: on(DEPLOYMENT, 'serviceAccountName is "default"'),
  },
  {
    rule: 'PS10-token-automount',
    what: 'the pod asking for the token',
    mutate: (o) => {
      pod(o).automountServiceAccountToken = true;
    },
    expected: on(DEPLOYMENT, 'automountServiceAccountToken is true'),
  },
  {
    rule: 'PS10-token-automount',
    what: 'a ServiceAccount that leaves automounting on',
    mutate: (o) => {
      delete one(o, 'ServiceAccount').automountServiceAccountToken;
    },
    expected: on(
      DEPLOYMENT,
      'automountServiceAccountToken is unset on the pod and unset on ServiceAccount/shop/shop-web (the token is mounted)',
    ),
  },
  {
    rule: 'PS10-token-automount',
    what: 'a ServiceAccount that mounts it explicitly',
    mutate: (o) => {
      one(o, 'ServiceAccount').automountServiceAccountToken = true;
    },
    expected: on(
      DEPLOYMENT,
      'automountServiceAccountToken is unset on the pod and true on ServiceAccount/shop/shop-web (the token is mounted)',
    ),
  },
  {
    rule: 'PS10-token-automount',
    what: 'a ServiceAccount that is not in the manifests',
    mutate: (o) => {
      remove(o, 'ServiceAccount');
    },
    expected: on(
      DEPLOYMENT,
      'automountServiceAccountToken is unset on the pod and ServiceAccount "shop-web" is not in the manifests (the token is mounted)',
    ),
  },
  {
    rule: 'PS10-token-automount',
    what: 'a ServiceAccount of the same name in another namespace',
    mutate: (o) => {
      at(one(o, 'ServiceAccount'), 'metadata').namespace = 'other';
    },
    expected: on(
      DEPLOYMENT,
      'automountServiceAccountToken is unset on the pod and ServiceAccount "shop-web" is not in the manifests (the token is mounted)',
    ),
  },
  {
    rule: 'PS10-default-namespace',
    what: 'an object in the default namespace',
    mutate: (o) => {
      o.push({ ...configMap({ LOG_LEVEL: 'info' }), metadata: { name: 'web-config', namespace: 'default' } });
    },
    expected: on('ConfigMap/default/web-config', 'metadata.namespace is default'),
  },
  {
    rule: 'PS10-default-namespace',
    what: 'a namespaced kind without a namespace',
    mutate: (o) => {
      delete at(service(o), 'metadata').namespace;
    },
    expected: on('Service/web', "metadata.namespace is unset (kubectl puts it in the current context's namespace, usually default)"),
  },
  {
    rule: 'PS10-secret-literals',
    what: 'a password in an env literal',
    mutate: (o) => {
      env(o).push({ name: 'ADMIN_PASSWORD', value: 'hunter2' });
    },
    expected: on(DEPLOYMENT, 'container "web": env ADMIN_PASSWORD has a literal value and its name says it is a secret'),
  },
  {
    rule: 'PS10-secret-literals',
    what: 'a camelCase apiKey env literal',
    mutate: (o) => {
      env(o).push({ name: 'paymentsApiKey', value: 'pk_live_51H8' });
    },
    expected: on(DEPLOYMENT, 'container "web": env paymentsApiKey has a literal value and its name says it is a secret'),
  },
  {
    rule: 'PS10-secret-literals',
    what: 'a database URL with a password, whatever the name',
    mutate: (o) => {
      env(o).push({ name: 'DATABASE_URL', value: 'postgres://app:hunter2@db.shop:5432/shop' });
    },
    expected: on(DEPLOYMENT, 'container "web": env DATABASE_URL holds what looks like a URL with a password'),
  },
  {
    rule: 'PS10-secret-literals',
    what: 'an AWS access key under an innocent name',
    mutate: (o) => {
      env(o).push({ name: 'UPLOADER', value: 'AKIAIOSFODNN7EXAMPLE' });
    },
    expected: on(DEPLOYMENT, 'container "web": env UPLOADER holds what looks like an AWS access key'),
  },
  {
    rule: 'PS10-secret-literals',
    what: 'a GitHub token in an init container env',
    mutate: (o) =>
      withInit(o, (c) => {
        c.env = [{ name: 'GIT_AUTH', value: `ghp_${'a1B2c3D4e5'.repeat(4)}` }];
      }),
    expected: on(DEPLOYMENT, 'init container "setup": env GIT_AUTH holds what looks like a GitHub token'),
  },
  {
    rule: 'PS10-secret-literals',
    what: 'a secret-named ConfigMap key with a literal value',
    mutate: (o) => {
      o.push(configMap({ LOG_LEVEL: 'info', API_KEY: 'abc123xyz' }));
    },
    expected: on('ConfigMap/shop/web-config', 'data key "API_KEY" has a literal value and its name says it is a secret'),
  },
  {
    rule: 'PS10-secret-literals',
    what: 'a password line inside a config file in a ConfigMap',
    mutate: (o) => {
      o.push(configMap({ 'application.properties': 'server.port=8080\ndb.password=hunter2\n' }));
    },
    expected: on('ConfigMap/shop/web-config', 'data key "application.properties" sets db.password to a literal value on line 2'),
  },
  {
    rule: 'PS10-secret-literals',
    what: 'a private key in a ConfigMap',
    mutate: (o) => {
      o.push(configMap({ 'tls.key': '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n' }));
    },
    expected: on('ConfigMap/shop/web-config', 'data key "tls.key" holds what looks like a private key'),
  },
  {
    rule: 'PS10-secret-literals',
    what: 'a Google service account key in a ConfigMap',
    mutate: (o) => {
      o.push(configMap({ 'sa.json': '{"type": "service_account", "project_id": "proj"}' }));
    },
    expected: on('ConfigMap/shop/web-config', 'data key "sa.json" holds what looks like a Google service account key'),
  },
  {
    rule: 'PS10-secret-literals',
    what: 'a Secret manifest carrying data and stringData',
    mutate: (o) => {
      o.push({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'web-db', namespace: 'shop' },
        data: { password: 'aHVudGVyMg==' },
        stringData: { token: 't' },
      });
    },
    expected: on('Secret/shop/web-db', 'carries secret data in the manifests (keys password, token)'),
  },
  // Cloud provider key names and values, and private keys with a mangled PEM header.
  {
    rule: 'PS10-secret-literals',
    what: 'cloud provider key names with literal values',
    mutate: (o) => {
      env(o).push(
        { name: 'AWS_SECRET_ACCESS_KEY', value: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
        { name: 'AZURE_CLIENT_SECRET', value: 'Qx8Q~abcdefghijklmnop' },
        { name: 'AZURE_STORAGE_ACCOUNT_KEY', value: 'Eby8vdM02xNOcqFeqCnf2w==' },
        { name: 'AZURE_STORAGE_CONNECTION_STRING', value: 'DefaultEndpointsProtocol=https;AccountName=shop' },
        { name: 'GITLAB_TOKEN', value: 'glpat-abcdefghij' },
        { name: 'DB_PASS', value: 'hunter2' },
        { name: 'redisPwd', value: 'hunter2' },
        { name: 'JWT_SIGNING_KEY', value: 'c2lnbmluZy1rZXk' },
      );
    },
    expected: on(
      DEPLOYMENT,
      ...[
        'AWS_SECRET_ACCESS_KEY',
        'AZURE_CLIENT_SECRET',
        'AZURE_STORAGE_ACCOUNT_KEY',
        'AZURE_STORAGE_CONNECTION_STRING',
        'GITLAB_TOKEN',
        'DB_PASS',
        'redisPwd',
        'JWT_SIGNING_KEY',
      ].map((name) => `container "web": env ${name} has a literal value and its name says it is a secret`),
    ),
  },
  {
    rule: 'PS10-secret-literals',
    what: 'cloud provider credentials under innocent names',
    mutate: (o) => {
      env(o).push(
        { name: 'UPLOADER', value: 'ASIAIOSFODNN7EXAMPLE' },
        {
          name: 'BLOBS',
          value: 'DefaultEndpointsProtocol=https;AccountName=shop;AccountKey=Eby8vdM02xNOcqFeqCnf2w==;EndpointSuffix=core.windows.net',
        },
        { name: 'OAUTH', value: 'GOCSPX-1a2B3c4D5e6F7g8H9i0J' },
      );
      o.push(
        configMap({ 'adc.json': '{"client_id": "1.apps.googleusercontent.com", "refresh_token": "1//0g", "type": "authorized_user"}' }),
      );
    },
    expected: [
      ...on(
        DEPLOYMENT,
        'container "web": env UPLOADER holds what looks like an AWS access key',
        'container "web": env BLOBS holds what looks like an Azure storage account key',
        'container "web": env OAUTH holds what looks like a Google OAuth client secret',
      ),
      ...on('ConfigMap/shop/web-config', 'data key "adc.json" holds what looks like a Google user credential'),
    ],
  },
  {
    rule: 'PS10-secret-literals',
    what: 'private keys whose PEM header is mangled or not PEM',
    mutate: (o) => {
      o.push(
        configMap({
          'four-dashes.key': '-----BEGIN RSA PRIVATE KEY----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n',
          'spaced.key': '----- BEGIN EC  PRIVATE KEY -----\nMHcCAQEEIBkg\n',
          'no-dashes.key': 'BEGIN PRIVATE KEY\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n',
          'pgp.asc': '-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBF\n',
          'putty.ppk': 'PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n',
        }),
      );
    },
    expected: on(
      'ConfigMap/shop/web-config',
      ...['four-dashes.key', 'spaced.key', 'no-dashes.key', 'pgp.asc'].map((k) => `data key "${k}" holds what looks like a private key`),
      'data key "putty.ppk" holds what looks like a PuTTY private key',
    ),
  },
];

const accepted: Case[] = [
  {
    rule: 'PS10-token-automount',
    what: 'the pod opting out while its ServiceAccount mounts',
    mutate: (o) => {
      one(o, 'ServiceAccount').automountServiceAccountToken = true;
      pod(o).automountServiceAccountToken = false;
    },
  },
  {
    rule: 'PS10-default-namespace',
    what: 'cluster-scoped kinds without a namespace',
    mutate: (o) => {
      o.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'reader' } });
    },
  },
  {
    rule: 'PS10-secret-literals',
    what: 'env that points at secrets, substitutes them or is not one',
    mutate: (o) => {
      env(o).push(
        { name: 'DB_PASSWORD_FILE', value: '/secrets/x' },
        { name: 'TOKEN_URL', value: 'https://oauth2.googleapis.com/token' },
        { name: 'API_KEY_SECRET_NAME', value: 'payments-api-key' },
        { name: 'ADMIN_PASSWORD', value: '${ADMIN_PASSWORD}' },
        { name: 'SMTP_PASSWORD', value: '$(SMTP_PASSWORD)' },
        { name: 'ENABLE_TOKEN_AUTH', value: 'true' },
        { name: 'MAX_TOKENS', value: '4096' },
        { name: 'DATABASE_URL', value: 'postgres://app:${DB_PASSWORD}@db.shop:5432/shop' },
        { name: 'CACHE_URL', value: 'redis://cache.shop:6379/0' },
        { name: 'OAUTH_CLIENT_SECRET', value: '' },
      );
    },
  },
  {
    rule: 'PS10-secret-literals',
    what: 'a ConfigMap with references and placeholders only',
    mutate: (o) => {
      o.push(
        configMap({
          LOG_LEVEL: 'info',
          'secret.name': 'web-db',
          'application.yaml': 'server:\n  port: 8080\ndb:\n  password: ${DB_PASSWORD}\n  password_file: /secrets/db\n',
        }),
      );
    },
  },
  {
    rule: 'PS10-secret-literals',
    what: 'camelCase pointers, file paths and key settings that are not keys',
    mutate: (o) => {
      env(o).push(
        { name: 'dbPasswordFile', value: '/run/secrets/db-password' },
        { name: 'GOOGLE_APPLICATION_CREDENTIALS', value: '/var/secrets/google/key.json' },
        { name: 'clientSecretName', value: 'oauth-client' },
        { name: 'SESSION_KEY_PREFIX', value: 'sess:' },
        { name: 'TOKEN_TTL', value: '86400s' },
        { name: 'PARTITION_KEY', value: 'tenant_id' },
        { name: 'BYPASS', value: 'cache' },
        { name: 'PASSWORD_MIN_LENGTH', value: '12' },
      );
      o.push(
        configMap({
          'app.yaml': 'db:\n  passwordFile: /run/secrets/db\n  user: shop\n',
          README: 'Run ssh-keygen to create the BEGIN OPENSSH PRIVATE KEY file.\nNever commit it.\n',
        }),
      );
    },
  },
  {
    rule: 'PS10-secret-literals',
    what: 'a Secret manifest without data (filled by External Secrets)',
    mutate: (o) => {
      o.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'web-db', namespace: 'shop' }, type: 'Opaque' });
    },
  },
];

describeCases('identity and secret rules (PS10)', podIdentityRules, rejected, accepted);

describe('PS10-secret-literals and the platform-generated hop certificate (docs/edge.md)', () => {
  const ENV = { gatewayNamespace: 'istio-ingress', gatewayName: 'istio-ingress', tlsCredential: 'edge-tls' };
  const platform = platformObjects(ENV);
  const generated = {
    ...edgeTlsSecret(ENV),
    stringData: { 'tls.crt': '-----BEGIN CERTIFICATE-----', 'tls.key': '-----BEGIN PRIVATE KEY-----' },
  };

  function ps10(objects: readonly ManifestObject[], platformObjects?: readonly ManifestObject[]): Finding[] {
    const manifests = {
      objects,
      profile: 'prod' as const,
      allowedRegistries: REGISTRIES,
      ...(platformObjects !== undefined && { platformObjects }),
    };
    return evaluate(workloadRules, { manifests }, { environment: 'prod', exceptions: [], today: '2026-11-23' })
      .violations.filter((v) => v.rule.id === 'PS10-secret-literals')
      .map((v) => ({ object: v.object, message: v.message }));
  }

  it('accepts the Secret the program fills at deploy time, in a run that knows it as the platform one', () => {
    expect(ps10([generated], platform)).toEqual([]);
  });

  it('rejects the same Secret in a run that knows no platform objects', () => {
    expect(ps10([generated])).toEqual([
      { object: 'Secret/istio-ingress/edge-tls', message: 'carries secret data in the manifests (keys tls.crt, tls.key)' },
    ]);
  });

  it('rejects other keys in it, and a Secret of another name with the same data', () => {
    const extra = { ...generated, stringData: { ...generated.stringData, password: 'hunter2' } };
    const other = { ...generated, metadata: { ...generated.metadata, name: 'shop-tls', namespace: 'shop' } };
    expect(ps10([extra, other], platform)).toEqual([
      { object: 'Secret/istio-ingress/edge-tls', message: 'carries secret data in the manifests (keys tls.crt, tls.key, password)' },
      { object: 'Secret/shop/shop-tls', message: 'carries secret data in the manifests (keys tls.crt, tls.key)' },
    ]);
  });

  it('rejects it when its type is not the platform one', () => {
    expect(ps10([{ ...generated, type: 'Opaque' }], platform)).toEqual([
      { object: 'Secret/istio-ingress/edge-tls', message: 'carries secret data in the manifests (keys tls.crt, tls.key)' },
    ]);
  });
});
