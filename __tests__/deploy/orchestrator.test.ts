// The deploy sequence driven with fakes: which step runs when, and what is undone.
import { expect } from '@jest/globals';
import { deploy, type Deps } from '../../src/deploy/orchestrator.js';
import { DeployError } from '../../src/deploy/run.js';
import { parseInputs, type Config } from '../../src/config/inputs.js';
import { loadKeyParser } from '../../src/remote/ssh/private-key.js';
import { historyPath, parseHistory, type Release } from '../../src/deploy/history.js';
import type { RunSpec } from '../../src/remote/docker.js';
import { TEST_KEY } from '../../__fixtures__/keys.js';
import { DEPLOYMENT, LOCK, World } from '../../__fixtures__/world.js';

function config(overrides: Record<string, string> = {}): Config {
  const inputs: Record<string, string> = {
    host: 'server',
    username: 'deploy',
    'private-key': TEST_KEY,
    'host-fingerprint': `SHA256:${'A'.repeat(43)}`,
    image: 'registry.example.com/web:2',
    'container-port': '8080',
    'redis-key': '/nginx/upstream/app/port',
    'health-timeout': '5s',
    'switch-timeout': '3s',
    'drain-timeout': '2s',
    'bake-time': '0s',
    ...overrides,
  };
  return parseInputs((n) => inputs[n] ?? '', { parseKey });
}

