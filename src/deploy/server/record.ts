// The release history on the server (docs/architecture.md, history): every deploy that held the
// lock adds a line, deployed or failed; a rollback reads it.
import { HISTORY_ENTRIES, type Release } from '../history.js';
import type { DeployError } from '../run.js';
import type { ServerContext } from './context.js';

export async function record(ctx: ServerContext, release: Omit<Release, 'time' | 'run'>): Promise<void> {
  const entry: Release = {
    time: new Date(ctx.run.clock.now()).toISOString(),
    run: ctx.run.identity.lockOwner,
    ...release,
    deployment: ctx.config.switch.redisKey,
  };
  await ctx.server.docker
    .appendHistory(ctx.history, JSON.stringify(entry), HISTORY_ENTRIES)
    .catch((e: Error) => ctx.warn(`could not record the release in ~/${ctx.history}: ${e.message}`));
}

/** A failed deploy is part of the history too (unless it never held the lock or lost the server). */
export async function recordFailure(ctx: ServerContext, e: DeployError): Promise<void> {
  if (!ctx.held || ctx.lost) return;
  const where = e.server && e.server !== ctx.name ? `${e.server}: ` : '';
  await record(ctx, {
    outcome: ctx.bakeFailedAt !== undefined ? 'baked-out' : 'failed',
    image: ctx.config.container.image,
    digest: '',
    imageId: '',
    container: ctx.containerName,
    reason: `${where}${e.phase}: ${e.reason}`,
  });
}
