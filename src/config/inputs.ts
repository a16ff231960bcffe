// Raw action inputs -> one validated, typed config. Pure: the caller supplies
// the inputs; every problem is reported at once, naming the input, the bad value
// (unless it is secret) and what is accepted.
import { isIP } from 'node:net';
import ms from 'ms';
import { ACTION_INPUTS } from './action-inputs.js';
import { appFromImage, parseImageRef, REGISTRY_RE } from '../remote/image-ref.js';
import { parseRunArgs } from './run-args.js';
import type { SshTarget } from '../remote/ssh/connection.js';
import type { PullPolicy } from '../remote/docker.js';
import type { RedisTarget } from '../remote/redis.js';
import type { ProbeTargets } from '../remote/probe.js';
import { KnownHostsError, parseKnownHosts, type KnownHost } from '../remote/ssh/hostkey.js';
import { loadKeyParser, type ParseKey } from '../remote/ssh/private-key.js';

/** How many servers switch at a time: a number of them, or a share of all of them. */
export type BatchSize = { servers: number } | { percent: number };

/** How many servers switch at a time. */
export function batchCount(total: number, size: BatchSize): number {
  const count = 'servers' in size ? size.servers : Math.ceil((total * size.percent) / 100);
  return Math.min(total, Math.max(1, count));
}

export interface Config {
  /** Every server of the deploy, in the order given: one SSH endpoint each (jump host included). */
  servers: SshTarget[];
  batchSize: BatchSize;
  container: {
    image: string;
    app: string;
    containerPort: number;
    bindAddress: string;
    portRange: { first: number; last: number };
    env: Array<[string, string]>;
    envFile?: string;
    runArgs: string[];
    restart: string;
    registry?: string;
    registryUsername?: string;
    registryPassword?: string;
    pull: PullPolicy;
    /** Run once in a one-off container of the new image before it starts (migrations); empty: none. */
    releaseCommand: string[];
    /** Deploy the release before the one now serving, from the history on the server. */
    rollback: boolean;
  };
  switch: {
    redis: RedisTarget;
    redisKey: string;
    redisValue: string;
    probeUrl: URL;
    probeHost?: string;
    upstreamHeader: string;
    probeSuccesses: number;
    healthPath: string;
  };
  timing: {
    healthTimeoutMs: number;
    releaseTimeoutMs: number;
    switchTimeoutMs: number;
    drainTimeoutMs: number;
    stopTimeoutMs: number;
    lockTimeoutMs: number;
    timeoutMs: number;
  };
  /** Watching the new version after the switch, the previous container kept warm (README, "The bake"). */
  bake: {
    /** 0: no bake. */
    timeMs: number;
    /** nginx's dhd_upstream log on the server. */
    accessLog?: string;
    maxErrorPercent: number;
    minRequests: number;
  };
  keepImages: number;
  /** Inputs that still work but will not for ever: said on every run. */
  deprecations: string[];
}

/** The action.yml defaults, so a bare `node dist/index.js` (and the CLI) behaves as the runner does. */
export const DEFAULTS: Readonly<Record<string, string>> = Object.fromEntries(
  ACTION_INPUTS.filter((i) => i.default !== undefined).map((i) => [i.name, i.default as string]),
);

/** Inputs whose values never appear in logs or errors. */
export const SECRET_INPUTS = ['private-key', 'passphrase', 'jump-private-key', 'registry-password'] as const;

export class InputError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid inputs (nothing was done on the server):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const HOSTNAME_RE =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const APP_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;
const USER_RE = /^[a-zA-Z_][a-zA-Z0-9_.-]{0,31}$/;
const FINGERPRINT_RE = /^SHA256:[A-Za-z0-9+/]{43}$/;
const HEADER_RE = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESTART_RE = /^(?:no|always|unless-stopped|on-failure(?::\d{1,4})?)$/;
const RESTART_ACCEPTED = 'one of no, on-failure (or on-failure:N), always, unless-stopped';

/** The longest duration an input takes: Node's timers overflow past about 24.8 days, and a deploy
 * that waits longer than a day is a value in milliseconds by mistake. */
const MAX_DURATION_MS = 24 * 3_600_000;

