// The Redis key confd watches, reached through an SSH forward (Redis may be
// reachable only from the server's network, never from the runner).
import { Redis } from 'ioredis';
import type { RedisTarget } from './inputs.js';
import type { RemoteShell } from './ssh/connection.js';

export interface KeyStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  /** true/false when CONFIG GET answers; undefined where it is refused (managed Redis). */
  keyspaceNotifications(): Promise<boolean | undefined>;
  /** SET name owner NX PX ttl; while held, renewed until unlock or close. */
  tryLock(name: string, owner: string, ttlMs: number): Promise<boolean>;
  lockHolder(name: string): Promise<string | null>;
  /** Deletes the lock only if `owner` still holds it. */
  unlock(name: string, owner: string): Promise<boolean>;
  close(): Promise<void>;
}

// Compare-and-act in one step, so a lock that expired and was taken by another
// deploy is never renewed or deleted by the old holder.
const RENEW_IF_OWNER = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end";
const DELETE_IF_OWNER = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

/** confd -watch hears a SET only with keyspace events (K) for string commands ($, or A for all). */
export function notificationsCoverSet(flags: string): boolean {
  return flags.includes('K') && (flags.includes('$') || flags.includes('A'));
}

export async function openKeyStore(shell: RemoteShell, target: RedisTarget): Promise<KeyStore> {
  const forward = await shell.forward(target.host, target.port);
  const redis = new Redis({
    host: '127.0.0.1',
    port: forward.port,
    username: target.username,
    password: target.password,
    db: target.db,
    // TLS runs end to end through the forward: verify the name the server has.
    tls: target.tls ? { servername: target.host } : undefined,
    lazyConnect: true,
    maxRetriesPerRequest: 2,
    connectTimeout: 10_000,
    retryStrategy: (times) => (times > 3 ? null : 200 * times),
  });
  // Errors surface through the command that fails; the first says why (WRONGPASS, TLS...).
  let firstError: Error | undefined;
  redis.on('error', (e: Error) => { firstError ??= e; });
  try {
    await redis.connect();
  } catch (e) {
    redis.disconnect();
    await forward.close();
    throw new Error(`Redis at ${target.host}:${target.port} (as seen from the server) did not answer: ${(firstError ?? (e as Error)).message}`);
  }
  const renewals = new Map<string, NodeJS.Timeout>();
  const stopRenewing = (name: string): void => {
    clearInterval(renewals.get(name));
    renewals.delete(name);
  };
  return {
    get: (key) => redis.get(key),
    async set(key, value) { await redis.set(key, value); },
    async delete(key) { await redis.del(key); },
    async keyspaceNotifications() {
      try {
        const reply = (await redis.config('GET', 'notify-keyspace-events')) as unknown;
        // RESP2 answers [name, value]; RESP3 a map.
        const flags = Array.isArray(reply) ? String(reply[1] ?? '') : String((reply as Record<string, string>)['notify-keyspace-events'] ?? '');
        return notificationsCoverSet(flags);
      } catch {
        return undefined;
      }
    },
    async tryLock(name, owner, ttlMs) {
      if ((await redis.set(name, owner, 'PX', ttlMs, 'NX')) !== 'OK') return false;
      const timer = setInterval(() => {
        redis.eval(RENEW_IF_OWNER, 1, name, owner, ttlMs).catch(() => undefined);
      }, Math.floor(ttlMs / 4));
      timer.unref();
      renewals.set(name, timer);
      return true;
    },
    lockHolder: (name) => redis.get(name),
    async unlock(name, owner) {
      stopRenewing(name);
      return (await redis.eval(DELETE_IF_OWNER, 1, name, owner)) === 1;
    },
    async close() {
      [...renewals.keys()].forEach(stopRenewing);
      redis.disconnect();
      await forward.close();
    },
  };
}
