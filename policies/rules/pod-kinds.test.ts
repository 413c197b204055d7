import type { ManifestObject } from '../../charts/schema';
import { RULES } from '../catalogue';
import { evaluate } from '../engine';

// GIVEN the same insecure pod spec in a Deployment, a ReplicationController and a bare Pod,
// WHEN every rule runs, THEN each pod rule that reports the Deployment reports the other
// kinds too, with the same message: no pod-bearing kind is a way around the checks.

const IMAGE = 'docker.io/library/nginx:latest';

function podSpec(): Record<string, unknown> {
  return {
    hostNetwork: true,
    containers: [{ name: 'app', image: IMAGE, ports: [{ containerPort: 80, hostPort: 80 }], securityContext: { privileged: true } }],
    volumes: [{ name: 'root', hostPath: { path: '/' } }],
  };
}

function templated(kind: string, apiVersion: string, name: string): ManifestObject {
  const labels = { app: name };
  return {
    apiVersion,
    kind,
    metadata: { name, namespace: 'shop', labels },
    spec: {
      replicas: 1,
      selector: kind === 'ReplicationController' ? labels : { matchLabels: labels },
      template: { metadata: { labels }, spec: podSpec() },
    },
  };
}

const objects: ManifestObject[] = [
  templated('Deployment', 'apps/v1', 'alpha'),
  templated('ReplicationController', 'v1', 'bravo'),
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'charlie', namespace: 'shop', labels: { app: 'charlie' } }, spec: podSpec() },
];

/** Rules about what only a Deployment (or a replicated controller with an HPA and PDB) is. */
const DEPLOYMENT_ONLY: Readonly<Record<string, string>> = {
  'RR03-min-replicas': 'replicas and HPAs are about Deployments and StatefulSets',
  'RR04-pdb': 'disruption budgets are about Deployments and StatefulSets',
  'RR06-topology-spread': 'spreading is about Deployments and StatefulSets',
  'RR07-selector-matches-labels': "a ReplicationController's selector is a plain map the API server defaults from the template",
  'MC09-deployment-has-service': 'the rule is about Deployments',
};

/** A bare Pod has no template: its own labels are its pod labels (RR07 reports them as metadata.labels). */
const NOT_FOR_A_POD = 'RR07-recommended-labels: pod template labels lack';

function messagesByObject(profile: 'dev' | 'prod'): Map<string, Set<string>> {
  const report = evaluate(
    RULES,
    { manifests: { objects, profile, allowedRegistries: ['europe-docker.pkg.dev/proj'] } },
    { environment: profile, exceptions: [], today: '2026-11-23' },
  );
  const out = new Map<string, Set<string>>();
  for (const v of report.violations) {
    const set = out.get(v.object) ?? new Set<string>();
    set.add(`${v.rule.id}: ${v.message}`);
    out.set(v.object, set);
  }
  return out;
}

describe('every pod-bearing kind is checked by every pod rule', () => {
  it.each(['dev', 'prod'] as const)(
    'a ReplicationController and a bare Pod get the findings of the Deployment with the same pod spec (%s)',
    (profile) => {
      const found = messagesByObject(profile);
      const deployment = [...(found.get('Deployment/shop/alpha') ?? [])]
        .filter((m) => !(m.split(':')[0] in DEPLOYMENT_ONLY))
        .map((m) => m.replaceAll('alpha', '<name>'));
      expect(deployment.length).toBeGreaterThan(10);
      for (const id of ['ReplicationController/shop/bravo', 'Pod/shop/charlie']) {
        const name = id.split('/')[2];
        const own = new Set([...(found.get(id) ?? [])].map((m) => m.replaceAll(name, '<name>')));
        const expected = id.startsWith('Pod/') ? deployment.filter((m) => !m.startsWith(NOT_FOR_A_POD)) : deployment;
        expect({ id, missing: expected.filter((m) => !own.has(m)) }).toEqual({ id, missing: [] });
      }
    },
  );

  it('reports the privileged, hostNetwork ReplicationController under the pod security rules', () => {
    const own = [...(messagesByObject('dev').get('ReplicationController/shop/bravo') ?? [])];
    expect(own).toEqual(
      expect.arrayContaining([
        'PS01-host-namespaces: hostNetwork is true',
        'PS01-host-ports: container "app": port 80 sets hostPort 80',
        'PS02-privileged: container "app": securityContext.privileged is true',
        'PS04-host-path: volume "root" is hostPath /',
      ]),
    );
  });
});
