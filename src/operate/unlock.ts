// Releasing a deployment's lock by hand (CLI `unlock`), never one a running deploy holds.
// A deploy renews its lock every quarter of LOCK_TTL_MS (redis.ts tryLock) and, while renewals
// fail, goes on for up to three quarters of it: so a lock with a deploy's TTL is never deleted,
// only watched until it expires (its holder gone) or is renewed (its holder alive). A lock no
// deploy of this version would leave (no expiry, or a longer one: 0.1's, or set by hand) is
// watched for two renewal periods and released if nobody renewed or took it. With the holder
// named (--owner), it is released at once if that holder still has it: the operator knows it is gone.
import type { Clock } from '../deploy/run.js';
import type { KeyStore } from '../remote/redis.js';
import { LOCK_TTL_MS } from '../deploy/run.js';

/** Two renewal periods: a live deploy renews at least once in that time. */
export const UNLOCK_WATCH_MS = LOCK_TTL_MS / 2;
const POLL_MS = 1_000;
/** Slack for the round trips between two reads of a lock's time to live. */
const RENEWAL_SLACK_MS = 1_000;

export type UnlockRequest = { owner: string } | { force: true } | Record<string, never>;

export interface UnlockOutcome {
  /** The lock is free now (released here, or it was not held or expired meanwhile). */
  free: boolean;
  message: string;
}

type LockKeys = Pick<KeyStore, 'lockState' | 'unlock'>;
const quoted = (holder: string): string => JSON.stringify(holder);

/** Deletes the lock if `holder` still has it; free only if nobody holds it afterwards. */
async function release(keys: LockKeys, name: string, holder: string, why: string): Promise<UnlockOutcome> {
  await keys.unlock(name, holder);
  const after = await keys.lockState(name);
  if (after === null) return { free: true, message: `${name} released: ${why}` };
  return { free: false, message: `${name} was taken meanwhile by ${quoted(after.holder)}: nothing released` };
}

export async function unlockLock(
  keys: LockKeys,
  name: string,
  request: UnlockRequest,
  clock: Clock,
  say: (line: string) => void,
): Promise<UnlockOutcome> {
  const held = await keys.lockState(name);
  if (held === null) return { free: true, message: `${name} is not held: nothing to release` };
  const { holder } = held;
  if ('owner' in request) {
    if (request.owner !== holder)
      return {
        free: false,
        message: `${name} is held by ${quoted(holder)}, not by the --owner given: nothing released`,
      };
    return release(keys, name, holder, `it was held by ${quoted(holder)}`);
  }
  if (!('force' in request)) {
    return {
      free: false,
      message: `${name} is held by ${quoted(holder)}: name it with --owner to release it, or give --force to release it once no deploy renews it`,
    };
  }
  const deploysLock = held.ttlMs >= 0 && held.ttlMs <= LOCK_TTL_MS;
  const watchMs = deploysLock ? held.ttlMs + RENEWAL_SLACK_MS : UNLOCK_WATCH_MS;
  say(
    deploysLock
      ? `${name} is held by ${quoted(holder)} with a deploy's time to live: a deploy that died frees it within ${Math.ceil(held.ttlMs / 1000)} s; waiting for that (it is never deleted while a deploy may run)`
      : `${name} is held by ${quoted(holder)} and ${held.ttlMs < 0 ? 'never expires' : `expires in ${Math.ceil(held.ttlMs / 1000)} s`}: watching it for ${UNLOCK_WATCH_MS / 1000} s (a running deploy renews it in that time)`,
  );
  let last = { ...held, at: clock.now() };
  const end = last.at + watchMs;
  while (clock.now() < end) {
    await clock.sleep(Math.min(POLL_MS, end - clock.now()));
    const now = await keys.lockState(name);
    if (now === null) return { free: true, message: `${name} expired: its holder was gone` };
    if (now.holder !== holder)
      return { free: false, message: `${name} was taken meanwhile by ${quoted(now.holder)}: nothing released` };
    const at = clock.now();
    const renewed = last.ttlMs < 0 ? now.ttlMs >= 0 : now.ttlMs > last.ttlMs - (at - last.at) + RENEWAL_SLACK_MS;
    if (renewed)
      return {
        free: false,
        message: `${name} is still renewed by its holder: a deploy is running. Nothing released; wait for it, or stop it`,
      };
    last = { ...now, at };
  }
  if (deploysLock) return { free: false, message: `${name} is still held by ${quoted(holder)}: nothing released` };
  return release(
    keys,
    name,
    holder,
    `it was held by ${quoted(holder)}, which did not renew it for ${UNLOCK_WATCH_MS / 1000} s`,
  );
}
