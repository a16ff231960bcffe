// The one SSH connection of a deploy: host key pinned before authentication,
// commands as exec channels (argument lists quoted by shellCommand), and local
// TCP forwards through the same connection for Redis and HTTP.
import { connect as tcpConnect, createServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { NodeSSH } from 'node-ssh';
import type { Argv } from '../docker.js';
import { shellCommand } from '../shell.js';
import { fingerprintOf, hostName, preferredHostKeyAlgorithms, verifyHostKey, type HostKeyPins } from './hostkey.js';

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Forward {
  /** A port on 127.0.0.1 of the runner; each connection to it opens a channel to the target. */
  port: number;
  close(): Promise<void>;
}

export interface RemoteShell {
  run(argv: Argv, options?: { stdin?: string; timeoutMs?: number }): Promise<ExecResult>;
  forward(host: string, port: number): Promise<Forward>;
  close(): Promise<void>;
}

export interface SshTarget {
  host: string;
  port: number;
  username: string;
  privateKey: string;
  passphrase?: string;
  pins: HostKeyPins;
  insecureSkipHostKeyCheck: boolean;
}

export class HostKeyError extends Error {}

const KEEPALIVE_MS = 10_000;
const READY_TIMEOUT_MS = 20_000;

export async function connect(target: SshTarget, debug: (m: string) => void): Promise<RemoteShell> {
  const ssh = new NodeSSH();
  let refusal: string | undefined;
  const name = hostName(target.host, target.port);
  try {
    await ssh.connect({
      host: target.host,
      port: target.port,
      sock: await openTcp(target.host, target.port),
      username: target.username,
      privateKey: target.privateKey,
      passphrase: target.passphrase,
      keepaliveInterval: KEEPALIVE_MS,
      keepaliveCountMax: 3,
      readyTimeout: READY_TIMEOUT_MS,
      ...hostKeyAlgorithms(target),
      // ssh2 hands over the raw key blob when no hostHash is set.
      hostVerifier: (key: Buffer): boolean => {
        if (target.insecureSkipHostKeyCheck) return true;
        const pinned = target.pins.knownHosts.length > 0 || target.pins.fingerprints.length > 0;
        const verdict = pinned ? verifyHostKey(target.pins, target.host, target.port, key) : { ok: false as const, reason: 'neither known-hosts nor host-fingerprint is set' };
        if (!verdict.ok) {
          refusal = `Refusing ${name}: ${verdict.reason}. The server offered ${fingerprintOf(key)}; ` +
            `if that is your server's key, set the input host-fingerprint: ${fingerprintOf(key)} ` +
            `(check it on the server with: ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub).`;
        }
        return verdict.ok;
      },
    });
  } catch (e) {
    ssh.dispose();
    if (refusal) throw new HostKeyError(refusal);
    throw new Error(`SSH to ${target.username}@${name} failed: ${(e as Error).message}`);
  }
  // node-ssh drops its error listener after connecting: without one a reset crashes the process.
  let lostWith: Error | undefined;
  ssh.connection?.on('error', (e: Error) => { lostWith = e; debug(`ssh connection error: ${e.message}`); });

  const forwards = new Set<Forward>();
  return {
    async run(argv, options = {}) {
      const command = shellCommand(argv);
      debug(`$ ${command}`);
      if (lostWith) throw new Error(`the SSH connection was lost: ${lostWith.message}`);
      let timer: NodeJS.Timeout | undefined;
      let timedOut = false;
      try {
        const result = await ssh.execCommand(command, {
          stdin: options.stdin,
          onChannel: (channel) => {
            if (options.timeoutMs) timer = setTimeout(() => { timedOut = true; channel.close(); }, options.timeoutMs);
          },
        });
        if (timedOut) throw new Error(`timed out after ${options.timeoutMs} ms: ${argv.slice(0, 3).join(' ')}`);
        return { code: result.code ?? (result.signal ? 128 : 0), stdout: result.stdout, stderr: result.stderr };
      } finally {
        clearTimeout(timer);
      }
    },

    async forward(host, port) {
      const sockets = new Set<Socket>();
      const server = await listenLocally((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        ssh.forwardOut('127.0.0.1', 0, host, port).then(
          (channel) => {
            socket.pipe(channel).pipe(socket);
            channel.on('error', () => socket.destroy());
            socket.on('error', () => channel.destroy());
            socket.on('close', () => channel.destroy());
          },
          (e: Error) => {
            debug(`forward to ${host}:${port} refused: ${e.message}`);
            socket.destroy();
          },
        );
      });
      const forward: Forward = {
        port: (server.address() as AddressInfo).port,
        close: () => new Promise<void>((resolve) => {
          forwards.delete(forward);
          server.close(() => resolve());
          sockets.forEach((s) => s.destroy());
        }),
      };
      forwards.add(forward);
      return forward;
    },

    async close() {
      await Promise.all([...forwards].map((f) => f.close()));
      ssh.dispose();
    },
  };
}

/** SSH is small request/response exchanges: without TCP_NODELAY, Nagle's
 * algorithm and delayed ACKs add ~40 ms to each round trip of the handshake. */
function openTcp(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host, port, noDelay: true, timeout: READY_TIMEOUT_MS });
    socket.once('connect', () => { socket.setTimeout(0); resolve(socket); });
    socket.once('timeout', () => socket.destroy(new Error(`no TCP connection within ${READY_TIMEOUT_MS / 1000} s`)));
    socket.once('error', reject);
  });
}

/** Offer the pinned key types first, as OpenSSH does, so the server presents a pinned key. */
function hostKeyAlgorithms(target: SshTarget): { algorithms?: { serverHostKey: never } } {
  const preferred = preferredHostKeyAlgorithms(target.pins, target.host, target.port);
  return preferred ? { algorithms: { serverHostKey: preferred as never } } : {};
}

function listenLocally(onConnection: (socket: Socket) => void): Promise<NetServer> {
  return new Promise((resolve, reject) => {
    const server = createServer({ noDelay: true }, onConnection);
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}
