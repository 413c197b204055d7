// GIVEN the compliant workload of ./workloads.fixture.ts, WHEN one field changes, THEN the rule about it reports it (or, for
// the accepted cases, does not); every case runs all the workload rules, as the runners do.

import { imageRules } from './images';
import {
  describeCases,
  type Case,
  DEPLOYMENT,
  HEX,
  IMAGE,
  REPOSITORY,
  type Rejection,
  TAGGED,
  container,
  on,
  withInit,
} from './workloads.fixture';

const rejected: Rejection[] = [
  // IM01, IM02
  {
    rule: 'IM01-image-tag',
    what: 'an image without tag or digest',
    mutate: (o) => {
      container(o).image = REPOSITORY;
    },
    expected: on(DEPLOYMENT, `container "web": image ${REPOSITORY} has no tag (pulls latest)`),
  },
  {
    rule: 'IM01-image-tag',
    what: 'the latest tag',
    mutate: (o) => {
      container(o).image = `${REPOSITORY}:latest`;
    },
    expected: on(DEPLOYMENT, `container "web": image ${REPOSITORY}:latest uses the latest tag`),
  },
  {
    rule: 'IM01-image-tag',
    what: 'a registry port mistaken for no tag',
    mutate: (o) => {
      container(o).image = 'localhost:5000/web';
    },
    expected: on(DEPLOYMENT, 'container "web": image localhost:5000/web has no tag (pulls latest)'),
  },
  {
    rule: 'IM01-image-digest',
    what: 'a tag-pinned image in staging',
    profile: 'staging',
    mutate: (o) => {
      container(o).image = TAGGED;
    },
    expected: on(DEPLOYMENT, `container "web": image ${TAGGED} is not pinned by digest`),
  },
  {
    rule: 'IM01-image-digest',
    what: 'a tag-pinned init container image in prod',
    profile: 'prod',
    mutate: (o) =>
      withInit(o, (c) => {
        c.image = TAGGED;
      }),
    expected: on(DEPLOYMENT, `init container "setup": image ${TAGGED} is not pinned by digest`),
  },
  {
    rule: 'IM01-image-digest',
    what: 'a truncated digest in prod',
    profile: 'prod',
    mutate: (o) => {
      container(o).image = `${TAGGED}@sha256:abc`;
    },
    expected: on(DEPLOYMENT, `container "web": image ${TAGGED}@sha256:abc has digest sha256:abc, not sha256:<64 hex>`),
  },
  {
    rule: 'IM01-pull-policy',
    what: 'Always for a digest-pinned image',
    mutate: (o) => {
      container(o).imagePullPolicy = 'Always';
    },
    expected: on(DEPLOYMENT, `container "web": imagePullPolicy is Always for digest-pinned image ${IMAGE} (want IfNotPresent)`),
  },
  {
    rule: 'IM01-pull-policy',
    what: 'IfNotPresent for a tag-pinned image',
    mutate: (o) => {
      container(o).image = TAGGED;
    },
    expected: on(DEPLOYMENT, `container "web": imagePullPolicy is IfNotPresent for tag-pinned image ${TAGGED} (want Always)`),
  },
  {
    rule: 'IM01-pull-policy',
    what: 'an unset policy on a tag-pinned image (defaults to IfNotPresent)',
    mutate: (o) => {
      container(o).image = TAGGED;
      delete container(o).imagePullPolicy;
    },
    expected: on(
      DEPLOYMENT,
      `container "web": imagePullPolicy is unset (defaults to IfNotPresent) for tag-pinned image ${TAGGED} (want Always)`,
    ),
  },
  {
    rule: 'IM01-pull-policy',
    what: 'Never',
    mutate: (o) => {
      container(o).imagePullPolicy = 'Never';
    },
    expected: on(DEPLOYMENT, `container "web": imagePullPolicy is Never for image ${IMAGE}: it only runs on nodes that already have it`),
  },
  {
    // Kubernetes defaults the policy from the tag alone: `:latest` means Always even with a digest.
    rule: 'IM01-pull-policy',
    what: 'an unset policy on a :latest@sha256 image (Kubernetes defaults it to Always)',
    mutate: (o) => {
      container(o).image = `${REPOSITORY}:latest@sha256:${HEX}`;
      delete container(o).imagePullPolicy;
    },
    expected: on(
      DEPLOYMENT,
      `container "web": imagePullPolicy is unset (defaults to Always) for digest-pinned image ${REPOSITORY}:latest@sha256:${HEX} (want IfNotPresent)`,
    ),
  },
  {
    rule: 'IM02-allowed-registries',
    what: 'a Docker Hub short name',
    mutate: (o) => {
      container(o).image = 'nginx:1.27';
    },
    expected: on(
      DEPLOYMENT,
      'container "web": image nginx:1.27 (docker.io/library/nginx) is not from an allowed registry (europe-docker.pkg.dev/proj/apps)',
    ),
  },
  {
    rule: 'IM02-allowed-registries',
    what: 'a repository that only shares the allowed prefix as a string',
    mutate: (o) => {
      container(o).image = 'europe-docker.pkg.dev/proj/apps-evil/web:1.2.3';
    },
    expected: on(
      DEPLOYMENT,
      'container "web": image europe-docker.pkg.dev/proj/apps-evil/web:1.2.3 is not from an allowed registry (europe-docker.pkg.dev/proj/apps)',
    ),
  },
  {
    rule: 'IM02-allowed-registries',
    what: 'registry.io/team-evil/x against registry.io/team',
    registries: ['registry.io/team'],
    mutate: (o) => {
      container(o).image = 'registry.io/team-evil/x:1';
    },
    expected: on(DEPLOYMENT, 'container "web": image registry.io/team-evil/x:1 is not from an allowed registry (registry.io/team)'),
  },
  {
    rule: 'IM02-allowed-registries',
    what: 'an init container image from elsewhere',
    mutate: (o) =>
      withInit(o, (c) => {
        c.image = 'ghcr.io/someone/tool:2.0';
      }),
    expected: on(
      DEPLOYMENT,
      'init container "setup": image ghcr.io/someone/tool:2.0 is not from an allowed registry (europe-docker.pkg.dev/proj/apps)',
    ),
  },
  {
    rule: 'IM02-allowed-registries',
    what: 'any image when no registry is allowed',
    registries: [],
    mutate: () => undefined,
    expected: on(DEPLOYMENT, `container "web": image ${IMAGE} is not from an allowed registry (none are allowed)`),
  },
];

