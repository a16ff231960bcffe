// HTTP through an SSH forward, a fresh TCP connection per request: a kept-alive
// connection may still be served by an old nginx worker after a reload.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { bracketed } from './docker.js';
import type { Forward, RemoteShell } from './ssh/connection.js';
import type { ProbeResult, Probes } from './probe-result.js';
import { probePath } from './probe-result.js';

const PROBE_TIMEOUT_MS = 5_000;

export interface HttpTarget {
  /** The forward's Unix socket on the runner. */
  socketPath: string;
  https: boolean;
  path: string;
  hostHeader: string;
  upstreamHeader?: string;
  timeoutMs: number;
}

export function httpGet(target: HttpTarget): Promise<ProbeResult> {
  const request = target.https ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = request(
      {
        socketPath: target.socketPath,
        path: target.path,
        method: 'GET',
        agent: false,
        headers: { Host: target.hostHeader, Connection: 'close', 'User-Agent': 'docker-hot-deploy-probe' },
        timeout: target.timeoutMs,
        // The tunnel already proved the server's identity; this probe checks routing.
        rejectUnauthorized: false,
        servername: target.hostHeader.replace(/:\d+$/, ''),
      },
      (res) => {
        const header = target.upstreamHeader ? res.headers[target.upstreamHeader.toLowerCase()] : undefined;
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode, upstream: Array.isArray(header) ? header.join(', ') : header }),
        );
        res.on('error', (e) => resolve({ status: res.statusCode, error: e.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${target.timeoutMs} ms`)));
    req.on('error', (e) => resolve({ error: e.message || (e as NodeJS.ErrnoException).code || 'connection failed' }));
    req.end();
  });
}

/** Where the probes go: probe-url (through nginx, with probe-host) and health-path on bind-address. */
export interface ProbeTargets {
  probeUrl: URL;
  probeHost?: string;
  upstreamHeader: string;
  healthPath: string;
  bindAddress: string;
}

/** The deploy's probes over the SSH connection: one forward per target, a fresh TCP connection per request. */
export function forwardedProbes(shell: RemoteShell, targets: ProbeTargets): Probes & { close(): Promise<void> } {
  const forwards = new Map<string, Promise<Forward>>();
  const forwardTo = (host: string, port: number): Promise<Forward> => {
    const key = `${host}:${port}`;
    if (!forwards.has(key)) forwards.set(key, shell.forward(host, port));
    return forwards.get(key) as Promise<Forward>;
  };
  const url = targets.probeUrl;
  const https = url.protocol === 'https:';
  const urlPort = Number(url.port) || (https ? 443 : 80);
  const urlHost = url.hostname.replace(/^\[|\]$/g, '');
  return {
    async health(port) {
      const forward = await forwardTo(targets.bindAddress, port);
      return httpGet({
        socketPath: forward.path,
        https: false,
        path: targets.healthPath,
        hostHeader: `${bracketed(targets.bindAddress)}:${port}`,
        timeoutMs: PROBE_TIMEOUT_MS,
      });
    },
    async probe() {
      const forward = await forwardTo(urlHost, urlPort);
      return httpGet({
        socketPath: forward.path,
        https,
        path: probePath(url),
        hostHeader: targets.probeHost ?? url.host,
        upstreamHeader: targets.upstreamHeader,
        timeoutMs: PROBE_TIMEOUT_MS,
      });
    },
    async close() {
      await Promise.all([...forwards.values()].map(async (f) => (await f).close()));
    },
  };
}