const parseKey = await loadKeyParser();
const identity = { deployId: '9.1', instance: 'new', lockOwner: 'acme/web run 9 [x]' };

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
    // 20000 is listened on: the first free port of the default port-range after it.
    expect(w.calls.filter((c) => c.startsWith('run') || c.startsWith('set'))).toEqual([
      'run web-new 20001 ',
      'set 20001',
    ]);
    expect(w.calls.some((c) => c.startsWith('stop'))).toBe(false);
    expect(result.timeline.map((p) => p.phase)).toEqual([
      'lock',
      'inspect',
      'pull',
      'start',
      'ready',
      'switch',
      'retire',
    ]);
    expect(result).toMatchObject({
      port: 20001,
      previousPort: undefined,
      imageDigest: 'sha256:d-2',
      container: 'web-new',
      image: 'registry.example.com/web:2',
    });
    expect(result.warnings).toEqual([]);
  });

  test('v1 -> v2: the old container is stopped only after the switch is proven and drained; its image stays for a rollback', async () => {
    const w = new World();
    w.serving(20000);
    w.drainChecksUntilIdle = 3;
    const result = await deploy(config({ 'keep-images': '1' }), w.deps(), identity);
    const order = [
      `lock ${LOCK}`,
      'run web-new 20001 ',
      'set 20001',
      'drain 20000',
      'drain 20000',
      'drain 20000',
      'stop oldid',
      'remove oldid',
      'rmi registry.example.com/web:0',
      `unlock ${LOCK}`,
    ];
    expect(w.calls.filter((c) => order.includes(c))).toEqual(order);
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
    expect(result).toMatchObject({ previousPort: 20000, previousContainer: 'web-old', port: 20001 });
    expect(w.containers.map((c) => `${c.name} ${c.state} :${c.hostPorts.join(',')}`)).toEqual([
      'web-new running :20001',
    ]);
  });

  test('env goes to docker run on stdin, never through a file; env-file is passed as is', async () => {
    const w = new World();
    await deploy(config({ env: 'SECRET=s3cret', 'env-file': '/srv/web.env' }), w.deps(), identity);
    expect(w.calls).toContain('run web-new 20001 /srv/web.env,stdin:14b');
    expect(w.calls.join('\n')).not.toContain('s3cret');
  });

  test('a registry login lives in a private Docker config for the pull only, and the post step knows of it meanwhile', async () => {
    const w = new World();
    const seen: string[] = [];
    await deploy(
      config({ 'registry-username': 'bob', 'registry-password': 'pw' }),
      w.deps((n, v) => seen.push(`${n}=${v}`)),
      identity,
    );
    const dir = '/tmp/docker-hot-deploy.x';
    expect(w.calls.filter((c) => /^(mktemp|login|pull|rm -rf)/.test(c))).toEqual([
      'mktemp',
      `login ${dir} registry.example.com`,
      `pull registry.example.com/web:2 ${dir}`,
      `rm -rf ${dir}`,
    ]);
    expect(seen.filter((x) => x.startsWith('dockerConfig'))).toEqual([`dockerConfig=${dir}`, 'dockerConfig=']);
  });

  test('a failed login still removes the private Docker config', async () => {
    const w = new World();
    w.docker.login = async () => {
      throw new Error('unauthorized: incorrect username or password');
    };
    const e = await failure(
      deploy(config({ 'registry-username': 'bob', 'registry-password': 'pw' }), w.deps(), identity),
    );
    expect(e.phase).toBe('pull');
    expect(w.calls).toContain('rm -rf /tmp/docker-hot-deploy.x');
  });

  test('port-range: the first port not listened on, and the container is published on it', async () => {
    const w = new World();
    w.listening = new Set([40000]);
    const result = await deploy(config({ 'port-range': '40000-40010' }), w.deps(), identity);
    expect(result.port).toBe(40001);
    expect(w.key).toBe('40001');
    expect(w.containers.find((c) => c.id === 'newid')?.hostPorts).toEqual([40001]);
  });

  test('port-range: ports of stopped containers, of other deployments and of the key are never taken', async () => {
    const w = new World();
    w.serving(40000);
    w.containers.push(
      // Another deployment's container, crashed and waiting to restart: nothing listens on its port.
      w.container('staging', 40001, {
        state: 'restarting',
        labels: { 'docker-hot-deploy.deployment': '/nginx/upstream/staging/port' },
      }),
      w.container('stopped', 40002, { state: 'exited', labels: {} }),
    );
    w.listening = new Set();
    const result = await deploy(config({ 'port-range': '40000-40010' }), w.deps(), identity);
    expect(result.port).toBe(40003);
  });

  test('port-range exhausted: start fails naming the range, nothing written', async () => {
    const w = new World();
    w.serving(40000);
    const e = await failure(deploy(config({ 'port-range': '40000-40000' }), w.deps(), identity));
    expect(e.message).toBe('start failed: no free port in port-range 40000-40000');
    expect(w.key).toBe('40000');
  });

  test.each([
    ['exited', 3, 'ready failed: the container exited with code 3'],
    ['restarting', 1, 'ready failed: the container exited with code 1 and was restarted (restart: unless-stopped)'],
    [
      'running again after a restart (the code from its events)',
      3,
      'ready failed: the container exited with code 3 and was restarted (restart: unless-stopped)',
    ],
    [
      'running again after a restart (its events gone)',
      undefined,
      'ready failed: the container exited and was restarted (restart: unless-stopped)',
    ],
  ])(
    'ready check fails (%s): logs shown, new container removed, key and old container untouched',
    async (status, exitCode, message) => {
      const w = new World();
      w.serving(20000);
      if (status.startsWith('running again')) {
        w.newState = { status: 'running', exitCode: 0, restartCount: 1 };
        w.lastExit = exitCode;
      } else w.newState = { status, exitCode };
      const e = await failure(deploy(config(), w.deps(), identity));
      expect(e.phase).toBe('ready');
      expect(e.message).toBe(message);
      expect(e.details.logs).toBe('boom: cannot bind');
      expect(w.calls).toContain('discard newid');
      expect(w.calls.some((c) => c.startsWith('set') || c.startsWith('stop'))).toBe(false);
      expect(w.key).toBe('20000');
      expect(w.lockHolder).toBeNull();
    },
  );

  test('health path never 2xx/3xx: fails after health-timeout', async () => {
    const w = new World();
    w.healthStatus = 500;
    const e = await failure(deploy(config(), w.deps(), identity));
    expect(e.message).toMatch(/not ready within health-timeout \(last: \/ answered 500\)/);
    expect(w.now).toBeGreaterThanOrEqual(5000);
  });

  test.each([
    [
      'reload',
      'server 127.0.0.1:20000;',
      '/usr/sbin/nginx -s reload',
      /^nginx kept serving the old upstream: confd did not render :20001 to \/etc\/nginx\/conf\.d\/app-upstream\.conf\. Its check_cmd refused the value/,
    ],
    [
      'reload',
      'server 127.0.0.1:20001;',
      '/usr/sbin/nginx -s reload',
      /^confd rendered :20001 to \/etc\/nginx\/conf\.d\/app-upstream\.conf, but nginx kept the old upstream: its reload_cmd \(\/usr\/sbin\/nginx -s reload\) failed/,
    ],
    [
      'no-reload',
      '127.0.0.1:20001\n',
      '/usr/local/bin/dhd-peer set app /etc/nginx/dhd/app.peer',
      /^confd rendered :20001 to \/etc\/nginx\/dhd\/app\.peer, but nginx did not take it: its reload_cmd \(.*\) did not reach nginx's admin socket/,
    ],
  ])(
    'switch not proven, %s setup, confd rendered %j: the hint says which step did not happen',
    async (_setup, rendered, reloadCmd, hint) => {
      const w = new World();
      w.serving(20000);
      w.watcherUp = false;
      const dest = reloadCmd.includes('dhd-peer') ? '/etc/nginx/dhd/app.peer' : '/etc/nginx/conf.d/app-upstream.conf';
      w.confdResources = new Map([
        ['/etc/confd', [{ file: 'app.toml', keys: ['/nginx/upstream/app'], dest, reloadCmd }]],
      ]);
      w.files.set(dest, rendered);
      const e = await failure(deploy(config(), w.deps(), identity));
      expect(e.hint).toMatch(hint);
    },
  );

  test('switch not proven: the previous value is written back and the new container removed', async () => {
    const w = new World();
    w.serving(20000);
    w.watcherUp = false;
    const e = await failure(deploy(config(), w.deps(), identity));
    expect(e.phase).toBe('switch');
    expect(e.hint).toMatch(/although confd runs \(1 confd process runs\): its check_cmd or reload_cmd probably failed/);
    expect(w.lockHolder).toBeNull();
    expect(w.calls.filter((c) => c.startsWith('set'))).toEqual(['set 20001', 'set 20000']);
    expect(w.calls).toContain('discard newid');
    expect(w.calls.some((c) => c.startsWith('stop'))).toBe(false);
    expect(w.key).toBe('20000');
  });

  test('switch not proven on a first deploy: the key is unset again', async () => {
    const w = new World();
    const deps = w.deps();
    deps.servers[0].probes.probe = async () => ({ status: 200 });
    const e = await failure(deploy(config(), deps, identity));
    expect(e.hint).toMatch(/Responses carry no X-Upstream header/);
    expect(w.calls).toContain('delete key');
    expect(w.key).toBeNull();
  });

  test('after a proven switch, failing to stop the old container is a warning', async () => {
    const w = new World();
    w.serving(20000);
    w.failStop = true;
    const result = await deploy(config(), w.deps(), identity);
    expect(result.port).toBe(20001);
    expect(result.warnings).toEqual([expect.stringMatching(/could not stop or remove web-old: daemon busy/)]);
  });

  test('stopped containers of this deployment are removed; a key pointing at nothing is reported', async () => {
    const w = new World();
    w.key = '20005';
    w.containers = [w.container('stale', 20003, { state: 'exited' })];
    const result = await deploy(config(), w.deps(), identity);
    expect(w.calls).toContain('remove stale');
    expect(result.warnings).toEqual([
      '/nginx/upstream/app/port names port 20005, but no running container of this deployment publishes it',
    ]);
  });

  test('one confd with two template resources: said before the switch, and named as the cause when the switch fails', async () => {
    const shared =
      "confd -confdir /etc/confd has 2 template resources (app.toml, staging.toml): confd's Redis backend wakes only one of a process's resources per write, so nginx may keep the old upstream. Run one confd per deployment (README: Several deployments on one server).";
    const [ok, failing] = [new World(), new World()];
    for (const w of [ok, failing]) {
      w.serving(20000);
      w.confdResources = new Map([
        [
          '/etc/confd',
          [
            { file: 'staging.toml', keys: ['/nginx/upstream/staging'] },
            { file: 'app.toml', keys: ['/nginx/upstream/app'] },
          ],
        ],
      ]);
    }
    const result = await deploy(config(), ok.deps(), identity);
    expect(result.warnings).toEqual([shared]);
    failing.watcherUp = false;
    const e = await failure(deploy(config(), failing.deps(), identity));
    expect(e.phase).toBe('switch');
    expect(e.hint).toBe(`nginx kept serving the old upstream: ${shared}`);
  });

  test("switch not proven, and the confd that runs is another deployment's: the hint says so", async () => {
    const w = new World();
    w.serving(20000);
    w.watcherUp = false;
    w.processList = ['/usr/local/bin/confd -backend redis -confdir /etc/confd-staging -watch'];
    w.confdResources = new Map([['/etc/confd-staging', [{ file: 'staging.toml', keys: ['/nginx/upstream/staging'] }]]]);
    const e = await failure(deploy(config(), w.deps(), identity));
    expect(e.hint).toBe(
      `nginx kept serving the old upstream: no running confd renders /nginx/upstream/app/port (the confds that run read /etc/confd-staging, and none has a template resource for it). Start this deployment's confd (systemctl start confd, or confd@NAME).`,
    );
  });

  test('switch not proven and no confd process: the hint says to start confd', async () => {
    const w = new World();
    w.serving(20000);
    w.watcherUp = false;
    w.processList = ['nginx: master process'];
    const e = await failure(deploy(config(), w.deps(), identity));
    expect(e.hint).toMatch(/no confd process runs on the server/);
  });

  test('a held lock: waits, names the holder, and fails after lock-timeout without touching anything', async () => {
    const w = new World();
    w.serving(20000);
    w.lockHolder = 'acme/web https://github.com/acme/web/actions/runs/8 deploying web:1 [y]';
    const infos: string[] = [];
    const deps = w.deps();
    deps.log.info = (m) => infos.push(m);
    const e = await failure(deploy(config({ 'lock-timeout': '2s' }), deps, identity));
    expect(e.phase).toBe('lock');
    expect(e.message).toBe(`lock failed: ${LOCK} is still held by ${w.lockHolder} after lock-timeout`);
    expect(infos).toEqual([`Waiting for ${LOCK}, held by ${w.lockHolder}`]);
    expect(w.calls).toEqual([]);
    expect(w.now).toBeGreaterThanOrEqual(2000);
  });

  test('a lock freed while waiting is taken, and the wait is recorded', async () => {
    const w = new World();
    w.lockHolder = 'other';
    const deps = w.deps();
    const sleep = deps.clock.sleep;
    deps.clock.sleep = async (ms) => {
      await sleep(ms);
      if (w.now >= 1000 && w.lockHolder === 'other') w.lockHolder = null;
    };
    const result = await deploy(config(), deps, identity);
    expect(result.timeline[0]).toMatchObject({ phase: 'lock', ok: true, detail: 'waited 1.0 s for other' });
    expect(w.lockHolder).toBeNull();
  });

  test('checkpoints for the post step: lock, container, switching, lock released', async () => {
    const w = new World();
    const seen: string[] = [];
    await deploy(
      config(),
      w.deps((n, v) => seen.push(`${n}=${v}`)),
      identity,
    );
    expect(seen).toEqual([`lock=${LOCK}`, 'container=web-new', 'switching=true', 'lock=']);
  });
});

