// What a deploy leaves behind must survive the ordinary events of a single
// server: a crash, a Docker restart, a Redis that lost its data, a key changed by
// hand, a neighbouring deployment. Real processes, killed and restarted for real.
import { readFileSync } from 'node:fs';
import { deployOk, type ActionRun } from '../support/action.js';
import { describeLoad, duringLoad, failures, type LoadReport } from '../support/load.js';
import {
  docker,
  image,
  keyValue,
  nginxGet,
  pidAlive,
  redisClient,
  resetStack,
  restartRedisEmpty,
  restartStack,
  stackInfo,
  stackInputs,
  waitFor,
  type NginxAnswer,
} from '../support/stack.js';

const stack = stackInfo();
const production = (version: string, extra: Record<string, string> = {}): Record<string, string> =>
  stackInputs({ image: image(version), ...extra });
const staging = (version: string): Record<string, string> =>
  stackInputs({ image: image(version), 'redis-key': stack.staging.redisKey, 'probe-url': stack.staging.nginxUrl });

const serves = (answer: NginxAnswer | undefined, version: string, port: string): boolean =>
  answer?.status === 200 && answer.body === version && answer.upstream === `127.0.0.1:${port}`;
const tryGet = (url?: string): Promise<NginxAnswer | undefined> => nginxGet(url).catch(() => undefined);

async function expectServing(version: string, run: ActionRun, url = stack.nginxUrl): Promise<void> {
  expect(await nginxGet(url)).toMatchObject({ status: 200, body: version, upstream: `127.0.0.1:${run.outputs.port}` });
}

function reportZeroFailures(what: string, load: LoadReport): void {
  console.log(`${what}: ${describeLoad(load)}`);
  expect(load.sent).toBeGreaterThan(50);
  expect(failures(load)).toBe(0);
}

beforeAll(async () => {
  await resetStack();
});

afterAll(() => {
  restartStack();
});

describe('between deploys, with no deploy', () => {
  let run: ActionRun;
  beforeAll(async () => {
    run = await deployOk(production('v1'));
  });

  test("the app's main process killed from the host: Docker restarts it, nginx serves it again on the same port", async () => {
    const pid = Number(docker('inspect', '--format', '{{.State.Pid}}', run.outputs.container));
    process.kill(pid, 'SIGKILL');
    const killedAt = Date.now();
    await waitFor(
      'the container to be restarted',
      () => Number(docker('inspect', '--format', '{{.RestartCount}}', run.outputs.container)) >= 1,
      15_000,
    );
    await waitFor('nginx to serve v1 again', async () => serves(await tryGet(), 'v1', run.outputs.port), 15_000);
    console.log(
      `main process killed: nginx served v1 on :${run.outputs.port} again after ${((Date.now() - killedAt) / 1000).toFixed(1)} s`,
    );
    expect(docker('port', run.outputs.container, '8080/tcp')).toBe(`127.0.0.1:${run.outputs.port}`);
  });

  test('dockerd stopped and started: the same container serves again on its port', async () => {
    const pid = Number(readFileSync(`${stack.dir}/dockerd.pid`, 'utf8'));
    process.kill(pid, 'SIGTERM');
    await waitFor('dockerd to stop', () => !pidAlive(pid), 60_000);
    expect((await nginxGet()).status).toBe(502);
    const startedAt = Date.now();
    restartStack();
    await waitFor('nginx to serve v1 again', async () => serves(await tryGet(), 'v1', run.outputs.port), 30_000);
    console.log(
      `dockerd restarted: nginx served v1 on :${run.outputs.port} again ${((Date.now() - startedAt) / 1000).toFixed(1)} s after dockerd was started`,
    );
    expect(docker('inspect', '--format', '{{.State.Status}}', run.outputs.container)).toBe('running');
  });
});

