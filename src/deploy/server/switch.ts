// 7 + 8. Switch (docs/architecture.md): write the key, prove nginx serves the new port; on
// failure write the old value back and wait until nginx has settled on the old upstream.
// Undo: another server failed after this one switched, so it switches back.
import { DeployError } from '../run.js';
import { resourceRendering, sharedWatchProblem } from '../../remote/confd.js';
import { FILE_READ_BYTES } from '../../remote/docker.js';
import { isHealthyStatus, probePath, proveServed, type ProbeResult } from '../../remote/probe-result.js';
import { upstreamPort } from '../../remote/upstream.js';
import type { BakingCheckpoint } from './checkpoints.js';
import { POLL_MS, type ServerContext } from './context.js';
import { drain } from './drain.js';
import { switchHint, type SwitchFacts } from './hints.js';

/** Each wait for nginx to serve a port (the switch, the way back) gets switch-timeout, within the deploy's. */
const switchDeadline = (ctx: ServerContext): { end: number; limit: string } =>
  ctx.run.until(ctx.config.timing.switchTimeoutMs, 'switch-timeout');

/** 'proven' once probe-successes probes in a row are answered by `expectPort`; a 5xx that
 * `failFastPort` answered ends it at once (that answer is returned): only an nginx still on
 * the old upstream is waited for. */
function proveServing(
  ctx: ServerContext,
  expectPort: number,
  end: number,
  failFastPort?: number,
): Promise<'proven' | 'timed out' | ProbeResult> {
  return proveServed(
    () => ctx.probe(),
    expectPort,
    ctx.config.switch.probeSuccesses,
    async () => {
      if (ctx.run.clock.now() >= end) return false;
      await ctx.pause(POLL_MS.switch);
      return true;
    },
    (result) =>
      failFastPort !== undefined && upstreamPort(result.upstream) === failFastPort && (result.status ?? 0) >= 500,
  );
}

// After a write-back, a render of the new value may still be in flight (a slow check_cmd, an
// -interval poll): the new container may go only once the old upstream has served without a
// break for as long as a render was given (switch-timeout). Bounded by the deploy's timeout.
async function settledOn(ctx: ServerContext, oldPort: number, newPort: number): Promise<boolean> {
  const { clock } = ctx.run;
  let since: number | undefined;
  for (;;) {
    const result = await ctx.probe();
    const served = upstreamPort(result.upstream);
    if (served === newPort || !isHealthyStatus(result.status) || served !== oldPort) since = undefined;
    else since ??= clock.now();
    if (since !== undefined && clock.now() - since >= ctx.config.timing.switchTimeoutMs) return true;
    if (clock.now() >= ctx.run.deadline) return false;
    await ctx.pause(POLL_MS.settle);
  }
}

/** Said before the write: what might keep confd from rendering it, and where the bake's log starts. */
async function beforeTheWrite(ctx: ServerContext): Promise<void> {
  const { notifications } = ctx.prepared.inspection;
  if (notifications === false) {
    ctx.warn(
      'Redis keyspace notifications are off (notify-keyspace-events lacks K$): confd -watch will not see this write; only its -interval poll will',
    );
  } else if (notifications === undefined) {
    ctx.run.log.info(
      'Could not check Redis keyspace notifications (CONFIG is refused, as on managed Redis): make sure notify-keyspace-events includes K$',
    );
  }
  const confdAtStart = await ctx.confdAtStart;
  const sharedWatch = confdAtStart && sharedWatchProblem(confdAtStart);
  if (sharedWatch) ctx.warn(sharedWatch);
  const accessLog = ctx.config.bake.accessLog;
  if (ctx.bakes && accessLog)
    ctx.logStart =
      (await ctx.logCheck) ??
      (await ctx.server.docker.logEnd(accessLog).catch((e: Error) => ctx.unreadableLog(accessLog, e)));
}

export function switchTo(ctx: ServerContext): Promise<void> {
  const { redisKey, probeSuccesses } = ctx.config.switch;
  const { state } = ctx.prepared.inspection;
  const port = ctx.port ?? 0;
  const newValue = ctx.newValue;
  return ctx.phase('switch', async () => {
    await beforeTheWrite(ctx);
    const t0 = ctx.run.clock.now();
    // Said before the write: a deploy killed in between keeps a container the key may name.
    ctx.checkpoint('switching', true);
    await ctx.writeKey(state.keyValue, newValue);
    ctx.switched = true;
    const { end, limit } = switchDeadline(ctx);
    const outcome = await proveServing(ctx, port, end, port);
    if (outcome !== 'proven') throw await switchFailed(ctx, outcome, limit);
    ctx.proven = true;
    ctx.switchSeconds = (ctx.run.clock.now() - t0) / 1000;
    if (ctx.bakes && state.keyPort !== undefined) {
      const baking: BakingCheckpoint = { from: newValue, to: state.keyValue, port: state.keyPort };
      ctx.checkpoint('baking', baking);
    }
    return {
      value: undefined,
      detail: `${redisKey}=${newValue}; ${probeSuccesses} probes in a row answered by :${port} after ${ctx.switchSeconds.toFixed(3)} s`,
    };
  });
}

