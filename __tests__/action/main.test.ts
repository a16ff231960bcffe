// The Action's main step with a faked @actions/core: what it tells the runner
// (outputs, failures, state) and what it leaves to the post step.
import { expect, jest } from '@jest/globals';
import type { DeployResult } from '../../src/deploy/orchestrator.js';
import { DeployError } from '../../src/deploy/run.js';
import type { ServerResult } from '../../src/deploy/server/server-deploy.js';
import type { RunDeploy } from '../../src/deploy/on-servers.js';
import { core, DEPLOY_INPUTS, failed, outputs, resetCore, state, inputs } from '../../__fixtures__/core.js';
import { LOGIN, opened, sessionModule } from '../../__fixtures__/session.js';

jest.unstable_mockModule('@actions/core', () => core);
jest.unstable_mockModule('../../src/remote/session.js', () => sessionModule);
const { run: main } = await import('../../src/action/main.js');
const { run: post } = await import('../../src/action/post.js');

const serverResult: ServerResult = {
  server: 'server',
  container: 'web-1',
  containerId: 'c1',
  port: 20001,
  previousPort: 20000,
  previousContainer: 'web-0',
  image: 'r/web:2',
  previousImage: 'r/web:1',
  imageDigest: 'sha256:d',
  switchSeconds: 0.1234,
  probes: [],
  timeline: [],
  releases: [],
  bake: {
    passed: true,
    seconds: 30.04,
    traffic: { requests: 412, errors: 1, byStatus: { 200: 411, 502: 1 }, firstFailures: ['GET / -> 502'], garbage: 0 },
    probes: 30,
    probeFailures: 0,
    restarts: 0,
  },
};
const result: DeployResult = {
  ...serverResult,
  servers: [serverResult],
  stages: [],
  durationSeconds: 1.5,
  warnings: [],
};

afterEach(() => {
  process.exitCode = undefined;
});

beforeEach(() => {
  resetCore(DEPLOY_INPUTS);
  opened.length = 0;
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
      container: 'web-1',
      'container-id': 'c1',
      port: '20001',
      'previous-port': '20000',
      'previous-container': 'web-0',
      image: 'r/web:2',
      'previous-image': 'r/web:1',
      'image-digest': 'sha256:d',
      'switch-seconds': '0.123',
      'duration-seconds': '1.50',
      bake: '{"passed":true,"seconds":30,"requests":412,"errors":1,"probes":30,"probe-failures":0,"restarts":0}',
      servers: JSON.stringify([
        {
          server: 'server',
          container: 'web-1',
          'container-id': 'c1',
          port: '20001',
          'previous-port': '20000',
          'previous-container': 'web-0',
          image: 'r/web:2',
          'previous-image': 'r/web:1',
          'image-digest': 'sha256:d',
          'switch-seconds': '0.123',
          bake: { passed: true, seconds: 30, requests: 412, errors: 1, probes: 30, 'probe-failures': 0, restarts: 0 },
        },
      ]),
    });
    expect(state.finished).toBe('true');
    expect(JSON.parse(state.servers)).toEqual({
      server: expect.objectContaining({
        lock: 'docker-hot-deploy:lock:/k',
        lockOwner: expect.stringMatching(/deploying r\/web:2/),
      }),
    });
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
    await main(async () => {
      throw new DeployError('ready', 'the container exited with code 3', 'See its logs.', []);
    });
    expect(failed).toEqual(['ready failed: the container exited with code 3. See its logs.']);
    expect(process.exitCode).toBe(1);
    expect(state.finished).toBeUndefined();
  });

  test('bad inputs: setFailed naming them, and no deploy at all', async () => {
    inputs.port = '0';
    let called = false;
    await main(async () => {
      called = true;
      return result;
    });
    expect(called).toBe(false);
    expect(failed).toEqual([
      expect.stringMatching(
        /^Invalid inputs \(nothing was done on the server\):\n {2}- port: "0" is not a whole number/,
      ),
    ]);
  });

  test('a command that is none of deploy, doctor, status: setFailed naming command and what it accepts; no deploy', async () => {
    inputs.command = 'restart';
    let called = false;
    await main(async () => {
      called = true;
      return result;
    });
    expect(called).toBe(false);
    expect(failed).toEqual([
      'Invalid inputs (nothing was done on the server):\n  - command: "restart" is not one of deploy, doctor, status',
    ]);
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
