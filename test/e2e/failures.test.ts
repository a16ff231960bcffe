// Bad days on the real stack: each failed, concurrent or interrupted deploy must
// leave the old version serving, the key where it was, the lock free and no
// stray container, while a load through nginx sees zero failed requests.
import { expect } from '@jest/globals';
import { failureMessage, runAction, runPost, startAction, type ActionRun } from '../support/action.js';
import { describeLoad, failures, startLoad, type Load } from '../support/load.js';
import { baseline, expectUntouched } from '../support/untouched.js';
import {
  appContainers,
  image,
  keyValue,
  lockKey,
  lockValue,
  nginxGet,
  redisClient,
  resetStack,
  restartStack,
  stackInfo,
  stackInputs,
  stopWatcher,
  waitFor,
} from '../support/stack.js';

let load: Load | undefined;
async function underLoad<T>(work: () => Promise<T>): Promise<T> {
  load = startLoad({ url: stackInfo().nginxUrl, kind: 'new-connection' });
  try {
    return await work();
  } finally {
    const report = await load.stop();
    load = undefined;
    console.log(`${expect.getState().currentTestName}: ${describeLoad(report)}`);
    expect(failures(report)).toBe(0);
  }
}

async function failingDeploy(version: string, extra: Record<string, string> = {}): Promise<ActionRun> {
  const before = await baseline();
  const run = await underLoad(() => runAction(stackInputs({ image: image(version), ...extra })));
  expect(run.code).toBe(1);
  await expectUntouched(before);
  return run;
}

beforeAll(async () => {
  await resetStack();
  const first = await runAction(stackInputs({ image: image('v1') }));
  expect(first.code).toBe(0);
});

afterAll(async () => {
  await load?.stop();
  restartStack();
});

describe('a failed deploy leaves the previous version serving', () => {
  test('an image that exits at once: its log lines are shown, it is removed', async () => {
    const run = await failingDeploy('crash');
    console.log(failureMessage(run));
    expect(failureMessage(run)).toMatch(/^ready failed: the container exited with code 3/);
    expect(run.stdout).toContain('hello: cannot start: DATABASE_URL is not set');
    expect(run.summary).toContain('**ready** failed');
    expect(run.summary).toContain('DATABASE_URL is not set');
  });

  test('a health path answering 500 until health-timeout', async () => {
    const run = await failingDeploy('error500', { 'health-path': '/cgi-bin/health', 'health-timeout': '3s' });
    console.log(failureMessage(run));
    expect(failureMessage(run)).toMatch(
      /^ready failed: not ready within health-timeout \(last: \/cgi-bin\/health answered 500\)/,
    );
  });

  test('an image whose HEALTHCHECK reports unhealthy', async () => {
    const run = await failingDeploy('unhealthy');
    console.log(failureMessage(run));
    expect(failureMessage(run)).toMatch(/^ready failed: the image HEALTHCHECK reports unhealthy/);
  });

  test('an unknown tag: nothing on the server changes', async () => {
    const run = await failingDeploy('no-such-tag');
    console.log(failureMessage(run));
    expect(failureMessage(run)).toMatch(/^pull failed: docker pull .*(manifest unknown|not found)/);
  });

  test('confd (the watcher) stopped during the deploy: the key is written back and the new container removed', async () => {
    const before = await baseline();
    try {
      const run = await underLoad(async () => {
        // The ready check's answer takes 2 s: confd is stopped well before the key can be written.
        const deploying = startAction(
          stackInputs({ image: image('v2'), 'switch-timeout': '3s', 'health-path': '/cgi-bin/slow?2' }),
        );
        await waitFor('the ready check', () => deploying.output().includes('::group::ready'));
        await stopWatcher();
        return deploying.done;
      });
      expect(run.code).toBe(1);
      await expectUntouched(before);
      console.log(failureMessage(run));
      expect(failureMessage(run)).toMatch(
        /^switch failed: nginx did not serve port \d+ within switch-timeout; \/nginx\/upstream\/app\/port was set back to \d+/,
      );
      // The staging deployment's confd still runs: the hint tells that it is not this one's.
      expect(failureMessage(run)).toMatch(
        /no running confd renders \/nginx\/upstream\/app\/port \(the confds that run read \S+confd-staging, and none has a template resource for it\)/,
      );
      expect(run.summary).toContain('**Last probes through nginx**');
    } finally {
      restartStack();
    }
  });

  test('nginx config check failing on the rendered upstream: nginx never reloads it', async () => {
    // A wrong redis-value renders `server 127.0.0.1:NNNNNx;`, which check_cmd refuses.
    const run = await failingDeploy('v2', { 'redis-value': '{port}x', 'switch-timeout': '3s' });
    console.log(failureMessage(run));
    expect(failureMessage(run)).toMatch(/^switch failed: nginx did not serve port \d+ within switch-timeout/);
    expect(failureMessage(run)).toMatch(
      /nginx kept serving the old upstream: confd did not render :\d+ to \S+\. Its check_cmd refused the value/,
    );
  });
});

