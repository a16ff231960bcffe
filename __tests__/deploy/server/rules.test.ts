import {
  containerFailure,
  protectedImages,
  readiness,
  restartHidesExitCode,
} from '../../../src/deploy/server/rules.js';
import type { ContainerState, ContainerSummary } from '../../../src/remote/docker.js';
import type { Release } from '../../../src/deploy/history.js';

const state = (over: Partial<ContainerState>): ContainerState => ({
  id: 'c1',
  name: 'web-1',
  status: 'running',
  exitCode: 0,
  restartCount: 0,
  createdAt: '2026-12-07T10:00:00Z',
  ...over,
});

describe('containerFailure: is the new container fit to serve by its own state', () => {
  test.each([
    ['running', state({}), undefined, undefined],
    ['running, healthy', state({ health: 'healthy' }), undefined, undefined],
    ['starting health', state({ health: 'starting' }), undefined, undefined],
    ['exited', state({ status: 'exited', exitCode: 3 }), undefined, 'the container exited with code 3'],
    ['dead', state({ status: 'dead', exitCode: 137 }), undefined, 'the container exited with code 137'],
    [
      'exited after restarts: its own code',
      state({ status: 'exited', exitCode: 2, restartCount: 4 }),
      9,
      'the container exited with code 2',
    ],
    [
      'restarting with its code',
      state({ status: 'restarting', exitCode: 1 }),
      undefined,
      'the container exited with code 1 and was restarted (restart: unless-stopped)',
    ],
    [
      'running again, code from the events',
      state({ restartCount: 1 }),
      5,
      'the container exited with code 5 and was restarted (restart: unless-stopped)',
    ],
    [
      'running again, no code known',
      state({ restartCount: 1 }),
      undefined,
      'the container exited and was restarted (restart: unless-stopped)',
    ],
    ['unhealthy', state({ health: 'unhealthy' }), undefined, 'the image HEALTHCHECK reports unhealthy'],
  ])('%s', (_what, container, lastExitCode, expected) => {
    expect(containerFailure(container, 'unless-stopped', lastExitCode)).toBe(expected);
  });

  test.each([
    ['running', state({}), false],
    ['running again after a restart', state({ restartCount: 2 }), true],
    ['restarting, code known', state({ status: 'restarting', exitCode: 1 }), false],
    ['restarting, code 0', state({ status: 'restarting' }), true],
    ['exited after restarts', state({ status: 'exited', restartCount: 2 }), false],
  ])('the events are asked for the exit code: %s', (_what, container, expected) => {
    expect(restartHidesExitCode(container)).toBe(expected);
  });
});

describe('readiness: one look of the ready check', () => {
  test.each([
    ['200, no HEALTHCHECK', { status: 200 }, undefined, { ready: true, detail: '/health answered 200' }],
    ['301, healthy', { status: 301 }, 'healthy', { ready: true, detail: '/health answered 301, healthy' }],
    [
      '200, health starting',
      { status: 200 },
      'starting',
      { ready: false, last: '/health answered 200, health starting' },
    ],
    ['503', { status: 503 }, undefined, { ready: false, last: '/health answered 503' }],
    ['refused', { error: 'ECONNREFUSED' }, undefined, { ready: false, last: 'ECONNREFUSED' }],
  ])('%s', (_what, answer, health, expected) => {
    expect(readiness(answer, health, '/health')).toEqual(expected);
  });
});

describe('protectedImages: what pruning never removes', () => {
  const container = (imageId: string): ContainerSummary => ({
    id: imageId,
    name: imageId,
    state: 'running',
    labels: {},
    image: 'web',
    imageId,
    hostPorts: [],
  });
  const release = (imageId: string, outcome: Release['outcome'] = 'deployed'): Release => ({
    time: '2026-12-07T10:00:00Z',
    run: 'r',
    outcome,
    image: 'web',
    digest: `d-${imageId}`,
    imageId,
    container: 'web-1',
    port: 20000,
  });

  test.each([
    ['the new image alone', { containers: [], histories: [], keepImages: 0 }, ['new']],
    [
      'and the one that served',
      { servingImageId: 'old', containers: [], histories: [], keepImages: 0 },
      ['new', 'old'],
    ],
    [
      'and every image a container uses',
      { containers: [container('neighbour')], histories: [], keepImages: 0 },
      ['new', 'neighbour'],
    ],
    [
      'and the last keep-images releases of each history',
      {
        containers: [],
        keepImages: 2,
        histories: [[release('a'), release('b'), release('c')], [release('x')]],
      },
      ['new', 'b', 'c', 'x'],
    ],
  ])('%s', (_what, facts, expected) => {
    expect([...protectedImages({ newImageId: 'new', ...facts })].sort()).toEqual(expected.sort());
  });
});