test('port-range: a port taken between the look and the run is skipped', async () => {
  const w = new World();
  w.listening = new Set([40000]);
  const run = w.docker.run;
  w.docker.run = async (spec) => {
    if (spec.hostPort === 40001)
      throw new Error('docker run failed: Bind for 127.0.0.1:40001 failed: port is already allocated');
    return run(spec);
  };
  const result = await deploy(config({ 'port-range': '40000-40010' }), w.deps(), identity);
  expect(w.calls).toEqual(expect.arrayContaining(['discard web-new', 'run web-new 40002 ']));
  expect(result.port).toBe(40002);
});

test('the pulled image runs by its digest, the release command too: a tag moved since the pull changes nothing', async () => {
  const w = new World();
  const ran: RunSpec[] = [];
  const run = w.docker.run;
  w.docker.run = async (spec) => {
    ran.push(spec);
    return run(spec);
  };
  await deploy(config({ 'release-command': 'migrate' }), w.deps(), identity);
  expect(ran.map((s) => [s.image, s.pinned])).toEqual([
    ['registry.example.com/web:2', 'registry.example.com/web@sha256:d-2'],
  ]);
  expect(w.calls).toContain('release web-new-release registry.example.com/web@sha256:d-2 migrate');
});

test('timeout bounds the whole deploy: a phase stops at it and says so', async () => {
  const w = new World();
  w.healthStatus = 503;
  const e = await failure(deploy(config({ 'health-timeout': '60s', timeout: '2s' }), w.deps(), identity));
  expect(e.message).toMatch(/^ready failed: not ready within timeout \(the whole deploy\)/);
  expect(w.now).toBeLessThan(3000);
  expect(w.calls).toContain('discard newid');
});

describe('the state a deploy finds, and leaves', () => {
  test('a lost key while nginx serves this deployment: the served value is written back before anything starts', async () => {
    const w = new World();
    w.serving(20000);
    w.key = null;
    const result = await deploy(config(), w.deps(), identity);
    expect(w.calls.filter((c) => c.startsWith('set') || c.startsWith('run'))).toEqual([
      'set 20000',
      'run web-new 20001 ',
      'set 20001',
    ]);
    expect(result.warnings[0]).toBe(
      '/nginx/upstream/app/port is unset, but nginx serves web-old on :20000: writing "20000" back first (confd renders what nginx already serves)',
    );
    expect(result).toMatchObject({ previousPort: 20000, previousContainer: 'web-old' });
    expect(w.calls).toEqual(expect.arrayContaining(['drain 20000', 'stop oldid', 'remove oldid']));
  });

  test('a key set to garbage by hand is repaired by compare-and-set from the garbage', async () => {
    const w = new World();
    w.serving(20000);
    w.key = 'garbage';
    const result = await deploy(config({ 'redis-value': '127.0.0.1:{port}' }), w.deps(), identity);
    expect(w.calls.filter((c) => c.startsWith('set'))).toEqual(['set 127.0.0.1:20000', 'set 127.0.0.1:20001']);
    expect(result.previousContainer).toBe('web-old');
  });

  test('a key naming the served port in another form than redis-value is not "repaired" into that form', async () => {
    const w = new World();
    w.serving(20000);
    const e = await failure(deploy(config({ 'redis-value': '{port}x' }), w.deps(), identity));
    expect(w.warnings[0]).toBe('/nginx/upstream/app/port holds "20000", which does not fit redis-value {port}x');
    expect(w.calls.filter((c) => c.startsWith('set'))).toEqual(['set 20001x', 'set 20000']);
    expect(e.phase).toBe('switch');
    expect(w.key).toBe('20000');
  });

  test('nothing live serves: said, no repair, and every running container of the deployment is drained and stopped', async () => {
    const w = new World();
    w.containers = [w.container('a', 20002), w.container('b', 20003)];
    w.listening = new Set([20002, 20003]);
    const result = await deploy(config(), w.deps(), identity);
    expect(result.warnings).toEqual([
      'nginx serves no running container of this deployment: the site is down, and this deploy is the repair',
    ]);
    expect(w.calls.filter((c) => /^(set|drain|stop|remove|discard)/.test(c))).toEqual([
      'set 20000',
      'drain 20002,20003',
      'stop a',
      'stop b',
      'remove a',
      'remove b',
    ]);
    expect(result.port).toBe(20000);
  });

  test("another deployment's containers are never stopped, removed or counted as this one's", async () => {
    const w = new World();
    w.serving(20000);
    const staging = { 'docker-hot-deploy.app': 'web', 'docker-hot-deploy.deployment': '/nginx/upstream/staging/port' };
    w.containers.push(
      w.container('stg', 20001, { labels: staging }),
      w.container('stg-old', 20002, { state: 'exited', labels: staging }),
    );
    w.listening.add(20001);
    const result = await deploy(config(), w.deps(), identity);
    expect(result.port).toBe(20003);
    expect(w.calls.filter((c) => /^(stop|remove|discard)/.test(c))).toEqual(['stop oldid', 'remove oldid']);
    expect(w.containers.map((c) => c.id).sort()).toEqual(['newid', 'stg', 'stg-old']);
  });

  test('a 0.1 container (no deployment label) is retired when the key names its port; other 0.1 containers are left alone', async () => {
    const w = new World();
    w.key = '20000';
    w.routedPort = 20000;
    w.containers = [
      w.container('legacy', 20000, { labels: { 'docker-hot-deploy.app': 'web' } }),
      w.container('legacy-other', 20002, { labels: { 'docker-hot-deploy.app': 'web' } }),
    ];
    const result = await deploy(config(), w.deps(), identity);
    expect(result).toMatchObject({ previousContainer: 'web-legacy', previousPort: 20000 });
    expect(w.calls.filter((c) => /^(stop|remove|discard)/.test(c))).toEqual(['stop legacy', 'remove legacy']);
  });

  test("a 0.1 container of another app on the key's port is not taken for this deployment's, nor retired", async () => {
    const w = new World();
    w.key = '20000';
    w.routedPort = 20000;
    w.containers = [w.container('blog', 20000, { labels: { 'docker-hot-deploy.app': 'blog' } })];
    const result = await deploy(config(), w.deps(), identity);
    expect(result.previousContainer).toBeUndefined();
    expect(w.calls.filter((c) => /^(stop|remove|discard)/.test(c))).toEqual([]);
  });

  test('a history line that is no release (no time, a digest with spaces) is skipped with a warning, and the deploy goes on', async () => {
    const w = new World();
    w.serving(20000);
    const good = JSON.stringify({
      time: '2026-11-01T00:00:00Z',
      run: 'r',
      outcome: 'deployed',
      image: 'registry.example.com/web:1',
      digest: 'sha256:d-1',
      imageId: 'i1',
      container: 'web-1',
      port: 20000,
    });
    w.histories.set(
      historyPath(DEPLOYMENT),
      `${good}\n{"outcome":"deployed","image":"x","digest":"d","imageId":"i","container":"c","run":"r"}\n${good.replace('sha256:d-1', 'sha256:d-1 $(reboot)')}\n`,
    );
    const result = await deploy(config(), w.deps(), identity);
    expect(result.warnings).toEqual([
      expect.stringMatching(/: 2 line\(s\) are no release and were skipped \(first: no time\)$/),
    ]);
    expect(result.releases.map((r) => r.image)).toEqual(['registry.example.com/web:2', 'registry.example.com/web:1']);
  });

  test.each([
    [
      'the key changed by someone else',
      (w: World) => {
        w.key = '20009';
      },
      'switch failed: /nginx/upstream/app/port changed meanwhile (it holds "20009", not "20000"): someone else wrote it, and this deploy does not overwrite that',
      '20009',
    ],
    [
      'the lock lost',
      (w: World) => {
        w.lockHolder = 'someone else';
      },
      `switch failed: ${LOCK} is no longer held by this deploy, so /nginx/upstream/app/port was not written`,
      '20000',
    ],
  ])(
    '%s during the ready check: the key is not written, the new container removed',
    async (_what, change, message, key) => {
      const w = new World();
      w.serving(20000);
      const deps = w.deps();
      const health = deps.servers[0].probes.health;
      deps.servers[0].probes.health = async (port) => {
        change(w);
        return health(port);
      };
      const e = await failure(deploy(config(), deps, identity));
      expect(e.message).toBe(message);
      expect(w.key).toBe(key);
      expect(w.calls).toContain('discard newid');
    },
  );

  test('a lock left by 0.1 under its old name is waited for, naming its holder', async () => {
    const w = new World();
    w.locks.set('/nginx/upstream/app/port:lock', 'a 0.1 deploy');
    const infos: string[] = [];
    const deps = w.deps();
    deps.log.info = (m) => infos.push(m);
    const sleep = deps.clock.sleep;
    deps.clock.sleep = async (ms) => {
      await sleep(ms);
      if (w.now >= 1000) w.locks.delete('/nginx/upstream/app/port:lock');
    };
    const result = await deploy(config(), deps, identity);
    expect(infos).toEqual(['Waiting for /nginx/upstream/app/port:lock, held by a 0.1 deploy']);
    expect(result.timeline[0]).toMatchObject({ phase: 'lock', ok: true, detail: 'waited 1.0 s for a 0.1 deploy' });
    const timedOut = new World();
    timedOut.locks.set('/nginx/upstream/app/port:lock', 'a 0.1 deploy');
    const e = await failure(deploy(config({ 'lock-timeout': '1s' }), timedOut.deps(), identity));
    expect(e.message).toBe(
      'lock failed: /nginx/upstream/app/port:lock is still held by a 0.1 deploy after lock-timeout',
    );
    expect(timedOut.locks.has(LOCK)).toBe(false);
  });

  test('a Redis that keeps nothing across a restart is reported; a deprecated run-args --restart too', async () => {
    const w = new World();
    w.persistence = { appendonly: false, save: '' };
    const result = await deploy(config({ 'run-args': '--restart=always' }), w.deps(), identity);
    expect(result.warnings).toEqual([
      "run-args: --restart is deprecated; set the input restart: always instead (run-args' policy is used this time)",
      expect.stringMatching(/^Redis keeps nothing across a restart \(appendonly no, save ""\)/),
    ]);
  });
});

