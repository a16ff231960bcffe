// Several servers, all or nothing, end to end: dist/ under Node 24 against three
// simulated servers (each its own dockerd, sshd, Redis, nginx and confd in its
// own namespaces), under load through every server's nginx.
import { expect } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { runAction, startAction, type ActionRun } from '../support/action.js';
import { describeLoad, duringLoads, failures, type LoadReport } from '../support/load.js';
import {
  resetServers,
  restartServers,
  serverContainers,
  serverGet,
  serverImage,
  serverKey,
  serverLock,
  servers,
  serversInputs,
  stopServerConfd,
  writeServerFile,
  type SimulatedServer,
} from '../support/servers.js';
import { stackInfo, waitFor } from '../support/stack.js';

const ENV_FILE = '/home/deploy/app.env';
/** Through each server's nginx: three loads and three servers share this machine's cores. */
const LOAD = { kind: 'new-connection', ratePerSecond: 30, workers: 4 } as const;

/** A deploy to every server while a load runs through each one's nginx. */
async function deployUnderLoad(
  version: string,
  extra: Record<string, string> = {},
): Promise<{ run: ActionRun; loads: LoadReport[] }> {
  const { result: run, loads } = await duringLoads(
    servers().map((s) => s.nginxUrl),
    () => runAction(serversInputs({ image: serverImage(version), ...extra })),
    LOAD,
  );
  loads.forEach((load, i) => console.log(`${servers()[i].host}: ${describeLoad(load)}`));
  return { run, loads };
}

/** What every server serves, and the one container each runs. */
async function expectEveryServer(version: string): Promise<void> {
  for (const server of servers()) {
    const answer = await serverGet(server);
    expect([server.host, answer.status, answer.body]).toEqual([server.host, 200, version]);
    expect(serverContainers(server)).toEqual([{ name: expect.any(String), state: 'running' }]);
    expect(serverLock(server)).toBe('');
  }
}

const snapshot = (server: SimulatedServer): { key: string; containers: Array<{ name: string; state: string }> } => ({
  key: serverKey(server),
  containers: serverContainers(server),
});

