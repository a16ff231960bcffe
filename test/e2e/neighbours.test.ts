// What others do on the server while a deploy runs: a tag moved by a push, a
// neighbouring deployment pulling the same repository, another local user's
// processes named like confd or an nginx worker. On the real stack.
import { execFileSync } from 'node:child_process';
import { deployOk, failureMessage, runAction, startAction } from '../support/action.js';
import { docker, image, nginxGet, resetStack, stackInfo, stackInputs, waitFor } from '../support/stack.js';

const stack = stackInfo();
const staging = (reference: string, extra: Record<string, string> = {}): Record<string, string> =>
  stackInputs({ image: reference, 'redis-key': stack.staging.redisKey, 'probe-url': stack.staging.nginxUrl, ...extra });
const releaseRunning = (): boolean =>
  docker('ps', '--filter', 'label=docker-hot-deploy.role=release', '--quiet') !== '';

beforeAll(async () => {
  await resetStack();
  await deployOk(stackInputs({ image: image('v1') }));
});

test('the tag moved between the pull and the start (a push meanwhile): the build that was pulled runs', async () => {
  const moving = image('moving');
  [image('v2'), image('v3')].forEach((built) => docker('pull', '--quiet', built));
  docker('tag', image('v2'), moving);
  docker('push', '--quiet', moving);
  const v2Digest = docker('image', 'inspect', '--format', '{{index .RepoDigests 0}}', moving).split('@')[1];
  const deploying = startAction(stackInputs({ image: moving, 'release-command': 'sleep\n3' }));
  await waitFor('the release command', releaseRunning);
  // A push of another build under the same tag, and a pull of it on the server, during the release.
  docker('tag', image('v3'), moving);
  docker('push', '--quiet', moving);
  const run = await deploying.done;
  expect(run.code).toBe(0);
  expect(await nginxGet()).toMatchObject({ status: 200, body: 'v2', upstream: `127.0.0.1:${run.outputs.port}` });
  expect(run.outputs['image-digest']).toBe(v2Digest);
  expect(run.outputs.image).toBe(moving);
  expect(docker('inspect', '--format', '{{.Config.Image}}', run.outputs.container)).toBe(
    `${stack.imageRepo}@${v2Digest}`,
  );
});

test('a neighbouring deployment pulled an image and has not started it when this one prunes: it is kept, both deploys succeed', async () => {
  // An image of the same repository that no container and no history names, only on this server.
  const fresh = image(`neighbour-${Date.now()}`);
  docker('pull', '--quiet', image('v3'));
  execFileSync('docker', ['build', '--quiet', '--tag', fresh, '-'], {
    input: `FROM ${image('v3')}\nLABEL test.neighbour=${fresh}\n`,
  });
  const staged = startAction(staging(fresh, { pull: 'never', 'release-command': 'sleep\n4' }));
  await waitFor("staging's release command", releaseRunning);
  const production = await runAction(stackInputs({ image: image('v2'), 'keep-images': '1' }));
  const stagingRun = await staged.done;
  expect(production.code).toBe(0);
  expect(production.summary).toContain(
    `old images kept this time: ${stack.staging.redisKey} is deploying on this server`,
  );
  if (stagingRun.code !== 0) throw new Error(failureMessage(stagingRun));
  expect(await nginxGet(stack.staging.nginxUrl)).toMatchObject({
    status: 200,
    body: 'v3',
    upstream: `127.0.0.1:${stagingRun.outputs.port}`,
  });
  // Once nobody deploys, the next deploy prunes again.
  const next = await deployOk(stackInputs({ image: image('v1'), 'keep-images': '1' }));
  expect(next.summary).not.toContain('old images kept this time');
});

test("another local user's process called confd, or calling itself a shutting-down nginx worker, steers nothing", async () => {
  execFileSync('sh', [
    '-c',
    'rm -rf /tmp/dhd-evil && mkdir -p /tmp/dhd-evil/conf.d && for r in a b; do printf "[template]\\nkeys = [\\"/\\"]\\n" > /tmp/dhd-evil/conf.d/$r.toml; done && chmod -R a+rX /tmp/dhd-evil',
  ]);
  for (const name of ['confd -backend redis -confdir /tmp/dhd-evil', 'nginx: worker process is shutting down']) {
    execFileSync('sh', [
      '-c',
      `runuser -u nobody -- bash -c 'exec -a "$1" sleep 300' bash "${name}" >/dev/null 2>&1 &`,
    ]);
  }
  await waitFor(
    "the other user's processes",
    () =>
      execFileSync('sh', ['-c', 'ps -u nobody -o args= || true'])
        .toString()
        .split('\n')
        .filter((l) => /dhd-evil|shutting down/.test(l)).length === 2,
  );
  try {
    const run = await runAction(stackInputs({ image: image('v3'), 'drain-timeout': '15s' }));
    expect(run.code).toBe(0);
    // Neither a second confd rendering the key (with two resources) nor a drain held up to drain-timeout.
    expect(run.stdout).not.toMatch(/::warning::.*(confd|drain-timeout)/);
    expect(run.summary).toMatch(/\| ✅ drain \| [\d.]+ s \| no connection to :\d+ left \|/);
    expect(run.wallSeconds).toBeLessThan(15);
  } finally {
    execFileSync('pkill', ['-u', 'nobody', '-f', 'dhd-evil|shutting down']);
  }
});