describe('a lost lock, a slow confd', () => {
  test('the lock lost during the ready check: the deploy stops at once, the new container is removed, nothing written', async () => {
    const w = new World();
    w.serving(20000);
    w.healthStatus = 503;
    const deps = w.deps();
    const health = deps.servers[0].probes.health;
    deps.servers[0].probes.health = async (port) => {
      if (w.now >= 500) w.lockLostReason = `${LOCK} was deleted or taken over by someone else`;
      return health(port);
    };
    const e = await failure(deploy(config(), deps, identity));
    expect(e.phase).toBe('ready');
    expect(e.reason).toBe(`the deploy lock was lost: ${LOCK} was deleted or taken over by someone else`);
    expect(e.hint).toMatch(/nothing was switched, the previous version serves, and the new container was removed/);
    expect(w.now).toBeLessThan(1000);
    expect(w.calls).toContain('discard newid');
    expect(w.key).toBe('20000');
  });

  test('the lock lost after the switch: the new container stays (it serves), the old one is not retired', async () => {
    const w = new World();
    w.serving(20000);
    w.drainChecksUntilIdle = 100;
    const deps = w.deps();
    const drain = w.docker.drainState;
    w.docker.drainState = async (ports) => {
      w.lockLostReason = 'gone';
      return drain(ports);
    };
    const e = await failure(deploy(config(), deps, identity));
    expect(e.phase).toBe('drain');
    expect(e.hint).toMatch(/web-new may serve; the previous container still runs/);
    expect(w.calls.filter((c) => /^(stop|remove|discard)/.test(c))).toEqual([]);
    expect(w.key).toBe('20001');
  });

  test('confd slower than switch-timeout: written back, and the new container goes only once the old upstream served for a whole switch-timeout', async () => {
    const w = new World();
    w.serving(20000);
    w.renderDelayMs = 4000;
    const e = await failure(deploy(config({ 'switch-timeout': '3s' }), w.deps(), identity));
    expect(e.reason).toBe(
      'nginx did not serve port 20001 within switch-timeout; /nginx/upstream/app/port was set back to 20000',
    );
    // nginx moved to the new container after the write-back, then back: it was never routed to a removed one.
    const routed = w.calls.filter((c) => c.startsWith('probe')).map((c) => c.slice(7));
    expect(routed).toContain('20001');
    expect(routed.at(-1)).toBe('20000');
    expect(w.calls.filter((c) => c.startsWith('discard'))).toEqual(['discard newid']);
    expect(w.calls.indexOf('discard newid')).toBeGreaterThan(w.calls.lastIndexOf('probe :20001'));
    expect(w.key).toBe('20000');
  });

  test("confd slower than the deploy's timeout: the new container stays, and the error says which serves and what to do", async () => {
    const w = new World();
    w.serving(20000);
    // The new value renders 3 s after its write, the write-back 3 s after that: past the deploy's 5 s.
    w.renderDelayMs = 3000;
    const e = await failure(deploy(config({ 'switch-timeout': '2s', timeout: '5s' }), w.deps(), identity));
    expect(e.reason).toMatch(
      /^nginx did not serve port 20001 within switch-timeout; \/nginx\/upstream\/app\/port was set back to 20000, but by the deploy's timeout nginx had not served :20000 without a break for 2 s \(it serves :\d+ now\)$/,
    );
    expect(e.hint).toMatch(
      /^web-new stays running on :20001: a slow confd may still point nginx at it\. Once nginx serves :20000 steadily, remove it \(docker rm -f web-new\)/,
    );
    expect(w.calls.some((c) => c.startsWith('discard'))).toBe(false);
    expect(w.key).toBe('20000');
  });
});

