// The deploy sequence driven with fakes: which step runs when, and what is undone.
import { deploy, DeployError, type Deps } from '../src/deploy.js';
import type { ContainerState, ContainerSummary, RunSpec } from '../src/docker.js';
import type { DockerHost } from '../src/docker-host.js';
import { parseInputs, type Config } from '../src/inputs.js';
import type { ProbeResult } from '../src/probe.js';
import { TEST_KEY } from '../test/support/keys.js';

function config(overrides: Record<string, string> = {}): Config {
  const inputs: Record<string, string> = {
    host: 'server', username: 'deploy', 'private-key': TEST_KEY,
    'host-fingerprint': `SHA256:${'A'.repeat(43)}`, image: 'registry.example.com/web:2', 'container-port': '8080',
    'redis-key': '/nginx/upstream/app/port', 'health-timeout': '5s', 'switch-timeout': '3s', 'drain-timeout': '2s', ...overrides,
  };
  return parseInputs((n) => inputs[n] ?? '');
}

class World {
  calls: string[] = [];
  key: string | null = null;
  containers: ContainerSummary[] = [];
  newState: Partial<ContainerState> = { status: 'running' };
  healthStatus = 200;
  /** Which port nginx routes to: follows the key unless the "watcher" is down. */
  watcherUp = true;
  routedPort?: number;
  drainChecksUntilIdle = 1;
  failStop = false;
  lockHolder: string | null = null;
  processList = ['nginx: master process', '/usr/local/bin/confd -backend redis -watch'];
  now = 0;
  warnings: string[] = [];

  readonly docker: DockerHost = {
    login: async (registry) => { this.calls.push(`login ${registry}`); },
    pull: async (image) => { this.calls.push(`pull ${image}`); return 'sha256:d1'; },
    appContainers: async () => { this.calls.push('list'); return this.containers; },
    listeningPorts: async () => new Set([40000]),
    writePrivateFile: async (path, content) => { this.calls.push(`write ${path} ${content.length}b`); },
    removeFile: async (path) => { this.calls.push(`rm-file ${path}`); },
    run: async (spec: RunSpec) => { this.calls.push(`run ${spec.name} ${spec.hostPort ?? ''} ${spec.envFiles.join(',')}`); return 'newid'; },
    inspect: async (id) => ({ id, name: 'new', status: 'running', exitCode: 0, restartCount: 0, hostPort: 49200, ...this.newState }),
    logs: async () => 'boom: cannot bind',
    stop: async (id) => { this.calls.push(`stop ${id}`); if (this.failStop) throw new Error('daemon busy'); },
    remove: async (ids) => { this.calls.push(`remove ${ids.join(',')}`); },
    images: async () => [{ ref: 'registry.example.com/web:1', id: 'i1', createdAt: '2026-01-01' }, { ref: 'registry.example.com/web:2', id: 'i2', createdAt: '2026-02-01' }],
    removeImages: async (refs) => { this.calls.push(`rmi ${refs.join(',')}`); },
    processes: async () => this.processList,
    drainState: async () => {
      this.drainChecksUntilIdle -= 1;
      return { shuttingDownWorkers: this.drainChecksUntilIdle > 0 ? 1 : 0, connections: 0 };
    },
  };

  deps(): Deps {
    return {
      docker: this.docker,
      keys: {
        get: async () => this.key,
        set: async (_k, v) => { this.calls.push(`set ${v}`); this.key = v; if (this.watcherUp) this.routedPort = Number(v.split(':').pop()); },
        delete: async () => { this.calls.push('delete key'); this.key = null; if (this.watcherUp) this.routedPort = undefined; },
        keyspaceNotifications: async () => true,
        tryLock: async (name, owner) => {
          if (this.lockHolder) return false;
          this.calls.push(`lock ${name}`);
          this.lockHolder = owner;
          return true;
        },
        lockHolder: async () => this.lockHolder,
        unlock: async (name, owner) => {
          if (this.lockHolder !== owner) return false;
          this.calls.push(`unlock ${name}`);
          this.lockHolder = null;
          return true;
        },
        close: async () => undefined,
      },
      probes: {
        health: async (): Promise<ProbeResult> => ({ status: this.healthStatus }),
        probe: async (): Promise<ProbeResult> => (this.routedPort ? { status: 200, upstream: `127.0.0.1:${this.routedPort}` } : { status: 502, upstream: 'app' }),
      },
      clock: { now: () => this.now, sleep: async (ms) => { this.now += ms; } },
      log: { info: () => undefined, warning: (m) => { this.warnings.push(m); }, group: (_n, work) => work() },
    };
  }

