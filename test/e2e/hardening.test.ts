// What can go wrong under a deploy that is not the new version's fault: a lock
// taken away, a confd slower than the switch, a dropped SSH connection, another
// user of the server lying in wait for secrets. Under load, on the real stack.
import { expect } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { failureMessage, runAction, runPost, startAction, type ActionRun } from '../support/action.js';
import { describeLoad, duringLoad, failures } from '../support/load.js';
import { baseline, expectUntouched } from '../support/untouched.js';
import {
  appContainers,
  docker,
  image,
  keyValue,
  lockKey,
  nginxGet,
  redisClient,
  resetStack,
  restartStack,
  stackInfo,
  stackInputs,
  stackScript,
  waitFor,
} from '../support/stack.js';

const stack = stackInfo();
const confdVariant = (...args: string[]): void => {
  stackScript('confd-variant.sh', args);
};

async function underLoad<T>(what: string, work: () => Promise<T>): Promise<T> {
  const { result, load } = await duringLoad(stack.nginxUrl, work);
  console.log(`${what}: ${describeLoad(load)}`);
  expect(load.sent).toBeGreaterThan(50);
  expect(failures(load)).toBe(0);
  return result;
}

beforeAll(async () => {
  await resetStack();
  expect((await runAction(stackInputs({ image: image('v1') }))).code).toBe(0);
});

afterAll(() => {
  confdVariant('standard');
  restartStack();
});

test('the lock deleted by hand during the ready check: the deploy stops at once, the old version serves, nothing of the new one is left', async () => {
  const before = await baseline();
  let deletedAt = 0;
  const run = await underLoad('lock deleted mid-deploy', async () => {
    const deploying = startAction(
      stackInputs({ image: image('error500'), 'health-path': '/cgi-bin/health', 'health-timeout': '60s' }),
    );
    await waitFor('the ready check', () => deploying.output().includes('::group::ready'));
    const redis = redisClient();
    await redis.del(lockKey());
    redis.disconnect();
    deletedAt = Date.now();
    return deploying.done;
  });
  const stoppedAfter = (Date.now() - deletedAt) / 1000;
  console.log(`${failureMessage(run)} (stopped ${stoppedAfter.toFixed(1)} s after the lock was deleted)`);
  expect(run.code).toBe(1);
  expect(failureMessage(run)).toMatch(
    new RegExp(
      `^ready failed: the deploy lock was lost: ${lockKey()} was deleted or taken over by someone else\\. Another deploy may hold the lock now`,
    ),
  );
  expect(stoppedAfter).toBeLessThan(10);
  await expectUntouched(before);
});

describe('a confd slower than switch-timeout', () => {
  afterEach(() => confdVariant('standard'));

  test('check_cmd takes 3 s, switch-timeout 2 s: written back, no request fails, the new container goes only once nginx is back', async () => {
    const before = await baseline();
    confdVariant('check-delay', '3');
    const run = await underLoad('check_cmd 3 s, switch-timeout 2 s', () =>
      runAction(stackInputs({ image: image('v2'), 'switch-timeout': '2s' })),
    );
    console.log(failureMessage(run));
    expect(run.code).toBe(1);
    expect(failureMessage(run)).toMatch(
      /^switch failed: nginx did not serve port \d+ within switch-timeout; \/nginx\/upstream\/app\/port was set back to \d+\./,
    );
    // The render of the new value landed after the write-back: the probes saw it, and the container outlived it.
    expect(run.summary).toMatch(/200, upstream 127\.0\.0\.1:\d+/);
    await expectUntouched(before);
  });

  test('confd polling every 4 s instead of -watch, switch-timeout 1 s: whichever way it goes, nothing routes to a removed container', async () => {
    confdVariant('interval', '4');
    const run = await underLoad('confd -interval 4, switch-timeout 1 s (and 6 s after)', async () => {
      const result = await runAction(stackInputs({ image: image('v3'), 'switch-timeout': '1s' }));
      await new Promise((r) => setTimeout(r, 6000)); // past the next poll
      return result;
    });
    console.log(run.code === 0 ? `switched in ${run.outputs['switch-seconds']} s` : failureMessage(run));
    const answer = await nginxGet();
    expect(answer.status).toBe(200);
    expect(answer.upstream).toBe(`127.0.0.1:${await keyValue()}`);
    expect(appContainers()).toEqual([{ name: expect.stringMatching(/^hello-/), state: 'running' }]);
  });
});

