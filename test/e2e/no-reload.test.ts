// The switch and kept-alive clients, in the host setup the stack runs (DHD_NGINX):
// with a reload, nginx's old workers close idle kept-alive connections under their
// clients; without one (nginx's Lua module takes the peer from a dictionary confd
// sets through an admin socket), nothing is closed. CI runs this file in both setups.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { deployOk, failureMessage, runAction } from '../support/action.js';
import { describeLoad, failures, startLoad } from '../support/load.js';
import { image, keyValue, nginxGet, resetStack, stackInfo, stackInputs } from '../support/stack.js';

const stack = stackInfo();
const noReload = stack.nginxSetup === 'no-reload';
const deploy = (version: string): ReturnType<typeof deployOk> =>
  deployOk(stackInputs({ image: image(version), 'bake-time': '0s' }));
/** A PUT to the admin socket as `user`: curl's exit code and what nginx answered. */
function setPeer(user: string, name: string, address: string): { code: number; answer: string } {
  try {
    const answer = execFileSync(
      'runuser',
      [
        '-u',
        user,
        '--',
        'curl',
        '--silent',
        '--show-error',
        '--fail-with-body',
        '--unix-socket',
        '/run/nginx-dhd/admin.sock',
        '--request',
        'PUT',
        '--data-binary',
        address,
        `http://localhost/peer/${name}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    ).toString();
    return { code: 0, answer };
  } catch (e) {
    const failed = e as { status: number; stdout: Buffer; stderr: Buffer };
    return { code: failed.status, answer: `${failed.stdout.toString()}${failed.stderr.toString()}` };
  }
}

beforeAll(async () => {
  await resetStack();
  await deploy('v1');
});

test(`${stack.nginxSetup} setup: 20 deploys under new connections and kept-alive clients that never retry`, async () => {
  const fresh = startLoad({ url: stack.nginxUrl, kind: 'new-connection', workers: 2 });
  const kept = startLoad({ url: stack.nginxUrl, kind: 'keep-alive', workers: 6 });
  const switches: number[] = [];
  for (let i = 0; i < 20; i += 1)
    switches.push(Number((await deploy(i % 2 === 0 ? 'v2' : 'v1')).outputs['switch-seconds']));
  const [freshReport, keptReport] = await Promise.all([fresh.stop(), kept.stop()]);
  switches.sort((a, b) => a - b);
  console.log(
    `${stack.nginxSetup} setup, 20 deploys: ${describeLoad(freshReport)}; ${describeLoad(keptReport)}; median switch ${switches[10].toFixed(3)} s`,
  );
  expect(freshReport.bodies.v1).toBeGreaterThan(0);
  expect(freshReport.bodies.v2).toBeGreaterThan(0);
  expect(failures(freshReport)).toBe(0);
  expect(keptReport.non2xx).toBe(0);
  // The reload setup loses some kept-alive requests (reported above); this one none.
  if (noReload) expect(keptReport.connectionErrors).toBe(0);
});

(noReload ? describe : describe.skip)('no reload: what the admin socket takes, and nginx on its own', () => {
  test('nginx stopped and started between deploys serves the container the key names, with no deploy', async () => {
    const before = await nginxGet();
    execFileSync('/usr/sbin/nginx', ['-c', `${stack.dir}/nginx.conf`, '-s', 'quit']);
    execFileSync('sh', ['-c', 'while [ -e /run/nginx.pid ]; do sleep 0.1; done']);
    execFileSync('/usr/sbin/nginx', ['-c', `${stack.dir}/nginx.conf`]);
    expect(await nginxGet()).toEqual(before);
    expect(before.upstream).toBe(`127.0.0.1:${(await keyValue())?.split(':').pop()}`);
  });

  test("nginx killed hard starts again with the example unit's ExecStartPre (its admin socket's file is left), and serves the key's container", async () => {
    const before = await nginxGet();
    const config = `${stack.dir}/nginx.conf`;
    // The master and its workers (not the simulated servers' nginx).
    execFileSync('sh', [
      '-c',
      'm=$(cat /run/nginx.pid); w=$(pgrep -P "$m"); kill -KILL $w "$m"; while kill -0 $w "$m" 2>/dev/null; do sleep 0.1; done',
    ]);
    // Without the drop-in, the socket's file keeps nginx from starting: the whole site down.
    expect(() => execFileSync('/usr/sbin/nginx', ['-c', config], { stdio: 'pipe' })).toThrow(
      /admin\.sock failed \(98: Address already in use\)/,
    );
    const dropIn = readFileSync(new URL('../../examples/host/systemd/nginx-dhd-socket.conf', import.meta.url), 'utf8');
    execFileSync('sh', ['-c', /^ExecStartPre=-(.+)$/m.exec(dropIn)?.[1] ?? 'false']);
    execFileSync('/usr/sbin/nginx', ['-c', config]);
    expect(await nginxGet()).toEqual(before);
  });

  test("nginx's idle connections to a peer it no longer uses close within 2 s (the drain waits for every connection to the old port)", async () => {
    // An app that keeps connections alive (the test image's httpd closes each one).
    const sockets = new Set<import('node:net').Socket>();
    const app = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('data', () =>
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\nka\n'),
      );
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    const peer = `127.0.0.1:${(app.address() as AddressInfo).port}`;
    try {
      expect(setPeer('root', 'app', peer).code).toBe(0);
      await Promise.all(Array.from({ length: 20 }, () => nginxGet()));
      expect(sockets.size).toBeGreaterThan(0);
    } finally {
      execFileSync('/usr/local/bin/dhd-peer', ['set', 'app', stack.upstreamDest]);
    }
    const closedBy = Date.now() + 2000;
    while (sockets.size > 0 && Date.now() < closedBy) await new Promise((r) => setTimeout(r, 50));
    expect(sockets.size).toBe(0);
    app.close();
  });

  test('only root reaches the admin socket; a malformed address is refused and the peer kept', async () => {
    const before = await nginxGet();
    const asDeploy = setPeer(stack.username, 'app', '127.0.0.1:1');
    expect(asDeploy.code).not.toBe(0);
    expect(asDeploy.answer).toMatch(/Permission denied|Couldn't connect/i);
    for (const bad of ['127.0.0.1:99999', '10.0.0.1:80; evil', 'example.com:80', '']) {
      const refused = setPeer('root', 'app', bad);
      expect(refused.code).toBe(22);
      expect(refused.answer).toContain('is not an address');
    }
    expect(await nginxGet()).toEqual(before);
  });

  test('the admin socket gone: the switch fails naming it, the old version serves', async () => {
    const before = await nginxGet();
    execFileSync('mv', ['/run/nginx-dhd/admin.sock', '/run/nginx-dhd/away.sock']);
    try {
      const run = await runAction(stackInputs({ image: image('v3'), 'bake-time': '0s', 'switch-timeout': '3s' }));
      expect(run.code).toBe(1);
      expect(failureMessage(run)).toMatch(
        /^switch failed: nginx did not serve port \d+ within switch-timeout; \S+ was set back/,
      );
      expect(failureMessage(run)).toMatch(
        /confd rendered :\d+ to \/etc\/nginx\/dhd\/app\.peer, but nginx did not take it: its reload_cmd \(\/usr\/local\/bin\/dhd-peer set app \/etc\/nginx\/dhd\/app\.peer\) did not reach nginx's admin socket/,
      );
    } finally {
      execFileSync('mv', ['/run/nginx-dhd/away.sock', '/run/nginx-dhd/admin.sock']);
    }
    expect(await nginxGet()).toEqual(before);
  });
});
