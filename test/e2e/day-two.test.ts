// Day two, as the on-call person runs it: `docker-hot-deploy doctor | status | history | unlock`
// (dist/cli under Node 24) with the same inputs as the deploy, as DHD_* variables, against
// the stack's server and the three simulated ones.
import { expect } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { envName } from '../../src/cli/cli.js';
import type { ServerStatus } from '../../src/operate/day-two.js';
import type { Check, ServerDoctor } from '../../src/operate/doctor-checks.js';
import { deployOk, failureMessage, runAction, startAction } from '../support/action.js';
import { startCli, type CliRun } from '../support/cli.js';
import { resetServers, serverImage, servers, serversInputs } from '../support/servers.js';
import {
  appContainers,
  docker,
  image,
  keyValue,
  lockKey,
  lockValue,
  nginxGet,
  resetStack,
  restartStack,
  stackInfo,
  stackInputs,
  stopWatcher,
  waitFor,
} from '../support/stack.js';

const stack = stackInfo();

/** The CLI's `command` with a deploy's inputs as DHD_* variables (no image or container-port needed). */
function dayTwo(command: string, inputs: Record<string, string>, args: string[] = []): Promise<CliRun> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(inputs))
    if (!['image', 'container-port', 'bake-time'].includes(name)) env[envName(name)] = value;
  return startCli([command, ...args], env).done;
}
const statusOf = async (inputs: Record<string, string>): Promise<ServerStatus[]> => {
  const run = await dayTwo('status', inputs, ['--json']);
  expect(run.code).toBe(0);
  return (JSON.parse(run.stdout) as { servers: ServerStatus[] }).servers;
};
const doctorOf = async (inputs: Record<string, string>): Promise<{ code: number | null; servers: ServerDoctor[] }> => {
  const run = await dayTwo('doctor', inputs, ['--json']);
  return { code: run.code, servers: (JSON.parse(run.stdout) as { servers: ServerDoctor[] }).servers };
};
const verdicts = (checks: Check[]): Record<string, string> =>
  Object.fromEntries(checks.map((c) => [c.check, c.verdict]));
/** What status must not change. */
const untouched = async (): Promise<unknown> => ({
  key: await keyValue(),
  lock: await lockValue(),
  containers: appContainers(),
  answer: await nginxGet(),
});

describe('status and history on the stack', () => {
  beforeAll(async () => {
    await resetStack();
  });

  test('after a deploy and after a rollback: what nginx serves, the key, the containers, the releases; nothing changed', async () => {
    const v1 = await deployOk(stackInputs({ image: image('v1') }));
    const v2 = await deployOk(stackInputs({ image: image('v2') }));
    const before = await untouched();
    const [deployed] = await statusOf(stackInputs());
    expect(await untouched()).toEqual(before);
    expect(deployed.serving).toBe(v2.outputs.container);
    expect(deployed.nginx).toMatchObject({ status: 200, upstream: `127.0.0.1:${v2.outputs.port}` });
    expect(deployed.key).toEqual({ name: stack.redisKey, value: v2.outputs.port });
    expect(deployed.containers.find((c) => c.serving)).toMatchObject({
      name: v2.outputs.container,
      state: 'running',
      image: image('v2'),
      ports: [Number(v2.outputs.port)],
    });
    expect(deployed.locks).toEqual([]);
    expect(deployed.releases.map((r) => [r.outcome, r.image])).toEqual([
      ['deployed', image('v2')],
      ['deployed', image('v1')],
    ]);
    expect(deployed.releases[0].digest).toBe(v2.outputs['image-digest']);

    const back = await deployOk(stackInputs({ rollback: 'true' }));
    const [rolledBack] = await statusOf(stackInputs());
    expect(rolledBack.serving).toBe(back.outputs.container);
    // A rollback runs the release by its digest, and names it so.
    const v1ByDigest = `${stack.imageRepo}@${v1.outputs['image-digest']}`;
    expect(rolledBack.containers.find((c) => c.serving)?.image).toBe(v1ByDigest);
    expect(rolledBack.releases[0]).toMatchObject({
      outcome: 'rolled back',
      image: v1ByDigest,
      digest: v1.outputs['image-digest'],
    });

    const text = await dayTwo('status', stackInputs());
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`  nginx       200 from 127.0.0.1:${back.outputs.port} → ${back.outputs.container}`);
    expect(text.stdout).toContain('  lock        free');
    const history = await dayTwo('history', stackInputs(), ['--limit', '2']);
    expect(history.code).toBe(0);
    expect(
      history.stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.trim().split(/\s+/)[2]),
    ).toEqual(['rolled', 'deployed']);
  });
});