describe('concurrent and interrupted deploys', () => {
  test('a lock held by another deploy past lock-timeout: fails naming the holder, nothing changed', async () => {
    const lock = lockKey();
    const holder = 'acme/web https://github.com/acme/web/actions/runs/1 (attempt 1) deploying web:9 [test]';
    const redis = redisClient();
    await redis.set(lock, holder, 'PX', 60_000);
    try {
      const before = { key: await keyValue(), containers: appContainers() };
      const run = await runAction(stackInputs({ image: image('v2'), 'lock-timeout': '2s' }));
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(`Waiting for ${lock}, held by ${holder}`);
      expect(failureMessage(run)).toMatch(
        new RegExp(`^lock failed: ${lock} is still held by ${holder.replace(/[.()[\]]/g, '\\$&')} after lock-timeout`),
      );
      expect({ key: await keyValue(), containers: appContainers() }).toEqual(before);
      expect(await redis.get(lock)).toBe(holder);
    } finally {
      await redis.del(lock);
      redis.disconnect();
    }
  });

  test('two deploys started at the same moment: one waits for the lock, both succeed', async () => {
    const [a, b] = await underLoad(() =>
      Promise.all([runAction(stackInputs({ image: image('v2') })), runAction(stackInputs({ image: image('v3') }))]),
    );
    expect([a.code, b.code]).toEqual([0, 0]);
    const waiter = [a, b].filter((r) => r.stdout.includes(`Waiting for ${lockKey()}, held by`));
    expect(waiter).toHaveLength(1);
    const answer = await nginxGet();
    expect(answer.body).toBe(waiter[0] === a ? 'v2' : 'v3');
    expect(answer.upstream).toBe(`127.0.0.1:${waiter[0].outputs.port}`);
    expect(appContainers()).toEqual([{ name: waiter[0].outputs.container, state: 'running' }]);
    expect(await lockValue()).toBeNull();
  });

  test('the action killed during the switch: the next deploy waits out the dead lock and succeeds', async () => {
    const before = await baseline();
    const next = await underLoad(async () => {
      const killed = startAction(stackInputs({ image: image('v1') }));
      await waitFor('the key write', async () => (await keyValue()) !== before.key);
      killed.child.kill('SIGKILL');
      await killed.done;
      // Killed with the lock held and two containers up: nginx serves one of them.
      expect(await lockValue()).not.toBeNull();
      expect(appContainers()).toHaveLength(2);
      expect((await nginxGet()).status).toBe(200);
      return runAction(stackInputs({ image: image('v2') }));
    });
    expect(next.code).toBe(0);
    expect(next.stdout).toContain(`Waiting for ${lockKey()}`);
    const answer = await nginxGet();
    expect(answer.body).toBe('v2');
    expect(answer.upstream).toBe(`127.0.0.1:${next.outputs.port}`);
    expect(appContainers()).toEqual([{ name: next.outputs.container, state: 'running' }]);
    expect(await lockValue()).toBeNull();
  });

  test('the post step after a cancel: the lock is released and the unused container removed', async () => {
    const before = await baseline();
    const inputs = stackInputs({ image: image('error500'), 'health-path': '/cgi-bin/health', 'health-timeout': '60s' });
    const post = await underLoad(async () => {
      const cancelled = startAction(inputs);
      await waitFor('the ready check', () => cancelled.output().includes('::group::ready'));
      cancelled.child.kill('SIGINT'); // what the runner sends on cancel
      const main = await cancelled.done;
      // What the post step reads: each server's leftovers, by the server's name.
      expect(JSON.parse(main.state.servers)).toEqual({
        [`[127.0.0.1]:${stackInfo().sshPort}`]: expect.objectContaining({
          container: expect.stringMatching(/^hello-/),
          switching: false,
        }),
      });
      expect(main.state.finished).toBeUndefined();
      expect(await lockValue()).not.toBeNull();
      return runPost(inputs, main.state);
    });
    expect(post.code).toBe(0);
    expect(post.stdout).toMatch(/Removed hello-\S+, which never received traffic/);
    expect(post.stdout).toContain(`Released ${lockKey()}.`);
    await expectUntouched(before);
  });

  test('the post step after a finished deploy does nothing', async () => {
    const run = await runAction(stackInputs({ image: image('v1') }));
    expect(run.code).toBe(0);
    expect(run.state.finished).toBe('true');
    const post = await runPost(stackInputs({ image: image('v1') }), run.state);
    expect(post.code).toBe(0);
    expect(post.stdout.trim()).toBe('');
  });
});
