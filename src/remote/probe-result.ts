// What a probe answers and the rules read from it, pure: the deploy's verdicts and the
// day-two commands take these without loading HTTP (the probes themselves are probe.ts).
import { upstreamPort } from './upstream.js';

export interface ProbeResult {
  status?: number;
  /** The value of the upstream header, when present. */
  upstream?: string;
  error?: string;
}

/** What the deploy asks of HTTP on a server. */
export interface Probes {
  /** health-path on the new container's own port, bypassing nginx. */
  health: (port: number) => Promise<ProbeResult>;
  /** probe-url through nginx, a fresh connection each time. */
  probe: () => Promise<ProbeResult>;
}

/** What the probes request through nginx: probe-url's path and query. */
export const probePath = (url: URL): string => `${url.pathname}${url.search}`;

export function isHealthyStatus(status: number | undefined): boolean {
  return status !== undefined && status >= 200 && status < 400;
}

/** Probes until `successes` probes in a row are answered (2xx/3xx) by `port`: 'proven'. A probe
 * `failFast` picks ends it at once and is returned; 'timed out' once `next` (which waits) says stop. */
export async function proveServed(
  probe: () => Promise<ProbeResult>,
  port: number,
  successes: number,
  next: () => Promise<boolean>,
  failFast: (result: ProbeResult) => boolean = () => false,
): Promise<'proven' | 'timed out' | ProbeResult> {
  let inARow = 0;
  for (;;) {
    const result = await probe();
    if (failFast(result)) return result;
    inARow = isHealthyStatus(result.status) && upstreamPort(result.upstream) === port ? inARow + 1 : 0;
    if (inARow >= successes) return 'proven';
    if (!(await next())) return 'timed out';
  }
}
