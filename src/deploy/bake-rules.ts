// The bake's judgement, pure (README, "The bake"): nginx's upstream
// log lines parsed, the new version's answers counted, and the verdict on them,
// on the probes and on the container's own state. bake.ts does the watching.
import { upstreamPort } from '../remote/upstream.js';

/** One line of the `dhd_upstream` log format (README, "The bake"; examples/host/nginx). */
export interface AccessEntry {
  msec: number;
  upstream: string;
  status: number;
  requestTime: number;
  request: string;
}

/** What the bake fails on. */
export interface BakeLimits {
  /** The share of 5xx answers (percent) that fails the bake once minRequests were answered. */
  maxErrorPercent: number;
  minRequests: number;
}

/** 5xx answers in a row that fail the bake whatever their share. */
export const ERRORS_IN_A_ROW = 10;
/** Probes through nginx that failed in a row: one may be a blip, three are the new version. */
export const PROBE_FAILURES_IN_A_ROW = 3;
/** Failing requests kept as evidence. */
const KEPT_FAILURES = 5;
/** Answer times kept for the percentiles: enough for a busy site's 30 s, bounded. */
const KEPT_TIMES = 100_000;

/** The log lines in `text`; an unfinished last line is handed back to be read again with what follows. */
export function parseAccessLines(text: string): { entries: AccessEntry[]; garbage: number; rest: string } {
  const lines = text.split('\n');
  const rest = lines.pop() ?? '';
  const entries: AccessEntry[] = [];
  let garbage = 0;
  for (const line of lines) {
    if (!line.trim()) continue;
    const entry = accessEntry(line);
    if (entry) entries.push(entry);
    else garbage += 1;
  }
  return { entries, garbage, rest };
}

function accessEntry(line: string): AccessEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { msec, upstream, status, request_time: requestTime, request } = value as Record<string, unknown>;
  if (
    typeof msec !== 'number' ||
    typeof upstream !== 'string' ||
    !Number.isInteger(status) ||
    typeof requestTime !== 'number' ||
    typeof request !== 'string'
  )
    return undefined;
  return { msec, upstream, status: status as number, requestTime, request };
}

const isServerError = (status: number | undefined): boolean => status !== undefined && status >= 500;

/** The new version's answers as the log tells them. */
export interface Traffic {
  requests: number;
  errors: number;
  errorsInARow: number;
  byStatus: Record<string, number>;
  /** The first failing requests: "GET /path -> 500". */
  firstFailures: string[];
  /** Lines that were not in the format. */
  garbage: number;
  times: number[];
}

export const noTraffic = (): Traffic => ({
  requests: 0,
  errors: 0,
  errorsInARow: 0,
  byStatus: {},
  firstFailures: [],
  garbage: 0,
  times: [],
});

/** Counts the entries the new version (on `port`) answered; nginx's own 502/504 for it count too. */
export function countTraffic(traffic: Traffic, entries: AccessEntry[], port: number): void {
  for (const entry of entries) {
    if (upstreamPort(entry.upstream) !== port) continue;
    traffic.requests += 1;
    traffic.byStatus[entry.status] = (traffic.byStatus[entry.status] ?? 0) + 1;
    if (traffic.times.length < KEPT_TIMES) traffic.times.push(entry.requestTime);
    if (!isServerError(entry.status)) {
      traffic.errorsInARow = 0;
      continue;
    }
    traffic.errors += 1;
    traffic.errorsInARow += 1;
    if (traffic.firstFailures.length < KEPT_FAILURES)
      traffic.firstFailures.push(`${requestLine(entry.request)} -> ${entry.status}`);
  }
}

/** "GET /path?q HTTP/1.1" -> "GET /path?q". */
const requestLine = (request: string): string => request.split(' ').slice(0, 2).join(' ');

export const percent = (part: number, whole: number): number => (whole === 0 ? 0 : (100 * part) / whole);

