// The CLI's reading of flags and DHD_* variables, against the one input list of action.yml.
import { expect } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envName, main, readInvocation, usage } from '../../src/cli/cli.js';
import type { RunDeploy } from '../../src/deploy/on-servers.js';
import { TEST_KEY } from '../../__fixtures__/keys.js';

test('every input of action.yml is a flag and a DHD_* variable, in --help too', () => {
  const help = usage();
  for (const name of ['host', 'private-key', 'redis-key', 'release-command', 'rollback', 'keep-images']) {
    expect(help).toContain(`--${name}`);
    expect(help).toContain(envName(name));
  }
  expect(envName('private-key')).toBe('DHD_PRIVATE_KEY');
});

test('a flag wins over a variable; _FILE and --NAME-file read files; INPUT_* is never read', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'dhd-cli-')), 'key');
  writeFileSync(file, 'KEY FROM FILE');
  const read = readInvocation(['deploy', '--host', 'flag.example', '--rollback', '--redis-key-file', file], {
    DHD_HOST: 'env.example',
    DHD_USERNAME: 'deploy',
    DHD_PRIVATE_KEY_FILE: file,
    INPUT_IMAGE: 'never/read:1',
  });
  expect(read).toMatchObject({
    inputs: {
      host: 'flag.example',
      username: 'deploy',
      'private-key': 'KEY FROM FILE',
      'redis-key': 'KEY FROM FILE',
      rollback: 'true',
    },
    secretFlags: [],
  });
  expect(read !== 'help' && read.inputs.image).toBeUndefined();
});

test('a one-item-a-line input may repeat its flag: several servers', () => {
  const read = readInvocation(
    ['deploy', '--host', 'web1.example', '--host', 'web2.example:2222', '--image', 'a/b:1'],
    {},
  );
  expect(read).toMatchObject({ inputs: { host: 'web1.example\nweb2.example:2222', image: 'a/b:1' } });
  expect(() => readInvocation(['deploy', '--image', 'a/b:1', '--image', 'a/b:2'], {})).toThrow(
    '--image is given 2 times: it takes one value',
  );
});

test('--env-file and DHD_ENV_FILE are the input env-file (a path on the server), not env read from a file', () => {
  expect(readInvocation(['deploy', '--env-file', '/srv/app.env'], {})).toMatchObject({
    inputs: { 'env-file': '/srv/app.env' },
  });
  const read = readInvocation(['deploy'], { DHD_ENV_FILE: '/srv/app.env' });
  expect(read).toMatchObject({ inputs: { 'env-file': '/srv/app.env' } });
  expect(read !== 'help' && read.inputs.env).toBeUndefined();
});

test('secrets given as flags are said to be visible', () => {
  expect(readInvocation(['deploy', '--private-key', 'x', '--registry-password', 'y'], {})).toMatchObject({
    secretFlags: ['--private-key', '--registry-password'],
  });
  expect(
    readInvocation(['deploy', '--env', 'DB_PASSWORD=x', '--redis-url', 'redis://:hunter2@cache:6379'], {}),
  ).toMatchObject({ secretFlags: ['--env', '--redis-url'] });
  expect(readInvocation(['deploy', '--redis-url', 'redis://cache:6379'], {})).toMatchObject({ secretFlags: [] });
});

test('usage errors: an unknown flag or command', () => {
  expect(() => readInvocation(['deploy', '--no-such-input', 'x'], {})).toThrow(/Unknown option '--no-such-input'/);
  expect(() => readInvocation(['destroy'], {})).toThrow(
    'unknown command "destroy": the commands are deploy, status, history, unlock',
  );
  expect(() => readInvocation(['deploy', '--private-key-file', '/no/such/file'], {})).toThrow(
    '--private-key-file: cannot read /no/such/file: ENOENT',
  );
  expect(readInvocation([], {})).toBe('help');
});

test('the day-two commands: their options, only theirs, and no image or container-port needed', async () => {
  expect(readInvocation(['status'], {})).toMatchObject({ command: 'status', limit: 5, unlock: {} });
  expect(readInvocation(['history', '--limit', '50'], {})).toMatchObject({ command: 'history', limit: 50 });
  expect(readInvocation(['history'], {})).toMatchObject({ limit: 10 });
  expect(readInvocation(['unlock', '--owner', 'ci run 7 [20261207040000-ab12]'], {})).toMatchObject({
    command: 'unlock',
    unlock: { owner: 'ci run 7 [20261207040000-ab12]' },
  });
  expect(readInvocation(['unlock', '--force'], {})).toMatchObject({ unlock: { force: true } });
  expect(() => readInvocation(['unlock', '--force', '--owner', 'x'], {})).toThrow(/--owner and --force: give one/);
  expect(() => readInvocation(['deploy', '--force'], {})).toThrow('--force is an option of unlock, not of deploy');
  expect(() => readInvocation(['unlock', '--limit', '3'], {})).toThrow(
    '--limit is an option of status and history, not of unlock',
  );
  for (const bad of ['0', '51', 'x', '1.5'])
    expect(() => readInvocation(['history', '--limit', bad], {})).toThrow(
      `--limit: "${bad}" is not a whole number from 1 to 50`,
    );
  // Bad inputs are still refused before anything connects; image and container-port are not asked for.
  const err: string[] = [];
  const code = await main(['status', '--port', '0'], {}, { stdout: () => undefined, stderr: (t) => err.push(t) });
  expect(code).toBe(2);
  expect(err.join('')).toMatch(/port: "0" is not a whole number/);
  expect(err.join('')).not.toMatch(/image: is required|container-port: is required/);
});

test('bad input: exit 2 with the problems, before anything else; --json says so too', async () => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    ['deploy', '--json', '--port', '0'],
    {},
    { stdout: (t) => out.push(t), stderr: (t) => err.push(t) },
    async () => {
      throw new Error('must not deploy');
    },
  );
  expect(code).toBe(2);
  expect(err.join('')).toMatch(/- port: "0" is not a whole number from 1 to 65535/);
  expect(JSON.parse(out.join(''))).toMatchObject({
    ok: false,
    badInput: expect.arrayContaining(['host: is required']),
  });
});

test('progress on a terminal rewrites one line, cleared before anything else is said; elsewhere each is a line', async () => {
  const args = [
    'deploy',
    '--host',
    'server',
    '--username',
    'deploy',
    '--image',
    'r/web:2',
    '--container-port',
    '8080',
    '--redis-key',
    '/k',
    '--insecure-skip-host-key-check',
  ];
  const deployWith: RunDeploy = async (_config, _identity, hooks) => {
    hooks.log.progress?.('pulling r/web:2: 1/3 layers');
    hooks.log.progress?.('pulling r/web:2: 2/3 layers');
    hooks.log.info('the release command ran');
    throw new Error('stopped here');
  };
  const stderrOf = async (terminal: boolean): Promise<string> => {
    const err: string[] = [];
    expect(
      await main(
        args,
        { DHD_PRIVATE_KEY: TEST_KEY },
        { stdout: () => undefined, stderr: (t) => err.push(t), columns: terminal ? 80 : undefined },
        deployWith,
      ),
    ).toBe(1);
    return err.join('');
  };
  expect(await stderrOf(true)).toContain(
    '\r\x1b[2Kpulling r/web:2: 1/3 layers\r\x1b[2Kpulling r/web:2: 2/3 layers\r\x1b[2Kthe release command ran\n',
  );
  expect(await stderrOf(false)).toContain(
    'pulling r/web:2: 1/3 layers\npulling r/web:2: 2/3 layers\nthe release command ran\n',
  );
});