describe('releases: the release phase, the history, rollback', () => {
  const DIGEST = (tag: string): string => `sha256:d-${tag}`;
  /** A history as deploys of these tags (oldest first) would have left it. */
  function historyOf(w: World, entries: Array<[string, Release['outcome']]>): void {
    const lines = entries.map(([tag, outcome], i) =>
      JSON.stringify({
        time: `2026-11-0${i + 1}T10:00:00.000Z`,
        outcome,
        image: `registry.example.com/web:${tag}`,
        digest: DIGEST(tag),
        imageId: `i${tag}`,
        container: `web-${tag}`,
        run: 'r',
      }),
    );
    w.histories.set(historyPath(DEPLOYMENT), `${lines.join('\n')}\n`);
  }
  const recorded = (w: World): Release[] => parseHistory(w.histories.get(historyPath(DEPLOYMENT)) ?? '');

  test('a release command runs once, in the new image with the same env, after the pull and before the start', async () => {
    const w = new World();
    w.serving(20000);
    const result = await deploy(config({ 'release-command': 'rake\ndb:migrate', env: 'A=1' }), w.deps(), identity);
    const order = w.calls.filter((c) => /^(pull|release|run)/.test(c));
    expect(order).toEqual([
      'pull registry.example.com/web:2',
      'release web-new-release registry.example.com/web@sha256:d-2 rake db:migrate stdin:4b',
      'run web-new 20001 stdin:4b',
    ]);
    expect(result.timeline.map((p) => p.phase)).toEqual([
      'lock',
      'inspect',
      'pull',
      'release',
      'start',
      'ready',
      'switch',
      'drain',
      'retire',
    ]);
    expect(result.timeline[3]).toMatchObject({ phase: 'release', ok: true, detail: 'rake db:migrate: exit 0' });
  });

  test.each([
    [
      { code: 2, output: 'line\nERROR: relation "users" already exists' },
      0,
      'release failed: the release command exited with code 2',
    ],
    [
      { code: 0, output: '' },
      700_000,
      'release failed: the release command did not finish within release-timeout; its container was removed',
    ],
  ])(
    'a release command that fails or outlives release-timeout: nothing starts, nothing is switched, the failure is recorded',
    async (outcome, takesMs, message) => {
      const w = new World();
      w.serving(20000);
      w.releaseOutcome = outcome;
      w.releaseTakesMs = takesMs;
      const e = await failure(deploy(config({ 'release-command': 'migrate', timeout: '20m' }), w.deps(), identity));
      expect(e.message).toBe(message);
      if (outcome.code) expect(e.details.logs).toContain('relation "users" already exists');
      expect(e.hint).toMatch(/Nothing was started or switched: the previous version serves/);
      expect(w.calls.some((c) => /^(run|set)/.test(c))).toBe(false);
      expect(w.key).toBe('20000');
      expect(recorded(w).map((r) => `${r.outcome} ${r.reason}`)).toEqual([
        `failed ${message.replace(' failed: ', ': ')}`,
      ]);
    },
  );

  test('every deploy is recorded: image, digest, image id, container, port, run', async () => {
    const w = new World();
    w.serving(20000);
    const result = await deploy(config(), w.deps(), identity);
    expect(recorded(w)).toEqual([
      {
        time: expect.any(String),
        outcome: 'deployed',
        image: 'registry.example.com/web:2',
        digest: DIGEST('2'),
        imageId: 'i2',
        container: 'web-new',
        port: 20001,
        run: identity.lockOwner,
        deployment: DEPLOYMENT,
      },
    ]);
    expect(result.releases.map((r) => r.image)).toEqual(['registry.example.com/web:2']);
  });

  test('rollback: the release before the one serving, by digest, through the same path; twice goes further back; then it refuses', async () => {
    const w = new World();
    w.serving(20000);
    historyOf(w, [
      ['1', 'deployed'],
      ['2', 'deployed'],
      ['3', 'deployed'],
    ]);
    const rollback = config({ rollback: 'true', image: '' });
    const first = await deploy(rollback, w.deps(), identity);
    expect(w.calls).toContain(`pull registry.example.com/web@${DIGEST('2')}`);
    expect(first).toMatchObject({
      image: `registry.example.com/web@${DIGEST('2')}`,
      previousImage: 'registry.example.com/web:1',
    });
    expect(recorded(w).at(-1)).toMatchObject({ outcome: 'rolled back', digest: DIGEST('2') });
    w.calls = [];
    const second = await deploy(rollback, w.deps(), identity);
    expect(second.image).toBe(`registry.example.com/web@${DIGEST('1')}`);
    const e = await failure(deploy(rollback, w.deps(), identity));
    // The first release is what serves now: named as it was first deployed.
    expect(e.message).toBe(
      `inspect failed: rollback: nothing earlier to roll back to: the history holds only registry.example.com/web:1 (${DIGEST('1')}), deployed 2026-11-01T10:00:00.000Z; deploy an image instead`,
    );
  });

  test('rollback: an image gone from the server that cannot be pulled by digest fails before anything changes, naming the release', async () => {
    const w = new World();
    w.serving(20000);
    historyOf(w, [
      ['1', 'deployed'],
      ['2', 'deployed'],
    ]);
    w.missingImages = [`registry.example.com/web@${DIGEST('1')}`];
    const e = await failure(deploy(config({ rollback: 'true', image: '' }), w.deps(), identity));
    expect(e.phase).toBe('pull');
    expect(e.reason).toMatch(
      /^the release to roll back to, registry\.example\.com\/web:1 \(sha256:d-1, deployed 2026-11-01T10:00:00\.000Z\), is not on the server and cannot be pulled by digest/,
    );
    expect(w.calls.some((c) => /^(run|set|stop)/.test(c))).toBe(false);
  });

  test('rollback: an image input naming another repository is refused', async () => {
    const w = new World();
    historyOf(w, [
      ['1', 'deployed'],
      ['2', 'deployed'],
    ]);
    const e = await failure(
      deploy(config({ rollback: 'true', image: 'registry.example.com/other:1' }), w.deps(), identity),
    );
    expect(e.message).toBe(
      'inspect failed: rollback: image names registry.example.com/other, but the release to roll back to is registry.example.com/web:1',
    );
  });

  test('pruning keeps the images of the last keep-images releases and the rollback target, whatever their build dates', async () => {
    const w = new World();
    w.serving(20000);
    historyOf(w, [
      ['0', 'deployed'],
      ['1', 'deployed'],
    ]);
    await deploy(config({ 'keep-images': '1' }), w.deps(), identity);
    // web:2 serves, web:1 is the rollback target; web:0 is neither.
    expect(w.calls.filter((c) => c.startsWith('rmi'))).toEqual(['rmi registry.example.com/web:0']);
  });
});

