// Releases on the real stack: a release command before the new version starts,
// the history the server keeps, and rollback through the same safe path.
import { expect } from '@jest/globals';
import { deployOk, failureMessage, runAction, runPost, startAction, type ActionRun } from '../support/action.js';
import { describeLoad, duringLoad, failures } from '../support/load.js';
import {
  appContainers,
  docker,
  image,
  keyValue,
  lockKey,
  nginxGet,
  redisClient,
  resetStack,
  restartRedisEmpty,
  restartStack,
  stackInfo,
  stackInputs,
  waitFor,
} from '../support/stack.js';

const stack = stackInfo();
const VOLUME = 'dhd-release-test';
const deploy = (version: string, extra: Record<string, string> = {}): Promise<ActionRun> =>
  deployOk(stackInputs({ image: image(version), ...extra }));
const rollback = (extra: Record<string, string> = {}): Promise<ActionRun> =>
  runAction(stackInputs({ rollback: 'true', ...extra }));

async function expectServing(version: string, run: ActionRun): Promise<void> {
  expect(await nginxGet()).toMatchObject({ status: 200, body: version, upstream: `127.0.0.1:${run.outputs.port}` });
  expect(appContainers()).toEqual([{ name: run.outputs.container, state: 'running' }]);
}

beforeAll(async () => {
  await resetStack();
  docker('volume', 'rm', '--force', VOLUME);
});

afterAll(() => {
  restartStack();
});

describe('the release phase', () => {
  const withVolume = { 'run-args': `-v\n${VOLUME}:/www/data` };

  test('a release command runs before the new version starts, and the app serves its effect', async () => {
    await deploy('v1', withVolume);
    const run = await deploy('v2', {
      ...withVolume,
      'release-command': 'sh\n-c\necho "migrated by $RELEASE_NAME" > /www/data/state',
      env: 'RELEASE_NAME=v2',
    });
    expect(run.summary).toMatch(/\| ✅ release \| [\d.]+ s \| sh -c echo .* exit 0 \|/);
    expect(await nginxGet(new URL('/data/state', stack.nginxUrl).href)).toMatchObject({
      status: 200,
      body: 'migrated by v2',
    });
    await expectServing('v2', run);
  });

  test('a run cancelled during a long release command: a deploy meanwhile refuses to start a second one; the post step stops it', async () => {
    const before = { answer: await nginxGet(), key: await keyValue(), containers: appContainers() };
    const inputs = stackInputs({ image: image('v3'), 'release-command': 'sleep\n120' });
    const cancelled = startAction(inputs);
    await waitFor('the release command', () =>
      appContainers().some((c) => c.name.endsWith('-release') && c.state === 'running'),
    );
    cancelled.child.kill('SIGINT'); // what the runner sends on cancel
    const main = await cancelled.done;
    expect(JSON.parse(main.state.servers)).toEqual({
      [`[127.0.0.1]:${stack.sshPort}`]: expect.objectContaining({
        release: expect.stringMatching(/^hello-\S+-release$/),
      }),
    });
    // The runner died with the docker CLI's channel; the migration did not. Its lock expires (here: now).
    const redis = redisClient();
    await redis.del(lockKey());
    redis.disconnect();
    const second = await runAction(stackInputs({ image: image('v3'), 'release-command': 'true' }));
    expect(second.code).toBe(1);
    expect(failureMessage(second)).toMatch(
      /^release failed: hello-\S+-release, the release command of an earlier deploy, still runs: this one does not start a second/,
    );
    const post = await runPost(inputs, main.state);
    expect(post.stdout).toMatch(/Stopped hello-\S+-release, the release command that was still running/);
    expect({ answer: await nginxGet(), key: await keyValue(), containers: appContainers() }).toEqual(before);
  });

  test('a release command that fails: the old version serves, its log lines are shown, nothing started', async () => {
    const before = { answer: await nginxGet(), key: await keyValue(), containers: appContainers() };
    const run = await runAction(
      stackInputs({
        image: image('v3'),
        ...withVolume,
        'release-command': 'sh\n-c\necho "cannot migrate: table users is locked" >&2; exit 3',
      }),
    );
    console.log(failureMessage(run));
    expect(run.code).toBe(1);
    expect(failureMessage(run)).toMatch(
      /^release failed: the release command exited with code 3\. The release command failed: see its log lines above\. Nothing was started or switched/,
    );
    expect(run.stdout).toContain('cannot migrate: table users is locked');
    expect(run.summary).toContain('**release** failed');
    expect({ answer: await nginxGet(), key: await keyValue(), containers: appContainers() }).toEqual(before);
    expect(docker('ps', '--all', '--quiet', '--filter', 'label=docker-hot-deploy.role=release')).toBe('');
  });

  test('a release command that prints 50 MB: the runner keeps only its end, its memory stays bounded; it completes, or fails showing its last lines', async () => {
    const chatter = 'yes "migrating row 12345" | head -c 50000000';
    const quiet = await deploy('v1', { 'release-command': 'true' });
    const chatty = await deploy('v2', { 'release-command': `sh\n-c\n${chatter}; echo migrated` });
    await expectServing('v2', chatty);
    const failing = await runAction(
      stackInputs({
        image: image('v3'),
        'release-command': `sh\n-c\n${chatter}; echo "cannot migrate: disk full" >&2; exit 4`,
      }),
    );
    console.log(
      `the runner's peak memory: ${quiet.peakMb} MB with a quiet release command; with 50 MB of output ${chatty.peakMb} MB (completes), ${failing.peakMb} MB (fails)`,
    );
    expect(failing.code).toBe(1);
    expect(failureMessage(failing)).toMatch(/^release failed: the release command exited with code 4/);
    expect(failing.stdout).toContain('cannot migrate: disk full');
    // Kept whole, the output took the runner from 87 MB to 473 MB here; what passes through ssh2 on its way out costs some tens.
    for (const run of [chatty, failing]) expect(run.peakMb).toBeLessThan(quiet.peakMb + 60);
    await expectServing('v2', chatty);
  });

  test('a release command that outlives release-timeout: stopped and removed, the old version serves', async () => {
    const before = { answer: await nginxGet(), containers: appContainers() };
    const run = await runAction(
      stackInputs({ image: image('v3'), 'release-command': 'sleep\n30', 'release-timeout': '2s' }),
    );
    expect(run.code).toBe(1);
    expect(failureMessage(run)).toMatch(
      /^release failed: the release command did not finish within release-timeout; its container was removed/,
    );
    expect(run.wallSeconds).toBeLessThan(15);
    expect({ answer: await nginxGet(), containers: appContainers() }).toEqual(before);
    expect(docker('ps', '--all', '--quiet', '--filter', 'label=docker-hot-deploy.role=release')).toBe('');
  });
});

