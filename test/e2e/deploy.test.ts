// The hot deploy end to end: dist/ under Node 24, against the real stack
// (dockerd, registry, sshd, Redis, the confd stand-in, nginx) on loopback.
import { createServer, type Server } from 'node:net';
import { deployOk, type ActionRun } from '../support/action.js';
import { describeLoad, duringLoad, failures, type LoadKind, type LoadReport } from '../support/load.js';
import {
  appContainers,
  docker,
  image,
  keyValue,
  nginxGet,
  resetStack,
  stackInfo,
  stackInputs,
} from '../support/stack.js';

const deployVersion = (version: string, extra: Record<string, string> = {}): Promise<ActionRun> =>
  deployOk(stackInputs({ image: image(version), ...extra }));

async function deployUnderLoad(version: string, kind: LoadKind): Promise<{ run: ActionRun; load: LoadReport }> {
  const { result: run, load } = await duringLoad(stackInfo().nginxUrl, () => deployVersion(version), kind);
  return { run, load };
}

/** What a user checks after a deploy: the version served, by which port, and what runs. */
async function expectServing(version: string, run: ActionRun): Promise<void> {
  const answer = await nginxGet();
  expect(answer.status).toBe(200);
  expect(answer.body).toBe(version);
  expect(answer.upstream).toBe(`127.0.0.1:${run.outputs.port}`);
  expect(appContainers()).toEqual([{ name: run.outputs.container, state: 'running' }]);
}

describe('hot deploy on the real stack', () => {
  beforeAll(async () => {
    await resetStack();
  });

  test('first deploy: key unset and nothing running', async () => {
    expect((await nginxGet()).status).toBe(502);
    const run = await deployVersion('v1');
    expect(run.outputs.port).toMatch(/^\d+$/);
    expect(run.outputs['previous-port']).toBe('');
    expect(run.outputs['previous-container']).toBe('');
    expect(run.outputs.container).toMatch(/^hello-\d{14}-[0-9a-f]{4}$/);
    expect(run.outputs['container-id']).toMatch(/^[0-9a-f]{64}$/);
    expect(run.outputs['image-digest']).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(Number(run.outputs['switch-seconds'])).toBeGreaterThan(0);
    expect(await keyValue()).toBe(run.outputs.port);
    await expectServing('v1', run);
    expect(run.summary).toContain('| ✅ switch |');
  });

  test('v1 -> v2 under new-connection load: zero failed requests', async () => {
    const before = await nginxGet();
    const { run, load } = await deployUnderLoad('v2', 'new-connection');
    console.log(
      `v1 -> v2, ${describeLoad(load)}; switch ${run.outputs['switch-seconds']} s, deploy ${run.outputs['duration-seconds']} s`,
    );
    expect(load.sent).toBeGreaterThan(100);
    expect(failures(load)).toBe(0);
    expect(load.bodies.v1).toBeGreaterThan(0);
    expect(load.bodies.v2).toBeGreaterThan(0);
    expect(run.outputs['previous-port']).toBe(before.upstream?.split(':')[1]);
    expect(run.outputs.port).not.toBe(run.outputs['previous-port']);
    await expectServing('v2', run);
  });

  test('v2 -> v1 under kept-alive load: zero non-2xx answers', async () => {
    const { run, load } = await deployUnderLoad('v1', 'keep-alive');
    // nginx closes idle kept-alive client connections when its old workers exit at
    // reload; a request racing that close sees a reset/EOF before any response.
    console.log(`v2 -> v1, ${describeLoad(load)}; switch ${run.outputs['switch-seconds']} s`);
    expect(load.sent).toBeGreaterThan(100);
    expect(load.non2xx).toBe(0);
    expect(load.ok).toBeGreaterThan(load.sent - 5);
    await expectServing('v1', run);
  });

  test('redeploying the same image starts a new container and retires the old one', async () => {
    const first = await nginxGet();
    const run = await deployVersion('v1');
    expect(run.outputs['previous-port']).toBe(first.upstream?.split(':')[1]);
    expect(run.outputs.port).not.toBe(run.outputs['previous-port']);
    await expectServing('v1', run);
  });

  // Below the ephemeral range (32768+), where the load's client ports could collide.
  test('port-range: the first free port of the range', async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve, reject) => busy.once('error', reject).listen(20100, '127.0.0.1', resolve));
    try {
      const run = await deployVersion('v2', { 'port-range': '20100-20109' });
      expect(run.outputs.port).toBe('20101');
      await expectServing('v2', run);
    } finally {
      busy.close();
    }
  });

  test('redis-value 127.0.0.1:{port}: the key holds an address, and the next deploy reads it back', async () => {
    const first = await deployVersion('v3', { 'redis-value': '127.0.0.1:{port}' });
    expect(await keyValue()).toBe(`127.0.0.1:${first.outputs.port}`);
    await expectServing('v3', first);
    const second = await deployVersion('v1', { 'redis-value': '127.0.0.1:{port}' });
    expect(second.outputs['previous-port']).toBe(first.outputs.port);
    expect(second.outputs['previous-container']).toBe(first.outputs.container);
    await expectServing('v1', second);
  });

  test('an image with a HEALTHCHECK goes live once Docker reports it healthy', async () => {
    const run = await deployVersion('healthcheck');
    expect(run.summary).toMatch(/\| ✅ ready \| [\d.]+ s \| \/ answered 200, healthy \|/);
    await expectServing('v2', run);
  });

  test('keep-images: older images of the app are pruned; the serving one and the one it replaced (the rollback target) kept', async () => {
    const repo = stackInfo().imageRepo;
    const run = await deployVersion('v2', { 'keep-images': '1' });
    await expectServing('v2', run);
    const tags = docker('image', 'ls', '--format', '{{.Tag}}', repo).split('\n').sort();
    expect(tags).toEqual(['healthcheck', 'v2']);
  });
});
