// Security on the real stack: the server's identity (and the bastion's) pinned,
// key formats, secrets kept out of argv, logs, outputs and the summary, and
// hostile input that never becomes a command.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { failureMessage, runAction, startAction, type ActionRun } from '../support/action.js';
import {
  appContainers,
  docker,
  image,
  keyValue,
  nginxGet,
  resetStack,
  stackInfo,
  stackInputs,
  waitFor,
} from '../support/stack.js';

const stack = stackInfo();
const key = (path: string): string => readFileSync(path, 'utf8');
const pinless = (extra: Record<string, string> = {}): Record<string, string> => {
  const inputs = stackInputs(extra);
  delete inputs['host-fingerprint'];
  return inputs;
};

/** A deploy that must be refused before anything on the server changed. */
async function refused(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<ActionRun> {
  const before = { key: await keyValue(), containers: appContainers() };
  const run = await runAction(inputs, env);
  expect(run.code).toBe(1);
  expect({ key: await keyValue(), containers: appContainers() }).toEqual(before);
  return run;
}

async function deployed(inputs: Record<string, string>): Promise<ActionRun> {
  const run = await runAction(inputs);
  if (run.code !== 0) throw new Error(run.stdout);
  expect((await nginxGet()).upstream).toBe(`127.0.0.1:${run.outputs.port}`);
  return run;
}

beforeAll(async () => {
  await resetStack();
  await deployed(stackInputs({ image: image('v1') }));
});

describe('host keys fail closed', () => {
  test('no pin at all: refused, printing the offered fingerprint and the input to set', async () => {
    const run = await refused(pinless({ image: image('v2') }));
    expect(failureMessage(run)).toBe(
      `Refusing the server [127.0.0.1]:${stack.sshPort}: neither known-hosts nor host-fingerprint is set. ` +
        `It offered ${stack.hostFingerprint}; if that is its key, set the input host-fingerprint: ${stack.hostFingerprint} ` +
        '(check it there with: ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub).',
    );
  });

  test('a wrong fingerprint: refused', async () => {
    const run = await refused(stackInputs({ image: image('v2'), 'host-fingerprint': `SHA256:${'A'.repeat(43)}` }));
    expect(failureMessage(run)).toMatch(
      /^Refusing the server \[127\.0\.0\.1\]:2222: the offered key matches neither known-hosts nor host-fingerprint/,
    );
  });

  test('known-hosts naming another key for this host: refused', async () => {
    const impostor = stack.bastion.knownHosts.replace(
      `[127.0.0.1]:${stack.bastion.port}`,
      `[127.0.0.1]:${stack.sshPort}`,
    );
    const run = await refused(pinless({ image: image('v2'), 'known-hosts': impostor }));
    expect(failureMessage(run)).toMatch(/^Refusing the server .*matches neither known-hosts nor host-fingerprint/);
  });

  test.each(['rsa', 'ecdsa'] as const)(
    'known-hosts with only the %s key (and a hashed entry, a comment): accepted',
    async (type) => {
      const hashed = execHashed(stack.hostKeyLines[type]);
      await deployed(
        pinless({
          image: image('v2'),
          'known-hosts': `# the server\n${hashed}\nother.example.com ${stack.hostKeyLines.ed25519.split(' ').slice(1).join(' ')}`,
        }),
      );
    },
  );

  test('insecure-skip-host-key-check: works, with a warning every time', async () => {
    const run = await deployed(pinless({ image: image('v1'), 'insecure-skip-host-key-check': 'true' }));
    expect(run.stdout).toMatch(/^::warning::insecure-skip-host-key-check is true/m);
  });
});

/** ssh-keygen -H: the same known_hosts line with its host name hashed. */
function execHashed(line: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'dhd-hash-'));
  const file = join(dir, 'known_hosts');
  writeFileSync(file, `${line}\n`);
  execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
  const hashed = readFileSync(file, 'utf8').trim();
  rmSync(dir, { recursive: true, force: true });
  expect(hashed).toMatch(/^\|1\|/);
  return hashed;
}

