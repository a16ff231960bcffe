// The Redis key confd watches, reached through an SSH forward (Redis may be
// reachable only from the server's network, never from the runner).
import { Redis } from 'ioredis';
import type { RemoteShell } from './ssh/connection.js';
import { lockedDeployment, notificationsCoverSet, type Persistence } from './redis-rules.js';

/** Where Redis is, as seen from the server (redis-url). */
export interface RedisTarget {
  /** redis-url as it may be shown: without its password. */
  shown: string;
  host: string;
  port: number;
  tls: boolean;
  username?: string;
  password?: string;
  db: number;
}

/** The lock a deploy holds while it writes. */
export interface LockRef {
  name: string;
  owner: string;
}

export type WriteOutcome =
  { ok: true } | { ok: false; lockLost: true } | { ok: false; lockLost: false; current: string | null };

export interface KeyStore {
  get: (key: string) => Promise<string | null>;
  /** Sets the key (deletes it when value is null) only while `lock` is held and the key still holds `expected`. */
  compareAndSet: (key: string, expected: string | null, value: string | null, lock: LockRef) => Promise<WriteOutcome>;
  /** true/false when CONFIG GET answers; undefined where it is refused (managed Redis). */
  keyspaceNotifications: () => Promise<boolean | undefined>;
  /** appendonly and save, or undefined where CONFIG is refused. */
  persistence: () => Promise<Persistence | undefined>;
  /** SET name owner NX PX ttl; while held, renewed until unlock or close. */
  tryLock: (name: string, owner: string, ttlMs: number) => Promise<boolean>;
  /** Why a lock this store took is no longer held (deleted, taken, or not renewed in time), or undefined. */
  lockLost: (name: string) => string | undefined;
  lockHolder: (name: string) => Promise<string | null>;
  /** Its holder and the ms until it expires unless renewed (-1: never), read in one step; null: not held. */
  lockState: (name: string) => Promise<{ holder: string; ttlMs: number } | null>;
  /** Deletes the lock only if `owner` still holds it. */
  unlock: (name: string, owner: string) => Promise<boolean>;
  /** The deployments (redis keys) whose deploy holds its lock now, on any server of this Redis
   * (a deploy of 0.2 or earlier is not seen). */
  deploying: () => Promise<string[]>;
  close: () => Promise<void>;
}

// Compare-and-act in one step, so a lock that expired and was taken by another
// deploy is never renewed or deleted by the old holder.
const RENEW_IF_OWNER =
  "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end";
const DELETE_IF_OWNER =
  "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";
// KEYS: the port key, the lock. ARGV: lock owner, '1' if a value is expected, the expected value,
// '1' to set (else delete), the new value. Answers {'ok'}, {'lock'} or {'changed', current}
// (no second element: the key is unset).
const COMPARE_AND_SET = `
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return {'lock'} end
local current = redis.call('GET', KEYS[1])
if (ARGV[2] == '1' and current ~= ARGV[3]) or (ARGV[2] ~= '1' and current) then return {'changed', current} end
if ARGV[4] == '1' then redis.call('SET', KEYS[1], ARGV[5]) else redis.call('DEL', KEYS[1]) end
return {'ok'}`;

/** The names of the locks deploys took (a member stays after its lock expired: the lock itself says
 * whether it is held). What neighbours read before pruning, without scanning the keyspace. */
const LOCKS_TAKEN = 'docker-hot-deploy:locks';

/** CONFIG GET's answer: RESP2 [name, value], RESP3 a map. */
function configValue(reply: unknown, name: string): string {
  return Array.isArray(reply) ? String(reply[1] ?? '') : String((reply as Record<string, string>)[name] ?? '');
}

/** Each Redis command, and the connection through the forward, answer within this or fail. */
const COMMAND_TIMEOUT_MS = 5_000;
const CONNECT_TIMEOUT_MS = 10_000;