/** One non-negative duration: `90`, `90s`, `2m`, `1500ms`. */
export function parseDuration(value: string): number | undefined {
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/^\d+(?:\.\d+)?\s*(?:ms|s|m|h)$/.test(text)) return undefined;
  return ms(text as ms.StringValue);
}

/** A URL as it may appear in a log or an error: its password replaced (up to the authority's last @,
 * as URL parsers read it: a password may hold an @). */
export function redactUrl(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^/?#\s]*@/i, '$1:***@');
}

/** One line of `host`: `name`, `name:port`, `[v6]:port` or a bare IPv6 address. */
function parseHostLine(line: string, defaultPort: number): { host: string; port: number } | undefined {
  const m =
    /^\[([0-9A-Fa-f:.]+)\](?::(\d{1,5}))?$/.exec(line) ??
    (isIP(line) === 6 ? null : /^([^:\s]+)(?::(\d{1,5}))?$/.exec(line));
  const [host, port] = m ? [m[1], m[2] ? Number(m[2]) : defaultPort] : [line, defaultPort];
  if (m?.[2] && (port < 1 || port > 65535)) return undefined;
  return isHostAddress(host) && (!line.startsWith('[') || isIP(host) === 6) ? { host, port } : undefined;
}

/** Where the deploy's probes go on a server: probe-url through nginx, health-path on the new port. */
export const probeTargets = (config: Config): ProbeTargets => ({
  probeUrl: config.switch.probeUrl,
  probeHost: config.switch.probeHost,
  upstreamHeader: config.switch.upstreamHeader,
  healthPath: config.switch.healthPath,
  bindAddress: config.container.bindAddress,
});

/** A message about one server: it names the server when the deploy has several. */
export const aboutServer = (name: string, several: boolean, message: string): string =>
  several ? `${name}: ${message}` : message;

function isHostAddress(value: string): boolean {
  return HOSTNAME_RE.test(value) || isIP(value) !== 0;
}

export interface ParseOptions {
  /** false for commands that only read or release (status, history, unlock): what the deploy
   * starts (image, container-port) is then not required. */
  deploying?: boolean;
  /** Reads the private keys as the connection will (remote/ssh/private-key.ts). */
  parseKey: ParseKey;
}

/** The inputs as the Action and the CLI read them: ssh2's key parser is loaded only when a key is
 * given, so that a run stopped by its inputs loads little (docs/architecture.md, "Start-up"). */
export async function readInputs(raw: (name: string) => string, { deploying = true } = {}): Promise<Config> {
  const keyGiven = KEY_INPUTS.some((name) => inputValue(raw, name));
  return parseInputs(raw, { deploying, parseKey: keyGiven ? await loadKeyParser() : noKeyToParse });
}
const KEY_INPUTS = ['private-key', 'jump-private-key'];
// Without a key, privateKeyInput reports the missing input and never parses: if it ever did, this
// fails loudly rather than calling a good key unreadable.
const noKeyToParse: ParseKey = () => {
  throw new Error('readInputs: a key was read without loading the key parser');
};

/** Reads the raw inputs, each the same way (trimmed, with action.yml's default), and collects every
 * problem: each section below reads its inputs through one, so that all are reported at once. */
interface InputReader {
  problems: string[];
  /** As given, untrimmed (keys, passwords). */
  raw: (name: string) => string;
  get: (name: string) => string;
  fail: Fail;
  /** How a bad value is shown: quoted and cut short, a URL's password hidden, a secret not at all. */
  shown: (name: string, value: string) => string;
  required: (name: string) => string;
  integer: (name: string, min: number, max: number) => number;
  duration: (name: string, options?: { zero?: boolean }) => number;
  matching: (name: string, re: RegExp, accepted: string, value?: string) => string;
  hostInput: (name: string, value: string) => string;
}

/** An input as given, trimmed, else action.yml's default, else empty. */
const inputValue = (raw: (name: string) => string, name: string): string =>
  (raw(name) ?? '').trim() || DEFAULTS[name] || '';