describe('unlock', () => {
  test('refuses a lock a running deploy renews (the deploy goes on and succeeds); --owner must name the holder', async () => {
    const running = startAction(stackInputs({ image: image('v2'), 'bake-time': '25s' }));
    await waitFor('the deploy to take its lock', async () => (await lockValue()) !== null);
    const holder = await lockValue();
    const wrongOwner = await dayTwo('unlock', stackInputs(), ['--owner', 'somebody else']);
    expect(wrongOwner.code).toBe(1);
    expect(wrongOwner.stderr).toContain('not by the --owner given');
    const forced = await dayTwo('unlock', stackInputs(), ['--force']);
    expect(forced.code).toBe(1);
    expect(forced.stderr).toContain('is still renewed by its holder: a deploy is running. Nothing released');
    expect(await lockValue()).toBe(holder);
    expect((await running.done).code).toBe(0);
  });

  test("releases a dead deploy's lock with --force only by waiting for it to expire; one no deploy would leave after watching it, or at once with --owner", async () => {
    const dead = 'acme/web run 9 deploying web:3 [20261207040000-dead]';
    const setLock = (ttlMs: number): void => {
      execFileSync('redis-cli', ['-p', String(stack.redisPort), 'SET', lockKey(), dead, 'PX', String(ttlMs)]);
    };
    setLock(600_000);
    const named = await dayTwo('unlock', stackInputs());
    expect(named.code).toBe(1);
    expect(named.stderr).toContain(`is held by "${dead}": name it with --owner`);
    const forced = await dayTwo('unlock', stackInputs(), ['--force', '--json']);
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({
      ok: true,
      servers: [
        { locks: [{ lock: lockKey(), free: true, message: expect.stringContaining('did not renew it for 15 s') }] },
      ],
    });
    expect(await lockValue()).toBeNull();
    // A deploy's time to live (a deploy killed hard): never deleted, waited out.
    setLock(6_000);
    const started = Date.now();
    const expired = await dayTwo('unlock', stackInputs(), ['--force']);
    expect(expired.code).toBe(0);
    expect(expired.stderr).toContain('expired: its holder was gone');
    expect(Date.now() - started).toBeLessThan(12_000);
    setLock(600_000);
    expect((await dayTwo('unlock', stackInputs(), ['--owner', dead])).code).toBe(0);
    expect(await lockValue()).toBeNull();
    // Nothing held: nothing to do, and that is success.
    expect((await dayTwo('unlock', stackInputs(), ['--force'])).code).toBe(0);
  });
});

describe('doctor', () => {
  test("on a server set up as the README says, after a deploy: every check passes, with the bake's access-log; nothing changed", async () => {
    await resetStack();
    await deployOk(stackInputs({ image: image('v1') }));
    const before = await untouched();
    const {
      code,
      servers: [server],
    } = await doctorOf(stackInputs({ 'access-log': stack.accessLog }));
    expect(await untouched()).toEqual(before);
    expect(code).toBe(0);
    expect(verdicts(server.checks)).toEqual({
      ssh: 'pass',
      tools: 'pass',
      docker: 'pass',
      redis: 'pass',
      notifications: 'pass',
      persistence: 'pass',
      lock: 'pass',
      confd: 'pass',
      render: 'pass',
      nginx: 'pass',
      deployment: 'pass',
      ports: 'pass',
      disk: expect.stringMatching(/^(pass|warn)$/),
      'access-log': 'pass',
    });
  });

  test('confd stopped, notifications off, the header map missing, the deploy user out of the docker group: each named with its fix, in one run, exit 1; nothing changed', async () => {
    const config = `${stack.dir}/nginx.conf`;
    try {
      await stopWatcher();
      execFileSync('redis-cli', ['-p', String(stack.redisPort), 'CONFIG', 'SET', 'notify-keyspace-events', '']);
      // nginx without the map that gives the probe (from 127.0.0.1) the upstream header.
      execFileSync('sed', [
        '-i',
        's|include .*app-upstream-header.conf;|map $remote_addr $app_upstream_header { default ""; }|',
        config,
      ]);
      execFileSync('nginx', ['-c', config, '-s', 'reload']);
      execFileSync('gpasswd', ['-d', stack.username, 'docker']);
      await waitFor('nginx without the upstream header', async () => (await nginxGet()).upstream === undefined, 10_000);
      const before = await untouched();
      const {
        code,
        servers: [server],
      } = await doctorOf(stackInputs());
      const text = await dayTwo('doctor', stackInputs());
      expect(await untouched()).toEqual(before);
      expect(code).toBe(1);
      expect(text.code).toBe(1);
      const failed = Object.fromEntries(server.checks.filter((c) => c.verdict === 'fail').map((c) => [c.check, c]));
      expect(Object.keys(failed).sort()).toEqual(['confd', 'docker', 'nginx', 'notifications']);
      expect(failed.docker).toMatchObject({
        detail: `${stack.username} may not use Docker on the server`,
        fix: expect.stringContaining(`usermod -aG docker ${stack.username}`),
      });
      expect(failed.confd).toMatchObject({
        detail: expect.stringContaining(`no running confd renders ${stack.redisKey}`),
        fix: expect.stringContaining('systemctl start confd'),
      });
      expect(failed.notifications.fix).toContain('notify-keyspace-events K$g');
      expect(failed.nginx).toMatchObject({
        detail: expect.stringContaining('without the X-Upstream header'),
        fix: expect.stringContaining('app-upstream-header.conf'),
      });
      // What still works is still checked: Redis, the ports (those stopped containers publish unknown without Docker).
      expect(verdicts(server.checks)).toMatchObject({ ssh: 'pass', redis: 'pass', ports: 'warn' });
      expect(text.stdout).toContain(`✗ docker`);
      expect(text.stdout).toContain(`fix: add it to the docker group (sudo usermod -aG docker ${stack.username})`);
      expect(text.stdout).toMatch(
        /^4 checks failed, 1 warning on 1 server: a deploy fails or cannot switch until they are fixed\.$/m,
      );
    } finally {
      execFileSync('redis-cli', ['-p', String(stack.redisPort), 'CONFIG', 'SET', 'notify-keyspace-events', 'K$g']);
      // up.sh puts the deploy user back in the docker group, writes nginx.conf again and starts the watcher.
      restartStack();
    }
    expect((await doctorOf(stackInputs())).code).toBe(0);
  });
});

