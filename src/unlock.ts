// Releasing a deployment's lock by hand (CLI `unlock`), only when no deploy holds it any more.
// A live deploy renews its lock every quarter of its TTL (redis.ts tryLock); a dead one's
// lock only waits out its TTL. So: with the holder named (--owner), release it if it is
// still that holder's; with --force, watch it for two renewal periods first and release it
// only if it was not renewed and nobody else took it.
import type { Clock } from './deploy-run.js';
import type { KeyStore } from './redis.js';
import { LOCK_TTL_MS } from './server-deploy.js';

/** Two renewal periods: a live deploy renews at least once in that time. */
export const UNLOCK_WATCH_MS = LOCK_TTL_MS / 2;
/** Slack for the round trips around the watch. */
const RENEWAL_SLACK_MS = 1_000;

export type UnlockRequest = { owner: string } | { force: true } | Record<string, never>;

export interface UnlockOutcome {
  /** The lock is free now (released here, or it was not held or expired meanwhile). */
  free: boolean;
  message: string;
}

export async function unlockLock(keys: Pick<KeyStore, 'lockHolder' | 'lockTtl' | 'unlock'>, name: string, request: UnlockRequest, clock: Clock,
  say: (line: string) => void): Promise<UnlockOutcome> {
  const holder = await keys.lockHolder(name);
  if (holder === null) return { free: true, message: `${name} is not held: nothing to release` };
  if ('owner' in request) {
    if (request.owner !== holder) return { free: false, message: `${name} is held by ${JSON.stringify(holder)}, not by the --owner given: nothing released` };
    return (await keys.unlock(name, holder))
      ? { free: true, message: `${name} released (it was held by ${JSON.stringify(holder)})` }
      : { free: true, message: `${name} expired or was released meanwhile` };
  }
  if (!('force' in request)) {
    return { free: false, message: `${name} is held by ${JSON.stringify(holder)}: name it with --owner to release it, or give --force to release it once no deploy renews it` };
  }
  const ttlBefore = await keys.lockTtl(name);
  const watchedFrom = clock.now();
  say(`${name} is held by ${JSON.stringify(holder)}: watching it for ${UNLOCK_WATCH_MS / 1000} s (a running deploy renews it in that time)`);
  await clock.sleep(UNLOCK_WATCH_MS);
  const [holderAfter, ttlAfter] = await Promise.all([keys.lockHolder(name), keys.lockTtl(name)]);
  if (holderAfter === null) return { free: true, message: `${name} expired meanwhile: its holder was gone` };
  if (holderAfter !== holder) return { free: false, message: `${name} was taken meanwhile by ${JSON.stringify(holderAfter)}: nothing released` };
  // Not renewed: its time to live went down by the time watched (or it never expires).
  const renewed = ttlBefore >= 0 && ttlAfter > ttlBefore - (clock.now() - watchedFrom) + RENEWAL_SLACK_MS;
  if (renewed) return { free: false, message: `${name} is still renewed by its holder: a deploy is running. Nothing released; wait for it, or stop it` };
  return (await keys.unlock(name, holder))
    ? { free: true, message: `${name} released: it was held by ${JSON.stringify(holder)}, which did not renew it for ${UNLOCK_WATCH_MS / 1000} s` }
    : { free: true, message: `${name} expired or was released meanwhile` };
}