function inputReader(raw: (name: string) => string): InputReader {
  const problems: string[] = [];
  const get = (name: string): string => inputValue(raw, name);
  const fail = <T>(name: string, message: string, fallback: T): T => {
    problems.push(`${name}: ${message}`);
    return fallback;
  };
  const shown = (name: string, value: string): string => {
    if ((SECRET_INPUTS as readonly string[]).includes(name)) return '(secret)';
    const redacted = redactUrl(value);
    return JSON.stringify(redacted.length > 80 ? `${redacted.slice(0, 80)}...` : redacted);
  };
  return {
    problems,
    raw: (name) => raw(name) ?? '',
    get,
    fail,
    shown,
    required: (name) => get(name) || fail(name, 'is required', ''),
    integer(name, min, max) {
      const value = get(name);
      if (/^\d+$/.test(value) && Number(value) >= min && Number(value) <= max) return Number(value);
      return fail(name, `${shown(name, value)} is not a whole number from ${min} to ${max}`, min);
    },
    duration(name, { zero = false } = {}) {
      const value = get(name);
      const parsed = parseDuration(value);
      if (parsed !== undefined && parsed > MAX_DURATION_MS)
        return fail(
          name,
          `${shown(name, value)} is longer than 24h (seconds are meant: 90 is 90 s; or use 90s, 2m, 1h)`,
          1000,
        );
      if (parsed !== undefined && (parsed > 0 || zero)) return parsed;
      return fail(
        name,
        `${shown(name, value)} is not a duration: use seconds (90), or a number with s, m or h (90s, 2m)${zero ? '; 0s turns it off' : ''}`,
        1000,
      );
    },
    matching: (name, re, accepted, value = get(name)) =>
      !value || re.test(value) ? value : fail(name, `${shown(name, value)} is not ${accepted}`, ''),
    hostInput: (name, value) =>
      !value || isHostAddress(value) ? value : fail(name, `${shown(name, value)} is not a host name or IP address`, ''),
  };
}

const optional = (value: string): string | undefined => value || undefined;

export function parseInputs(raw: (name: string) => string, { deploying = true, parseKey }: ParseOptions): Config {
  const r = inputReader(raw);
  const { get, fail, integer, duration, matching, problems, shown } = r;
  // The sections in action.yml's order; what the config below reads last is reported last.
  const servers = sshTargets(r, parseKey);
  const batchSize = batchSizeInput(r);
  const { deprecations, ...container } = containerInputs(r, deploying);
  const switching = switchInputs(r);
  const config: Config = {
    servers,
    batchSize,
    container: {
      ...container,
      containerPort: get('container-port')
        ? integer('container-port', 1, 65535)
        : deploying
          ? fail('container-port', 'is required (the port the app listens on inside the container)', 0)
          : 0,
      registryUsername: optional(matching('registry-username', /^[^\s]{1,255}$/, 'a user name without spaces')),
      registryPassword: optional(r.raw('registry-password')),
      releaseCommand: get('release-command')
        .split(/\r?\n/)
        .map((a) => a.trim())
        .filter(Boolean),
    },
    switch: { ...switching.switch, probeSuccesses: integer('probe-successes', 1, 100) },
    timing: {
      healthTimeoutMs: duration('health-timeout'),
      releaseTimeoutMs: duration('release-timeout'),
      switchTimeoutMs: duration('switch-timeout'),
      drainTimeoutMs: duration('drain-timeout'),
      stopTimeoutMs: duration('stop-timeout'),
      lockTimeoutMs: duration('lock-timeout'),
      timeoutMs: duration('timeout'),
    },
    bake: { ...switching.bake, minRequests: integer('bake-min-requests', 1, 1_000_000) },
    keepImages: integer('keep-images', 1, 100),
    deprecations,
  };
  // Each batch bakes in turn: all of them must fit in timeout, with room for the rest of the deploy.
  const batches = servers.length === 0 ? 1 : Math.ceil(servers.length / batchCount(servers.length, batchSize));
  const timingValid = !problems.some((p) => p.startsWith('timeout:') || p.startsWith('bake-time:'));
  if (timingValid && batches * config.bake.timeMs >= config.timing.timeoutMs) {
    const times = batches > 1 ? ` (${batches} batches bake one after the other)` : '';
    problems.push(
      `bake-time: ${shown('bake-time', get('bake-time'))}${times} leaves nothing of timeout (${shown('timeout', get('timeout'))}) for the rest of the deploy: shorten it, raise batch-size or raise timeout`,
    );
  }
  if (Boolean(get('registry-username')) !== Boolean(r.raw('registry-password'))) {
    problems.push('registry-username, registry-password: give both or neither');
  }
  if (problems.length > 0) throw new InputError(problems);
  return config;
}