/** nginx did not serve the new port (or it answered 5xx): the old value goes back, and once nginx
 * is back on the old upstream, the failure to throw. */
async function switchFailed(
  ctx: ServerContext,
  outcome: 'timed out' | ProbeResult,
  limit: string,
): Promise<DeployError> {
  const { redisKey, healthPath, probeUrl } = ctx.config.switch;
  const { state, notifications } = ctx.prepared.inspection;
  const port = ctx.port ?? 0;
  const failedProbes = [...ctx.probeLog];
  const badAnswer = outcome === 'timed out' ? undefined : outcome;
  const notServed = badAnswer
    ? `the new version answered ${badAnswer.status} on ${probePath(probeUrl)} through nginx`
    : `nginx did not serve port ${port} within ${limit}`;
  // Read again, not taken from the start: confd may have stopped since.
  const hint = badAnswer
    ? `The new version fails through nginx although its ready check passed (health-path ${healthPath} may not cover the pages that fail): see its log lines.`
    : switchHint(failedProbes, ctx.config, port, await switchFacts(ctx, notifications));
  const logs = badAnswer ? await ctx.newContainerLogs() : undefined;
  try {
    await ctx.writeKey(ctx.newValue, state.keyValue);
  } catch (e) {
    return new DeployError(
      'switch',
      `${notServed}, and ${redisKey} could not be set back: ${(e as Error).message}`,
      `${ctx.containerName} stays running on :${port}, since the key may name it. Check what ${redisKey} holds and which container nginx serves.`,
      ctx.timeline,
      { probes: failedProbes, logs },
    );
  }
  const setBack = `${notServed}; ${redisKey} was set back to ${state.keyValue ?? '(unset)'}`;
  // Written back: the old version serves again once nginx is back on it (proven below).
  // A bad answer means confd already rendered the new value: no render of it is left in flight,
  // so nginx proven back on the old upstream is enough.
  const settled =
    state.keyPort === undefined ||
    (badAnswer
      ? (await proveServing(ctx, state.keyPort, switchDeadline(ctx).end)) === 'proven'
      : await settledOn(ctx, state.keyPort, port));
  if (!settled) {
    const serves = upstreamPort(ctx.probeLog.at(-1)?.upstream);
    return new DeployError(
      'switch',
      `${setBack}, but by the deploy's timeout nginx had not served :${state.keyPort} without a break for ${ctx.config.timing.switchTimeoutMs / 1000} s (it serves ${serves ? `:${serves}` : 'neither'} now)`,
      `${ctx.containerName} stays running on :${port}: a slow confd may still point nginx at it. Once nginx serves :${state.keyPort} steadily, remove it (docker rm -f ${ctx.containerName}); otherwise the next deploy retires it. ${hint}`,
      ctx.timeline,
      { probes: failedProbes, logs },
    );
  }
  ctx.switched = false;
  ctx.checkpoint('switching', false);
  return new DeployError('switch', setBack, hint, ctx.timeline, { probes: failedProbes, logs });
}

/** What a failed switch can learn on the server: its confds now, and what they rendered for the key. */
async function switchFacts(ctx: ServerContext, notifications?: boolean): Promise<SwitchFacts> {
  const { docker } = ctx.server;
  const confd = await docker.confd().catch(() => undefined);
  const resource = confd && resourceRendering(confd, ctx.config.switch.redisKey);
  const rendered = resource?.dest
    ? await docker.readFile(resource.dest, FILE_READ_BYTES).catch(() => undefined)
    : undefined;
  return { confd, notifications, resource, rendered };
}

/** Another server failed after this one switched: the old value goes back, and nginx is proven to serve it again. */
export function switchBack(ctx: ServerContext): Promise<void> {
  const { redisKey } = ctx.config.switch;
  const { state } = ctx.prepared.inspection;
  return ctx.phase('undo', async () => {
    await ctx.writeKey(ctx.newValue, state.keyValue);
    let detail = `${redisKey} unset again (nothing served before this deploy)`;
    if (state.keyPort !== undefined) {
      const { end, limit } = switchDeadline(ctx);
      if ((await proveServing(ctx, state.keyPort, end)) !== 'proven') {
        throw new DeployError(
          'undo',
          `${redisKey} was set back to ${state.keyValue}, but nginx did not serve :${state.keyPort} again within ${limit}`,
          `${ctx.containerName} stays running on :${ctx.port}, since nginx may still serve it. Check confd on this server; the next deploy retires whichever container the key does not name.`,
          ctx.timeline,
        );
      }
      detail = `${redisKey}=${state.keyValue}; ${ctx.config.switch.probeSuccesses} probes in a row answered by :${state.keyPort}`;
      // It served (a bake, or batches after it): requests in flight to it finish before it goes.
      detail += `; ${await drain(ctx, [ctx.port ?? 0], 'removing it')}`;
    }
    ctx.switched = false;
    ctx.proven = false;
    if (ctx.bakes) ctx.checkpoint('baking', undefined);
    ctx.checkpoint('switching', false);
    if (ctx.bakeReport && ctx.bakeFailedAt !== undefined)
      ctx.bakeReport.switchBackSeconds = (ctx.run.clock.now() - ctx.bakeFailedAt) / 1000;
    return { value: undefined, detail };
  });
}
