// Day two, as the on-call person runs it: `docker-hot-deploy status | history | unlock`
// (dist/cli under Node 24) with the same inputs as the deploy, as DHD_* variables, against
// the stack's server and the three simulated ones.
import { execFileSync } from 'node:child_process';
import { envName } from '../../src/cli.js';
import type { ServerStatus } from '../../src/day-two.js';
import { deployOk, startAction } from '../support/action.js';
import { startCli, type CliRun } from '../support/cli.js';
import { resetServers, serverImage, servers, serversInputs } from '../support/servers.js';
import { appContainers, image, keyValue, lockKey, lockValue, nginxGet, resetStack, stackInfo, stackInputs, waitFor } from '../support/stack.js';

const stack = stackInfo();

/** The CLI's `command` with a deploy's inputs as DHD_* variables (no image or container-port needed). */
function dayTwo(command: string, inputs: Record<string, string>, args: string[] = []): Promise<CliRun> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(inputs)) if (!['image', 'container-port', 'bake-time'].includes(name)) env[envName(name)] = value;
  return startCli([command, ...args], env).done;
}
const statusOf = async (inputs: Record<string, string>): Promise<ServerStatus[]> => {
  const run = await dayTwo('status', inputs, ['--json']);
  expect(run.code).toBe(0);
  return (JSON.parse(run.stdout) as { servers: ServerStatus[] }).servers;
};
/** What status must not change. */
const untouched = async (): Promise<unknown> => ({ key: await keyValue(), lock: await lockValue(), containers: appContainers(), answer: await nginxGet() });

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
    expect(deployed.containers.find((c) => c.serving)).toMatchObject({ name: v2.outputs.container, state: 'running', image: image('v2'), ports: [Number(v2.outputs.port)] });
    expect(deployed.locks).toEqual([]);
    expect(deployed.releases.map((r) => [r.outcome, r.image])).toEqual([['deployed', image('v2')], ['deployed', image('v1')]]);
    expect(deployed.releases[0].digest).toBe(v2.outputs['image-digest']);

    const back = await deployOk(stackInputs({ rollback: 'true' }));
    const [rolledBack] = await statusOf(stackInputs());
    expect(rolledBack.serving).toBe(back.outputs.container);
    // A rollback runs the release by its digest, and names it so.
    const v1ByDigest = `${stack.imageRepo}@${v1.outputs['image-digest']}`;
    expect(rolledBack.containers.find((c) => c.serving)?.image).toBe(v1ByDigest);
    expect(rolledBack.releases[0]).toMatchObject({ outcome: 'rolled back', image: v1ByDigest, digest: v1.outputs['image-digest'] });

    const text = await dayTwo('status', stackInputs());
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`  nginx       200 from 127.0.0.1:${back.outputs.port} → ${back.outputs.container}`);
    expect(text.stdout).toContain('  lock        free');
    const history = await dayTwo('history', stackInputs(), ['--limit', '2']);
    expect(history.code).toBe(0);
    expect(history.stdout.trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/)[2])).toEqual(['rolled', 'deployed']);
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
    const setLock = (ttlMs: number): void => { execFileSync('redis-cli', ['-p', String(stack.redisPort), 'SET', lockKey(), dead, 'PX', String(ttlMs)]); };
    setLock(600_000);
    const named = await dayTwo('unlock', stackInputs());
    expect(named.code).toBe(1);
    expect(named.stderr).toContain(`is held by "${dead}": name it with --owner`);
    const forced = await dayTwo('unlock', stackInputs(), ['--force', '--json']);
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({ ok: true, servers: [{ locks: [{ lock: lockKey(), free: true, message: expect.stringContaining('did not renew it for 15 s') }] }] });
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
});
