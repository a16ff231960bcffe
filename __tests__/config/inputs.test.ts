import { InputError, parseDuration, parseInputs, readInputs } from '../../src/config/inputs.js';
import { loadKeyParser } from '../../src/remote/ssh/private-key.js';
import { TEST_ENCRYPTED_KEY, TEST_KEY as KEY, TEST_PASSPHRASE } from '../../__fixtures__/keys.js';
const FINGERPRINT = 'SHA256:NlSr+d3IDcV8RmWZBUKCk+h/3E6vxbtSEwM6glRrjMs';
const valid: Record<string, string> = {
  host: 'deploy.example.com',
  username: 'deploy',
  'private-key': KEY,
  'host-fingerprint': FINGERPRINT,
  image: 'ghcr.io/acme/web:1.4.2',
  'container-port': '8080',
  'redis-key': '/nginx/upstream/app/port',
};

const parseKey = await loadKeyParser();
const parse = (overrides: Record<string, string> = {}) =>
  parseInputs((name) => ({ ...valid, ...overrides })[name] ?? '', { parseKey });

function problems(overrides: Record<string, string>): string[] {
  try {
    parse(overrides);
  } catch (e) {
    if (e instanceof InputError) return e.problems;
    throw e;
  }
  throw new Error('expected an InputError');
}

describe('restart', () => {
  test.each(['no', 'on-failure', 'on-failure:5', 'always', 'unless-stopped'])('accepts %s', (policy) => {
    expect(parse({ restart: policy }).container.restart).toBe(policy);
  });

  test('refuses anything else, naming what it accepts', () => {
    expect(problems({ restart: 'sometimes' })).toEqual([
      'restart: "sometimes" is not one of no, on-failure (or on-failure:N), always, unless-stopped',
    ]);
  });

  test.each([['--restart=always'], ['--restart\nalways']])(
    '0.1 run-args %j: still honoured, taken out of run-args, and said to be deprecated',
    (runArgs) => {
      const c = parse({ 'run-args': `--memory=256m\n${runArgs}` });
      expect(c.container.restart).toBe('always');
      expect(c.container.runArgs).toEqual(['--memory=256m']);
      expect(c.deprecations).toEqual([
        "run-args: --restart is deprecated; set the input restart: always instead (run-args' policy is used this time)",
      ]);
    },
  );

  test('a bad policy in run-args is refused like the input', () => {
    expect(problems({ 'run-args': '--restart=sometimes' })).toEqual([
      'run-args: "sometimes" is not a restart policy (one of no, on-failure (or on-failure:N), always, unless-stopped)',
    ]);
  });
});