describe('a lost or wrong key', () => {
  test('Redis restarted without persistence: nginx keeps serving, and a deploy under load repairs the key first and drops nothing', async () => {
    const before = await deployOk(production('v1'));
    try {
      await restartRedisEmpty();
      expect(await keyValue()).toBeNull();
      // Any write under confd's prefix re-renders the upstream; without the key the template refuses.
      const redis = redisClient();
      await redis.set('/some/other/site', 'x');
      await redis.del('/some/other/site');
      redis.disconnect();
      await new Promise((r) => setTimeout(r, 500));
      await expectServing('v1', before);

      const { result: run, load } = await duringLoad(stack.nginxUrl, () => deployOk(production('v2')));
      reportZeroFailures('Redis restarted empty, then v1 -> v2', load);
      expect(run.stdout).toContain(
        `/nginx/upstream/app/port is unset, but nginx serves ${before.outputs.container} on :${before.outputs.port}: writing "${before.outputs.port}" back first`,
      );
      expect(run.stdout).toContain('Redis keeps nothing across a restart (appendonly no, save "")');
      expect(run.summary).toContain('Redis keeps nothing across a restart');
      expect(run.outputs['previous-container']).toBe(before.outputs.container);
      expect(await keyValue()).toBe(run.outputs.port);
      await expectServing('v2', run);
    } finally {
      // Persistent again from here on, as the stack's Redis is configured.
      const redis = redisClient();
      await redis.config('SET', 'appendonly', 'yes');
      redis.disconnect();
    }
  });

  test.each([
    [
      'deleted',
      async (redis: ReturnType<typeof redisClient>) => {
        await redis.del(stack.redisKey);
      },
    ],
    [
      'set to garbage',
      async (redis: ReturnType<typeof redisClient>) => {
        await redis.set(stack.redisKey, 'garbage');
      },
    ],
  ])(
    'the key %s by hand: nginx keeps serving, and a deploy under load drops nothing and leaves the key right',
    async (how, change) => {
      const before = await deployOk(production('v1'));
      const redis = redisClient();
      await change(redis);
      redis.disconnect();
      await new Promise((r) => setTimeout(r, 500));
      await expectServing('v1', before);

      const { result: run, load } = await duringLoad(stack.nginxUrl, () => deployOk(production('v3')));
      reportZeroFailures(`key ${how}, then v1 -> v3`, load);
      expect(run.stdout).toMatch(/nginx serves hello-\S+ on :\d+: writing "\d+" back first/);
      expect(await keyValue()).toBe(run.outputs.port);
      await expectServing('v3', run);
    },
  );

  test('after a lost key, the container that was serving answers its in-flight slow request before it stops', async () => {
    const before = await deployOk(production('v1'));
    const redis = redisClient();
    await redis.del(stack.redisKey);
    redis.disconnect();
    const slow = nginxGet(new URL('/cgi-bin/slow?5', stack.nginxUrl).href);
    await new Promise((r) => setTimeout(r, 300));
    const run = await deployOk(production('v2'));
    expect(await slow).toMatchObject({ status: 200, body: 'v1 slow', upstream: `127.0.0.1:${before.outputs.port}` });
    expect(run.outputs['previous-container']).toBe(before.outputs.container);
    expect(run.summary).toMatch(/\| ✅ drain \| [1-9][\d.]* s \| no connection to :\d+ left \|/);
    await expectServing('v2', run);
  });
});

test('two deployments of one image on one server: deploying each leaves the other serving, under load on both', async () => {
  const prod = await deployOk(production('v1'));
  let stg = await deployOk(staging('v2'));
  const stagingLoad = duringLoad(stack.staging.nginxUrl, async () => {
    const { result, load } = await duringLoad(stack.nginxUrl, async () => {
      const prodNext = await deployOk(production('v3'));
      await expectServing('v2', stg, stack.staging.nginxUrl);
      stg = await deployOk(staging('v1'));
      await expectServing('v3', prodNext);
      return prodNext;
    });
    reportZeroFailures('production (v1 -> v3, then staged beside)', load);
    return result;
  });
  const { result: prodNow, load } = await stagingLoad;
  reportZeroFailures('staging (v2 -> v1, and production deployed beside)', load);
  expect(load.bodies.v2).toBeGreaterThan(0);
  expect(load.bodies.v1).toBeGreaterThan(0);
  expect(prodNow.outputs['previous-container']).toBe(prod.outputs.container);
  await expectServing('v3', prodNow);
  await expectServing('v1', stg, stack.staging.nginxUrl);
  const running = docker(
    'ps',
    '--filter',
    'label=docker-hot-deploy.app=hello',
    '--format',
    '{{.Names}} {{.Label "docker-hot-deploy.deployment"}}',
  )
    .split('\n')
    .sort();
  expect(running).toEqual(
    [`${prodNow.outputs.container} ${stack.redisKey}`, `${stg.outputs.container} ${stack.staging.redisKey}`].sort(),
  );
});