describe('a jump host', () => {
  const viaBastion = (extra: Record<string, string> = {}): Record<string, string> =>
    stackInputs({
      image: image('v2'),
      'jump-host': '127.0.0.1',
      'jump-port': String(stack.bastion.port),
      'jump-username': stack.bastion.username,
      'jump-private-key': key(stack.bastion.privateKeyPath),
      'jump-known-hosts': stack.bastion.knownHosts,
      ...extra,
    });

  test('the server is reached through the bastion, each host key pinned', async () => {
    const before = readFileSync(`${stack.dir}/bastion.log`, 'utf8').split('Accepted publickey for jump').length;
    await deployed(viaBastion());
    expect(readFileSync(`${stack.dir}/bastion.log`, 'utf8').split('Accepted publickey for jump').length).toBe(
      before + 1,
    );
  });

  test('a bastion whose key is not pinned: refused', async () => {
    const wrong = stack.hostKeyLines.ed25519.replace(
      `[127.0.0.1]:${stack.sshPort}`,
      `[127.0.0.1]:${stack.bastion.port}`,
    );
    const run = await refused(viaBastion({ 'jump-known-hosts': wrong }));
    expect(failureMessage(run)).toMatch(
      /^Refusing the jump host \[127\.0\.0\.1\]:2223: .*add its line to jump-known-hosts \(ssh-keyscan -p 2223 127\.0\.0\.1\)/,
    );
  });
});

describe('private keys', () => {
  test.each([
    ['an OpenSSH RSA key', { 'private-key': key(stack.keys.rsa) }],
    ['a PEM RSA key', { 'private-key': key(stack.keys.rsaPem) }],
    [
      'an ed25519 key with a passphrase',
      { 'private-key': key(stack.keys.passphrase), passphrase: stack.keyPassphrase },
    ],
  ])('%s', async (_name, inputs) => {
    await deployed(stackInputs({ image: image('v1'), ...inputs }));
  });

  test('a wrong passphrase: refused before connecting', async () => {
    const run = await refused(
      stackInputs({ image: image('v2'), 'private-key': key(stack.keys.passphrase), passphrase: 'not it' }),
    );
    expect(failureMessage(run)).toContain(
      'private-key: could not be decrypted with the passphrase input (wrong passphrase?)',
    );
  });

  test('a key the server does not accept', async () => {
    const run = await refused(stackInputs({ image: image('v2'), 'private-key': key(stack.keys.stranger) }));
    expect(failureMessage(run)).toBe(
      'The server [127.0.0.1]:2222 refused the key for deploy: add its public half to ~deploy/.ssh/authorized_keys there (private-key).',
    );
  });
});

