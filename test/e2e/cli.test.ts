// The CLI as a GitLab CI job or a laptop runs it: `node dist/cli/index.js deploy`
// under Node 24, inputs as flags and DHD_* variables, against the real stack.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startCli as startCliWith, type CliRun, type RunningCli } from '../support/cli.js';
import { describeLoad, duringLoad, failures } from '../support/load.js';
import {
  appContainers,
  image,
  keyValue,
  lockValue,
  nginxGet,
  resetStack,
  stackInfo,
  waitFor,
} from '../support/stack.js';

const stack = stackInfo();
const privateKey = readFileSync(stack.privateKeyPath, 'utf8');

/** The CLI's deploy with the stack's server as flags and the private key in DHD_PRIVATE_KEY, as a CI job would. */
const startCli = (args: string[], env: Record<string, string> = {}): RunningCli =>
  startCliWith(
    [
      'deploy',
      '--host',
      stack.host,
      '--port',
      String(stack.sshPort),
      '--username',
      stack.username,
      '--host-fingerprint',
      stack.hostFingerprint,
      '--container-port',
      '8080',
      '--redis-url',
      stack.redisUrl,
      '--redis-key',
      stack.redisKey,
      ...args,
    ],
    { DHD_PRIVATE_KEY: privateKey, DHD_BAKE_TIME: '0s', ...env },
  );
const cli = (args: string[], env: Record<string, string> = {}): Promise<CliRun> => startCli(args, env).done;

beforeAll(async () => {
  await resetStack();
  expect((await cli(['--image', image('v1')])).code).toBe(0);
});

test('v1 -> v2 under load: zero failed requests, a JSON result for scripts, no secret printed, INPUT_* ignored', async () => {
  const { result: run, load } = await duringLoad(stack.nginxUrl, () =>
    cli(['--image', image('v2'), '--json'], { INPUT_IMAGE: image('v3') }),
  );
  console.log(`CLI v1 -> v2: ${describeLoad(load)}`);
  expect(run.code).toBe(0);
  expect(failures(load)).toBe(0);
  const result = JSON.parse(run.stdout) as {
    ok: boolean;
    outputs: Record<string, string>;
    timeline: Array<{ phase: string }>;
  };
  expect(result.ok).toBe(true);
  expect(result.outputs.image).toBe(image('v2'));
  expect(result.timeline.map((p) => p.phase)).toEqual([
    'lock',
    'inspect',
    'pull',
    'start',
    'ready',
    'switch',
    'drain',
    'retire',
  ]);
  expect(await nginxGet()).toMatchObject({ status: 200, body: 'v2', upstream: `127.0.0.1:${result.outputs.port}` });
  expect(run.stderr).toMatch(/✓ switch +[\d.]+ s/);
  expect(`${run.stdout}${run.stderr}`).not.toContain(privateKey.split('\n')[1]);
});

test('bad input: exit 2, the input named, nothing done', async () => {
  const before = await keyValue();
  const run = await cli(['--image', image('v3'), '--health-timeout', 'soon']);
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(
    /^Invalid inputs \(nothing was done on the server\):\n {2}- health-timeout: "soon" is not a duration/,
  );
  expect(await keyValue()).toBe(before);
  expect((await cli(['--no-such-input', 'x'])).code).toBe(2);
});

test('a failed deploy: exit 3, the previous version serves', async () => {
  const before = { answer: await nginxGet(), containers: appContainers() };
  const run = await cli(['--image', image('crash')]);
  expect(run.code).toBe(3);
  expect(run.stderr).toContain('ready failed: the container exited with code 3');
  expect(run.stderr).toContain('hello: cannot start: DATABASE_URL is not set');
  expect({ answer: await nginxGet(), containers: appContainers() }).toEqual(before);
});

