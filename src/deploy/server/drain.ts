// Drain (docs/architecture.md): before a container that served goes, the requests in flight
// to it finish: no nginx worker still shutting down, no connection to its ports left.
import { POLL_MS, seconds, type ServerContext } from './context.js';

/** Waits until no nginx worker is shutting down and no connection to `ports` is left, at most
 * drain-timeout; says what it waited for (or 'timed out', warned with `then`: what happens anyway). */
export async function drain(ctx: ServerContext, ports: number[], then: string): Promise<string> {
  const { clock } = ctx.run;
  const { end, limit } = ctx.run.until(ctx.config.timing.drainTimeoutMs, 'drain-timeout');
  const shown = ports.map((p) => `:${p}`).join(', ');
  const t0 = clock.now();
  const stillDraining = ctx.everyFewSeconds();
  for (;;) {
    const left = await ctx.server.docker.drainState(ports);
    if (left.shuttingDownWorkers === 0 && left.connections === 0) return `no connection to ${shown} left`;
    stillDraining(
      () =>
        `draining ${shown}: ${left.connections} connection(s) left, ${left.shuttingDownWorkers} nginx worker(s) shutting down (${seconds(clock.now() - t0)} so far, at most ${seconds(end - t0)}: ${limit})`,
    );
    if (clock.now() >= end) {
      ctx.warn(
        `${limit} passed with ${left.connections} connection(s) to ${shown} and ${left.shuttingDownWorkers} nginx worker(s) shutting down; ${then} anyway`,
      );
      return 'timed out';
    }
    await ctx.pause(POLL_MS.drain);
  }
}