describe('secrets', () => {
  test("never in the server's process list, the log, the outputs or the summary", async () => {
    const secret = `tok-${Date.now().toString(36)}-s3cr3t`;
    const registryPassword = `pw-${Date.now().toString(36)}-hunter2`;
    const running = startAction(
      stackInputs({
        image: image('v2'),
        env: `APP_TOKEN=${secret}\nPLAIN=visible`,
        registry: '127.0.0.1:5000',
        'registry-username': 'ci',
        'registry-password': registryPassword,
      }),
    );
    // Sample the server's process list (every process's argv) until the deploy ends.
    const samples: string[] = [];
    let finished = false;
    const sampling = (async () => {
      while (!finished) {
        samples.push(execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }));
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const run = await running.done;
    finished = true;
    await sampling;
    expect(run.code).toBe(0);
    expect(samples.length).toBeGreaterThan(20);
    for (const value of [secret, registryPassword]) {
      expect(samples.filter((ps) => ps.includes(value))).toEqual([]);
      // The runner swallows ::add-mask:: lines; nothing else may carry the value.
      expect(run.stdout.split('\n').filter((l) => l.includes(value) && !l.startsWith('::add-mask::'))).toEqual([]);
      expect(run.stdout).toContain(`::add-mask::${value}`);
      expect(JSON.stringify(run.outputs)).not.toContain(value);
      expect(run.summary).not.toContain(value);
    }
    // The env reached the container, through a file that is gone.
    const env = JSON.parse(docker('inspect', '--format', '{{json .Config.Env}}', run.outputs.container)) as string[];
    expect(env).toEqual(expect.arrayContaining([`APP_TOKEN=${secret}`, 'PLAIN=visible']));
    expect(readdirSync('/tmp').filter((f) => f.startsWith('.docker-hot-deploy-'))).toEqual([]);
  });
});

describe('Redis over TLS with a user and password, through the SSH forward', () => {
  // The stack's CA stands in for the public one a managed Redis's certificate chains to.
  const trustStackCa = { NODE_EXTRA_CA_CERTS: stack.redisTls.caPath };

  test('a deploy through rediss:// switches as usual, the password masked', async () => {
    const run = await runAction(stackInputs({ image: image('v2'), 'redis-url': stack.redisTls.url }), trustStackCa);
    expect(run.code).toBe(0);
    expect((await nginxGet()).body).toBe('v2');
    expect(run.stdout).toContain(`::add-mask::${stack.redisTls.password}`);
    expect(
      run.stdout.split('\n').filter((l) => l.includes(stack.redisTls.password) && !l.startsWith('::add-mask::')),
    ).toEqual([]);
  });

  test('a wrong password: a clear error, nothing changed', async () => {
    const url = stack.redisTls.url.replace(stack.redisTls.password, 'wrong-password');
    const run = await refused(stackInputs({ image: image('v1'), 'redis-url': url }), trustStackCa);
    expect(failureMessage(run)).toMatch(
      /^Redis at rediss:\/\/deployer:\*\*\*@localhost:16380 \(redis-url, as seen from the server\) did not answer: WRONGPASS/,
    );
    expect(failureMessage(run)).not.toContain('wrong-password');
  });

  test('a certificate that does not chain to a trusted CA: refused', async () => {
    const run = await refused(stackInputs({ image: image('v1'), 'redis-url': stack.redisTls.url }));
    expect(failureMessage(run)).toBe(
      'Redis at rediss://deployer:***@localhost:16380 (redis-url, as seen from the server) did not answer: self-signed certificate in certificate chain',
    );
  });
});

describe('hostile input', () => {
  const markers = [1, 2, 3, 4, 5, 6].map((i) => `/tmp/dhd-marker-${i}`);
  beforeEach(() => markers.forEach((m) => rmSync(m, { force: true })));
  afterEach(() => expect(markers.filter((m) => existsSync(m))).toEqual([]));

  test('accepted values arrive as one literal argument each, and nothing runs', async () => {
    const labels = [
      `--label=a=$(touch ${markers[0]})`,
      `--label=b=x;touch ${markers[1]}`,
      `--label=c=\`touch ${markers[2]}\``,
      '--label=d=it\'s "quoted" && touch /tmp/dhd-marker-4',
    ];
    const run = await deployed(
      stackInputs({
        image: image('v1'),
        'run-args': labels.join('\n'),
        env: `EVIL=$(touch ${markers[4]})`,
        // Only ever an HTTP path: a query string keeps busybox httpd answering 200.
        'health-path': `/?check=$(touch\${IFS}${markers[5]})`,
      }),
    );
    const got = JSON.parse(docker('inspect', '--format', '{{json .Config.Labels}}', run.outputs.container)) as Record<
      string,
      string
    >;
    expect([got.a, got.b, got.c, got.d]).toEqual(labels.map((l) => l.slice('--label=a='.length)));
  });

  test('an env-file path with shell syntax is one literal argument: docker finds no such file', async () => {
    const run = await refused(
      stackInputs({ image: image('v2'), 'env-file': `/tmp/x;touch ${markers[0]} && touch ${markers[1]}` }),
    );
    expect(failureMessage(run)).toMatch(
      /^start failed: docker run --detach failed \(exit \d+\): .*\/tmp\/x;touch \/tmp\/dhd-marker-1 && touch \/tmp\/dhd-marker-2: no such file or directory/,
    );
  });

  test.each([
    ['image', { image: `${image('v1')};touch /tmp/dhd-marker-1` }, /^ {2}- image: .* is not a Docker image reference/m],
    ['image (leading dash)', { image: '--privileged' }, /^ {2}- image: .* is not a Docker image reference/m],
    [
      'registry (leading dash)',
      { registry: '-H=tcp://evil', 'registry-username': 'ci', 'registry-password': 'x' },
      /^ {2}- registry: .* is not a registry host/m,
    ],
    [
      'env-file (not absolute)',
      { 'env-file': '--privileged' },
      /^ {2}- env-file: .* is not an absolute path on the server/m,
    ],
    ['env (newline in a name)', { env: 'A B=1' }, /^ {2}- env: line 1 is not NAME=value/m],
    ['app', { app: '$(touch /tmp/dhd-marker-1)' }, /^ {2}- app: .* is not a name/m],
    ['host', { host: '127.0.0.1;touch /tmp/dhd-marker-1' }, /^ {2}- host: .* is not a server/m],
    ['username', { username: 'deploy`touch /tmp/dhd-marker-1`' }, /^ {2}- username: .* is not a Unix user name/m],
    [
      'container-port',
      { 'container-port': '8080 && touch /tmp/dhd-marker-1' },
      /^ {2}- container-port: .* is not a whole number/m,
    ],
    [
      'bind-address',
      { 'bind-address': '127.0.0.1\ntouch /tmp/dhd-marker-1' },
      /^ {2}- bind-address: .* is not an IPv4 or IPv6 address/m,
    ],
    [
      'port-range',
      { 'port-range': '20100-20109;touch /tmp/dhd-marker-1' },
      /^ {2}- port-range: .* is not a range of ports/m,
    ],
    [
      'run-args',
      { 'run-args': '--name=$(touch /tmp/dhd-marker-1)' },
      /^ {2}- run-args: .* is not accepted: the action names each container/m,
    ],
    [
      'registry-username',
      { 'registry-username': 'ci; touch /tmp/dhd-marker-1', 'registry-password': 'x' },
      /^ {2}- registry-username: .* is not a user name without spaces/m,
    ],
    ['redis-key', { 'redis-key': '/k\nFLUSHALL' }, /^ {2}- redis-key: .* is not a Redis key/m],
    [
      'upstream-header',
      { 'upstream-header': 'X-Up\r\nX-Evil: 1' },
      /^ {2}- upstream-header: .* is not an HTTP header name/m,
    ],
  ])('%s: refused before connecting', async (_input, inputs, message) => {
    const run = await refused(stackInputs({ image: image('v2'), ...inputs }));
    expect(failureMessage(run)).toMatch(message);
  });
});

describe("the runner's side", () => {
  test('during a deploy the action listens on no TCP port: its forwards are Unix sockets in a directory of its own (0700)', async () => {
    await deployed(stackInputs({ image: image('v1') }));
    const running = startAction(stackInputs({ image: image('v2'), 'bake-time': '5s' }));
    await waitFor('the bake', () => running.output().includes('::group::bake'));
    const pid = running.child.pid ?? 0;
    const listening = (flags: string): string[] =>
      execFileSync('ss', [flags, '-p'], { encoding: 'utf8' })
        .split('\n')
        .filter((l) => l.includes(`pid=${pid},`));
    const tcp = listening('-Hltn');
    // Redis, nginx (the probes) and the new container (its ready check): a socket each, each in a
    // directory only the runner's user (root here) may enter.
    const paths = listening('-Hlx').map((l) => /\s(\/\S+\.sock)\s/.exec(l)?.[1] ?? l);
    const modes = paths.map((path) => (statSync(dirname(path)).mode & 0o777).toString(8));
    const run = await running.done;
    expect(run.code).toBe(0);
    expect(tcp).toEqual([]);
    expect(paths.length).toBeGreaterThanOrEqual(2);
    expect(modes).toEqual(paths.map(() => '700'));
    // Gone with the deploy.
    for (const path of paths) expect(existsSync(dirname(path))).toBe(false);
  });
});
