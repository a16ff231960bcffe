// The Redis side's names and verdicts, apart from the client (redis.ts): what status, the doctor
// and a deploy's checks share without loading ioredis.

/** Redis's persistence settings, as CONFIG GET answers them. */
export interface Persistence {
  appendonly: boolean;
  save: string;
}

/** The action's lock for a deployment, under a name no confd prefix of the host setup matches
 * (they start with "/"): taking it never makes confd render. */
const LOCK_PREFIX = 'docker-hot-deploy:lock:';
export const lockName = (redisKey: string): string => `${LOCK_PREFIX}${redisKey}`;
/** The deployment (its redis key) a lock of lockName's is for; undefined for any other name. */
export const lockedDeployment = (name: string): string | undefined =>
  name.startsWith(LOCK_PREFIX) ? name.slice(LOCK_PREFIX.length) : undefined;
/** Where 0.1 kept the lock (inside confd's prefix); honoured while one lives. */
export const legacyLockName = (redisKey: string): string => `${redisKey}:lock`;

/** confd -watch hears a SET only with keyspace events (K) for string commands ($, or A for all). */
export function notificationsCoverSet(flags: string): boolean {
  return flags.includes('K') && (flags.includes('$') || flags.includes('A'));
}

/** Why a write to this Redis may not survive its restart, or undefined when it will. */
export function persistenceRisk(p: Persistence): string | undefined {
  if (p.appendonly) return undefined;
  if (!p.save.trim())
    return 'Redis keeps nothing across a restart (appendonly no, save ""): a restart loses the key, and a confd template with a fallback renders it at confd\'s next write. Set appendonly yes (examples/host/redis/persistence.conf)';
  return `Redis persists only by snapshots (appendonly no, save "${p.save}"): a crash before the next snapshot loses this write. Set appendonly yes (examples/host/redis/persistence.conf)`;
}