describe("the Action's command input", () => {
  /** The inputs of a workflow step that runs `command` (no image, no container-port). */
  const step = (command: string, overrides: Record<string, string> = {}): Record<string, string> => {
    const inputs = stackInputs({ command, ...overrides });
    delete inputs.image;
    delete inputs['container-port'];
    return inputs;
  };

  test('doctor before a deploy: the checks as a table in the summary and as the report output; a failed check fails the step', async () => {
    await resetStack();
    const ok = await runAction(step('doctor'));
    expect(ok.code).toBe(0);
    const report = JSON.parse(ok.outputs.report) as { ok: boolean; servers: ServerDoctor[] };
    expect(report.ok).toBe(true);
    expect(verdicts(report.servers[0].checks)).toMatchObject({
      docker: 'pass',
      redis: 'pass',
      confd: 'pass',
      nginx: 'warn',
    });
    expect(ok.summary).toContain('## docker-hot-deploy doctor: Ready to deploy on 1 server');
    expect(ok.summary).toContain('| ✅ | docker | Docker ');
    expect(ok.stdout).toContain('✓ confd');

    // nginx sends no header of that name: the deploy could not prove a switch.
    const failing = await runAction(step('doctor', { 'upstream-header': 'X-Not-Sent' }));
    expect(failing.code).toBe(1);
    expect(failureMessage(failing)).toMatch(/^1 check failed on 1 server/);
    expect(failing.summary).toMatch(
      /\| ❌ \| nginx \| .* without the X-Not-Sent header.* \| include examples\/host\/nginx\/app-upstream-header\.conf/,
    );
    expect(JSON.parse(failing.outputs.report)).toMatchObject({ ok: false });
    // Nothing for a post step to clean up, as it learns without loading the cleanup.
    expect(failing.state).toEqual({ finished: 'true' });
  });

  test('status after a deploy: what serves, as tables and as the report output', async () => {
    const v1 = await deployOk(stackInputs({ image: image('v1') }));
    const run = await runAction(step('status'));
    expect(run.code).toBe(0);
    const report = JSON.parse(run.outputs.report) as { ok: boolean; servers: ServerStatus[] };
    expect(report.servers[0].serving).toBe(v1.outputs.container);
    expect(run.summary).toContain(`| nginx | 200 from 127.0.0.1:${v1.outputs.port} → ${v1.outputs.container} |`);
    expect(run.summary).toContain(`● ${v1.outputs.container}`);
    expect(run.summary).toContain('**Last releases of this deployment**');
  });
});

