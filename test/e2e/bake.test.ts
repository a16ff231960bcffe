// The bake on the real stack, under load through nginx: after the switch the new
// version is watched (its container, probes, nginx's dhd_upstream log) while the
// previous container stays running, and a bad version is switched back by itself.
import { expect } from '@jest/globals';
import { failureMessage, runAction, runPost, startAction, type ActionRun } from '../support/action.js';
import { badSeconds, describeLoad, duringLoad, failures, type LoadReport } from '../support/load.js';
import { baseline, expectUntouched } from '../support/untouched.js';
import {
  appContainers,
  image,
  keyValue,
  lockValue,
  nginxGet,
  resetStack,
  stackInfo,
  stackInputs,
  waitFor,
} from '../support/stack.js';

/** The deploy under new-connection load through nginx, reported as the note reports it. */
async function underLoad(what: string, work: () => Promise<ActionRun>): Promise<{ run: ActionRun; load: LoadReport }> {
  const { result: run, load } = await duringLoad(stackInfo().nginxUrl, work);
  const switchBack = /From the first failing signal to nginx serving the previous version again: ([\d.]+) s/.exec(
    run.stdout,
  )?.[1];
  console.log(
    `${what}: ${describeLoad(load)}; bad version served ${badSeconds(load, isBad).toFixed(2)} s${switchBack ? `; switch back ${switchBack} s` : ''}; deploy ${run.wallSeconds.toFixed(1)} s`,
  );
  return { run, load };
}

/** What the broken version answers through nginx, and what nginx answers while the new upstream is down. */
const isBad = (answer: string): boolean => /^HTTP 5\d\d$|^E[A-Z]+$|^timeout$/.test(answer);

const baking = (extra: Record<string, string>): Record<string, string> =>
  stackInputs({ 'bake-time': '30s', 'access-log': stackInfo().accessLog, 'health-path': '/cgi-bin/health', ...extra });

beforeAll(async () => {
  await resetStack();
  expect((await runAction(stackInputs({ image: image('v1') }))).code).toBe(0);
});

describe('the bake', () => {
  test('a good version, bake-time 10s: 0 failed; both containers run during the bake while nginx serves the new one; then only the new one', async () => {
    const during: Array<{ body: string; containers: number }> = [];
    const { run, load } = await underLoad('good version, bake 10s', async () => {
      const deploying = startAction(baking({ image: image('v2'), 'bake-time': '10s' }));
      await waitFor('the bake', () => deploying.output().includes('::group::bake'));
      // In the reload setup an old nginx worker may still answer for a moment after the proof.
      await waitFor('nginx on v2', async () => (await nginxGet()).body === 'v2');
      during.push({
        body: (await nginxGet()).body,
        containers: appContainers().filter((c) => c.state === 'running').length,
      });
      return deploying.done;
    });
    expect(run.code).toBe(0);
    expect(failures(load)).toBe(0);
    expect(during).toEqual([{ body: 'v2', containers: 2 }]);
    const bake = JSON.parse(run.outputs.bake) as { passed: boolean; seconds: number; requests: number; errors: number };
    expect(bake).toMatchObject({ passed: true, errors: 0 });
    expect(bake.seconds).toBeGreaterThanOrEqual(10);
    expect(bake.requests).toBeGreaterThan(20);
    expect(Number(run.outputs['duration-seconds'])).toBeGreaterThanOrEqual(10);
    expect(run.summary).toContain('**Bake**');
    expect((await nginxGet()).body).toBe('v2');
    expect(appContainers()).toEqual([{ name: run.outputs.container, state: 'running' }]);
  });

  test('pages answer 500 while the health path and probe-url answer: the access log fails the bake, and nginx serves the old version again', async () => {
    const before = await baseline();
    const { run, load } = await underLoad('500 on /, access-log', () =>
      runAction(baking({ image: image('broken'), 'probe-url': 'http://127.0.0.1/cgi-bin/health' })),
    );
    console.log(failureMessage(run));
    expect(run.code).toBe(1);
    expect(failureMessage(run)).toMatch(
      /^bake failed: the new version answered 10 requests in a row with 5xx|^bake failed: \d+ of \d+ requests the new version answered were 5xx/,
    );
    expect(run.stdout).toMatch(/First failing requests: GET \/ -> 500/);
    expect(run.stdout).toContain('relation "orders" does not exist');
    expect(run.summary).toContain('**bake** failed');
    expect(badSeconds(load, isBad)).toBeLessThan(3.5);
    await expectUntouched(before);
  });

  test('pages answer 500 and probe-url is one of them: the switch proof fails at once, without waiting out switch-timeout', async () => {
    const before = await baseline();
    const { run, load } = await underLoad('500 on /, probes only', () =>
      runAction(baking({ image: image('broken'), 'access-log': '', 'switch-timeout': '60s' })),
    );
    console.log(failureMessage(run));
    expect(run.code).toBe(1);
    expect(failureMessage(run)).toMatch(
      /^switch failed: the new version answered 500 on \/ through nginx; \/nginx\/upstream\/app\/port was set back/,
    );
    expect(run.wallSeconds).toBeLessThan(30);
    expect(badSeconds(load, isBad)).toBeLessThan(5);
    await expectUntouched(before);
  });

  test('a version that exits 5 s after it started: the bake switches back, and the old version serves', async () => {
    const before = await baseline();
    const { run, load } = await underLoad('exits 5 s after start', () =>
      runAction(baking({ image: image('crashlater') })),
    );
    console.log(failureMessage(run));
    expect(run.code).toBe(1);
    expect(failureMessage(run)).toMatch(/^bake failed: the container exited with code 4/);
    expect(run.stdout).toContain('lost the connection to the database');
    expect(badSeconds(load, isBad)).toBeLessThan(3);
    await expectUntouched(before);
  });

  test('the runner cancels during the bake: the post step switches back, proves it, and removes the new container', async () => {
    const before = await baseline();
    const inputs = baking({ image: image('v3'), 'bake-time': '60s' });
    const { run: post, load } = await underLoad('cancel during the bake', async () => {
      const cancelled = startAction(inputs);
      await waitFor('the bake', () => cancelled.output().includes('::group::bake'));
      cancelled.child.kill('SIGINT'); // what the runner sends on cancel
      const main = await cancelled.done;
      expect(JSON.parse(main.state.servers)).toEqual({
        [`[127.0.0.1]:${stackInfo().sshPort}`]: expect.objectContaining({
          switching: true,
          baking: expect.stringContaining('"port"'),
        }),
      });
      expect(await lockValue()).not.toBeNull();
      return runPost(inputs, main.state);
    });
    console.log(post.stdout);
    expect(post.code).toBe(0);
    expect(post.stdout).toMatch(/nginx serves the previous version again/);
    expect(post.stdout).toMatch(/Removed hello-\S+, which served during the bake/);
    expect(failures(load)).toBe(0);
    expect(await keyValue()).toBe(before.key);
    await expectUntouched(before);
  });
});