describe('parseInputs', () => {
  test('applies the action.yml defaults', () => {
    const c = parse();
    expect(c.servers).toEqual([expect.objectContaining({ host: 'deploy.example.com', port: 22, username: 'deploy' })]);
    expect(c.batchSize).toEqual({ servers: 1 });
    expect(c.container.app).toBe('web');
    expect(c.container.bindAddress).toBe('127.0.0.1');
    expect(c.container.pull).toBe('always');
    expect(c.container.portRange).toEqual({ first: 20000, last: 20999 });
    expect(c.container.restart).toBe('unless-stopped');
    expect(c.deprecations).toEqual([]);
    expect(c.switch.redis).toEqual({
      shown: 'redis://127.0.0.1:6379',
      host: '127.0.0.1',
      port: 6379,
      tls: false,
      username: undefined,
      password: undefined,
      db: 0,
    });
    expect(c.switch.redisValue).toBe('{port}');
    expect(c.switch.probeUrl.href).toBe('http://127.0.0.1/');
    expect(c.switch.upstreamHeader).toBe('X-Upstream');
    expect(c.switch.probeSuccesses).toBe(3);
    expect(c.timing).toEqual({
      healthTimeoutMs: 60_000,
      releaseTimeoutMs: 600_000,
      switchTimeoutMs: 60_000,
      drainTimeoutMs: 30_000,
      stopTimeoutMs: 30_000,
      lockTimeoutMs: 300_000,
      timeoutMs: 900_000,
    });
    expect(c.keepImages).toBe(3);
  });

  test('reads a full set of inputs', () => {
    const c = parse({
      port: '2222',
      app: 'shop',
      'bind-address': '::1',
      'port-range': '49000-49099',
      env: 'A=1\n# comment\n\nB=x=y',
      'run-args': '--memory=256m\n-v\n/data:/data',
      pull: 'missing',
      'redis-url': 'rediss://user:p%40ss@cache.internal:6380/2',
      'redis-value': '127.0.0.1:{port}',
      'probe-url': 'https://127.0.0.1:8443/healthz?x=1',
      'probe-host': 'shop.example.com',
      'health-timeout': '2m',
      'switch-timeout': '90',
      'drain-timeout': '1500ms',
    });
    expect(c.servers[0].port).toBe(2222);
    expect(c.container.portRange).toEqual({ first: 49000, last: 49099 });
    expect(c.container.env).toEqual([
      ['A', '1'],
      ['B', 'x=y'],
    ]);
    expect(c.container.runArgs).toEqual(['--memory=256m', '-v', '/data:/data']);
    expect(c.switch.redis).toEqual({
      shown: 'rediss://user:***@cache.internal:6380/2',
      host: 'cache.internal',
      port: 6380,
      tls: true,
      username: 'user',
      password: 'p@ss',
      db: 2,
    });
    expect(c.timing.healthTimeoutMs).toBe(120_000);
    expect(c.timing.switchTimeoutMs).toBe(90_000);
    expect(c.timing.drainTimeoutMs).toBe(1500);
  });

  test.each([
    [{ host: 'a;b' }, /^host: "a;b" is not a server/],
    [{ host: '-oProxyCommand=x' }, /^host: .* is not a server/],
    [{ port: '0' }, /^port: "0" is not a whole number from 1 to 65535/],
    [{ username: 'root;id' }, /^username: .* is not a Unix user name/],
    [{ image: 'Web:latest' }, /^image: "Web:latest" is not a Docker image reference/],
    [{ image: 'web:1;rm -rf /' }, /^image: .* is not a Docker image reference/],
    [{ app: '$(id)' }, /^app: .* is not a name of letters/],
    [{ 'container-port': '' }, /^container-port: is required/],
    [{ 'bind-address': 'localhost' }, /^bind-address: .* is not an IPv4 or IPv6 address/],
    [{ 'bind-address': '1.2.3.4:22' }, /^bind-address: "1.2.3.4:22" is not an IPv4 or IPv6 address/],
    [{ host: '1.2.3.4:' }, /^host: "1.2.3.4:" is not a server/],
    [{ 'port-range': '200-100' }, /^port-range: .* is not a range of ports/],
    [{ env: 'not an assignment' }, /^env: line 1 is not NAME=value/],
    [
      { 'run-args': '--name=x' },
      /^run-args: "--name=x" is not accepted: the action names each container; accepted: docker run options/,
    ],
    [{ 'run-args': 'evil' }, /^run-args: "evil" is neither an option nor the value/],
    [
      { 'run-args': '--privileged\nevil/miner' },
      /^run-args: "evil\/miner" is neither an option nor the value of the option before it/,
    ],
    [{ 'run-args': '-p8080:80' }, /^run-args: "-p8080:80" is not accepted: the action publishes container-port/],
    [{ 'run-args': '--publish=8080:80' }, /^run-args: "--publish=8080:80" is not accepted/],
    [{ 'run-args': '-dit' }, /^run-args: "-dit" is not accepted: the container always runs detached/],
    [
      { 'run-args': '--rm' },
      /^run-args: "--rm" is not accepted: a retired container is stopped and removed by the action/,
    ],
    [
      { 'run-args': '--label=docker-hot-deploy.deployment=/other' },
      /^run-args: .* docker-hot-deploy\.\* labels are the action's own/,
    ],
    [
      { 'run-args': '-l\ndocker-hot-deploy.app=x' },
      /^run-args: "-l" is not accepted: docker-hot-deploy\.\* labels are the action's own/,
    ],
    [{ 'run-args': '--memory\n512m' }, /^run-args: "--memory" takes a value: write --memory=VALUE on one line/],
    [
      { 'run-args': '--network=host' },
      /^run-args: "--network=host" is not accepted: with the host network nothing is published/,
    ],
    [{ 'run-args': '-v' }, /^run-args: "-v" takes a value: put it after -v or on the next line/],
    [{ pull: 'sometimes' }, /^pull: "sometimes" is not one of always, missing, never/],
    [{ 'redis-url': 'http://x' }, /^redis-url: has scheme http:/],
    [{ 'redis-key': 'a key' }, /^redis-key: .* is not a Redis key/],
    [{ 'redis-value': 'port' }, /^redis-value: .* is not a value containing \{port\}/],
    [{ 'probe-url': 'ftp://x/' }, /^probe-url: .* is not an http:\/\/ or https:\/\/ URL/],
    [{ 'upstream-header': 'X Upstream' }, /^upstream-header: .* is not an HTTP header name/],
    [{ 'health-path': 'health' }, /^health-path: .* is not a path starting with \//],
    [{ 'health-timeout': 'soon' }, /^health-timeout: "soon" is not a duration/],
    [{ 'keep-images': '0' }, /^keep-images: "0" is not a whole number from 1 to 100/],
    [{ 'host-fingerprint': 'MD5:aa' }, /^host-fingerprint: "MD5:aa" is not an OpenSSH SHA256 fingerprint/],
    [{ 'known-hosts': 'example.com ssh-ed25519' }, /^known-hosts: line 1: expected "HOSTS KEYTYPE BASE64KEY/],
    [{ 'registry-username': 'bob' }, /^registry-username, registry-password: give both or neither/],
    [
      { 'registry-username': 'bob smith', 'registry-password': 'x' },
      /^registry-username: .* is not a user name without spaces/,
    ],
    [
      {
        'jump-host': 'a b',
        'jump-known-hosts': 'x ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMpIAoze+YVZ8/sSf0GA3fAvhyayXeM+s+jkYRnkrerv',
      },
      /^jump-host: "a b" is not a host name/,
    ],
  ])('refuses %j naming the input and what it accepts', (overrides, message) => {
    expect(problems(overrides)).toEqual([expect.stringMatching(message)]);
  });

  test('reports every bad input at once', () => {
    expect(
      problems({ host: '', image: '', 'redis-key': '' })
        .map((p) => p.split(':')[0])
        .sort(),
    ).toEqual(['host', 'image', 'redis-key']);
  });

  test('accepts glued and two-line short options, booleans, and long options with =', () => {
    expect(
      parse({
        'run-args':
          '-v/data:/data\n-e\nTZ=UTC\n--init\n--read-only\n--memory=512m\n--label=team=web\n--log-opt=max-size=1m',
      }).container.runArgs,
    ).toEqual([
      '-v/data:/data',
      '-e',
      'TZ=UTC',
      '--init',
      '--read-only',
      '--memory=512m',
      '--label=team=web',
      '--log-opt=max-size=1m',
    ]);
  });

  test('a URL with a password is shown without it', () => {
    const message = problems({ 'probe-url': 'http://user:hunter2@127.0.0.1/' }).join('\n');
    expect(message).toMatch(/^probe-url: "http:\/\/user:\*\*\*@127.0.0.1\/" is not an http/);
    expect(message).not.toContain('hunter2');
  });

  test('never shows a secret value', () => {
    const message = problems({ 'private-key': 'hunter2-not-a-key' }).join('\n');
    expect(message).toMatch(/^private-key: is not a private key ssh can read/);
    expect(message).not.toContain('hunter2');
    const redis = problems({ 'redis-url': 'redis://:hunter2@x:notaport' }).join('\n');
    expect(redis).not.toContain('hunter2');
  });

  test('an encrypted key: read with its passphrase, refused without or with a wrong one', () => {
    expect(parse({ 'private-key': TEST_ENCRYPTED_KEY, passphrase: TEST_PASSPHRASE }).servers[0].passphrase).toBe(
      TEST_PASSPHRASE,
    );
    expect(problems({ 'private-key': TEST_ENCRYPTED_KEY })).toEqual([
      'private-key: is encrypted: set the passphrase input',
    ]);
    expect(problems({ 'private-key': TEST_ENCRYPTED_KEY, passphrase: 'wrong' })).toEqual([
      'private-key: could not be decrypted with the passphrase input (wrong passphrase?)',
    ]);
  });

  test('readInputs reads the keys as parseInputs does, and reports a missing key with the rest', async () => {
    const read = (overrides: Record<string, string>) => readInputs((name) => ({ ...valid, ...overrides })[name] ?? '');
    expect((await read({})).servers[0].privateKey).toBe(KEY.trim());
    await expect(read({ 'private-key': TEST_ENCRYPTED_KEY })).rejects.toThrow(
      'private-key: is encrypted: set the passphrase input',
    );
    // A jump host's key alone is read too (the server's key is still required).
    await expect(
      read({ 'private-key': ' ', 'jump-host': 'bastion.example.com', 'jump-private-key': TEST_ENCRYPTED_KEY }),
    ).rejects.toMatchObject({
      problems: expect.arrayContaining([
        'private-key: is required',
        'jump-private-key: is encrypted: set the passphrase input',
      ]) as string[],
    });
    await expect(read({ 'private-key': '', 'drain-timeout': 'soon' })).rejects.toMatchObject({
      problems: [
        'private-key: is required',
        expect.stringMatching(/^drain-timeout: "soon" is not a duration/) as string,
      ],
    });
  });

  test("a jump host: its own known-hosts is required, user and key default to the server's", () => {
    expect(problems({ 'jump-host': 'bastion.example.com' })).toEqual(['jump-known-hosts: is required']);
    const line = 'bastion.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMpIAoze+YVZ8/sSf0GA3fAvhyayXeM+s+jkYRnkrerv';
    const c = parse({ 'jump-host': 'bastion.example.com', 'jump-known-hosts': line });
    expect(c.servers[0].jump).toMatchObject({
      host: 'bastion.example.com',
      port: 22,
      username: 'deploy',
      privateKey: KEY.trim(),
    });
    expect(c.servers[0].jump?.pins.knownHosts).toHaveLength(1);
  });

  test('several servers, one a line: name, name:port, [v6]:port or a bare IPv6 address; port is the default', () => {
    const c = parse({
      host: 'a.example.com\n  10.0.0.2:2222\n[fd00::3]:22022\nfd00::4\n',
      port: '2200',
      'batch-size': '50%',
    });
    expect(c.servers.map((x) => [x.host, x.port])).toEqual([
      ['a.example.com', 2200],
      ['10.0.0.2', 2222],
      ['fd00::3', 22022],
      ['fd00::4', 2200],
    ]);
    expect(c.batchSize).toEqual({ percent: 50 });
    expect(new Set(c.servers.map((x) => x.pins))).toHaveProperty('size', 1);
  });

  test('bad server lines and batch sizes are named', () => {
    expect(problems({ host: 'a\nb c\na\n[a]:22\nx:99999' })).toEqual([
      'host: "b c" is not a server: accepted, one a line: a host name or IP address, name:port, or [IPv6]:port',
      'host: "a" is given twice',
      'host: "[a]:22" is not a server: accepted, one a line: a host name or IP address, name:port, or [IPv6]:port',
      'host: "x:99999" is not a server: accepted, one a line: a host name or IP address, name:port, or [IPv6]:port',
    ]);
    for (const bad of ['0', '0%', '101%', 'half', '-1']) {
      expect(problems({ 'batch-size': bad })).toEqual([
        `batch-size: "${bad}" is not a number of servers (such as 1 or 2) or a percentage of them (such as 50%)`,
      ]);
    }
  });

  test('refuses a PKCS#8 key with the conversion to use', () => {
    expect(problems({ 'private-key': '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----' })).toEqual([
      expect.stringMatching(/PKCS#8.*ssh-keygen -p -f KEY/),
    ]);
  });
});

describe('parseDuration', () => {
  test.each([
    ['90', 90_000],
    ['90s', 90_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['250ms', 250],
    ['1.5s', 1500],
  ])('%s', (text, msValue) => {
    expect(parseDuration(text)).toBe(msValue);
  });
  test.each(['', 'soon', '-5', '5 minutes', '1d'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('the bake', () => {
  test('defaults: 30 s, no access-log, 5% of at least 20 requests; 0s turns it off', () => {
    expect(parse().bake).toEqual({ timeMs: 30_000, accessLog: undefined, maxErrorPercent: 5, minRequests: 20 });
    expect(
      parse({
        'bake-time': '0s',
        'access-log': '/var/log/nginx/app-upstream.log',
        'bake-max-errors': '0.5%',
        'bake-min-requests': '100',
      }).bake,
    ).toEqual({ timeMs: 0, accessLog: '/var/log/nginx/app-upstream.log', maxErrorPercent: 0.5, minRequests: 100 });
    expect(parse({ 'bake-max-errors': '10' }).bake.maxErrorPercent).toBe(10);
  });

  test('bad values are named with what is accepted, before anything is done', () => {
    expect(problems({ 'bake-time': 'a while' })).toEqual([
      'bake-time: "a while" is not a duration: use seconds (90), or a number with s, m or h (90s, 2m); 0s turns it off',
    ]);
    expect(problems({ 'access-log': 'logs/app.log' })).toEqual([
      expect.stringMatching(/^access-log: "logs\/app.log" is not an absolute path on the server/),
    ]);
    for (const bad of ['0%', '101%', 'five', '5%%']) {
      expect(problems({ 'bake-max-errors': bad })).toEqual([
        `bake-max-errors: "${bad}" is not a share of requests above 0 and at most 100% (such as 5% or 0.5%)`,
      ]);
    }
    expect(problems({ 'bake-min-requests': '0' })).toEqual([
      'bake-min-requests: "0" is not a whole number from 1 to 1000000',
    ]);
    expect(problems({ 'bake-time': '15m', timeout: '10m' })).toEqual([
      'bake-time: "15m" leaves nothing of timeout ("10m") for the rest of the deploy: shorten it, raise batch-size or raise timeout',
    ]);
    // Batches bake one after the other: three servers, batch-size 1, three bakes.
    expect(problems({ host: 'a\nb\nc', 'bake-time': '5m' })).toEqual([
      'bake-time: "5m" (3 batches bake one after the other) leaves nothing of timeout ("900s") for the rest of the deploy: shorten it, raise batch-size or raise timeout',
    ]);
    expect(parse({ host: 'a\nb\nc', 'bake-time': '5m', 'batch-size': '2' }).bake.timeMs).toBe(300_000);
  });
});

describe('smaller faults of the inputs', () => {
  test('a duration over 24 h (milliseconds by mistake) is refused, naming the input', () => {
    expect(problems({ timeout: '3600000' })).toEqual([
      'timeout: "3600000" is longer than 24h (seconds are meant: 90 is 90 s; or use 90s, 2m, 1h)',
    ]);
    expect(parse({ timeout: '24h' }).timing.timeoutMs).toBe(86_400_000);
  });

  test('a password with an @ is hidden whole; one with a bare % is taken as written', () => {
    expect(problems({ 'redis-url': 'redis://:p@ss@x:notaport' }).join('\n')).not.toContain('ss@');
    expect(parse({ 'redis-url': 'redis://:%zz@cache.internal:6380' }).switch.redis.password).toBe('%zz');
  });

  test('run-args --help is refused: docker run --help runs nothing', () => {
    expect(problems({ 'run-args': '--help' })).toEqual([
      expect.stringMatching(/^run-args: "--help" is not accepted: docker run --help prints its help and runs nothing/),
    ]);
  });
});
