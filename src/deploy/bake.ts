// The bake (README, "The bake"): after the switch, the new version
// is watched for bake-time while the previous container stays warm. Twice a
// second: the container's own state, what nginx logged for the new upstream
// since the switch, and (every other time) a probe through nginx. The verdicts
// are bake-rules.ts's; this module only gathers what they judge.
import {
  countTraffic,
  noTraffic,
  parseAccessLines,
  probeVerdict,
  trafficReport,
  trafficVerdict,
  type BakeLimits,
  type BakeProbe,
  type BakeReport,
} from './bake-rules.js';
import type { LogPosition, LogRead } from '../remote/docker.js';

export interface BakeWatch {
  /** Why the new container failed (exited, restarted, unhealthy), and how often it restarted. */
  container(): Promise<{ failure?: string; restarts: number }>;
  probe(): Promise<BakeProbe>;
  /** access-log from `from` on (bounded), or undefined when there is no access-log. */
  readLog?: (from: LogPosition) => Promise<LogRead>;
  /** Waits; throws when the deploy must stop (lock lost, another server failed). */
  pause(ms: number): Promise<void>;
  now(): number;
  /** A line of progress for the log. */
  progress(message: string): void;
}

export interface BakePlan {
  timeMs: number;
  limits: BakeLimits;
  /** The new container's host port: the upstream its log lines name. */
  port: number;
  probePath: string;
  /** Where access-log stood before the switch, or why it cannot be read. */
  logStart?: LogPosition | { unreadable: string };
}

const TICK_MS = 500;
/** Reads of access-log that failed in a row (rotation between stat and read, a busy server) before
 * the bake stops watching real traffic and goes on with the container and the probes. */
const LOG_READ_ATTEMPTS = 3;
const PROGRESS_EVERY_MS = 10_000;

/** Watches until bake-time passed or a verdict failed; the report says which, and when it was seen (failedAt). */
export async function watchBake(watch: BakeWatch, plan: BakePlan): Promise<BakeReport & { failedAt?: number }> {
  const t0 = watch.now();
  const traffic = noTraffic();
  const probes: BakeProbe[] = [];
  let probeFailures = 0;
  let restarts = 0;
  let position = plan.logStart && 'offset' in plan.logStart ? plan.logStart : undefined;
  let notWatched = !watch.readLog
    ? 'no access-log set'
    : plan.logStart && 'unreadable' in plan.logStart
      ? plan.logStart.unreadable
      : undefined;
  let readFailures = 0;
  const readLog = async (from: LogPosition): Promise<LogRead | undefined> => {
    try {
      const read = await watch.readLog?.(from);
      readFailures = 0;
      return read;
    } catch (e) {
      readFailures += 1;
      if (readFailures < LOG_READ_ATTEMPTS) return undefined;
      notWatched = `access-log could not be read ${LOG_READ_ATTEMPTS} times in a row (${(e as Error).message})`;
      watch.progress(`${notWatched}: the bake goes on with the container and the probes`);
      position = undefined;
      return undefined;
    }
  };
  let lastProgress = t0;
  const report = (reason?: string): BakeReport & { failedAt?: number } => ({
    passed: reason === undefined,
    seconds: (watch.now() - t0) / 1000,
    reason,
    traffic: notWatched === undefined ? trafficReport(traffic) : undefined,
    notWatched,
    probes: probes.length,
    probeFailures,
    restarts,
    failedAt: reason === undefined ? undefined : watch.now(),
  });

  for (let tick = 0; ; tick += 1) {
    const [container, read, probe] = await Promise.all([
      watch.container(),
      position ? readLog(position) : undefined,
      tick % 2 === 0 ? watch.probe() : undefined,
    ]);
    restarts = container.restarts;
    if (container.failure) return report(container.failure);
    if (read) {
      position = read.position;
      const { entries, garbage } = parseAccessLines(read.text);
      traffic.garbage += garbage;
      countTraffic(traffic, entries, plan.port);
      const verdict = trafficVerdict(traffic, plan.limits);
      if (verdict) return report(verdict);
    }
    if (probe) {
      probes.push(probe);
      if (probe.error !== undefined || (probe.status ?? 0) >= 500) probeFailures += 1;
      const verdict = probeVerdict(probes, plan.probePath);
      if (verdict) return report(verdict);
    }
    const elapsed = watch.now() - t0;
    if (elapsed >= plan.timeMs) return report();
    if (watch.now() - lastProgress >= PROGRESS_EVERY_MS) {
      lastProgress = watch.now();
      const seen = position
        ? `${traffic.requests} requests, ${traffic.errors} 5xx`
        : `${probes.length} probes, ${probeFailures} failed`;
      watch.progress(`baking: ${Math.round(elapsed / 1000)} of ${plan.timeMs / 1000} s, ${seen}`);
    }
    await watch.pause(Math.min(TICK_MS, plan.timeMs - elapsed));
  }
}