/** host (a server a line), username, the key, the host key pins, and the jump host if any. */
function sshTargets(r: InputReader, parseKey: ParseKey): SshTarget[] {
  const { get, fail, shown, required, integer, matching, hostInput } = r;
  const privateKey = privateKeyInput('private-key', required('private-key'), r.raw('passphrase'), parseKey, fail);
  const knownHosts = knownHostsInput('known-hosts', get('known-hosts'), fail);
  const fingerprints = get('host-fingerprint')
    .split(/[\s,]+/)
    .filter(Boolean);
  for (const fp of fingerprints)
    matching(
      'host-fingerprint',
      FINGERPRINT_RE,
      'an OpenSSH SHA256 fingerprint such as SHA256:+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU',
      fp,
    );
  const insecure = matching('insecure-skip-host-key-check', /^(?:true|false)$/, 'true or false') === 'true';
  const username = matching('username', USER_RE, 'a Unix user name', required('username'));
  const passphrase = optional(r.raw('passphrase'));
  let jump: SshTarget['jump'];
  const jumpHost = get('jump-host');
  if (jumpHost) {
    jump = {
      host: hostInput('jump-host', jumpHost),
      port: integer('jump-port', 1, 65535),
      username: matching('jump-username', USER_RE, 'a Unix user name', get('jump-username') || get('username')),
      // The jump key is unencrypted or shares `passphrase` with the server's key.
      privateKey: privateKeyInput(
        'jump-private-key',
        get('jump-private-key') || privateKey,
        r.raw('passphrase'),
        parseKey,
        fail,
      ),
      passphrase,
      pins: { knownHosts: knownHostsInput('jump-known-hosts', required('jump-known-hosts'), fail), fingerprints: [] },
    };
  }
  const defaultPort = integer('port', 1, 65535);
  const pins = { knownHosts, fingerprints };
  const servers: SshTarget[] = [];
  for (const line of required('host')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)) {
    const address = parseHostLine(line, defaultPort);
    if (!address) {
      fail(
        'host',
        `${shown('host', line)} is not a server: accepted, one a line: a host name or IP address, name:port, or [IPv6]:port`,
        undefined,
      );
    } else if (servers.some((x) => x.host === address.host && x.port === address.port)) {
      fail('host', `${shown('host', line)} is given twice`, undefined);
    } else {
      servers.push({ ...address, username, privateKey, passphrase, pins, insecureSkipHostKeyCheck: insecure, jump });
    }
  }
  return servers;
}

function batchSizeInput({ get, fail, shown }: InputReader): BatchSize {
  const batchText = get('batch-size');
  const batchMatch = /^(\d{1,3})(%?)$/.exec(batchText);
  return batchMatch && Number(batchMatch[1]) >= 1 && (!batchMatch[2] || Number(batchMatch[1]) <= 100)
    ? batchMatch[2]
      ? { percent: Number(batchMatch[1]) }
      : { servers: Number(batchMatch[1]) }
    : fail(
        'batch-size',
        `${shown('batch-size', batchText)} is not a number of servers (such as 1 or 2) or a percentage of them (such as 50%)`,
        { servers: 1 },
      );
}

/** What the new container is: its image and name, where it listens, its environment and docker options. */
function containerInputs(r: InputReader, deploying: boolean) {
  const { get, fail, shown, required, matching } = r;
  const rollback = matching('rollback', /^(?:true|false)$/, 'true or false') === 'true';
  // A rollback finds its image in the history; `image`, if given, names the repository it expects.
  const imageText = rollback || !deploying ? get('image') : required('image');
  const image =
    !imageText || parseImageRef(imageText)
      ? imageText
      : fail(
          'image',
          `${shown('image', imageText)} is not a Docker image reference such as ghcr.io/acme/web:1.4.2`,
          '',
        );
  const app = matching(
    'app',
    APP_RE,
    'a name of letters, digits, ".", "_" and "-" (at most 63, starting with a letter or digit)',
    get('app') || appFromImage(image),
  );
  const bindAddress = get('bind-address');
  if (isIP(bindAddress) === 0)
    fail(
      'bind-address',
      `${shown('bind-address', bindAddress)} is not an IPv4 or IPv6 address (such as 127.0.0.1 or ::1)`,
      '',
    );
  const portRange = portRangeInput(r);
  const env = envInput(r);
  const envFile = matching('env-file', /^\/[^\0\n\r]*$/, 'an absolute path on the server');
  const { runArgs, restart, deprecations } = runArgsInputs(r);
  const registry = matching('registry', REGISTRY_RE, 'a registry host such as ghcr.io or registry.example.com:5000');
  const pull = matching('pull', /^(?:always|missing|never)$/, 'one of always, missing, never') as PullPolicy;
  return {
    rollback,
    image,
    app,
    bindAddress,
    portRange,
    env,
    envFile: optional(envFile),
    runArgs,
    restart,
    deprecations,
    registry: optional(registry),
    pull,
  };
}