describe('neighbouring deployments on the server', () => {
  const SHOP = '/nginx/upstream/shop/port';
  const shopRelease = (port: number, imageId: string): string =>
    `${JSON.stringify({
      time: '2026-11-01T10:00:00.000Z',
      outcome: 'deployed',
      image: 'registry.example.com/web:0',
      digest: 'sha256:d-0',
      imageId,
      container: 'shop-1',
      port,
      run: 'r',
      deployment: SHOP,
    })}\n`;

  test("a port a neighbour's key names, or its history last released on, is not taken, though its container is gone", async () => {
    const w = new World();
    w.serving(20000);
    w.histories.set(historyPath(SHOP), shopRelease(20001, 'i9'));
    w.otherKeys.set(SHOP, '127.0.0.1:20002');
    const result = await deploy(config(), w.deps(), identity);
    expect(result.port).toBe(20003);
  });

  test('while a neighbour deploys (its lock held), old images stay: it may have pulled one it has not started', async () => {
    const w = new World();
    w.serving(20000);
    w.locks.set(`docker-hot-deploy:lock:${SHOP}`, 'another run');
    const result = await deploy(config({ 'keep-images': '1' }), w.deps(), identity);
    expect(w.calls.some((c) => c.startsWith('rmi'))).toBe(false);
    expect(result.timeline.find((p) => p.phase === 'retire')?.detail).toContain(
      `old images kept this time: ${SHOP} is deploying on this server`,
    );
  });

  test('the server is read again before pruning only when something is to be pruned (it costs the deploy ~0.1 s)', async () => {
    const nothing = new World();
    nothing.serving(20000);
    // Only the image serving until now (i1) and the new one (i2) on the server.
    const images = nothing.docker.images;
    nothing.docker.images = async (repository) => (await images(repository)).filter((i) => i.id !== 'i0');
    await deploy(config(), nothing.deps(), identity);
    expect(nothing.calls.filter((c) => c === 'list' || c.startsWith('rmi'))).toEqual(['list']);
    const some = new World();
    some.serving(20000);
    await deploy(config({ 'keep-images': '1' }), some.deps(), identity);
    expect(some.calls.filter((c) => c === 'list' || c.startsWith('rmi'))).toEqual([
      'list',
      'list',
      expect.stringMatching(/^rmi /),
    ]);
  });

  test('what a neighbour started or released during the deploy is read again before pruning', async () => {
    const w = new World();
    w.serving(20000);
    const stop = w.docker.stop;
    w.docker.stop = async (id, seconds) => {
      // Meanwhile the shop deployment released web:0 and runs it.
      w.histories.set(historyPath(SHOP), shopRelease(20005, 'i0'));
      w.containers.push({
        id: 'shopid',
        name: 'shop-1',
        state: 'running',
        labels: { 'docker-hot-deploy.deployment': SHOP },
        image: 'registry.example.com/web:0',
        imageId: 'i0',
        hostPorts: [20005],
      });
      return stop(id, seconds);
    };
    await deploy(config({ 'keep-images': '1' }), w.deps(), identity);
    expect(w.calls.filter((c) => c.startsWith('rmi'))).toEqual([]);
  });
});

describe('several servers: all or nothing', () => {
  const names = ['c', 'a', 'b'];
  /** Three servers, each serving web:1 on :20000; one clock (the first world's) for all. */
  function fleet(): { worlds: Record<string, World>; deps: Deps } {
    const worlds = Object.fromEntries(names.map((n) => [n, new World()]));
    Object.values(worlds).forEach((w) => w.serving(20000));
    const deps = worlds[names[0]].deps();
    deps.servers = names.map((n) => worlds[n].server(n));
    return { worlds, deps };
  }
  const severalConfig = (overrides: Record<string, string> = {}): Config =>
    config({ host: names.join('\n'), ...overrides });
  const keyWrites = (w: World): string[] => w.calls.filter((c) => c.startsWith('set') || c === 'delete key');

  test('batch 1: every server prepared before any switches; one switch at a time; then retired everywhere', async () => {
    const { worlds, deps } = fleet();
    const order: string[] = [];
    for (const n of names) {
      const probe = deps.servers[names.indexOf(n)].probes.probe;
      deps.servers[names.indexOf(n)].probes.probe = async () => {
        if (worlds[n].key === '20001') order.push(n);
        return probe();
      };
    }
    const result = await deploy(severalConfig({ 'release-command': 'migrate' }), deps, identity);
    expect(result.servers.map((s) => [s.server, s.port, s.previousPort])).toEqual([
      ['c', 20001, 20000],
      ['a', 20001, 20000],
      ['b', 20001, 20000],
    ]);
    expect(result.stages.map((s) => s.stage)).toEqual(['lock', 'prepare', 'switch', 'switch', 'switch', 'retire']);
    // Proof on one server ends before the next one's key is written.
    expect([...new Set(order)]).toEqual(names);
    for (const n of names) {
      expect(worlds[n].routedPort).toBe(20001);
      expect(worlds[n].containers.map((c) => c.id)).toEqual(['newid']);
    }
    // The release phase ran once, on the first server given.
    expect(
      Object.values(worlds)
        .flatMap((w) => w.calls)
        .filter((c) => c.startsWith('release')),
    ).toHaveLength(1);
    expect(worlds.c.calls.some((c) => c.startsWith('release'))).toBe(true);
  });

  test("a lock that holds this deploy's own owner while no other server holds one is its own resent SET: waited for, not called shared", async () => {
    const w = new World();
    w.serving(20000);
    w.lockHolder = identity.lockOwner;
    const e = await failure(deploy(config({ 'lock-timeout': '1s' }), w.deps(), identity));
    expect(e.reason).toMatch(/is still held by .* after lock-timeout$/);
  });

  test('a tag pushed again while the servers pulled: different builds are refused before anything starts', async () => {
    const { worlds, deps } = fleet();
    const pull = worlds.b.docker.pull;
    worlds.b.docker.pull = async (...args) => ({ ...(await pull(...args)), digest: 'sha256:d-2-pushed-again' });
    const e = await failure(deploy(severalConfig(), deps, identity));
    expect(e.reason).toBe(
      'the servers pulled different builds of registry.example.com/web:2 (c: sha256:d-2; a: sha256:d-2; b: sha256:d-2-pushed-again)',
    );
    expect(
      Object.values(worlds)
        .flatMap((w) => w.calls)
        .some((c) => c.startsWith('run ')),
    ).toBe(false);
  });

  test('servers that share one Redis: the lock held by this same deploy is said to be, not waited for', async () => {
    const { worlds, deps } = fleet();
    // b and c answer from a's Redis: one lock, one key.
    deps.servers[0].keys = deps.servers[1].keys;
    deps.servers[2].keys = deps.servers[1].keys;
    const e = await failure(deploy(severalConfig(), deps, identity));
    expect(e.phase).toBe('lock');
    expect(e.reason).toBe(`${LOCK} is held by this same deploy through another server: the servers share one Redis`);
    expect(worlds.a.lockHolder).toBeNull();
  });

  test('the locks are taken in the order of the server names, whatever order host gives', async () => {
    const { worlds, deps } = fleet();
    const taken: string[] = [];
    for (const [i, n] of names.entries()) {
      const tryLock = deps.servers[i].keys.tryLock;
      deps.servers[i].keys.tryLock = async (...args) => {
        taken.push(n);
        return tryLock(...args);
      };
    }
    await deploy(severalConfig(), deps, identity);
    expect(taken).toEqual(['a', 'b', 'c']);
    expect(Object.values(worlds).every((w) => w.lockHolder === null)).toBe(true);
  });

  test('batch-size 100%: all switch at once', async () => {
    const { deps } = fleet();
    const result = await deploy(severalConfig({ 'batch-size': '100%' }), deps, identity);
    expect(result.stages.filter((s) => s.stage === 'switch').map((s) => s.detail)).toEqual(['batch 1 of 1: c, a, b']);
  });

  test('one server never gets ready: no key written anywhere, every new container removed', async () => {
    const { worlds, deps } = fleet();
    worlds.b.newState = { status: 'exited', exitCode: 3 };
    const e = await failure(deploy(severalConfig(), deps, identity));
    expect(e.message).toBe('b: ready failed: the container exited with code 3');
    expect(e.oldServes).toBe(true);
    for (const n of names) {
      expect(keyWrites(worlds[n])).toEqual([]);
      expect(worlds[n].containers.map((c) => c.id)).toEqual(['oldid']);
      expect(worlds[n].lockHolder).toBeNull();
      expect(parseHistory(worlds[n].histories.get(historyPath(DEPLOYMENT)) ?? '').at(-1)).toMatchObject({
        outcome: 'failed',
        reason: expect.stringMatching(/ready: the container exited with code 3$/),
      });
    }
    expect(e.servers.map((s) => s.server)).toEqual(names);
  });

  test("the last server's switch fails: the ones switched before are switched back and proven, new containers removed everywhere", async () => {
    const { worlds, deps } = fleet();
    worlds.b.watcherUp = false;
    const e = await failure(deploy(severalConfig(), deps, identity));
    expect(e.message).toMatch(
      /^b: switch failed: nginx did not serve port 20001 within switch-timeout; \/nginx\/upstream\/app\/port was set back to 20000/,
    );
    expect(e.oldServes).toBe(true);
    expect(e.stages.map((s) => [s.stage, s.ok])).toEqual([
      ['lock', true],
      ['prepare', true],
      ['switch', true],
      ['switch', true],
      ['switch', false],
      ['undo', true],
    ]);
    for (const n of names) {
      expect(keyWrites(worlds[n])).toEqual(['set 20001', 'set 20000']);
      expect(worlds[n].key).toBe('20000');
      expect(worlds[n].routedPort).toBe(20000);
      expect(worlds[n].containers.map((c) => c.id)).toEqual(['oldid']);
    }
    expect(e.servers.find((s) => s.server === 'c')?.timeline.map((p) => p.phase)).toEqual([
      'lock',
      'inspect',
      'pull',
      'start',
      'ready',
      'switch',
      'undo',
    ]);
  });

  test('a server that cannot be switched back keeps its new container, and the error says so', async () => {
    const { worlds, deps } = fleet();
    worlds.b.watcherUp = false;
    // c switched; then its confd stops, so the write-back never reaches its nginx.
    const cKeys = deps.servers[0].keys;
    const set = cKeys.compareAndSet;
    cKeys.compareAndSet = async (...args) => {
      const out = await set(...args);
      if (args[3] && args[2] === '20000') worlds.c.routedPort = 20001;
      worlds.c.watcherUp = false;
      return out;
    };
    const e = await failure(deploy(severalConfig({ 'switch-timeout': '1s' }), deps, identity));
    expect(e.reason).toMatch(/switching back failed on c: .*nginx did not serve :20000 again within switch-timeout/);
    expect(e.oldServes).toBe(false);
    expect(worlds.c.containers.map((c) => c.id)).toEqual(['oldid', 'newid']);
    expect(worlds.a.containers.map((c) => c.id)).toEqual(['oldid']);
  });

  test('a rollback goes back to one release everywhere, or is refused before anything starts', async () => {
    const { worlds, deps } = fleet();
    const entry = (tag: string): string =>
      JSON.stringify({
        time: '2026-11-01T00:00:00Z',
        run: 'r',
        outcome: 'deployed',
        image: `registry.example.com/web:${tag}`,
        digest: `sha256:d-${tag}`,
        imageId: `i${tag}`,
        container: `web-${tag}`,
        port: 20000,
      });
    for (const n of names)
      worlds[n].histories.set(historyPath(DEPLOYMENT), `${entry(n === 'b' ? '0' : '9')}\n${entry('1')}\n`);
    const e = await failure(deploy(severalConfig({ rollback: 'true', image: '' }), deps, identity));
    expect(e.reason).toMatch(
      /^rollback: the servers would go back to different releases \(c: registry.example.com\/web:9 \(sha256:d-9\); a: .*; b: registry.example.com\/web:0 \(sha256:d-0\)\)$/,
    );
    expect(
      Object.values(worlds)
        .flatMap((w) => w.calls)
        .some((c) => c.startsWith('run ')),
    ).toBe(false);
  });
});