describe('several servers on the real stack', () => {
  beforeAll(async () => {
    await resetServers();
    for (const server of servers()) writeServerFile(server, 'app.env', '');
    const run = await runAction(serversInputs({ image: serverImage('v1') }));
    if (run.code !== 0) throw new Error(run.stdout);
    await expectEveryServer('v1');
  });

  test('v1 -> v2, batch 1: zero failed requests on every server, a result per server', async () => {
    const { run, loads } = await deployUnderLoad('v2');
    expect(run.code).toBe(0);
    for (const load of loads) {
      expect(load.sent).toBeGreaterThan(50);
      expect(failures(load)).toBe(0);
      expect(load.bodies.v2).toBeGreaterThan(0);
    }
    await expectEveryServer('v2');
    const results = JSON.parse(run.outputs.servers) as Array<Record<string, string>>;
    expect(results.map((r) => r.server)).toEqual(servers().map((s) => s.host));
    for (const [i, server] of servers().entries()) expect(serverKey(server)).toBe(results[i].port);
    expect(run.outputs.container).toBe(results[0].container);
    expect(run.summary).toContain(`is live on ${servers().length} servers`);
    expect(run.summary.match(/^\| ✅ switch \| [\d.]+ s \| batch \d of 3: /gm)).toHaveLength(3);
    console.log(`three servers, batch 1: deploy ${run.outputs['duration-seconds']} s`);
  });

  test('v2 -> v3, all at once (batch-size 100%): zero failed requests', async () => {
    const { run, loads } = await deployUnderLoad('v3', { 'batch-size': '100%' });
    expect(run.code).toBe(0);
    for (const load of loads) expect(failures(load)).toBe(0);
    await expectEveryServer('v3');
    expect(run.summary.match(/^\| ✅ switch \| [\d.]+ s \| batch 1 of 1: /gm)).toHaveLength(1);
    console.log(`three servers, all at once: deploy ${run.outputs['duration-seconds']} s`);
  });

  test("the third server's new container never gets ready: nothing switched anywhere, every new container removed", async () => {
    const [, , third] = servers();
    writeServerFile(third, 'app.env', 'UNREADY=the database is unreachable from this server\n');
    const before = servers().map(snapshot);
    try {
      const { run, loads } = await deployUnderLoad('v2', { 'env-file': ENV_FILE });
      expect(run.code).not.toBe(0);
      // Docker may have restarted it already (restart: unless-stopped): the code is said either way.
      expect(run.stdout).toContain(`${third.host}: ready failed: the container exited with code 3`);
      expect(run.stdout).toContain('hello: cannot start: the database is unreachable from this server');
      expect(run.stdout).not.toMatch(/::warning::/);
      for (const load of loads) {
        expect(failures(load)).toBe(0);
        expect(Object.keys(load.bodies)).toEqual(['v3']);
      }
      expect(servers().map(snapshot)).toEqual(before);
      await expectEveryServer('v3');
    } finally {
      writeServerFile(third, 'app.env', '');
    }
  });

  test("the third server's switch fails after the first two switched: they are switched back, proven, and all serve the old version", async () => {
    const [, , third] = servers();
    stopServerConfd(third);
    const before = servers().map(snapshot);
    try {
      const { run, loads } = await deployUnderLoad('v2', { 'switch-timeout': '3s' });
      expect(run.code).not.toBe(0);
      expect(run.stdout).toContain(`${third.host}: switch failed: nginx did not serve port`);
      expect(run.stdout).toMatch(/no confd process runs on the server/);
      for (const load of loads) expect(failures(load)).toBe(0);
      // The first two served v2 for a moment, and serve v3 again.
      expect(loads[0].bodies.v2).toBeGreaterThan(0);
      expect(loads[2].bodies.v2).toBeUndefined();
      expect(run.summary).toMatch(/\| ✅ undo \|/);
      expect(servers().map(snapshot)).toEqual(before);
      await expectEveryServer('v3');
    } finally {
      restartServers();
    }
  });

  test('batch 1 with a bake: the first server takes traffic with a broken version and is switched back; the others never switch', async () => {
    const [first] = servers();
    const before = servers().map(snapshot);
    const serving = (await serverGet(first)).body;
    const { run, loads } = await deployUnderLoad('broken', {
      'bake-time': '30s',
      'access-log': stackInfo().accessLog,
      'health-path': '/cgi-bin/health',
      'probe-url': 'http://127.0.0.1/cgi-bin/health',
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`${first.host.replace(/\./g, '\\.')}: bake failed: .*5xx`));
    // The canary's users saw the broken version until the bake caught it; nobody else did.
    expect(loads[0].non2xx).toBeGreaterThan(0);
    for (const load of loads.slice(1)) {
      expect(failures(load)).toBe(0);
      expect(Object.keys(load.bodies)).toEqual([serving]);
    }
    expect(servers().map(snapshot)).toEqual(before);
    await expectEveryServer(serving);
  });

  test('a second deploy started meanwhile waits for the first, then runs', async () => {
    const first = startAction(serversInputs({ image: serverImage('v1') }));
    await waitFor('the first deploy to hold the locks', () => servers().every((s) => serverLock(s) !== ''));
    const second = await runAction(serversInputs({ image: serverImage('v2') }));
    const firstRun = await first.done;
    expect([firstRun.code, second.code]).toEqual([0, 0]);
    expect(second.stdout).toMatch(
      /Waiting for docker-hot-deploy:lock:\/nginx\/upstream\/app\/port, held by .*deploying .*hello:v1/,
    );
    await expectEveryServer('v2');
  });

  test('one server unreachable: refused before any server changes', async () => {
    const [first, second, third] = servers();
    const before = servers().map(snapshot);
    const run = await runAction(
      serversInputs({ image: serverImage('v3'), host: `${first.host}\n${second.host}\n${third.host}:2` }),
    );
    expect(run.code).not.toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(`\\[${third.host.replace(/\./g, '\\.')}\\]:2: .*ECONNREFUSED.*Nothing was changed on any server`),
    );
    expect(servers().map(snapshot)).toEqual(before);
    await expectEveryServer('v2');
  });

  test("one jump host serves every server; with host-fingerprint, each server's key must be one of the pins", async () => {
    const stack = stackInfo();
    const viaBastion = (fingerprints: string[]): Record<string, string> =>
      serversInputs({
        image: serverImage('v1'),
        'known-hosts': '',
        'host-fingerprint': fingerprints.join('\n'),
        'jump-host': '127.0.0.1',
        'jump-port': String(stack.bastion.port),
        'jump-username': stack.bastion.username,
        'jump-private-key': readFileSync(stack.bastion.privateKeyPath, 'utf8'),
        'jump-known-hosts': stack.bastion.knownHosts,
      });
    const accepted = (): number =>
      readFileSync(`${stack.dir}/bastion.log`, 'utf8').split('Accepted publickey for jump').length;
    const [, , third] = servers();
    const before = servers().map(snapshot);
    const refused = await runAction(
      viaBastion(
        servers()
          .slice(0, 2)
          .map((s) => s.fingerprint),
      ),
    );
    expect(refused.code).not.toBe(0);
    expect(refused.stdout).toContain(`Refusing the server ${third.host}`);
    expect(refused.stdout).toContain(third.fingerprint);
    expect(servers().map(snapshot)).toEqual(before);

    const bastionLogins = accepted();
    const run = await runAction(viaBastion(servers().map((s) => s.fingerprint)));
    expect(run.code).toBe(0);
    expect(accepted() - bastionLogins).toBe(servers().length);
    await expectEveryServer('v1');
  });
});