function portRangeInput({ get, fail, shown }: InputReader): { first: number; last: number } {
  const rangeText = get('port-range');
  const rangeMatch = /^(\d{1,5})-(\d{1,5})$/.exec(rangeText);
  return rangeMatch &&
    Number(rangeMatch[1]) >= 1 &&
    Number(rangeMatch[1]) <= Number(rangeMatch[2]) &&
    Number(rangeMatch[2]) <= 65535
    ? { first: Number(rangeMatch[1]), last: Number(rangeMatch[2]) }
    : fail('port-range', `${shown('port-range', rangeText)} is not a range of ports such as 20000-20999`, {
        first: 1,
        last: 1,
      });
}

/** env: NAME=value a line; blank lines and # comments skipped. */
function envInput({ get, fail }: InputReader): Array<[string, string]> {
  const env: Array<[string, string]> = [];
  get('env')
    .split(/\r?\n/)
    .forEach((line, i) => {
      if (!line.trim() || line.trim().startsWith('#')) return;
      const eq = line.indexOf('=');
      const name = eq > 0 ? line.slice(0, eq).trim() : '';
      if (!ENV_NAME_RE.test(name))
        fail(
          'env',
          `line ${i + 1} is not NAME=value (NAME of letters, digits and _, not starting with a digit)`,
          undefined,
        );
      else env.push([name, line.slice(eq + 1)]);
    });
  return env;
}

/** run-args, and the restart policy: the input's, or (deprecated) a --restart in run-args. */
function runArgsInputs({ get, fail, matching }: InputReader): {
  runArgs: string[];
  restart: string;
  deprecations: string[];
} {
  const deprecations: string[] = [];
  const {
    runArgs,
    restart: restartArg,
    problems: runArgProblems,
  } = parseRunArgs(
    get('run-args')
      .split(/\r?\n/)
      .map((a) => a.trim())
      .filter(Boolean),
  );
  for (const problem of runArgProblems)
    fail(
      'run-args',
      `${redactUrl(problem)}; accepted: docker run options, one argument a line (--memory=512m, or -v then /data:/data); run-args is trusted like membership of the docker group`,
      undefined,
    );
  let restart = matching('restart', RESTART_RE, RESTART_ACCEPTED);
  if (restartArg !== undefined) {
    // 0.1 had no restart input: its users put the policy in run-args.
    restart = matching('run-args', RESTART_RE, `a restart policy (${RESTART_ACCEPTED})`, restartArg) && restartArg;
    deprecations.push(
      `run-args: --restart is deprecated; set the input restart: ${restartArg} instead (run-args' policy is used this time)`,
    );
  }
  return { runArgs, restart, deprecations };
}