/** A server serving :20000 on which `tick` runs at every wait of the deploy (nginx's log growing, say). */
function serving(tick: (w: World) => void): { w: World; deps: Deps } {
  const w = new World();
  w.serving(20000);
  const deps = w.deps();
  const sleep = deps.clock.sleep;
  deps.clock.sleep = async (ms) => {
    tick(w);
    await sleep(ms);
  };
  return { w, deps };
}

describe('the bake: the new version watched after the switch, the old one kept warm', () => {
  const line = (port: number, status: number, path = '/'): string =>
    `${JSON.stringify({ msec: 1.5, upstream: `127.0.0.1:${port}`, status, request_time: 0.004, request: `GET ${path} HTTP/1.1` })}\n`;
  const baked = (overrides: Record<string, string> = {}): Config =>
    config({ 'bake-time': '10s', 'access-log': '/var/log/nginx/app-upstream.log', ...overrides });

  test('a good version: the old container runs through the bake and is stopped only after it; the report counts its answers', async () => {
    const { w, deps } = serving((world) => {
      world.accessLog += line(20001, 200) + line(20001, 404);
    });
    const result = await deploy(baked(), deps, identity);
    expect(result.timeline.map((p) => p.phase)).toEqual([
      'lock',
      'inspect',
      'pull',
      'start',
      'ready',
      'switch',
      'bake',
      'drain',
      'retire',
    ]);
    const calls = w.calls.filter((c) => ['set 20001', 'read log', 'stop oldid'].includes(c));
    expect(calls[0]).toBe('set 20001');
    expect(calls.at(-1)).toBe('stop oldid');
    expect(calls.filter((c) => c === 'read log').length).toBeGreaterThanOrEqual(19);
    expect(result.bake).toMatchObject({
      passed: true,
      traffic: { errors: 0, byStatus: { 200: expect.any(Number), 404: expect.any(Number) } },
    });
    expect(result.bake?.seconds).toBeGreaterThanOrEqual(10);
  });

  test('5xx in the access log: switched back by compare-and-set and proven, the new container removed, recorded as baked-out', async () => {
    const { w, deps } = serving((world) => {
      if (world.key === '20001') world.accessLog += line(20001, 500, '/orders?id=1').repeat(3);
    });
    const e = await failure(deploy(baked(), deps, identity));
    expect(e.phase).toBe('bake');
    expect(e.reason).toMatch(/the new version answered \d+ requests in a row with 5xx/);
    expect(e.oldServes).toBe(true);
    expect(e.details.bake?.traffic?.firstFailures[0]).toBe('GET /orders?id=1 -> 500');
    expect(e.details.bake?.switchBackSeconds).toBeGreaterThanOrEqual(0);
    expect(w.calls.filter((c) => c.startsWith('set'))).toEqual(['set 20001', 'set 20000']);
    expect(w.calls).toContain('discard newid');
    expect(w.calls.some((c) => c.startsWith('stop'))).toBe(false);
    expect(w.routedPort).toBe(20000);
    expect(parseHistory(w.histories.get(historyPath(DEPLOYMENT)) ?? '').map((r) => r.outcome)).toEqual(['baked-out']);
  });

  test('a share of 5xx under bake-max-errors passes; at it, once bake-min-requests were answered, fails', async () => {
    for (const [errorsPerTen, passes] of [
      [0, true],
      [1, false],
    ] as const) {
      const { deps } = serving((w) => {
        if (w.key === '20001')
          w.accessLog += line(20001, 200).repeat(10 - errorsPerTen) + line(20001, 503).repeat(errorsPerTen);
      });
      const outcome = await deploy(baked({ 'bake-max-errors': '10%', 'bake-min-requests': '30' }), deps, identity).then(
        () => 'passed',
        (e: DeployError) => e.reason,
      );
      expect(outcome).toBe(
        passes
          ? 'passed'
          : '3 of 30 requests the new version answered were 5xx (10.0%, bake-max-errors 10%; access-log)',
      );
    }
  });

  test('the new container exits during the bake: switched back, with its exit code and log lines', async () => {
    const w = new World();
    w.serving(20000);
    w.newExitsAt = 4000;
    const e = await failure(deploy(config({ 'bake-time': '10s' }), w.deps(), identity));
    expect(e.phase).toBe('bake');
    expect(e.reason).toBe('the container exited with code 4');
    expect(e.details.logs).toBe('boom: cannot bind');
    expect(e.details.bake).toMatchObject({ passed: false, notWatched: 'no access-log set' });
    expect(w.key).toBe('20000');
  });

  test('probes answered 500 by the new version during the switch: it fails at once, not after switch-timeout, and says what was seen', async () => {
    const w = new World();
    w.serving(20000);
    w.newStatus = 500;
    const started = w.now;
    const e = await failure(deploy(config({ 'switch-timeout': '60s' }), w.deps(), identity));
    expect(e.phase).toBe('switch');
    expect(e.reason).toMatch(
      /^the new version answered 500 on \/ through nginx; \/nginx\/upstream\/app\/port was set back to 20000/,
    );
    expect(e.details.logs).toBe('boom: cannot bind');
    expect(w.now - started).toBeLessThan(60_000);
    expect(w.key).toBe('20000');
  });

  test('a first deploy has nothing to go back to: not baked', async () => {
    const w = new World();
    const result = await deploy(config({ 'bake-time': '10s' }), w.deps(), identity);
    expect(result.timeline.find((p) => p.phase === 'bake')?.detail).toMatch(/not baked/);
    expect(result.bake).toBeUndefined();
  });

  test('the post step learns the bake: a checkpoint with the value to go back to, cleared once the bake passed', async () => {
    const w = new World();
    w.serving(20000);
    const seen: string[] = [];
    await deploy(
      config({ 'bake-time': '2s' }),
      w.deps((name, value) => {
        if (name === 'baking') seen.push(value);
      }),
      identity,
    );
    expect(seen).toEqual([JSON.stringify({ from: '20001', to: '20000', port: 20000 }), '']);
  });

  test('several servers, batch 1: the first server bakes before the second switches; its failure switches back only what switched', async () => {
    const names = ['a', 'b'];
    const worlds = Object.fromEntries(names.map((n) => [n, new World()]));
    Object.values(worlds).forEach((w) => w.serving(20000));
    const deps = worlds.a.deps();
    deps.servers = names.map((n) => worlds[n].server(n));
    worlds.a.newExitsAt = 3000;
    const e = await failure(deploy(config({ host: names.join('\n'), 'bake-time': '10s' }), deps, identity));
    expect(e.phase).toBe('bake');
    expect(e.server).toBe('a');
    expect(worlds.b.calls.some((c) => c.startsWith('set'))).toBe(false);
    expect(worlds.a.key).toBe('20000');
    expect(e.stages.map((s) => s.stage)).toEqual(['lock', 'prepare', 'switch', 'bake', 'undo']);
  });
});