export async function openKeyStore(shell: RemoteShell, target: RedisTarget): Promise<KeyStore> {
  const forward = await shell.forward(target.host, target.port);
  const redis = new Redis({
    path: forward.path,
    username: target.username,
    password: target.password,
    db: target.db,
    // TLS runs end to end through the forward: verify the name the server has.
    tls: target.tls ? { servername: target.host } : undefined,
    lazyConnect: true,
    maxRetriesPerRequest: 2,
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: COMMAND_TIMEOUT_MS,
    retryStrategy: (times) => (times > 3 ? null : 200 * times),
  });
  // Errors surface through the command that fails; the first says why (WRONGPASS, TLS...).
  let firstError: Error | undefined;
  redis.on('error', (e: Error) => {
    firstError ??= e;
  });
  // The local end of the forward accepts at once; a Redis host that never answers
  // (blackholed) shows only as a missing reply, so the whole handshake is bounded.
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect().then(() => redis.ping()),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${CONNECT_TIMEOUT_MS / 1000} s`)),
          CONNECT_TIMEOUT_MS,
        );
      }),
    ]);
  } catch (e) {
    redis.disconnect();
    await forward.close();
    // ioredis says "Command timed out" when its ready check got no reply: say what that means here.
    const why = (firstError ?? (e as Error)).message.replace(
      /^Command timed out$/,
      `no answer within ${COMMAND_TIMEOUT_MS / 1000} s`,
    );
    throw new Error(`Redis at ${target.shown} (redis-url, as seen from the server) did not answer: ${why}`);
  } finally {
    clearTimeout(timer);
  }
  // Through a lost SSH connection every command would wait for its timeout: fail them at once.
  // (Not again after close: ioredis would wait 2 s for a stream that already closed.)
  let closed = false;
  shell.onLost(() => {
    if (!closed) redis.disconnect();
  });
  const config = (name: string): Promise<string | undefined> =>
    redis.config('GET', name).then(
      (reply: unknown) => configValue(reply, name),
      () => undefined,
    );
  const held = new Map<string, { timer: NodeJS.Timeout; lost?: string }>();
  const stopRenewing = (name: string): void => {
    clearInterval(held.get(name)?.timer);
    held.delete(name);
  };
  return {
    get: (key) => redis.get(key),
    async compareAndSet(key, expected, value, lock) {
      const reply = (await redis.eval(
        COMPARE_AND_SET,
        2,
        key,
        lock.name,
        lock.owner,
        expected === null ? '0' : '1',
        expected ?? '',
        value === null ? '0' : '1',
        value ?? '',
      )) as string[];
      if (reply[0] === 'ok') return { ok: true };
      if (reply[0] === 'lock') return { ok: false, lockLost: true };
      return { ok: false, lockLost: false, current: reply[1] ?? null };
    },
    async keyspaceNotifications() {
      const flags = await config('notify-keyspace-events');
      return flags === undefined ? undefined : notificationsCoverSet(flags);
    },
    async persistence() {
      const [appendonly, save] = await Promise.all([config('appendonly'), config('save')]);
      return appendonly === undefined || save === undefined ? undefined : { appendonly: appendonly === 'yes', save };
    },
    async tryLock(name, owner, ttlMs) {
      if ((await redis.set(name, owner, 'PX', ttlMs, 'NX')) !== 'OK') return false;
      // Only for neighbours' pruning: a Redis user not allowed it still deploys.
      await redis.sadd(LOCKS_TAKEN, name).catch(() => undefined);
      let renewedAt = Date.now();
      const lock: { timer: NodeJS.Timeout; lost?: string } = {
        timer: setInterval(
          () => {
            redis.eval(RENEW_IF_OWNER, 1, name, owner, ttlMs).then(
              (renewed) => {
                if (renewed === 1) renewedAt = Date.now();
                else lock.lost ??= `${name} was deleted or taken over by someone else`;
              },
              (e: Error) => {
                // Past three quarters of the TTL another deploy may take it any moment.
                if (Date.now() - renewedAt > (ttlMs * 3) / 4)
                  lock.lost ??= `${name} could not be renewed for ${Math.round((Date.now() - renewedAt) / 1000)} s (${e.message})`;
              },
            );
          },
          Math.floor(ttlMs / 4),
        ),
      };
      lock.timer.unref();
      held.set(name, lock);
      return true;
    },
    lockLost: (name) => held.get(name)?.lost,
    lockHolder: (name) => redis.get(name),
    async lockState(name) {
      const [[, holder], [, ttlMs]] = (await redis.multi().get(name).pttl(name).exec()) as [
        [null, string | null],
        [null, number],
      ];
      return holder === null ? null : { holder, ttlMs };
    },
    async unlock(name, owner) {
      stopRenewing(name);
      return (await redis.eval(DELETE_IF_OWNER, 1, name, owner)) === 1;
    },
    async deploying() {
      const names = (await redis.smembers(LOCKS_TAKEN)).filter((name) => lockedDeployment(name) !== undefined);
      if (names.length === 0) return [];
      const holders = await redis.mget(names);
      return names.filter((_, i) => holders[i] !== null).flatMap((name) => lockedDeployment(name) ?? []);
    },
    async close() {
      closed = true;
      [...held.keys()].forEach(stopRenewing);
      redis.disconnect();
      await forward.close();
    },
  };
}
