// The bake (docs/architecture.md): after the switch, the new version watched under real traffic
// for bake-time while the previous container stays warm. A failure throws, and the deploy
// switches back (orchestrator.ts, undo).
import { bakeLine } from '../bake-rules.js';
import { watchBake } from '../bake.js';
import { DeployError } from '../run.js';
import { probePath } from '../../remote/probe-result.js';
import type { ServerContext } from './context.js';
import { bakeHint, HINTS } from './hints.js';

/** The most of access-log one read of the bake takes (twice a second). */
const LOG_READ_BYTES = 1024 * 1024;

export function bake(ctx: ServerContext): Promise<void> {
  const { docker } = ctx.server;
  const { bake: limits, container: c } = ctx.config;
  const id = ctx.containerId ?? '';
  const port = ctx.port ?? 0;
  return ctx.phase('bake', async () => {
    if (!ctx.bakes) return { value: undefined, detail: 'no previous version served, so none to go back to: not baked' };
    const { accessLog } = limits;
    // Bounded by the deploy's deadline too: until() ends at whichever comes first.
    const report = await watchBake(
      {
        container: async () => {
          const state = await docker.inspect(id, c.containerPort);
          return { failure: await ctx.containerFailure(state), restarts: state.restartCount };
        },
        probe: () => ctx.probe(),
        readLog: accessLog ? (from) => docker.readLog(accessLog, from, LOG_READ_BYTES) : undefined,
        pause: (ms) => ctx.pause(ms),
        now: () => ctx.run.clock.now(),
        progress: (message) => ctx.run.log.info(ctx.said(message)),
      },
      {
        timeMs: ctx.run.until(limits.timeMs, 'bake-time').end - ctx.run.clock.now(),
        limits,
        port,
        probePath: probePath(ctx.config.switch.probeUrl),
        logStart: ctx.logStart,
      },
    );
    const { failedAt, ...seen } = report;
    if (seen.passed && seen.seconds * 1000 < limits.timeMs) {
      throw new DeployError(
        'bake',
        `timeout (the whole deploy) ended the bake after ${seen.seconds.toFixed(1)} s of bake-time ${limits.timeMs / 1000} s`,
        HINTS.bake,
        ctx.timeline,
        { bake: seen },
      );
    }
    ctx.bakeReport = seen;
    if (seen.passed) return { value: undefined, detail: bakeLine(seen) };
    ctx.bakeFailedAt = failedAt;
    throw new DeployError('bake', seen.reason ?? 'failed', bakeHint(ctx.config), ctx.timeline, {
      logs: await ctx.newContainerLogs(),
      bake: seen,
    });
  });
}