test('Ctrl-C during the ready check: the deploy stops at its next step and undoes what it did (lock released, new container removed), exit 130', async () => {
  const before = { answer: await nginxGet(), containers: appContainers() };
  const running = startCli([
    '--image',
    image('error500'),
    '--health-path',
    '/cgi-bin/health',
    '--health-timeout',
    '60s',
  ]);
  await waitFor('the ready check', () => running.stderr().includes('… ready'));
  running.child.kill('SIGINT');
  const run = await running.done;
  expect(run.code).toBe(130);
  expect(run.stderr).toContain('ready failed: the deploy was interrupted (asked to stop)');
  expect(await lockValue()).toBeNull();
  expect({ answer: await nginxGet(), containers: appContainers() }).toEqual(before);
});

test('Ctrl-C during the bake: the deploy stops, switches back, proves it and removes the new container; 0 failed requests, exit 130', async () => {
  const before = { answer: await nginxGet(), containers: appContainers() };
  const { result: run, load } = await duringLoad(stack.nginxUrl, async () => {
    const running = startCli(['--image', image('v3')], { DHD_BAKE_TIME: '60s' });
    await waitFor('the bake', () => running.stderr().includes('… bake'));
    running.child.kill('SIGINT');
    return running.done;
  });
  console.log(`CLI Ctrl-C during the bake: ${describeLoad(load)}`);
  expect(run.code).toBe(130);
  expect(run.stderr).toContain('bake failed: the deploy was interrupted (asked to stop)');
  expect(failures(load)).toBe(0);
  expect(await lockValue()).toBeNull();
  expect({ answer: await nginxGet(), containers: appContainers() }).toEqual(before);
});

describe('a registry that stops answering (its process stopped: connections hang)', () => {
  const registry = (): number => Number(readFileSync(`${stack.dir}/registry.pid`, 'utf8'));
  beforeEach(() => process.kill(registry(), 'SIGSTOP'));
  afterEach(() => process.kill(registry(), 'SIGCONT'));
  const loginDirsLeft = (): string =>
    execFileSync('find', ['/tmp', '-maxdepth', '1', '-user', stack.username, '-name', 'docker-hot-deploy.*'])
      .toString()
      .trim();

  test('the SSH connection dropped during a logged-in pull: the CLI removes the registry login and releases the lock on its way out', async () => {
    const before = { answer: await nginxGet(), containers: appContainers() };
    const running = startCli(
      ['--image', image('v2'), '--registry', '127.0.0.1:5000', '--registry-username', 'ci', '--verbose'],
      { DHD_REGISTRY_PASSWORD: 'not-a-real-password' },
    );
    await waitFor('the registry login', () => /\$ docker --config \S+ login/.test(running.stderr()));
    execFileSync('pkill', ['-KILL', '-f', '^sshd: deploy']);
    const run = await running.done;
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/failed: the SSH connection to the server was lost/);
    const removed = /Removed the registry login in (\/tmp\/docker-hot-deploy\.\w{10})\./.exec(run.stderr)?.[1];
    expect(removed).toBeDefined();
    // The login the dropped connection left hanging was stopped with it: the registry answering
    // again does not write the credentials back.
    process.kill(registry(), 'SIGCONT');
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(loginDirsLeft()).not.toContain(removed);
    expect(await lockValue()).toBeNull();
    expect({ answer: await nginxGet(), containers: appContainers() }).toEqual(before);
  });
});

test('Docker hung on the server past timeout: the CLI gives up after timeout and its grace, as the Action does, and exits 1', async () => {
  const dockerd = Number(readFileSync(`${stack.dir}/dockerd.pid`, 'utf8'));
  const before = { answer: await nginxGet(), key: await keyValue() };
  // Stopped, dockerd answers nothing (each docker command waits for its own 60 s timeout); the containers serve on.
  process.kill(dockerd, 'SIGSTOP');
  const started = Date.now();
  try {
    const run = await cli(['--image', image('v2'), '--timeout', '5s']);
    console.log(`Docker hung, timeout 5 s: the CLI exited after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'The deploy did not finish within timeout (5 s): stopping it and cleaning up as a cancelled run does.',
    );
    expect(Date.now() - started).toBeLessThan(50_000);
  } finally {
    process.kill(dockerd, 'SIGCONT');
  }
  expect(await lockValue()).toBeNull();
  expect({ answer: await nginxGet(), key: await keyValue() }).toEqual(before);
});
