// The Action's doors with a faked @actions/core: what main and post tell the
// runner (outputs, failures, state) and what post decides to clean up.
import { jest } from '@jest/globals';
import type { Leftovers } from '../src/deploy/cleanup.js';
import type { DeployResult } from '../src/deploy/orchestrator.js';
import { DeployError } from '../src/deploy/run.js';
import type { ServerResult } from '../src/deploy/server/server-deploy.js';
import type { RunDeploy } from '../src/deploy/on-servers.js';
import { TEST_KEY } from '../test/support/keys.js';

const inputs: Record<string, string> = {};
const state: Record<string, string> = {};
const outputs: Record<string, string> = {};
const failed: string[] = [];
const infos: string[] = [];

jest.unstable_mockModule('@actions/core', () => ({
  getInput: (name: string) => inputs[name] ?? '',
  setSecret: () => undefined,
  setOutput: (name: string, value: string) => { outputs[name] = value; },
  setFailed: (message: string) => { failed.push(message); },
  saveState: (name: string, value: string) => { state[name] = value; },
  getState: (name: string) => state[name] ?? '',
  info: (message: string) => { infos.push(message); },
  warning: (message: string) => { infos.push(`warning: ${message}`); },
  error: () => undefined,
  debug: () => undefined,
  group: <T>(_name: string, work: () => Promise<T>) => work(),
  summary: { addRaw: () => ({ write: async () => undefined }) },
}));
const opened: string[] = [];
const session = {
  docker: {
    discard: async (ids: string[]) => { opened.push(`discard ${ids.join(',')}`); },
    removeDir: async (dir: string) => { opened.push(`rm -rf ${dir}`); },
  },
  keys: { unlock: async (name: string, owner: string) => { opened.push(`unlock ${name} ${owner}`); return true; } },
  close: async () => { opened.push('close'); },
};
jest.unstable_mockModule('../src/remote/session.js', () => ({
  openSession: async (target: { host: string }) => { opened.push(`open ${target.host}`); return session; },
  openSessions: async () => [],
}));
const { run: main } = await import('../src/action/main.js');
const { run: post } = await import('../src/action/post.js');

const serverResult: ServerResult = {
  server: 'server', container: 'web-1', containerId: 'c1', port: 20001, previousPort: 20000, previousContainer: 'web-0', image: 'r/web:2', previousImage: 'r/web:1',
  imageDigest: 'sha256:d', switchSeconds: 0.1234, probes: [], timeline: [], releases: [],
  bake: { passed: true, seconds: 30.04, traffic: { requests: 412, errors: 1, byStatus: { 200: 411, 502: 1 }, firstFailures: ['GET / -> 502'], garbage: 0 }, probes: 30, probeFailures: 0, restarts: 0 },
};
const result: DeployResult = { ...serverResult, servers: [serverResult], stages: [], durationSeconds: 1.5, warnings: [] };
/** What a main step of this deployment saves: its lock and its private Docker config directory. */
const LOCK = 'docker-hot-deploy:lock:/nginx/upstream/app/port';
const LOGIN = '/tmp/docker-hot-deploy.AbCdE12345';
const left = (servers: Record<string, Partial<Leftovers>>): string => JSON.stringify(Object.fromEntries(Object.entries(servers).map(([name, l]) => [name, { lock: '', lockOwner: 'me', container: '', switching: false, dockerConfig: '', ...l }])));

afterEach(() => {
  process.exitCode = undefined;
});

beforeEach(() => {
  for (const o of [inputs, state, outputs]) for (const k of Object.keys(o)) delete o[k];
  failed.length = 0;
  infos.length = 0;
  opened.length = 0;
  Object.assign(inputs, {
    host: 'server', username: 'deploy', 'private-key': TEST_KEY, 'host-fingerprint': `SHA256:${'A'.repeat(43)}`,
    image: 'r/web:2', 'container-port': '8080', 'redis-key': '/nginx/upstream/app/port',
  });
});

