// HTTP through an SSH forward, a fresh TCP connection per request: a kept-alive
// connection may still be served by an old nginx worker after a reload.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { bracketed } from './docker.js';
import type { Config } from './inputs.js';
import type { Forward, RemoteShell } from './ssh/connection.js';
import { upstreamPort } from './upstream.js';

const PROBE_TIMEOUT_MS = 5_000;

export interface ProbeResult {
  status?: number;
  /** The value of the upstream header, when present. */
  upstream?: string;
  error?: string;
}

/** What the deploy asks of HTTP on a server. */
export interface Probes {
  /** health-path on the new container's own port, bypassing nginx. */
  health(port: number): Promise<ProbeResult>;
  /** probe-url through nginx, a fresh connection each time. */
  probe(): Promise<ProbeResult>;
}

export interface HttpTarget {
  /** The forward's Unix socket on the runner. */
  socketPath: string;
  https: boolean;
  path: string;
  hostHeader: string;
  upstreamHeader?: string;
  timeoutMs: number;
}

/** What the probes request through nginx: probe-url's path and query. */
export const probePath = (url: URL): string => `${url.pathname}${url.search}`;

export function isHealthyStatus(status: number | undefined): boolean {
  return status !== undefined && status >= 200 && status < 400;
}

/** Probes until `successes` probes in a row are answered (2xx/3xx) by `port`: 'proven'. A probe
 * `failFast` picks ends it at once and is returned; 'timed out' once `next` (which waits) says stop. */
export async function proveServed(probe: () => Promise<ProbeResult>, port: number, successes: number, next: () => Promise<boolean>,
  failFast: (result: ProbeResult) => boolean = () => false): Promise<'proven' | 'timed out' | ProbeResult> {
  let inARow = 0;
  for (;;) {
    const result = await probe();
    if (failFast(result)) return result;
    inARow = isHealthyStatus(result.status) && upstreamPort(result.upstream) === port ? inARow + 1 : 0;
    if (inARow >= successes) return 'proven';
    if (!await next()) return 'timed out';
  }
}

export function httpGet(target: HttpTarget): Promise<ProbeResult> {
  const request = target.https ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = request({
      socketPath: target.socketPath,
      path: target.path,
      method: 'GET',
      agent: false,
      headers: { Host: target.hostHeader, Connection: 'close', 'User-Agent': 'docker-hot-deploy-probe' },
      timeout: target.timeoutMs,
      // The tunnel already proved the server's identity; this probe checks routing.
      rejectUnauthorized: false,
      servername: target.hostHeader.replace(/:\d+$/, ''),
    }, (res) => {
      const header = target.upstreamHeader ? res.headers[target.upstreamHeader.toLowerCase()] : undefined;
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, upstream: Array.isArray(header) ? header.join(', ') : header }));
      res.on('error', (e) => resolve({ status: res.statusCode, error: e.message }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${target.timeoutMs} ms`)));
    req.on('error', (e) => resolve({ error: e.message || (e as NodeJS.ErrnoException).code || 'connection failed' }));
    req.end();
  });
}

/** The deploy's probes over the SSH connection: one forward per target, a fresh TCP connection per request. */
export function forwardedProbes(shell: RemoteShell, config: Config): Probes & { close(): Promise<void> } {
  const forwards = new Map<string, Promise<Forward>>();
  const forwardTo = (host: string, port: number): Promise<Forward> => {
    const key = `${host}:${port}`;
    if (!forwards.has(key)) forwards.set(key, shell.forward(host, port));
    return forwards.get(key) as Promise<Forward>;
  };
  const url = config.switch.probeUrl;
  const https = url.protocol === 'https:';
  const urlPort = Number(url.port) || (https ? 443 : 80);
  const urlHost = url.hostname.replace(/^\[|\]$/g, '');
  return {
    async health(port) {
      const forward = await forwardTo(config.container.bindAddress, port);
      return httpGet({ socketPath: forward.path, https: false, path: config.switch.healthPath, hostHeader: `${bracketed(config.container.bindAddress)}:${port}`, timeoutMs: PROBE_TIMEOUT_MS });
    },
    async probe() {
      const forward = await forwardTo(urlHost, urlPort);
      return httpGet({
        socketPath: forward.path, https, path: probePath(url),
        hostHeader: config.switch.probeHost ?? url.host, upstreamHeader: config.switch.upstreamHeader, timeoutMs: PROBE_TIMEOUT_MS,
      });
    },
    async close() {
      await Promise.all([...forwards.values()].map(async (f) => (await f).close()));
    },
  };
}