describe('the bake, when things go wrong around it', () => {
  test('asked to stop during the bake (Ctrl-C): switched back and proven, the new container removed, nothing retired', async () => {
    const stop = new AbortController();
    const { w, deps } = serving((world) => {
      if (world.key === '20001' && world.now > 3000) stop.abort();
    });
    const e = await failure(deploy(config({ 'bake-time': '10s' }), { ...deps, signal: stop.signal }, identity));
    expect(e.phase).toBe('bake');
    expect(e.reason).toBe('the deploy was interrupted (asked to stop)');
    expect(e.oldServes).toBe(true);
    expect(w.key).toBe('20000');
    expect(w.calls).toContain('discard newid');
    expect(w.calls.some((c) => c.startsWith('stop'))).toBe(false);
    expect(w.lockHolder).toBeNull();
  });

  test('access-log that cannot be read three times in a row: the bake says so and goes on with the container and the probes', async () => {
    const w = new World();
    w.serving(20000);
    w.docker.readLog = async () => {
      throw new Error('stat: cannot stat: No such file or directory');
    };
    const result = await deploy(
      config({ 'bake-time': '5s', 'access-log': '/var/log/nginx/app-upstream.log' }),
      w.deps(),
      identity,
    );
    expect(result.bake).toMatchObject({
      passed: true,
      traffic: undefined,
      notWatched: expect.stringMatching(/^access-log could not be read 3 times in a row/),
    });
  });

  test('access-log unreadable as the deploy begins: said at once, with the fix', async () => {
    const w = new World();
    w.serving(20000);
    w.docker.logEnd = async () => {
      throw new Error('stat: cannot stat: Permission denied');
    };
    const result = await deploy(
      config({ 'bake-time': '2s', 'access-log': '/var/log/nginx/app-upstream.log' }),
      w.deps(),
      identity,
    );
    expect(result.warnings).toEqual([
      expect.stringMatching(/^access-log \/var\/log\/nginx\/app-upstream.log cannot be read .*usermod -aG adm deploy/),
    ]);
    expect(result.bake).toMatchObject({ passed: true, notWatched: '/var/log/nginx/app-upstream.log cannot be read' });
  });

  test('only the server whose own bake failed records baked-out', async () => {
    const names = ['a', 'b'];
    const worlds = Object.fromEntries(names.map((n) => [n, new World()]));
    Object.values(worlds).forEach((w) => w.serving(20000));
    const deps = worlds.a.deps();
    deps.servers = names.map((n) => worlds[n].server(n));
    // One clock for both (a's): b's new container exits 5 s in, during b's own bake.
    const inspect = worlds.b.docker.inspect;
    worlds.b.docker.inspect = async (id, port) => ({
      ...(await inspect(id, port)),
      ...(id === 'newid' && worlds.a.now >= 5000 ? { status: 'exited', exitCode: 4 } : {}),
    });
    await failure(deploy(config({ host: names.join('\n'), 'bake-time': '3s' }), deps, identity));
    const outcomes = (w: World): string[] =>
      parseHistory(w.histories.get(historyPath(DEPLOYMENT)) ?? '').map((r) => r.outcome);
    expect([outcomes(worlds.a), outcomes(worlds.b)]).toEqual([['failed'], ['baked-out']]);
    expect([worlds.a.key, worlds.b.key]).toEqual(['20000', '20000']);
  });
});

describe('the release container', () => {
  test('its name is a checkpoint while it runs: a cancelled run has its post step stop it', async () => {
    const w = new World();
    w.serving(20000);
    const seen: string[] = [];
    await deploy(
      config({ 'release-command': 'migrate' }),
      w.deps((name, value) => {
        if (name === 'release') seen.push(value);
      }),
      identity,
    );
    expect(seen).toEqual(['web-new-release', '']);
  });

  test("an earlier deploy's release command still running: refused, naming it, before anything starts", async () => {
    const w = new World();
    w.serving(20000);
    w.containers.push(
      w.container('oldrelease', 0, {
        name: 'web-20261201-release',
        labels: {
          'docker-hot-deploy.app': 'web',
          'docker-hot-deploy.deployment': DEPLOYMENT,
          'docker-hot-deploy.role': 'release',
        },
        hostPorts: [],
      }),
    );
    const e = await failure(deploy(config({ 'release-command': 'migrate' }), w.deps(), identity));
    expect(e.phase).toBe('release');
    expect(e.reason).toBe(
      'web-20261201-release, the release command of an earlier deploy, still runs: this one does not start a second',
    );
    expect(w.calls.some((c) => c.startsWith('release ') || c.startsWith('run '))).toBe(false);
    expect(w.key).toBe('20000');
  });
});