/** Why the new version's answers fail the bake, or undefined. */
export function trafficVerdict(traffic: Traffic, limits: BakeLimits): string | undefined {
  // The rule it hit, not how many more one read of the log happened to hold.
  if (traffic.errorsInARow >= ERRORS_IN_A_ROW)
    return `the new version answered ${ERRORS_IN_A_ROW} requests in a row with 5xx (access-log)`;
  const share = percent(traffic.errors, traffic.requests);
  if (traffic.requests >= limits.minRequests && traffic.errors > 0 && share >= limits.maxErrorPercent) {
    return `${traffic.errors} of ${traffic.requests} requests the new version answered were 5xx (${share.toFixed(1)}%, bake-max-errors ${limits.maxErrorPercent}%; access-log)`;
  }
  return undefined;
}

/** One probe through nginx during the bake. */
export interface BakeProbe {
  status?: number;
  upstream?: string;
  error?: string;
}

/** Why the probes fail the bake (the last PROBE_FAILURES_IN_A_ROW all failed), or undefined. */
export function probeVerdict(recent: BakeProbe[], path: string): string | undefined {
  const last = recent.slice(-PROBE_FAILURES_IN_A_ROW);
  if (last.length < PROBE_FAILURES_IN_A_ROW || !last.every((p) => p.error !== undefined || isServerError(p.status)))
    return undefined;
  const latest = last[last.length - 1];
  const what = latest.error ?? `answered ${latest.status}${latest.upstream ? ` (upstream ${latest.upstream})` : ''}`;
  return `probe-url ${path} failed ${PROBE_FAILURES_IN_A_ROW} times in a row through nginx: ${what}`;
}

/** The p-th percentile (0-100) of `values`, or undefined when there are none. */
export function percentile(values: number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** What a bake saw, for the summary, the outputs and a failure's evidence. */
export interface BakeReport {
  passed: boolean;
  seconds: number;
  /** Why it failed. */
  reason?: string;
  /** The new version's answers in access-log; undefined when real traffic was not watched. */
  traffic?: {
    requests: number;
    errors: number;
    byStatus: Record<string, number>;
    firstFailures: string[];
    garbage: number;
    p50?: number;
    p99?: number;
  };
  /** Why real traffic was not watched. */
  notWatched?: string;
  probes: number;
  probeFailures: number;
  restarts: number;
  /** From the first failing signal until nginx was proven on the old container again. */
  switchBackSeconds?: number;
}

/** The report's traffic part, percentiles computed. */
export function trafficReport(traffic: Traffic): NonNullable<BakeReport['traffic']> {
  const { requests, errors, byStatus, firstFailures, garbage, times } = traffic;
  return { requests, errors, byStatus, firstFailures, garbage, p50: percentile(times, 50), p99: percentile(times, 99) };
}

/** A bake in a few words: "30 s, 412 requests, 0 5xx (0.0%), p50 0.004 s, p99 0.020 s". */
export function bakeLine(report: BakeReport): string {
  const parts = [`${report.seconds.toFixed(1)} s`];
  const t = report.traffic;
  if (t) {
    parts.push(`${t.requests} requests, ${t.errors} 5xx (${percent(t.errors, t.requests).toFixed(1)}%)`);
    if (t.p50 !== undefined && t.p99 !== undefined) parts.push(`p50 ${t.p50.toFixed(3)} s, p99 ${t.p99.toFixed(3)} s`);
  } else {
    parts.push(`real traffic not watched (${report.notWatched ?? 'no access-log'})`);
  }
  parts.push(`${report.probes} probes, ${report.probeFailures} failed`);
  if (report.restarts > 0) parts.push(`${report.restarts} restart(s)`);
  return parts.join(', ');
}

/** A failed bake's evidence, as lines: counts by status and the first failing requests. */
export function bakeEvidence(report: BakeReport): string[] {
  const lines: string[] = [];
  const t = report.traffic;
  if (t) {
    const statuses = Object.entries(t.byStatus)
      .map(([status, count]) => `${status}: ${count}`)
      .join(', ');
    lines.push(`The new version answered ${t.requests} requests (${statuses || 'none'}).`);
    if (t.firstFailures.length > 0) lines.push(`First failing requests: ${t.firstFailures.join('; ')}`);
  }
  if (report.switchBackSeconds !== undefined)
    lines.push(
      `From the first failing signal to nginx serving the previous version again: ${report.switchBackSeconds.toFixed(2)} s.`,
    );
  return lines;
}
