// 9-11. Retire (docs/architecture.md): every server serves the new version; record the release,
// drain what ran before, stop it gracefully, prune the images nothing needs. Past the proven
// switch, a failure here is a warning.
import { retirees, type Retirees } from '../deployment-state.js';
import { HISTORY_DIR, HISTORY_ENTRIES, latest, parseHistory, type Release } from '../history.js';
import { imagesToPrune, type ContainerSummary } from '../../remote/docker.js';
import { repositoryOf } from '../../remote/image-ref.js';
import type { ServerContext } from './context.js';
import { drain } from './drain.js';
import { record } from './record.js';
import { protectedImages } from './rules.js';
import type { ServerResult } from './server-result.js';

/** History entries the summary shows. */
const SUMMARY_RELEASES = 5;

export async function retire(ctx: ServerContext): Promise<ServerResult> {
  const { inspection, image, identity } = ctx.prepared;
  const { state } = inspection;
  const port = ctx.port ?? 0;
  const thisRelease: Release = {
    time: new Date(ctx.run.clock.now()).toISOString(),
    run: ctx.run.identity.lockOwner,
    outcome: ctx.config.container.rollback ? 'rolled back' : 'deployed',
    image,
    digest: identity.digest,
    imageId: identity.id,
    container: ctx.containerName,
    port,
  };
  const releases = [...inspection.history, thisRelease];
  // Every bake passed: from here the new version stays, whatever happens to the deploy.
  if (ctx.bakes) ctx.checkpoint('baking', undefined);
  const recorded = record(ctx, thisRelease);

  // Everything of this deployment that ran before: drained, then stopped gracefully.
  const retiring = retirees(state, ctx.containerId ?? '');
  const oldPorts = [...new Set(retiring.stop.flatMap((x) => x.hostPorts))].filter((p) => p !== port);
  if (oldPorts.length > 0)
    await ctx.phase('drain', async () => ({ value: undefined, detail: await drain(ctx, oldPorts, 'retiring') }));

  // Old containers stop side by side; images are pruned once they are gone.
  await ctx.phase('retire', async () => {
    const done: string[] = [];
    const stopped = Promise.all([
      ...retiring.stop.map((old) => stopOne(ctx, old, done)),
      removeLeftovers(ctx, retiring, done),
    ]);
    await Promise.all([stopped, pruneImages(ctx, releases, retiring, stopped, done), recorded]);
    return { value: undefined, detail: done.join('; ') || 'nothing to retire' };
  });

  return {
    server: ctx.name,
    container: ctx.containerName,
    containerId: ctx.containerId ?? '',
    port,
    previousPort: state.keyPort,
    previousContainer: state.serving?.name,
    image,
    previousImage: state.serving?.image,
    imageDigest: identity.digest,
    switchSeconds: ctx.switchSeconds,
    probes: ctx.probeLog,
    timeline: ctx.timeline,
    releases: latest(releases, SUMMARY_RELEASES),
    bake: ctx.bakeReport,
  };
}

async function stopOne(ctx: ServerContext, old: ContainerSummary, done: string[]): Promise<void> {
  const { docker } = ctx.server;
  try {
    await docker.stop(old.id, Math.ceil(ctx.config.timing.stopTimeoutMs / 1000));
    await docker.remove([old.id]);
    done.push(`stopped ${old.name}`);
  } catch (e) {
    ctx.warn(`could not stop or remove ${old.name}: ${(e as Error).message}`);
  }
}

async function removeLeftovers(ctx: ServerContext, retiring: Retirees, done: string[]): Promise<void> {
  if (retiring.remove.length === 0) return;
  await ctx.server.docker.remove(retiring.remove.map((x) => x.id)).then(
    () => done.push(`removed ${retiring.remove.length} stopped container(s)`),
    (e: Error) => ctx.warn(`could not remove stopped containers of this deployment: ${e.message}`),
  );
}

// Listed while the old containers stop; pruned once they are gone, so their images can go too.
// Kept whatever keep-images says (rules.ts, protectedImages); the containers and the histories
// are read again once the old containers are gone (when anything is to be pruned), as
// neighbouring deployments may have started or released meanwhile.
async function pruneImages(
  ctx: ServerContext,
  releases: Release[],
  retiring: Retirees,
  stopped: Promise<unknown>,
  done: string[],
): Promise<void> {
  const { docker } = ctx.server;
  const { inspection, image, identity } = ctx.prepared;
  const kept = (containers: ContainerSummary[], files: Map<string, string>): Set<string> =>
    protectedImages({
      newImageId: identity.id,
      servingImageId: inspection.state.serving?.imageId,
      containers,
      keepImages: ctx.config.keepImages,
      histories: [
        releases,
        ...[...files].filter(([path]) => path !== ctx.history).map(([, text]) => parseHistory(text)),
      ],
    });
  try {
    const images = await docker.images(repositoryOf(image));
    await stopped;
    // The inspection's look without the containers retired here: if it prunes nothing, the fresh
    // look is not taken (~0.1 s). It could only differ by what neighbours changed since: what
    // they started or released is kept either way; what they let go is pruned next time.
    const gone = new Set([...retiring.stop, ...retiring.remove].map((x) => x.id));
    if (
      imagesToPrune(
        images,
        kept(
          inspection.containers.filter((x) => !gone.has(x.id)),
          inspection.files,
        ),
      ).length === 0
    )
      return;
    // Asked before the look: a neighbour not deploying now has started what it pulled.
    if (await neighbourDeploying(ctx, done)) return;
    const [containers, files] = await Promise.all([
      docker.containers(),
      docker.readHistories(HISTORY_DIR, HISTORY_ENTRIES),
    ]);
    const prune = imagesToPrune(images, kept(containers, files));
    if (prune.length === 0 || (await neighbourDeploying(ctx, done))) return;
    await docker.removeImages(prune);
    done.push(`pruned ${prune.join(', ')}`);
  } catch (e) {
    ctx.warn(`could not prune old images: ${(e as Error).message}`);
  }
}

// A neighbour deploying now may have pulled an image it has not started yet: listed before the
// old containers stopped, so its lock is already held (a deploy pulls under its lock). Pruned
// next time; asked again right before the removal, to leave the smallest window.
async function neighbourDeploying(ctx: ServerContext, done: string[]): Promise<boolean> {
  const deploying = (await ctx.server.keys.deploying()).filter((key) => key !== ctx.config.switch.redisKey);
  if (deploying.length > 0) done.push(`old images kept this time: ${deploying.join(', ')} is deploying on this server`);
  return deploying.length > 0;
}