describe('progress of long work', () => {
  test('a 200 MB pull over a slow link: its layers and bytes every few seconds, then its size and time; a long release command: its last line', async () => {
    await resetStack();
    // Not on the server yet: every byte comes from the registry.
    execFileSync('docker', ['image', 'rm', '--force', image('large')], { stdio: 'ignore' });
    const registry = Number(readFileSync(`${stack.dir}/registry.pid`, 'utf8'));
    const running = startAction(
      stackInputs({
        image: image('large'),
        'release-command': 'sh\n-c\necho migrating step 1; sleep 4; echo migrated',
      }),
    );
    // A slow link: the registry runs a twentieth of the time while the pull runs.
    let pulling = true;
    const slowLink = (async () => {
      while (pulling) {
        process.kill(registry, 'SIGSTOP');
        await sleep(1900);
        process.kill(registry, 'SIGCONT');
        await sleep(100);
      }
    })();
    try {
      await waitFor('the pull to end', () => running.output().includes('::group::release'), 120_000);
    } finally {
      pulling = false;
      await slowLink;
      process.kill(registry, 'SIGCONT');
    }
    const run = await running.done;
    expect(run.code).toBe(0);
    const lines = [
      ...run.stdout.matchAll(/^pulling \S+:large: (\d+)\/(\d+) layers, ([\d.]+) MB of ([\d.]+) MB \((\d+) s\)$/gm),
    ];
    expect(lines.length).toBeGreaterThanOrEqual(2);
    // The bytes grow, of the two 100 MB layers the base image lacks (as the registry holds them); each
    // layer's size counts once Docker gives it, as its download begins.
    const increasing = (values: number[]): void => expect(values).toEqual([...values].sort((a, b) => a - b));
    increasing(lines.map((m) => Number(m[3])));
    increasing(lines.map((m) => Number(m[4])));
    expect(Number(lines.at(-1)?.[4])).toBeGreaterThanOrEqual(200);
    expect(Number(lines.at(-1)?.[4])).toBeLessThan(202);
    // At most one a few seconds: no more lines than the pull had seconds to fill.
    const seconds = Number(lines.at(-1)?.[5]);
    expect(lines.length).toBeLessThanOrEqual(seconds / 3 + 1);
    expect(run.summary).toMatch(/\| ✅ pull \| [\d.]+ s \| \S+:large sha256:\w+, 20[01]\.\d MB in \d+ s \|/);
    expect(run.stdout).toMatch(
      /^the release command runs \(\d+ s so far, at most 600 s: release-timeout\); its last line: migrating step 1$/m,
    );
  }, 180_000);

  test('a key restricted with no-pty: the pull goes on without a terminal (its layers counted, not its bytes)', async () => {
    const authorized = `/home/${stack.username}/.ssh/authorized_keys`;
    const keys = readFileSync(authorized, 'utf8');
    try {
      writeFileSync(
        authorized,
        keys
          .split('\n')
          .map((line) => (line.trim() ? `no-pty ${line}` : line))
          .join('\n'),
      );
      // Not on the server: it is pulled, not found.
      execFileSync('docker', ['image', 'rm', '--force', image('v2')], { stdio: 'ignore' });
      const run = await deployOk(stackInputs({ image: image('v2') }));
      expect(run.summary).toMatch(/\| ✅ pull \| [\d.]+ s \| \S+:v2 sha256:\w+ \|/);
      expect(await nginxGet()).toMatchObject({ status: 200, body: 'v2' });
    } finally {
      writeFileSync(authorized, keys);
    }
  });

  afterAll(async () => {
    // 200 MB the other tests do not need.
    await resetStack();
    docker('image', 'rm', '--force', image('large'));
  });
});

test('status on three servers: each serves the release just deployed', async () => {
  await resetServers();
  const run = await deployOk(serversInputs({ image: serverImage('v1') }));
  const deployed = JSON.parse(run.outputs.servers) as Array<{ container: string; port: string }>;
  const statuses = await statusOf(serversInputs());
  expect(statuses.map((s) => s.server)).toEqual(servers().map((s) => s.host));
  statuses.forEach((s, i) => {
    expect(s.serving).toBe(deployed[i].container);
    expect(s.key.value).toBe(String(deployed[i].port));
    expect(s.containers.find((c) => c.serving)?.image).toBe(serverImage('v1'));
    expect(s.releases[0]).toMatchObject({ outcome: 'deployed', image: serverImage('v1') });
  });
  // The doctor reads each of them too, side by side.
  const { code, servers: checked } = await doctorOf(serversInputs());
  expect(code).toBe(0);
  expect(checked.map((s) => s.server)).toEqual(servers().map((s) => s.host));
  checked.forEach((s) => expect(s.checks.filter((c) => c.verdict === 'fail')).toEqual([]));
});