const accepted: Case[] = [
  {
    rule: 'IM01-image-tag',
    what: 'a tag-pinned image',
    mutate: (o) => {
      container(o).image = TAGGED;
    },
  },
  {
    rule: 'IM01-image-tag',
    what: 'a digest-only image',
    mutate: (o) => {
      container(o).image = `${REPOSITORY}@sha256:${HEX}`;
    },
  },
  {
    rule: 'IM01-image-tag',
    what: 'a :latest image pinned by digest',
    mutate: (o) => {
      container(o).image = `${REPOSITORY}:latest@sha256:${HEX}`;
    },
  },
  {
    rule: 'IM01-image-tag',
    what: 'a tag on a registry with a port',
    mutate: (o) => {
      container(o).image = 'localhost:5000/web:1.0';
    },
  },
  {
    rule: 'IM01-image-digest',
    what: 'a tag-pinned image in dev',
    profile: 'dev',
    mutate: (o) => {
      container(o).image = TAGGED;
      container(o).imagePullPolicy = 'Always';
    },
  },
  {
    rule: 'IM01-pull-policy',
    what: 'a tag-pinned image with Always',
    mutate: (o) => {
      container(o).image = TAGGED;
      container(o).imagePullPolicy = 'Always';
    },
  },
  {
    rule: 'IM01-pull-policy',
    what: 'a digest-pinned image with the policy unset (defaults to IfNotPresent)',
    mutate: (o) => {
      delete container(o).imagePullPolicy;
    },
  },
  {
    rule: 'IM01-pull-policy',
    what: 'an untagged image with the policy unset (defaults to Always)',
    mutate: (o) => {
      container(o).image = REPOSITORY;
      delete container(o).imagePullPolicy;
    },
  },
  {
    rule: 'IM02-allowed-registries',
    what: 'a repository under registry.io/team',
    registries: ['registry.io/team'],
    mutate: (o) => {
      container(o).image = 'registry.io/team/x:1';
    },
  },
  {
    rule: 'IM02-allowed-registries',
    what: 'a prefix written with a trailing slash',
    registries: ['registry.io/team/'],
    mutate: (o) => {
      container(o).image = 'registry.io/team/x:1';
    },
  },
  {
    rule: 'IM02-allowed-registries',
    what: 'a Docker Hub short name under its canonical prefix',
    registries: ['docker.io/library'],
    mutate: (o) => {
      container(o).image = 'nginx:1.27';
    },
  },
  {
    rule: 'IM02-allowed-registries',
    what: 'a Docker Hub organisation image written short and with index.docker.io',
    registries: ['docker.io/istio'],
    mutate: (o) => {
      withInit(o, (c) => {
        c.image = 'index.docker.io/istio/proxyv2:1.22.0';
      });
      container(o).image = 'istio/proxyv2:1.22.0';
    },
  },
  // Docker normalizes docker.io/nginx to docker.io/library/nginx, the same image as `nginx`.
  {
    rule: 'IM02-allowed-registries',
    what: 'docker.io/nginx under docker.io/library (Docker normalizes it to docker.io/library/nginx)',
    registries: ['docker.io/library'],
    mutate: (o) => {
      container(o).image = 'docker.io/nginx:1.27';
    },
  },
];

describeCases('image rules (IM01, IM02)', imageRules, rejected, accepted);
