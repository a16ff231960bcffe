// The running test stack (test/stack/up.sh) as tests and scripts see it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';

export interface StackInfo {
  host: string;
  sshPort: number;
  username: string;
  privateKeyPath: string;
  hostFingerprint: string;
  knownHosts: string;
  hostKeyLines: { ed25519: string; rsa: string; ecdsa: string };
  keys: { rsa: string; rsaPem: string; passphrase: string; stranger: string };
  keyPassphrase: string;
  bastion: { port: number; username: string; privateKeyPath: string; knownHosts: string };
  redisUrl: string;
  redisTls: { url: string; password: string; caPath: string };
  redisPort: number;
  redisKey: string;
  nginxUrl: string;
  /** The site's dhd_upstream log on the server (examples/host/nginx/app-site.conf). */
  accessLog: string;
  /** A second deployment on the same server: its own key, confd resource and nginx site. */
  staging: { redisKey: string; nginxUrl: string };
  imageRepo: string;
  upstreamDest: string;
  /** The host setup (test/stack/lib.sh): confd reloads nginx, or hands it the peer without a reload. */
  nginxSetup: 'reload' | 'no-reload';
  dir: string;
}

const STACK_JSON = new URL('../../.stack/stack.json', import.meta.url);

export function stackInfo(): StackInfo {
  try {
    return JSON.parse(readFileSync(STACK_JSON, 'utf8')) as StackInfo;
  } catch {
    throw new Error('the test stack is not up: run `bash test/stack/up.sh` (as root) first');
  }
}

export const APP = 'hello';
export const image = (version: string): string => `${stackInfo().imageRepo}:${version}`;

/** The inputs a workflow would give for the stack's server. */
export function stackInputs(overrides: Record<string, string> = {}): Record<string, string> {
  const s = stackInfo();
  return {
    host: s.host,
    port: String(s.sshPort),
    username: s.username,
    'private-key': readFileSync(s.privateKeyPath, 'utf8'),
    'host-fingerprint': s.hostFingerprint,
    'container-port': '8080',
    'redis-url': s.redisUrl,
    'redis-key': s.redisKey,
    // The bake (default 30s) where a test asks for it: every other deploy would wait it out.
    'bake-time': '0s',
    ...overrides,
  };
}

export function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8' }).trim();
}

/** `docker ps` arguments that list the test app's containers as "name state" lines. */
export const APP_CONTAINERS = [
  'ps',
  '--all',
  '--filter',
  `label=docker-hot-deploy.app=${APP}`,
  '--format',
  '{{.Names}} {{.State}}',
];

export const namesAndStates = (out: string): Array<{ name: string; state: string }> =>
  out
    ? out.split('\n').map((l) => {
        const [name, state] = l.split(' ');
        return { name, state };
      })
    : [];

/** Containers of the test app this action labelled: name and state. */
export function appContainers(): Array<{ name: string; state: string }> {
  return namesAndStates(docker(...APP_CONTAINERS));
}

export function redisClient(): Redis {
  return new Redis({ port: stackInfo().redisPort, lazyConnect: false });
}

export interface NginxAnswer {
  status: number;
  body: string;
  upstream?: string;
}

/** One request through nginx on a fresh connection, as a user's browser would. */
export function nginxGet(url = stackInfo().nginxUrl): Promise<NginxAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        body += d;
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: body.trim(),
          upstream: res.headers['x-upstream'] as string | undefined,
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** Runs a script of test/stack in the host setup the stack runs (DHD_NGINX unset would mean the
 * reload setup, and up.sh would switch to it), or in `setup`. */
export function stackScript(
  script: string,
  args: string[] = [],
  setup = stackInfo().nginxSetup,
  stdio: 'ignore' | 'inherit' = 'ignore',
): void {
  execFileSync('bash', [new URL(`../stack/${script}`, import.meta.url).pathname, ...args], {
    env: { ...process.env, DHD_NGINX: setup },
    stdio,
  });
}

/** Back to a server with nothing deployed: no app containers, keys unset, nginx answering 502. */
export async function resetStack(): Promise<void> {
  stackScript('reset.sh', [], undefined, 'inherit');
  for (let i = 0; i < 100; i += 1) {
    if ((await nginxGet()).status === 502) return;
    await sleep(50);
  }
  throw new Error('nginx did not return to its placeholder upstream');
}

async function redisGet(key: string): Promise<string | null> {
  const redis = redisClient();
  try {
    return await redis.get(key);
  } finally {
    redis.disconnect();
  }
}

export const keyValue = (): Promise<string | null> => redisGet(stackInfo().redisKey);
export const lockKey = (): string => `docker-hot-deploy:lock:${stackInfo().redisKey}`;
export const lockValue = (): Promise<string | null> => redisGet(lockKey());

export async function waitFor(
  what: string,
  condition: () => Promise<boolean> | boolean,
  timeoutMs = 30_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Stops the confd stand-in, as if confd had died on the server. */
export async function stopWatcher(): Promise<void> {
  const pid = Number(readFileSync(`${stackInfo().dir}/watcher.pid`, 'utf8'));
  process.kill(pid, 'SIGTERM');
  await waitFor('the watcher to stop', () => {
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  });
}

/** Starts whatever part of the stack is down (here: the watcher again). */
export function restartStack(): void {
  stackScript('up.sh');
}

export const pidAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Redis stopped and started again with nothing: no data files, no persistence (until CONFIG SET appendonly yes). */
export async function restartRedisEmpty(): Promise<void> {
  const stack = stackInfo();
  const pid = Number(readFileSync(`${stack.dir}/redis.pid`, 'utf8'));
  execFileSync('redis-cli', ['-p', String(stack.redisPort), 'SHUTDOWN', 'NOSAVE']);
  await waitFor('Redis to stop', () => !pidAlive(pid));
  rmSync(`${stack.dir}/redis-data`, { recursive: true, force: true });
  mkdirSync(`${stack.dir}/redis-data`);
  execFileSync('redis-server', [`${stack.dir}/redis.conf`, '--appendonly', 'no']);
  await waitFor('confd to subscribe again', async () => {
    const client = redisClient();
    try {
      return Number(await client.call('PUBSUB', 'NUMPAT')) > 0;
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  });
}
