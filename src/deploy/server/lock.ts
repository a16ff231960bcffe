// 2. Lock (docs/architecture.md): one deploy of a key at a time on a server, and 0.1's lock
// name waited for too; released in every outcome.
import { DeployError, LOCK_TTL_MS } from '../run.js';
import { legacyLockName } from '../../remote/redis-rules.js';
import { POLL_MS, seconds, type ServerContext } from './context.js';
import { HINTS } from './hints.js';

export function acquireLock(ctx: ServerContext): Promise<void> {
  const { clock, log, config } = ctx.run;
  const { keys } = ctx.server;
  const { lock } = ctx;
  return ctx.phase('lock', async () => {
    const { end, limit } = ctx.run.until(config.timing.lockTimeoutMs, 'lock-timeout');
    const waitedFrom = clock.now();
    const legacy = legacyLockName(config.switch.redisKey);
    let announced: string | null = null;
    const stillWaiting = ctx.everyFewSeconds();
    for (;;) {
      // A 0.1 deploy still running holds the old name, and knows nothing of the new one.
      const [acquired, legacyHolder] = await Promise.all([
        ctx.held || keys.tryLock(lock.name, lock.owner, LOCK_TTL_MS),
        keys.lockHolder(legacy),
      ]);
      if (acquired && !ctx.held) {
        ctx.held = true;
        ctx.run.locked.add(ctx.name);
        ctx.checkpoint('lock', lock.name);
      }
      const [waitingFor, holder] = ctx.held ? [legacy, legacyHolder] : [lock.name, await keys.lockHolder(lock.name)];
      // Its own owner, and another server of this deploy holds its lock: the same lock, one Redis. (Alone,
      // its own owner is its own SET whose reply was lost and resent: that expires, and is waited for.)
      if (!ctx.held && holder === lock.owner && ctx.run.locked.size > 0) {
        throw new DeployError(
          'lock',
          `${lock.name} is held by this same deploy through another server: the servers share one Redis`,
          'Several servers of one deploy each need their own Redis (redis-url as seen from each server): with one shared key, confd on every server would follow one value.',
          ctx.timeline,
        );
      }
      if (ctx.held && holder === null) {
        const waited = clock.now() - waitedFrom;
        return {
          value: undefined,
          detail: announced ? `waited ${(waited / 1000).toFixed(1)} s for ${announced}` : lock.name,
        };
      }
      if (holder && holder !== announced) {
        log.info(ctx.said(`Waiting for ${waitingFor}, held by ${holder}`));
        announced = holder;
      } else if (holder) {
        stillWaiting(
          () =>
            `still waiting for ${waitingFor}, held by ${holder} (${seconds(clock.now() - waitedFrom)} so far, at most ${seconds(end - waitedFrom)}: ${limit})`,
        );
      }
      if (clock.now() >= end)
        throw new DeployError(
          'lock',
          `${waitingFor} is still held by ${holder ?? announced} after ${limit}`,
          HINTS.lock,
          ctx.timeline,
        );
      await clock.sleep(POLL_MS.lock);
    }
  });
}

export async function releaseLock(ctx: ServerContext): Promise<void> {
  if (!ctx.held) return;
  await ctx.server.keys.unlock(ctx.lock.name, ctx.lock.owner).then(
    () => ctx.checkpoint('lock', ''),
    (e: Error) => ctx.warn(`could not release ${ctx.lock.name} (it expires by itself): ${e.message}`),
  );
}
