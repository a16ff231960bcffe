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
  close(): Promise<void>;
}

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
  redis.on('error', () => undefined); // surfaced by the command that fails
  try {
    await redis.connect();
  } catch (e) {
    await forward.close();
    throw new Error(`Redis at ${target.host}:${target.port} (as seen from the server) did not answer: ${(e as Error).message}`);
  }
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
    async close() {
      redis.disconnect();
      await forward.close();
    },
  };
}