  serving(port: number, name = 'web-old'): void {
    this.key = String(port);
    this.routedPort = port;
    this.containers = [{ id: 'oldid', name, state: 'running', deployId: '1', hostPorts: [port] }];
  }
}

const identity = { deployId: '9.1', containerName: 'web-new', lockOwner: 'acme/web run 9 [x]' };

async function failure(promise: Promise<unknown>): Promise<DeployError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof DeployError) return e;
    throw e;
  }
  throw new Error('expected the deploy to fail');
}

describe('deploy sequence', () => {
  test('first deploy: start, ready, switch; nothing to drain or stop', async () => {
    const w = new World();
    const result = await deploy(config(), w.deps(), identity);
    expect(w.calls.filter((c) => c.startsWith('run') || c.startsWith('set'))).toEqual(['run web-new  ', 'set 49200']);
    expect(w.calls.some((c) => c.startsWith('stop'))).toBe(false);
    expect(result.timeline.map((p) => p.phase)).toEqual(['lock', 'inspect', 'pull', 'start', 'ready', 'switch', 'retire']);
    expect(result).toMatchObject({ port: 49200, previousPort: undefined, imageDigest: 'sha256:d1', container: 'web-new' });
  });

  test('v1 -> v2: the old container is stopped only after the switch is proven and drained', async () => {
    const w = new World();
    w.serving(49100);
    w.drainChecksUntilIdle = 3;
    const result = await deploy(config({ 'keep-images': '1' }), w.deps(), identity);
    const order = ['lock /nginx/upstream/app/port:lock', 'run web-new  ', 'set 49200', 'stop oldid', 'remove oldid', 'rmi registry.example.com/web:1', 'unlock /nginx/upstream/app/port:lock'];
    expect(w.calls.filter((c) => order.includes(c))).toEqual(order);
    expect(result.timeline.map((p) => p.phase)).toEqual(['lock', 'inspect', 'pull', 'start', 'ready', 'switch', 'drain', 'retire']);
    expect(result).toMatchObject({ previousPort: 49100, previousContainer: 'web-old', port: 49200 });
  });

  test('env goes through a private file removed after the container started; registry login first', async () => {
    const w = new World();
    await deploy(config({ env: 'SECRET=s3cret', 'registry-username': 'bob', 'registry-password': 'pw' }), w.deps(), identity);
    const file = '/tmp/.docker-hot-deploy-web-new.env';
    expect(w.calls).toEqual(expect.arrayContaining([`login registry.example.com`, `write ${file} 14b`, `run web-new  ${file}`, `rm-file ${file}`]));
    expect(w.calls.indexOf(`rm-file ${file}`)).toBeGreaterThan(w.calls.indexOf(`run web-new  ${file}`));
    expect(w.calls.join('\n')).not.toContain('s3cret');
  });

  test('port-range: the first port not listened on', async () => {
    const w = new World();
    await deploy(config({ 'port-range': '40000-40010' }), w.deps(), identity);
    expect(w.calls).toContain('run web-new 40001 ');
  });

  test('ready check fails: logs shown, new container removed, key and old container untouched', async () => {
    const w = new World();
    w.serving(49100);
    w.newState = { status: 'exited', exitCode: 3 };
    const e = await failure(deploy(config(), w.deps(), identity));
    expect(e.phase).toBe('ready');
    expect(e.message).toBe('ready failed: the container exited with code 3');
    expect(e.details.logs).toBe('boom: cannot bind');
    expect(w.calls).toContain('remove newid');
    expect(w.calls.some((c) => c.startsWith('set') || c.startsWith('stop'))).toBe(false);
    expect(w.key).toBe('49100');
    expect(w.lockHolder).toBeNull();
  });

  test('health path never 2xx/3xx: fails after health-timeout', async () => {
    const w = new World();
    w.healthStatus = 500;
    const e = await failure(deploy(config(), w.deps(), identity));
    expect(e.message).toMatch(/not ready within health-timeout \(last: \/ answered 500\)/);
    expect(w.now).toBeGreaterThanOrEqual(5000);
  });

  test('switch not proven: the previous value is written back and the new container removed', async () => {
    const w = new World();
    w.serving(49100);
    w.watcherUp = false;
    const e = await failure(deploy(config(), w.deps(), identity));
    expect(e.phase).toBe('switch');
    expect(e.hint).toMatch(/although confd runs: its check_cmd or reload_cmd probably failed/);
    expect(w.lockHolder).toBeNull();
    expect(w.calls.filter((c) => c.startsWith('set'))).toEqual(['set 49200', 'set 49100']);
    expect(w.calls).toContain('remove newid');
    expect(w.calls.some((c) => c.startsWith('stop'))).toBe(false);
    expect(w.key).toBe('49100');
  });

  test('switch not proven on a first deploy: the key is unset again', async () => {
    const w = new World();
    const deps = w.deps();
    deps.probes.probe = async () => ({ status: 200 });
    const e = await failure(deploy(config(), deps, identity));
    expect(e.hint).toMatch(/Responses carry no X-Upstream header/);
    expect(w.calls).toContain('delete key');
    expect(w.key).toBeNull();
  });

  test('after a proven switch, failing to stop the old container is a warning', async () => {
    const w = new World();
    w.serving(49100);
    w.failStop = true;
    const result = await deploy(config(), w.deps(), identity);
    expect(result.port).toBe(49200);
    expect(result.warnings).toEqual([expect.stringMatching(/could not stop or remove the previous container web-old: daemon busy/)]);
  });

  test('containers left by earlier failed deploys are removed; a key pointing at nothing is reported', async () => {
    const w = new World();
    w.key = '49100';
    w.containers = [{ id: 'stale', name: 'web-stale', state: 'exited', deployId: '3', hostPorts: [] }];
    const result = await deploy(config(), w.deps(), identity);
    expect(w.calls).toContain('remove stale');
    expect(result.warnings[0]).toMatch(/points at port 49100, but no running web container/);
  });

  test('switch not proven and no confd process: the hint says to start confd', async () => {
    const w = new World();
    w.serving(49100);
    w.watcherUp = false;
    w.processList = ['nginx: master process'];
    const e = await failure(deploy(config(), w.deps(), identity));
    expect(e.hint).toMatch(/no confd process runs on the server/);
  });

  test('a held lock: waits, names the holder, and fails after lock-timeout without touching anything', async () => {
    const w = new World();
    w.serving(49100);
    w.lockHolder = 'acme/web https://github.com/acme/web/actions/runs/8 deploying web:1 [y]';
    const infos: string[] = [];
    const deps = w.deps();
    deps.log.info = (m) => infos.push(m);
    const e = await failure(deploy(config({ 'lock-timeout': '2s' }), deps, identity));
    expect(e.phase).toBe('lock');
    expect(e.message).toBe(`lock failed: /nginx/upstream/app/port:lock is still held by ${w.lockHolder} after lock-timeout`);
    expect(infos).toEqual([`Waiting for /nginx/upstream/app/port:lock, held by ${w.lockHolder}`]);
    expect(w.calls).toEqual([]);
    expect(w.now).toBeGreaterThanOrEqual(2000);
  });

  test('a lock freed while waiting is taken, and the wait is recorded', async () => {
    const w = new World();
    w.lockHolder = 'other';
    const deps = w.deps();
    const sleep = deps.clock.sleep;
    deps.clock.sleep = async (ms) => { await sleep(ms); if (w.now >= 1000 && w.lockHolder === 'other') w.lockHolder = null; };
    const result = await deploy(config(), deps, identity);
    expect(result.timeline[0]).toMatchObject({ phase: 'lock', ok: true, detail: 'waited 1.0 s for other' });
    expect(w.lockHolder).toBeNull();
  });

  test('checkpoints for the post step: lock, container, switching, lock released', async () => {
    const w = new World();
    const seen: string[] = [];
    await deploy(config(), { ...w.deps(), checkpoint: (n, v) => seen.push(`${n}=${v}`) }, identity);
    expect(seen).toEqual(['lock=/nginx/upstream/app/port:lock', 'container=web-new', 'switching=true', 'lock=']);
  });
});

test('port-range: a port taken between the look and the run is skipped', async () => {
  const w = new World();
  const run = w.docker.run;
  w.docker.run = async (spec) => {
    if (spec.hostPort === 40001) throw new Error('docker run failed: Bind for 127.0.0.1:40001 failed: port is already allocated');
    return run(spec);
  };
  const result = await deploy(config({ 'port-range': '40000-40010' }), w.deps(), identity);
  expect(w.calls).toEqual(expect.arrayContaining(['remove web-new', 'run web-new 40002 ']));
  expect(result.port).toBe(49200);
});

test('timeout bounds the whole deploy: a phase stops at it and says so', async () => {
  const w = new World();
  w.healthStatus = 503;
  const e = await failure(deploy(config({ 'health-timeout': '60s', timeout: '2s' }), w.deps(), identity));
  expect(e.message).toMatch(/^ready failed: not ready within timeout \(the whole deploy\)/);
  expect(w.now).toBeLessThan(3000);
  expect(w.calls).toContain('remove newid');
});
