// A steady load through nginx while a deploy runs: each worker sends one
// request after another, on a new connection each time or over kept-alive ones.
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export type LoadKind = 'new-connection' | 'keep-alive';

export interface LoadReport {
  kind: LoadKind;
  sent: number;
  ok: number;
  non2xx: number;
  connectionErrors: number;
  /** Of the connection errors, those of a kept-alive connection reused for another request: the
   * client never retries, so each is a request lost (an idle connection nginx closed under it). */
  resets: number;
  errorMessages: Record<string, number>;
  bodies: Record<string, number>;
  /** Every answer as it came: when (ms since the epoch), what (a 2xx body, "HTTP 500", or an error code)
   * and how long after its request left (ms). */
  answers: Array<{ at: number; answer: string; ms: number }>;
}

export interface Load {
  /** What was answered so far (the load goes on). */
  report(): LoadReport;
  stop(): Promise<LoadReport>;
}

export interface LoadOptions {
  url: string;
  kind: LoadKind;
  /** Open loop at a fixed rate (requests per second) instead of back-to-back workers. */
  ratePerSecond?: number;
  workers?: number;
  /** Pause between a worker's requests. */
  pauseMs?: number;
  /** A safety bound: the load stops by itself after this long. */
  maxMs?: number;
}

export function startLoad(options: LoadOptions): Load {
  const { url, kind, ratePerSecond, workers = 4, pauseMs = 5, maxMs = 120_000 } = options;
  const agent = kind === 'keep-alive' ? new Agent({ keepAlive: true, maxSockets: workers }) : false;
  const report: LoadReport = {
    kind,
    sent: 0,
    ok: 0,
    non2xx: 0,
    connectionErrors: 0,
    resets: 0,
    errorMessages: {},
    bodies: {},
    answers: [],
  };
  const endAt = Date.now() + maxMs;
  let stopped = false;

  const once = (): Promise<void> =>
    new Promise((resolve) => {
      report.sent += 1;
      const sentAt = performance.now();
      const answered = (answer: string): void => {
        report.answers.push({ at: Date.now(), answer, ms: performance.now() - sentAt });
      };
      const req = request(url, { agent }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          body += d;
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) report.ok += 1;
          else report.non2xx += 1;
          const key = status >= 200 && status < 300 ? body.trim() : `HTTP ${status}`;
          report.bodies[key] = (report.bodies[key] ?? 0) + 1;
          answered(key);
          resolve();
        });
        res.on('error', (e) => fail(e));
      });
      const fail = (e: NodeJS.ErrnoException): void => {
        report.connectionErrors += 1;
        if (req.reusedSocket) report.resets += 1;
        const key = e.code ?? e.message;
        report.errorMessages[key] = (report.errorMessages[key] ?? 0) + 1;
        answered(key);
        resolve();
      };
      req.on('error', fail);
      req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
      req.end();
    });

  const worker = async (): Promise<void> => {
    while (!stopped && Date.now() < endAt) {
      await once();
      await sleep(pauseMs);
    }
  };
  // Fixed rate: requests leave on schedule whether or not earlier ones answered.
  const paced = async (rate: number): Promise<void> => {
    const started = Date.now();
    const inFlight = new Set<Promise<void>>();
    let launched = 0;
    while (!stopped && Date.now() < endAt) {
      const due = Math.floor(((Date.now() - started) * rate) / 1000);
      for (; launched < due; launched += 1) {
        const request = once().finally(() => inFlight.delete(request));
        inFlight.add(request);
      }
      await sleep(2);
    }
    await Promise.all(inFlight);
  };
  const running = ratePerSecond ? paced(ratePerSecond) : Promise.all(Array.from({ length: workers }, worker));
  return {
    report: () => report,
    async stop() {
      stopped = true;
      await running;
      if (agent) agent.destroy();
      return report;
    },
  };
}

export const failures = (r: LoadReport): number => r.non2xx + r.connectionErrors;

/** Seconds from the first to the last answer that `bad` picks (0 when none): how long users saw it. */
export function badSeconds(r: LoadReport, bad: (answer: string) => boolean): number {
  const times = r.answers.filter((a) => bad(a.answer)).map((a) => a.at);
  return times.length === 0 ? 0 : (Math.max(...times) - Math.min(...times)) / 1000;
}

export function describeLoad(r: LoadReport): string {
  const errors = Object.entries(r.errorMessages)
    .map(([k, v]) => `${k} x${v}`)
    .join(', ');
  const resets = r.kind === 'keep-alive' ? `, ${r.resets} on reused connections` : '';
  return `${r.kind}: ${r.sent} sent, ${r.ok} ok, ${r.non2xx} non-2xx, ${r.connectionErrors} connection errors${errors ? ` (${errors})` : ''}${resets}`;
}

/** Runs `work` while a load runs through `url`, with a moment of load before and after it. */
export async function duringLoad<T>(
  url: string,
  work: () => Promise<T>,
  kind: LoadKind = 'new-connection',
): Promise<{ result: T; load: LoadReport }> {
  const { result, loads } = await duringLoads([url], work, { kind });
  return { result, load: loads[0] };
}

/** Runs `work` while a load runs through each of `urls` (several servers' nginx), one report each. */
export async function duringLoads<T>(
  urls: string[],
  work: () => Promise<T>,
  options: Omit<LoadOptions, 'url'>,
): Promise<{ result: T; loads: LoadReport[] }> {
  const loads = urls.map((url) => startLoad({ url, ...options }));
  const stopAll = (): Promise<LoadReport[]> => Promise.all(loads.map((l) => l.stop()));
  await sleep(300);
  try {
    const result = await work();
    await sleep(300);
    return { result, loads: await stopAll() };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
