import { validateObject, type ManifestObject } from './schema';
import { formatProblem } from '../core/problems';

const deployment = (podSpec: Record<string, unknown>): ManifestObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web-v1' },
  spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: podSpec } },
});

describe('validateObject', () => {
  it('accepts a valid object', () => {
    expect(validateObject(deployment({ containers: [{ name: 'web', image: 'nginx:1.27' }] }), 'web.yaml')).toEqual([]);
  });

  it('names the file, the object and the JSON path of a schema violation', () => {
    const problems = validateObject(
      deployment({ containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: '80' }] }] }),
      'web.yaml',
    );
    expect(problems).toHaveLength(1);
    expect(formatProblem(problems[0])).toBe(
      'web.yaml: Deployment/web-v1 /spec/template/spec/containers/0/ports/0/containerPort must be integer. Fix: the Kubernetes API would reject this object: fix the construct or the spec value that produced it',
    );
  });

  it('reports a missing required field', () => {
    const problems = validateObject(deployment({}), 'web.yaml');
    expect(problems.map((p) => [p.field, p.problem])).toEqual([
      ['Deployment/web-v1 /spec/template/spec', 'must have required property containers'],
    ]);
  });

  it('lists the allowed values of an enum', () => {
    const problems = validateObject(
      deployment({ containers: [{ name: 'web', image: 'nginx:1.27' }], securityContext: { seccompProfile: { type: 'Default' } } }),
      'web.yaml',
    );
    expect(problems[0].problem).toBe('must be equal to one of the allowed values (["Localhost","RuntimeDefault","Unconfined"])');
  });

  it('refuses a kind without a registered schema', () => {
    const problems = validateObject({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }, 'w.yaml');
    expect(problems).toEqual([
      {
        where: 'w.yaml',
        field: 'Widget/w',
        value: 'example.com/v1/Widget',
        problem: 'is a kind with no registered schema',
        fix: 'register its schema in charts/schema.ts before emitting it',
      },
    ]);
  });
});