describe('main', () => {
  test('a deploy: every output set, the state says finished, nothing failed', async () => {
    const deployed: RunDeploy = async (_config, identity, hooks) => {
      hooks.checkpoint('server', 'lock', 'docker-hot-deploy:lock:/k');
      expect(identity.lockOwner).toMatch(/deploying r\/web:2/);
      return result;
    };
    await main(deployed);
    expect(failed).toEqual([]);
    expect(process.exitCode).toBeUndefined();
    expect(outputs).toEqual({
      container: 'web-1', 'container-id': 'c1', port: '20001', 'previous-port': '20000', 'previous-container': 'web-0', image: 'r/web:2',
      'previous-image': 'r/web:1', 'image-digest': 'sha256:d', 'switch-seconds': '0.123', 'duration-seconds': '1.50',
      bake: '{"passed":true,"seconds":30,"requests":412,"errors":1,"probes":30,"probe-failures":0,"restarts":0}',
      servers: JSON.stringify([{
        server: 'server', container: 'web-1', 'container-id': 'c1', port: '20001', 'previous-port': '20000', 'previous-container': 'web-0', image: 'r/web:2',
        'previous-image': 'r/web:1', 'image-digest': 'sha256:d', 'switch-seconds': '0.123',
        bake: { passed: true, seconds: 30, requests: 412, errors: 1, probes: 30, 'probe-failures': 0, restarts: 0 },
      }]),
    });
    expect(state.finished).toBe('true');
    expect(JSON.parse(state.servers)).toEqual({ server: expect.objectContaining({ lock: 'docker-hot-deploy:lock:/k', lockOwner: expect.stringMatching(/deploying r\/web:2/) }) });
  });

  test('a deploy that could not remove its registry login: not finished, so post removes it', async () => {
    await main(async (_config, _identity, hooks) => {
      hooks.checkpoint('server', 'dockerConfig', LOGIN);
      return result;
    });
    expect(failed).toEqual([]);
    expect(state.finished).toBeUndefined();
    await post();
    expect(opened).toEqual(['open server', `rm -rf ${LOGIN}`, 'close']);
  });

  test('a failed deploy: setFailed with the phase, why and the hint; not finished, so post reads the checkpoints', async () => {
    await main(async () => { throw new DeployError('ready', 'the container exited with code 3', 'See its logs.', []); });
    expect(failed).toEqual(['ready failed: the container exited with code 3. See its logs.']);
    expect(process.exitCode).toBe(1);
    expect(state.finished).toBeUndefined();
  });

  test('bad inputs: setFailed naming them, and no deploy at all', async () => {
    inputs.port = '0';
    let called = false;
    await main(async () => { called = true; return result; });
    expect(called).toBe(false);
    expect(failed).toEqual([expect.stringMatching(/^Invalid inputs \(nothing was done on the server\):\n {2}- port: "0" is not a whole number/)]);
  });

  test('a command that is none of deploy, doctor, status: setFailed naming command and what it accepts; no deploy', async () => {
    inputs.command = 'restart';
    let called = false;
    await main(async () => { called = true; return result; });
    expect(called).toBe(false);
    expect(failed).toEqual(['Invalid inputs (nothing was done on the server):\n  - command: "restart" is not one of deploy, doctor, status']);
    expect(process.exitCode).toBe(1);
  });

  test('deploy needs image and container-port (doctor and status do not: see the e2e day-two tests)', async () => {
    delete inputs.image;
    delete inputs['container-port'];
    inputs.command = 'deploy';
    await main(async () => result);
    expect(failed).toEqual([expect.stringMatching(/- image: is required\n {2}- container-port: is required/)]);
  });
});

describe('post', () => {
  test('after a finished deploy: nothing, not even a connection', async () => {
    Object.assign(state, { finished: 'true', servers: left({ server: { lock: LOCK, container: 'web-1' } }) });
    await post();
    expect(opened).toEqual([]);
  });

  test('after a cancel before the switch: the login, the unused container and the lock are cleaned up', async () => {
    Object.assign(state, { servers: left({ server: { lock: LOCK, container: 'web-1', dockerConfig: LOGIN } }) });
    await post();
    expect(opened).toEqual(['open server', `rm -rf ${LOGIN}`, 'discard web-1', `unlock ${LOCK} me`, 'close']);
  });

  test('a saved state that is not what a deploy writes is not acted on: no connection, a warning', async () => {
    for (const tampered of [{ lock: 'some:other:key' }, { container: 'web-1; rm -rf ~' }, { dockerConfig: '/home/deploy' }, { container: 'web-1', switching: true, baking: '{"from":1}' }]) {
      infos.length = 0;
      Object.assign(state, { servers: left({ server: { lock: LOCK, ...tampered } }) });
      await post();
      expect(opened).toEqual([]);
      expect(infos).toEqual(expect.arrayContaining([expect.stringMatching(/^warning: The saved state is not what a deploy writes \(.+\): nothing is done on this server\.$/)]));
    }
  });

  test('after a cancel during the release command: its container is stopped, then the lock released', async () => {
    Object.assign(state, { servers: left({ server: { lock: LOCK, release: 'web-1-release' } }) });
    await post();
    expect(opened).toEqual(['open server', 'discard web-1-release', `unlock ${LOCK} me`, 'close']);
  });

  test('after a cancel during the switch: the container may serve and stays; the lock is released', async () => {
    Object.assign(state, { servers: left({ server: { lock: LOCK, container: 'web-1', switching: true } }) });
    await post();
    expect(opened).toEqual(['open server', `unlock ${LOCK} me`, 'close']);
    expect(infos[0]).toMatch(/web-1 may be serving and stays/);
  });

  test('several servers: only those with something left are connected to, each cleaned up', async () => {
    inputs.host = 'a\nb\nc';
    Object.assign(state, { servers: left({ a: { lock: LOCK }, b: {}, c: { lock: LOCK, container: 'web-1' } }) });
    await post();
    expect(opened.filter((o) => o.startsWith('open')).sort()).toEqual(['open a', 'open c']);
    expect(opened).toContain('discard web-1');
    expect(opened.filter((o) => o === `unlock ${LOCK} me`)).toHaveLength(2);
  });

  test('several servers: each container that may serve is said to stay, naming its server, whatever comes before it', async () => {
    inputs.host = 'a\nb';
    Object.assign(state, { servers: left({ a: { lock: LOCK }, b: { lock: LOCK, container: 'web-1', switching: true } }) });
    await post();
    expect(infos).toContainEqual(expect.stringMatching(/^b: The deploy stopped after writing the key: web-1 may be serving and stays/));
    expect(opened).not.toContain('discard web-1');
  });

  test('nothing held, nothing started: no connection', async () => {
    await post();
    expect(opened).toEqual([]);
  });
});