/** How the switch is made and proven (Redis, the key, the probe through nginx) and how the bake judges. */
function switchInputs(r: InputReader) {
  const { get, fail, shown, required, duration, matching } = r;
  const redis = parseRedisUrl(get('redis-url'), (m) => fail('redis-url', m, undefined));
  const redisKey = matching(
    'redis-key',
    /^[^\s\0]{1,512}$/,
    'a Redis key without spaces (such as /nginx/upstream/app/port)',
    required('redis-key'),
  );
  const redisValue = matching(
    'redis-value',
    /^[^\s{}]*\{port\}[^\s{}]*$/,
    'a value containing {port} once, such as {port} or 127.0.0.1:{port}',
  );
  let probeUrl = new URL('http://127.0.0.1/');
  try {
    probeUrl = new URL(get('probe-url'));
    if (!/^https?:$/.test(probeUrl.protocol) || probeUrl.username || probeUrl.password) throw new Error('scheme');
  } catch {
    fail(
      'probe-url',
      `${shown('probe-url', get('probe-url'))} is not an http:// or https:// URL (as seen from the server)`,
      undefined,
    );
  }
  const probeHost = matching('probe-host', /^[A-Za-z0-9.-]+(?::\d{1,5})?$/, 'a host name for the Host header');
  const upstreamHeader = matching('upstream-header', HEADER_RE, 'an HTTP header name');
  const bakeTime = duration('bake-time', { zero: true });
  const accessLog = matching(
    'access-log',
    /^\/[^\0\n\r]*$/,
    "an absolute path on the server (nginx's dhd_upstream log, such as /var/log/nginx/app-upstream.log)",
  );
  const maxErrorsText = get('bake-max-errors');
  const maxErrorsMatch = /^(\d{1,3}(?:\.\d{1,2})?)%?$/.exec(maxErrorsText);
  const maxErrorPercent =
    maxErrorsMatch && Number(maxErrorsMatch[1]) > 0 && Number(maxErrorsMatch[1]) <= 100
      ? Number(maxErrorsMatch[1])
      : fail(
          'bake-max-errors',
          `${shown('bake-max-errors', maxErrorsText)} is not a share of requests above 0 and at most 100% (such as 5% or 0.5%)`,
          100,
        );
  const healthPath = matching('health-path', /^\/[^\s]*$/, 'a path starting with / and without spaces');
  return {
    switch: {
      redis: redis ?? { shown: '', host: '127.0.0.1', port: 6379, tls: false, db: 0 },
      redisKey,
      redisValue,
      probeUrl,
      probeHost: optional(probeHost),
      upstreamHeader,
      healthPath,
    },
    bake: { timeMs: bakeTime, accessLog: optional(accessLog), maxErrorPercent },
  };
}

type Fail = <T>(name: string, message: string, fallback: T) => T;

/** A key ssh2 can read (and decrypt), checked before connecting. */
function privateKeyInput(name: string, key: string, passphrase: string, parseKey: ParseKey, fail: Fail): string {
  if (!key) return key;
  if (/-----BEGIN (?:ENCRYPTED )?PRIVATE KEY-----/.test(key)) {
    return fail(
      name,
      'is a PKCS#8 key, which the SSH library cannot read: convert it with `ssh-keygen -p -f KEY` (OpenSSH format) and store that',
      '',
    );
  }
  const parsed = parseKey(key, passphrase || undefined);
  if (!(parsed instanceof Error)) return key;
  if (/no passphrase given/.test(parsed.message)) return fail(name, 'is encrypted: set the passphrase input', '');
  if (/passphrase|decrypt/i.test(parsed.message))
    return fail(name, 'could not be decrypted with the passphrase input (wrong passphrase?)', '');
  return fail(
    name,
    'is not a private key ssh can read; accepted: OpenSSH ("BEGIN OPENSSH PRIVATE KEY") or PEM RSA/ECDSA keys',
    '',
  );
}

function knownHostsInput(name: string, text: string, fail: Fail): KnownHost[] {
  try {
    return parseKnownHosts(text);
  } catch (e) {
    if (!(e instanceof KnownHostsError)) throw e;
    return fail(name, `${e.message}; accepted: OpenSSH known_hosts lines (ssh-keyscan output)`, []);
  }
}

/** A percent-encoded URL part; one that does not decode (a bare %) is taken as written. */
function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function parseRedisUrl(text: string, fail: (message: string) => undefined): RedisTarget | undefined {
  const accepted =
    'a redis:// or rediss:// URL as seen from the server, such as redis://127.0.0.1:6379 or rediss://:PASSWORD@cache.internal:6380/2';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail(`is not ${accepted}`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    return fail(`has scheme ${url.protocol}; accepted: ${accepted}`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!isHostAddress(host)) return fail(`has no valid host; accepted: ${accepted}`);
  const db = url.pathname.replace(/^\//, '') || '0';
  if (!/^\d{1,2}$/.test(db)) return fail(`database "${db}" is not a number; accepted: ${accepted}`);
  return {
    shown: redactUrl(text),
    host,
    port: url.port ? Number(url.port) : 6379,
    tls: url.protocol === 'rediss:',
    username: url.username ? decoded(url.username) : undefined,
    password: url.password ? decoded(url.password) : undefined,
    db: Number(db),
  };
}