test("one confd for two deployments (earlier READMEs' recipe): each deploy says so before its switch; whichever way confd goes, one version serves whole", async () => {
  confdVariant('shared');
  try {
    for (const version of ['v2', 'v1']) {
      const run = await underLoad(`one confd for app and staging, deploying ${version}`, () =>
        runAction(stackInputs({ image: image(version), 'switch-timeout': '2s' })),
      );
      console.log(run.code === 0 ? `${version} switched in ${run.outputs['switch-seconds']} s` : failureMessage(run));
      expect(run.stdout).toMatch(
        /::warning::confd -confdir \S+ has 2 template resources \(app\.toml, staging\.toml\): confd's Redis backend wakes only one of a process's resources per write/,
      );
      if (run.code !== 0)
        expect(failureMessage(run)).toMatch(
          /^switch failed: .*\. nginx kept serving the old upstream: confd -confdir \S+ has 2 template resources/,
        );
      const answer = await nginxGet();
      expect(answer.status).toBe(200);
      expect(answer.upstream).toBe(`127.0.0.1:${await keyValue()}`);
      expect(appContainers()).toEqual([{ name: expect.stringMatching(/^hello-/), state: 'running' }]);
    }
  } finally {
    confdVariant('standard');
  }
});

test('the SSH connection killed on the server mid-deploy: the action fails at once naming the phase; the post step and the next deploy clean up', async () => {
  const before = await baseline();
  const inputs = stackInputs({ image: image('error500'), 'health-path': '/cgi-bin/health', 'health-timeout': '60s' });
  const next: ActionRun = await underLoad('SSH connection killed mid-deploy, then the next deploy', async () => {
    const deploying = startAction(inputs);
    await waitFor('the ready check', () => deploying.output().includes('::group::ready'));
    const killedAt = Date.now();
    execFileSync('pkill', ['-KILL', '-f', '^sshd: deploy']);
    const killed = await deploying.done;
    console.log(`${failureMessage(killed)} (failed ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill)`);
    expect(killed.code).toBe(1);
    expect(failureMessage(killed)).toMatch(
      /^ready failed: the SSH connection to the server was lost \(.*\)(, running .*)?\. Check the server and the network\. Nothing was switched/,
    );
    expect(Date.now() - killedAt).toBeLessThan(5000);
    // As the runner does after a failed main step: the post step.
    const post = await runPost(inputs, killed.state);
    expect(post.code).toBe(0);
    await expectUntouched(before);
    return runAction(stackInputs({ image: image('v2') }));
  });
  expect(next.code).toBe(0);
  expect(await nginxGet()).toMatchObject({ status: 200, body: 'v2', upstream: `127.0.0.1:${next.outputs.port}` });
  expect(appContainers()).toEqual([{ name: next.outputs.container, state: 'running' }]);
});

test('env values reach the container without touching a file: a deploy with /tmp closed to the deploy user works', async () => {
  // 0.1 wrote them to /tmp, where another user of the server could have a FIFO waiting under the name.
  execFileSync('chmod', ['1775', '/tmp']);
  try {
    const run = await runAction(stackInputs({ image: image('v1'), env: 'SECRET_TOKEN=s3cr3t value\nOTHER=x' }));
    expect(run.code).toBe(0);
    expect(docker('exec', run.outputs.container, 'sh', '-c', 'echo "$SECRET_TOKEN|$OTHER"')).toBe('s3cr3t value|x');
  } finally {
    execFileSync('chmod', ['1777', '/tmp']);
  }
});

test('a Redis that accepts but never answers: the deploy fails within seconds naming redis-url, nothing changed', async () => {
  const before = await baseline();
  // A listener on loopback that takes connections and says nothing, as a blackholed Redis behind a forward does.
  const held: Socket[] = [];
  const silent = createServer((socket) => {
    held.push(socket);
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  try {
    const url = `redis://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const run = await runAction(stackInputs({ image: image('v2'), 'redis-url': url }));
    expect(run.code).toBe(1);
    expect(failureMessage(run)).toMatch(
      new RegExp(`^Redis at ${url} \\(redis-url, as seen from the server\\) did not answer: no answer within \\d+ s$`),
    );
    expect(run.wallSeconds).toBeLessThan(15);
    await expectUntouched(before);
  } finally {
    held.forEach((socket) => socket.destroy());
    silent.close();
  }
});
