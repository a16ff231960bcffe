// HTTP through an SSH forward, a fresh TCP connection per request: a kept-alive
// connection may still be served by an old nginx worker after a reload.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface ProbeResult {
  status?: number;
  /** The value of the upstream header, when present. */
  upstream?: string;
  error?: string;
}

export interface HttpTarget {
  localPort: number;
  https: boolean;
  path: string;
  hostHeader: string;
  upstreamHeader?: string;
  timeoutMs: number;
}

export function isHealthyStatus(status: number | undefined): boolean {
  return status !== undefined && status >= 200 && status < 400;
}

/** The port of the last address in an upstream header ("127.0.0.1:49153" or "a:1, b:2"). */
export function upstreamPort(header: string | undefined): number | undefined {
  const last = header?.split(',').pop()?.trim();
  const m = last ? /:(\d+)$/.exec(last) : null;
  return m ? Number(m[1]) : undefined;
}

export function httpGet(target: HttpTarget): Promise<ProbeResult> {
  const request = target.https ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = request({
      host: '127.0.0.1',
      port: target.localPort,
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
