// GIVEN the compliant workload of ./workloads.fixture.ts, WHEN one field changes, THEN the rule about it reports it (or, for
// the accepted cases, does not); every case runs all the workload rules, as the runners do.

import type { ManifestObject } from '../../charts/schema';
import { reliabilityRules } from './reliability';
import {
  describeCases,
  type Case,
  DEPLOYMENT,
  HPA,
  IMAGE,
  PDB,
  POD_LABELS,
  PROFILES,
  type Rejection,
  at,
  barePod,
  container,
  cronJob,
  deployment,
  findings,
  hpa,
  mutated,
  on,
  one,
  pdb,
  pod,
  remove,
  service,
  spread,
  template,
  withInit,
  worker,
} from './workloads.fixture';

const rejected: Rejection[] = [
  // RR01, RR02
  {
    rule: 'RR01-resource-requests',
    what: 'no CPU request',
    mutate: (o) => {
      delete at(container(o), 'resources', 'requests').cpu;
    },
    expected: on(DEPLOYMENT, 'container "web": resources.requests has no cpu'),
  },
  {
    rule: 'RR01-resource-requests',
    what: 'no requests at all',
    mutate: (o) => {
      delete at(container(o), 'resources').requests;
    },
    expected: on(DEPLOYMENT, 'container "web": resources.requests has no cpu or memory'),
  },
  {
    rule: 'RR01-resource-requests',
    what: 'an init container without resources',
    mutate: (o) =>
      withInit(o, (c) => {
        delete c.resources;
      }),
    expected: on(DEPLOYMENT, 'init container "setup": resources.requests has no cpu or memory'),
  },
  {
    rule: 'RR01-memory-limit',
    what: 'no memory limit',
    mutate: (o) => {
      delete at(container(o), 'resources', 'limits').memory;
    },
    expected: on(DEPLOYMENT, 'container "web": resources.limits.memory is unset'),
  },
  {
    rule: 'RR01-memory-limit',
    what: 'an empty memory limit',
    mutate: (o) => {
      at(container(o), 'resources', 'limits').memory = '';
    },
    expected: on(DEPLOYMENT, 'container "web": resources.limits.memory is unset'),
  },
  {
    rule: 'RR02-readiness-probe',
    what: 'no readiness probe',
    mutate: (o) => {
      delete container(o).readinessProbe;
    },
    expected: on(DEPLOYMENT, 'container "web": has no readinessProbe'),
  },
  {
    rule: 'RR02-liveness-probe',
    what: 'no liveness probe',
    mutate: (o) => {
      delete container(o).livenessProbe;
    },
    expected: on(DEPLOYMENT, 'container "web": has no livenessProbe'),
  },
  {
    rule: 'RR02-readiness-probe',
    what: 'no readiness probe on a Deployment that declares no port but a Service selects',
    mutate: (o) => {
      delete container(o).readinessProbe;
      delete container(o).ports;
    },
    expected: on(DEPLOYMENT, 'container "web": has no readinessProbe'),
  },
  {
    rule: 'RR02-liveness-probe',
    what: 'no liveness probe on a worker that declares a port (it serves, metrics or otherwise)',
    mutate: (o) => {
      o.push(worker([{ name: 'metrics', containerPort: 9090 }]));
    },
    expected: on('Deployment/shop/worker', 'container "worker": has no livenessProbe'),
  },
  {
    rule: 'RR02-distinct-probes',
    what: 'liveness running the readiness check (other timing, other key order)',
    mutate: (o) => {
      container(o).livenessProbe = { periodSeconds: 20, httpGet: { port: 8080, path: '/ready' } };
    },
    expected: on(DEPLOYMENT, 'container "web": livenessProbe and readinessProbe both run {"httpGet":{"path":"/ready","port":8080}}'),
  },
  // RR03
  {
    rule: 'RR03-min-replicas',
    what: 'an HPA floor of 1 in staging',
    profile: 'staging',
    mutate: (o) => {
      hpa(o).minReplicas = 1;
    },
    expected: on(DEPLOYMENT, `runs 1 replica at minimum (${HPA} minReplicas); staging needs at least 2`),
  },
  {
    rule: 'RR03-min-replicas',
    what: 'an HPA without minReplicas (defaults to 1) in prod',
    profile: 'prod',
    mutate: (o) => {
      delete hpa(o).minReplicas;
    },
    expected: on(DEPLOYMENT, `runs 1 replica at minimum (${HPA} minReplicas); prod needs at least 2`),
  },
  {
    rule: 'RR03-min-replicas',
    what: 'no HPA and no spec.replicas in prod',
    profile: 'prod',
    mutate: (o) => {
      remove(o, 'HorizontalPodAutoscaler');
    },
    expected: on(DEPLOYMENT, 'runs 1 replica at minimum (spec.replicas unset); prod needs at least 2'),
  },
  {
    rule: 'RR03-min-replicas',
    what: 'no HPA and spec.replicas 1 in staging',
    profile: 'staging',
    mutate: (o) => {
      remove(o, 'HorizontalPodAutoscaler');
      at(deployment(o), 'spec').replicas = 1;
    },
    expected: on(DEPLOYMENT, 'runs 1 replica at minimum (spec.replicas); staging needs at least 2'),
  },
  {
    rule: 'RR03-no-fixed-replicas-with-hpa',
    what: 'spec.replicas next to an HPA',
    mutate: (o) => {
      at(deployment(o), 'spec').replicas = 3;
    },
    expected: on(DEPLOYMENT, `sets spec.replicas 3 but ${HPA} scales it`),
  },
  // RR04
  {
    rule: 'RR04-pdb',
    what: 'no PodDisruptionBudget in prod',
    profile: 'prod',
    mutate: (o) => {
      remove(o, 'PodDisruptionBudget');
    },
    expected: on(DEPLOYMENT, `no PodDisruptionBudget in namespace shop selects its pod labels ${POD_LABELS}`),
  },
  {
    rule: 'RR04-pdb',
    what: 'a PodDisruptionBudget selecting other pods in staging',
    profile: 'staging',
    mutate: (o) => {
      pdb(o).selector = { matchLabels: { app: 'api' } };
    },
    expected: on(DEPLOYMENT, `no PodDisruptionBudget in namespace shop selects its pod labels ${POD_LABELS}`),
  },
  {
    rule: 'RR04-pdb',
    what: 'a PodDisruptionBudget in another namespace in prod',
    profile: 'prod',
    mutate: (o) => {
      at(one(o, 'PodDisruptionBudget'), 'metadata').namespace = 'other';
    },
    expected: on(DEPLOYMENT, `no PodDisruptionBudget in namespace shop selects its pod labels ${POD_LABELS}`),
  },
  {
    rule: 'RR04-pdb-allows-eviction',
    what: 'maxUnavailable 0',
    mutate: (o) => {
      pdb(o).maxUnavailable = 0;
    },
    expected: on(PDB, 'maxUnavailable 0 allows no eviction'),
  },
  {
    rule: 'RR04-pdb-allows-eviction',
    what: 'maxUnavailable 0%',
    mutate: (o) => {
      pdb(o).maxUnavailable = '0%';
    },
    expected: on(PDB, 'maxUnavailable 0% allows no eviction'),
  },
  {
    rule: 'RR04-pdb-allows-eviction',
    what: 'minAvailable 100%',
    mutate: (o) => {
      delete pdb(o).maxUnavailable;
      pdb(o).minAvailable = '100%';
    },
    expected: on(PDB, 'minAvailable 100% allows no eviction'),
  },
  {
    rule: 'RR04-pdb-allows-eviction',
    what: 'minAvailable equal to the HPA floor',
    mutate: (o) => {
      delete pdb(o).maxUnavailable;
      pdb(o).minAvailable = 2;
    },
    expected: on(PDB, `minAvailable 2 allows no eviction: the pods it selects (${DEPLOYMENT}) run 2 at minimum`),
  },
  {
    rule: 'RR04-pdb-allows-eviction',
    what: 'a minAvailable percentage that rounds up to the floor',
    mutate: (o) => {
      delete pdb(o).maxUnavailable;
      pdb(o).minAvailable = '60%';
    },
    expected: on(PDB, `minAvailable 60% allows no eviction: the pods it selects (${DEPLOYMENT}) run 2 at minimum`),
  },
  {
    rule: 'RR04-pdb-allows-eviction',
    what: 'minAvailable equal to spec.replicas without an HPA',
    mutate: (o) => {
      remove(o, 'HorizontalPodAutoscaler');
      at(deployment(o), 'spec').replicas = 3;
      delete pdb(o).maxUnavailable;
      pdb(o).minAvailable = 3;
    },
    expected: on(PDB, `minAvailable 3 allows no eviction: the pods it selects (${DEPLOYMENT}) run 3 at minimum`),
  },
  {
    rule: 'RR04-pdb-allows-eviction',
    what: 'neither field set',
    mutate: (o) => {
      delete pdb(o).maxUnavailable;
    },
    expected: on(PDB, 'sets neither maxUnavailable nor minAvailable'),
  },
  // RR05, RR06
  {
    rule: 'RR05-hpa-target',
    what: 'a misspelt target',
    mutate: (o) => {
      at(hpa(o), 'scaleTargetRef').name = 'web-v2';
    },
    expected: on(HPA, 'scaleTargetRef Deployment/web-v2 is not in namespace shop'),
  },
  {
    rule: 'RR05-hpa-target',
    what: 'a target of the wrong kind',
    mutate: (o) => {
      at(hpa(o), 'scaleTargetRef').kind = 'StatefulSet';
    },
    expected: on(HPA, 'scaleTargetRef StatefulSet/web-v1 is not in namespace shop'),
  },
  {
    rule: 'RR05-hpa-target',
    what: "a Service of the target's name (no scale subresource)",
    mutate: (o) => {
      at(hpa(o), 'scaleTargetRef').apiVersion = 'v1';
      at(hpa(o), 'scaleTargetRef').kind = 'Service';
      at(hpa(o), 'scaleTargetRef').name = 'web';
    },
    expected: on(HPA, 'scaleTargetRef Service/web is a Service, which has no scale subresource'),
  },
  {
    rule: 'RR05-hpa-target',
    what: 'a DaemonSet (runs one pod per node, cannot be scaled)',
    mutate: (o) => {
      o.push({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'shop' }, spec: {} });
      Object.assign(at(hpa(o), 'scaleTargetRef'), { kind: 'DaemonSet', name: 'agent' });
    },
    expected: on(HPA, 'scaleTargetRef DaemonSet/agent is a DaemonSet, which has no scale subresource'),
  },
  {
    rule: 'RR05-hpa-target',
    what: 'a target whose apiVersion names another API group than the object of the set',
    mutate: (o) => {
      at(hpa(o), 'scaleTargetRef').apiVersion = 'argoproj.io/v1alpha1';
    },
    expected: on(HPA, 'scaleTargetRef Deployment/web-v1 names apiVersion argoproj.io/v1alpha1 but Deployment/shop/web-v1 is apps/v1'),
  },
  {
    rule: 'RR04-pdb-allows-eviction',
    what: 'both minAvailable and maxUnavailable (the API server rejects it)',
    mutate: (o) => {
      pdb(o).minAvailable = 1;
    },
    expected: on(PDB, 'sets both minAvailable 1 and maxUnavailable 1: the API server rejects it'),
  },
  {
    rule: 'RR05-hpa-range',
    what: 'maxReplicas equal to minReplicas',
    mutate: (o) => {
      hpa(o).maxReplicas = 2;
    },
    expected: on(HPA, 'maxReplicas 2 is not above minReplicas 2'),
  },
  {
    rule: 'RR05-hpa-range',
    what: 'maxReplicas 1 with minReplicas defaulted to 1',
    mutate: (o) => {
      delete hpa(o).minReplicas;
      hpa(o).maxReplicas = 1;
    },
    expected: on(HPA, 'maxReplicas 1 is not above minReplicas 1'),
  },
  {
    rule: 'RR06-topology-spread',
    what: 'no spreading at all',
    mutate: (o) => {
      delete pod(o).topologySpreadConstraints;
    },
    expected: on(
      DEPLOYMENT,
      'has no topologySpreadConstraints or podAntiAffinity on topology.kubernetes.io/zone or kubernetes.io/hostname that selects its own pods',
    ),
  },
  {
    rule: 'RR06-topology-spread',
    what: 'constraints selecting another application',
    mutate: (o) => {
      pod(o).topologySpreadConstraints = [{ ...spread('topology.kubernetes.io/zone'), labelSelector: { matchLabels: { app: 'api' } } }];
    },
    expected: on(
      DEPLOYMENT,
      'has no topologySpreadConstraints or podAntiAffinity on topology.kubernetes.io/zone or kubernetes.io/hostname that selects its own pods',
    ),
  },
  {
    rule: 'RR06-topology-spread',
    what: 'a constraint on another topology key',
    mutate: (o) => {
      pod(o).topologySpreadConstraints = [spread('node.kubernetes.io/instance-type')];
    },
    expected: on(
      DEPLOYMENT,
      'has no topologySpreadConstraints or podAntiAffinity on topology.kubernetes.io/zone or kubernetes.io/hostname that selects its own pods',
    ),
  },
  // RR07, RR08, MC09
  {
    rule: 'RR07-selector-matches-labels',
    what: 'a selector the template labels do not satisfy',
    mutate: (o) => {
      at(deployment(o), 'spec').selector = { matchLabels: { app: 'api' } };
    },
    expected: on(DEPLOYMENT, `spec.selector app=api does not select the template labels ${POD_LABELS}`),
  },
  {
    rule: 'RR07-selector-matches-labels',
    what: 'no selector',
    mutate: (o) => {
      delete at(deployment(o), 'spec').selector;
    },
    expected: on(DEPLOYMENT, 'spec.selector is unset'),
  },
  {
    rule: 'RR07-recommended-labels',
    what: 'object labels without version and part-of',
    mutate: (o) => {
      const own = at(deployment(o), 'metadata', 'labels');
      delete own['app.kubernetes.io/version'];
      delete own['app.kubernetes.io/part-of'];
    },
    expected: on(DEPLOYMENT, 'metadata.labels lack app.kubernetes.io/version, app.kubernetes.io/part-of'),
  },
  {
    rule: 'RR07-recommended-labels',
    what: 'pod template labels without managed-by',
    mutate: (o) => {
      delete at(template(o), 'metadata', 'labels')['app.kubernetes.io/managed-by'];
    },
    expected: on(DEPLOYMENT, 'pod template labels lack app.kubernetes.io/managed-by'),
  },
  {
    rule: 'RR07-recommended-labels',
    what: 'a Pod missing one, reported once (its own labels are its pod labels)',
    mutate: (o) => {
      const p = barePod();
      delete at(p, 'metadata', 'labels')['app.kubernetes.io/instance'];
      o.push(p);
    },
    expected: on('Pod/shop/debug', 'metadata.labels lack app.kubernetes.io/instance'),
  },
  {
    rule: 'RR08-no-bare-pods',
    what: 'a bare Pod',
    mutate: (o) => {
      o.push(barePod());
    },
    expected: on('Pod/shop/debug', 'is a bare Pod with no controller'),
  },
  {
    rule: 'RR08-no-bare-pods',
    what: 'a bare ReplicaSet',
    mutate: (o) => {
      o.push({
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: { name: 'web-rs', namespace: 'shop' },
        spec: { selector: { matchLabels: { app: 'web' } }, template: at(deployment(o), 'spec', 'template') },
      });
    },
    expected: on('ReplicaSet/shop/web-rs', 'is a bare ReplicaSet with no controller'),
  },
  {
    rule: 'RR08-api-versions',
    what: 'a removed PodDisruptionBudget version',
    mutate: (o) => {
      one(o, 'PodDisruptionBudget').apiVersion = 'policy/v1beta1';
    },
    expected: on(PDB, 'apiVersion policy/v1beta1 is no longer served: use policy/v1 (removed in 1.25)'),
  },
  {
    rule: 'RR08-api-versions',
    what: 'a removed HPA version',
    mutate: (o) => {
      o.push({ apiVersion: 'autoscaling/v2beta2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'old', namespace: 'shop' } });
    },
    expected: on(
      'HorizontalPodAutoscaler/shop/old',
      'apiVersion autoscaling/v2beta2 is no longer served: use autoscaling/v2 (removed in 1.26)',
    ),
  },
  {
    rule: 'RR08-api-versions',
    what: 'a beta Kubernetes API that is still served',
    mutate: (o) => {
      o.push({ apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3', kind: 'FlowSchema', metadata: { name: 'shop' } });
    },
    expected: on('FlowSchema/shop', 'apiVersion flowcontrol.apiserver.k8s.io/v1beta3 is a pre-GA Kubernetes API'),
  },
  {
    rule: 'RR08-api-versions',
    what: 'a deprecated Istio version',
    mutate: (o) => {
      o.push({ apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', metadata: { name: 'web', namespace: 'shop' } });
    },
    expected: on('VirtualService/shop/web', 'apiVersion networking.istio.io/v1beta1 is deprecated: use networking.istio.io/v1'),
  },
  {
    rule: 'MC09-deployment-has-service',
    what: 'a Service selecting other pods',
    mutate: (o) => {
      at(service(o), 'spec').selector = { app: 'api' };
    },
    expected: on(DEPLOYMENT, `no Service in namespace shop selects its pod labels ${POD_LABELS}`),
  },
  {
    rule: 'MC09-deployment-has-service',
    what: 'a Deployment that declares a port no Service selects',
    mutate: (o) => {
      o.push(worker([{ name: 'http', containerPort: 8080 }]));
    },
    expected: on(
      'Deployment/shop/worker',
      `no Service in namespace shop selects its pod labels ${POD_LABELS.replace('app=web', 'app=worker').replace('name=web', 'name=worker')}`,
    ),
  },
  {
    rule: 'MC09-deployment-has-service',
    what: 'a Service without a selector',
    mutate: (o) => {
      delete at(service(o), 'spec').selector;
    },
    expected: on(DEPLOYMENT, `no Service in namespace shop selects its pod labels ${POD_LABELS}`),
  },
  {
    rule: 'MC09-deployment-has-service',
    what: 'the Service in another namespace',
    mutate: (o) => {
      at(service(o), 'metadata').namespace = 'other';
    },
    expected: on(DEPLOYMENT, `no Service in namespace shop selects its pod labels ${POD_LABELS}`),
  },
];

const accepted: Case[] = [
  {
    rule: 'RR01-resource-requests',
    what: 'an ephemeral container without resources',
    mutate: (o) => {
      pod(o).ephemeralContainers = [{ name: 'debug', image: IMAGE }];
    },
  },
  {
    rule: 'RR01-memory-limit',
    what: 'no CPU limit',
    mutate: (o) => {
      delete at(container(o), 'resources', 'limits').cpu;
    },
  },
  {
    rule: 'RR02-readiness-probe',
    what: 'a CronJob container without probes (runs to completion)',
    mutate: (o) => {
      o.push(cronJob({ serviceAccountName: 'shop-web', containers: [{ name: 'job', image: IMAGE }] }));
    },
  },
  {
    rule: 'RR02-liveness-probe',
    what: 'an init container without probes',
    mutate: (o) => withInit(o, () => undefined),
  },
  {
    rule: 'RR02-distinct-probes',
    what: 'the same port checked over HTTP and TCP',
    mutate: (o) => {
      container(o).livenessProbe = { httpGet: { path: '/livez', port: 8080 } };
    },
  },
  {
    rule: 'RR03-min-replicas',
    what: 'an HPA floor of 1 in dev',
    profile: 'dev',
    mutate: (o) => {
      hpa(o).minReplicas = 1;
    },
  },
  {
    rule: 'RR03-min-replicas',
    what: 'spec.replicas 3 and no HPA in prod',
    profile: 'prod',
    mutate: (o) => {
      remove(o, 'HorizontalPodAutoscaler');
      at(deployment(o), 'spec').replicas = 3;
    },
  },
  {
    rule: 'RR03-no-fixed-replicas-with-hpa',
    what: 'spec.replicas 3 and no HPA',
    profile: 'prod',
    mutate: (o) => {
      remove(o, 'HorizontalPodAutoscaler');
      at(deployment(o), 'spec').replicas = 3;
    },
  },
  {
    rule: 'RR04-pdb',
    what: 'no PodDisruptionBudget in dev',
    profile: 'dev',
    mutate: (o) => {
      remove(o, 'PodDisruptionBudget');
    },
  },
  {
    rule: 'RR04-pdb',
    what: 'a PodDisruptionBudget selecting with matchExpressions in prod',
    profile: 'prod',
    mutate: (o) => {
      pdb(o).selector = { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] };
    },
  },
  {
    rule: 'RR04-pdb-allows-eviction',
    what: 'minAvailable 1 under an HPA floor of 2',
    mutate: (o) => {
      delete pdb(o).maxUnavailable;
      pdb(o).minAvailable = 1;
    },
  },
  {
    rule: 'RR04-pdb-allows-eviction',
    what: 'minAvailable 50% of 2',
    mutate: (o) => {
      delete pdb(o).maxUnavailable;
      pdb(o).minAvailable = '50%';
    },
  },
  {
    rule: 'RR04-pdb-allows-eviction',
    what: 'maxUnavailable 10% (rounds up to one pod)',
    mutate: (o) => {
      pdb(o).maxUnavailable = '10%';
    },
  },
  {
    rule: 'RR04-pdb-allows-eviction',
    what: 'a high minAvailable on a budget that selects no pods',
    mutate: (o) => {
      delete pdb(o).maxUnavailable;
      pdb(o).minAvailable = 5;
      pdb(o).selector = { matchLabels: { app: 'api' } };
    },
  },
  {
    rule: 'RR05-hpa-target',
    what: 'a target without apiVersion',
    mutate: (o) => {
      delete at(hpa(o), 'scaleTargetRef').apiVersion;
    },
  },
  {
    rule: 'RR05-hpa-target',
    what: 'a StatefulSet',
    mutate: (o) => {
      o.push({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'shop' }, spec: {} });
      Object.assign(at(hpa(o), 'scaleTargetRef'), { kind: 'StatefulSet', name: 'db' });
    },
  },
  {
    rule: 'RR05-hpa-target',
    what: 'a custom resource of the set (an Argo Rollout, which has a scale subresource)',
    mutate: (o) => {
      o.push({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'web', namespace: 'shop' }, spec: {} });
      Object.assign(at(hpa(o), 'scaleTargetRef'), { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'web' });
    },
  },
  {
    rule: 'RR06-topology-spread',
    what: 'a preferred podAntiAffinity on the hostname instead of constraints',
    mutate: (o) => {
      delete pod(o).topologySpreadConstraints;
      pod(o).affinity = {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } } } },
          ],
        },
      };
    },
  },
  {
    rule: 'RR06-topology-spread',
    what: 'a required podAntiAffinity on the zone selecting with Exists',
    mutate: (o) => {
      delete pod(o).topologySpreadConstraints;
      pod(o).affinity = {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { topologyKey: 'topology.kubernetes.io/zone', labelSelector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] } },
          ],
        },
      };
    },
  },
  {
    rule: 'RR07-selector-matches-labels',
    what: 'a selector with matchExpressions the labels satisfy',
    mutate: (o) => {
      at(deployment(o), 'spec').selector = {
        matchLabels: { app: 'web' },
        matchExpressions: [
          { key: 'version', operator: 'In', values: ['v1', 'v2'] },
          { key: 'canary', operator: 'DoesNotExist' },
        ],
      };
    },
  },
  {
    rule: 'RR07-recommended-labels',
    what: 'a bare Pod, whose own labels are its pod labels',
    mutate: (o) => {
      o.push(barePod());
    },
  },
  {
    rule: 'RR08-no-bare-pods',
    what: 'a Pod owned by a ReplicaSet',
    mutate: (o) => {
      o.push(barePod({ ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-v1-5d8f', uid: 'u1' }] }));
    },
  },
  {
    rule: 'RR08-api-versions',
    what: 'Istio v1, and an EnvoyFilter which has no v1',
    mutate: (o) => {
      o.push({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'web', namespace: 'shop' } });
      o.push({ apiVersion: 'networking.istio.io/v1alpha3', kind: 'EnvoyFilter', metadata: { name: 'web', namespace: 'shop' } });
    },
  },
  {
    rule: 'RR02-readiness-probe',
    what: 'a worker Deployment with no container port and no Service (a queue consumer)',
    mutate: (o) => {
      o.push(worker());
    },
  },
  {
    rule: 'RR02-liveness-probe',
    what: 'a worker Deployment with no container port and no Service (a load generator)',
    mutate: (o) => {
      o.push(worker());
    },
  },
  {
    rule: 'MC09-deployment-has-service',
    what: 'a worker Deployment with no container port',
    mutate: (o) => {
      o.push(worker());
    },
  },
  {
    rule: 'MC09-deployment-has-service',
    what: 'a Service selecting app and version',
    mutate: (o) => {
      at(service(o), 'spec').selector = { app: 'web', version: 'v1' };
    },
  },
];

describeCases('reliability rules (RR01-RR08, MC09-deployment-has-service)', reliabilityRules, rejected, accepted);

describe('an object that names no namespace is in default, for every rule', () => {
  // The API server puts an object without metadata.namespace in `default`: a Deployment that
  // names none and a PDB, HPA, Service and ServiceAccount in `default` are in one namespace.
  const RELATED = [
    'RR03-min-replicas',
    'RR03-no-fixed-replicas-with-hpa',
    'RR04-pdb',
    'RR04-pdb-allows-eviction',
    'RR05-hpa-target',
    'MC09-deployment-has-service',
    'PS10-token-automount',
  ];

  function split(unnamed: (kind: string) => boolean): ManifestObject[] {
    return mutated((o) =>
      o.forEach((x, i) => {
        if (x.kind === 'Namespace') return;
        const { namespace: _, ...metadata } = x.metadata;
        o[i] = { ...x, metadata: unnamed(x.kind) ? metadata : { ...metadata, namespace: 'default' } };
      }),
    );
  }

  it.each(PROFILES)('finds the PDB, HPA, Service and ServiceAccount in default of a Deployment that names no namespace (%s)', (profile) => {
    const objects = split((kind) => kind === 'Deployment');
    expect(RELATED.flatMap((id) => findings(id, objects, profile))).toEqual([]);
  });

  it.each(PROFILES)('finds the PDB, HPA, Service and ServiceAccount that name no namespace of a Deployment in default (%s)', (profile) => {
    const objects = split((kind) => kind !== 'Deployment');
    expect(RELATED.flatMap((id) => findings(id, objects, profile))).toEqual([]);
  });

  it('names default in the finding when the PDB is in another namespace', () => {
    const objects = split((kind) => kind === 'Deployment');
    objects.splice(
      objects.findIndex((x) => x.kind === 'PodDisruptionBudget'),
      1,
      { ...one(objects, 'PodDisruptionBudget'), metadata: { name: 'web', namespace: 'other' } } as ManifestObject,
    );
    expect(findings('RR04-pdb', objects, 'prod')).toEqual(
      on('Deployment/web-v1', `no PodDisruptionBudget in namespace default selects its pod labels ${POD_LABELS}`),
    );
  });
});