describe('history and rollback', () => {
  test('v1, v2, v3, then rollback under load: v2 serves, by digest, with zero failed requests; again: v1; again: refused', async () => {
    await resetStack();
    const v1 = await deploy('v1');
    const v2 = await deploy('v2');
    const top = await deploy('v3');
    const { result: back, load } = await duringLoad(stack.nginxUrl, () => rollback());
    console.log(`rollback v3 -> v2: ${describeLoad(load)}`);
    expect(back.code).toBe(0);
    expect(failures(load)).toBe(0);
    expect(back.outputs.image).toBe(`${stack.imageRepo}@${v2.outputs['image-digest']}`);
    expect(back.outputs['previous-image']).toBe(image('v3'));
    expect(back.outputs['previous-container']).toBe(top.outputs.container);
    expect(back.summary).toMatch(/\| rolled back \| 127\.0\.0\.1:5000\/hello@sha256:/);
    await expectServing('v2', back);

    const further = await rollback();
    expect(further.code).toBe(0);
    await expectServing('v1', further);
    expect(further.outputs.image).toBe(`${stack.imageRepo}@${v1.outputs['image-digest']}`);

    const refused = await rollback();
    expect(refused.code).toBe(1);
    expect(failureMessage(refused)).toMatch(
      /^inspect failed: rollback: nothing earlier to roll back to: the history holds only 127\.0\.0\.1:5000\/hello:v1 /,
    );
    await expectServing('v1', further);
  });

  test('rollback after Redis lost its data: the history is on the server, the key is repaired first', async () => {
    await deploy('v2');
    const top = await deploy('v3');
    try {
      await restartRedisEmpty();
      const { result: back, load } = await duringLoad(stack.nginxUrl, () => rollback());
      console.log(`rollback after Redis lost its data: ${describeLoad(load)}`);
      expect(back.code).toBe(0);
      expect(failures(load)).toBe(0);
      expect(back.stdout).toContain(`nginx serves ${top.outputs.container}`);
      await expectServing('v2', back);
    } finally {
      const redis = redisClient();
      await redis.config('SET', 'appendonly', 'yes');
      redis.disconnect();
    }
  });

  test('keep-images 1: the serving image and the rollback target stay, older releases are pruned', async () => {
    await deploy('v1', { 'keep-images': '1' });
    await deploy('v2', { 'keep-images': '1' });
    const run = await deploy('v3', { 'keep-images': '1' });
    const tags = docker('image', 'ls', '--format', '{{.Tag}}', stack.imageRepo)
      .split('\n')
      .filter((t) => t !== '<none>')
      .sort();
    expect(tags).toEqual(['v2', 'v3']);
    const back = await rollback({ 'keep-images': '1' });
    expect(back.code).toBe(0);
    expect(back.outputs['previous-container']).toBe(run.outputs.container);
    await expectServing('v2', back);
  });
});
