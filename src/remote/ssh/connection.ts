// The one SSH connection of a deploy: host key pinned before authentication,
// commands as exec channels (argument lists quoted by shellCommand), and local
// forwards through the same connection for Redis and HTTP, on Unix sockets of the runner's user only.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as tcpConnect, createServer, type Server as NetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Duplex } from 'node:stream';
import { NodeSSH } from 'node-ssh';
import type { ClientChannel } from 'ssh2';
import type { Argv } from '../shell.js';
import { shellCommand } from '../shell.js';
import { KeptOutput } from './kept-output.js';
import { fingerprintOf, hostName, preferredHostKeyAlgorithms, verifyHostKey, type HostKeyPins } from './hostkey.js';

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
  /** With the option `bytes`: stdout exactly as sent (`stdout` is trimmed text). */
  stdoutBytes?: Buffer;
}

export interface Forward {
  /** A Unix socket in a directory only the runner's user may enter (0700); each connection to it
   * opens a channel to the target. Not a TCP port: any local user could reach one of those, and
   * through it the server's Redis or the app's private port, while the deploy runs. */
  path: string;
  close(): Promise<void>;
}

export interface RunOptions {
  stdin?: string;
  timeoutMs?: number;
  bytes?: boolean;
  keepBytes?: number;
  /** Each chunk of output as it comes (stdout and stderr), for progress. */
  onOutput?: (text: string) => void;
  /** Run on a pseudo-terminal (stderr then comes with stdout): `docker pull` reports its bytes only there. */
  terminal?: boolean;
}

/** Wide enough that docker draws its progress in full. */
const TERMINAL = { cols: 200, rows: 50, term: 'xterm' };

export interface RemoteShell {
  /** `keepBytes`: keep only the last this many bytes of each stream (a log, a release command's
   * output); without it, output past OUTPUT_LIMIT_BYTES fails the command (what is parsed must be whole). */
  run(argv: Argv, options?: RunOptions): Promise<ExecResult>;
  forward(host: string, port: number): Promise<Forward>;
  /** Called once if the connection goes away under the deploy. */
  onLost(listener: (e: Error) => void): void;
  close(): Promise<void>;
}

/** How a server is named in logs, errors and outputs: as ssh would name it. */
export const serverName = (server: { host: string; port: number }): string => hostName(server.host, server.port);

export interface SshTarget {
  host: string;
  port: number;
  username: string;
  privateKey: string;
  passphrase?: string;
  pins: HostKeyPins;
  insecureSkipHostKeyCheck: boolean;
  /** Reach the target through this bastion's port forward. */
  jump?: Omit<SshTarget, 'jump' | 'insecureSkipHostKeyCheck'>;
}

export class HostKeyError extends Error {}

/** The connection went away under the deploy: nothing more can be done on the server from here. */
export class ConnectionLost extends Error {}

/** A command outlived its timeoutMs (it may still run on the server: the caller deals with that). */
export class CommandTimedOut extends Error {}

/** A dead connection is noticed after KEEPALIVE_COUNT unanswered keepalives: ~15 s, below the lock's TTL. */
const KEEPALIVE_MS = 5_000;
const KEEPALIVE_COUNT = 3;
const READY_TIMEOUT_MS = 20_000;
/** The most output of one stream a command may print for the deploy to read (its largest, the
 * inspect of every container of a busy server, is well below). */
const OUTPUT_LIMIT_BYTES = 16 * 1024 * 1024;

/** One SSH hop, its host key checked before authentication; `sock` is the
 * transport (TCP, or a bastion's forward). Errors name the inputs to fix. */
async function openHop(hop: Omit<SshTarget, 'jump'>, role: 'server' | 'jump host', sock: Duplex): Promise<NodeSSH> {
  const ssh = new NodeSSH();
  let refusal: string | undefined;
  const name = hostName(hop.host, hop.port);
  try {
    await ssh.connect({
      host: hop.host,
      port: hop.port,
      sock,
      username: hop.username,
      privateKey: hop.privateKey,
      passphrase: hop.passphrase,
      keepaliveInterval: KEEPALIVE_MS,
      keepaliveCountMax: KEEPALIVE_COUNT,
      readyTimeout: READY_TIMEOUT_MS,
      ...hostKeyAlgorithms(hop),
      // ssh2 hands over the raw key blob when no hostHash is set.
      hostVerifier: (key: Buffer): boolean => {
        if (hop.insecureSkipHostKeyCheck) return true;
        const pinned = hop.pins.knownHosts.length > 0 || hop.pins.fingerprints.length > 0;
        const verdict = pinned
          ? verifyHostKey(hop.pins, hop.host, hop.port, key)
          : { ok: false as const, reason: 'neither known-hosts nor host-fingerprint is set' };
        if (!verdict.ok) {
          const fix =
            role === 'server'
              ? `set the input host-fingerprint: ${fingerprintOf(key)}`
              : `add its line to jump-known-hosts (ssh-keyscan -p ${hop.port} ${hop.host})`;
          refusal =
            `Refusing the ${role} ${name}: ${verdict.reason}. It offered ${fingerprintOf(key)}; ` +
            `if that is its key, ${fix} (check it there with: ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub).`;
        }
        return verdict.ok;
      },
    });
  } catch (e) {
    ssh.dispose();
    if (refusal) throw new HostKeyError(refusal);
    const message = (e as Error).message;
    if (/authentication methods failed/i.test(message)) {
      throw new Error(
        `The ${role} ${name} refused the key for ${hop.username}: add its public half to ~${hop.username}/.ssh/authorized_keys there (${role === 'server' ? 'private-key' : 'jump-private-key'}).`,
      );
    }
    throw new Error(
      `SSH to the ${role} ${hop.username}@${name} failed: ${message} (${role === 'server' ? 'host, port' : 'jump-host, jump-port'})`,
    );
  }
  return ssh;
}

export async function connect(target: SshTarget, debug: (m: string) => void): Promise<RemoteShell> {
  let bastion: NodeSSH | undefined;
  let ssh: NodeSSH;
  if (target.jump) {
    const jump = { ...target.jump, insecureSkipHostKeyCheck: false };
    bastion = await openHop(jump, 'jump host', await openTcp(jump.host, jump.port));
    try {
      const tunnel = await bastion.forwardOut('127.0.0.1', 0, target.host, target.port);
      ssh = await openHop(target, 'server', tunnel);
    } catch (e) {
      bastion.dispose();
      throw e;
    }
  } else {
    ssh = await openHop(target, 'server', await openTcp(target.host, target.port));
  }
  // node-ssh drops its error listener after connecting: without one a reset crashes the process.
  // The bastion's connection carries the server's, so losing either loses both; commands in
  // flight fail at once rather than at the next keepalive.
  let lostWith: ConnectionLost | undefined;
  /** Called once with the loss: the commands in flight (to reject them) and onLost listeners. */
  const onLoss = new Set<(e: Error) => void>();
  const lose = (why: string): void => {
    if (lostWith) return;
    lostWith = new ConnectionLost(`the SSH connection to the server was lost (${why})`);
    onLoss.forEach((notify) => notify(lostWith as ConnectionLost));
  };
  for (const hop of [ssh, bastion]) {
    hop?.connection?.on('error', (e: Error) => {
      debug(`ssh connection error: ${e.message}`);
      lose(e.message);
    });
    hop?.connection?.on('close', () => lose('the server closed it'));
  }

  const forwards = new Set<Forward>();
  let closing = false;
  return {
    async run(argv, options = {}) {
      const command = shellCommand(argv);
      const what = argv.slice(0, 3).join(' ');
      debug(`$ ${command}`);
      if (lostWith) throw lostWith;
      const client = ssh.connection;
      if (!client) throw new ConnectionLost('the SSH connection to the server is closed');
      // A terminal echoes what it is given: stdin (a password, env values) would come back as output.
      if (options.terminal && options.stdin !== undefined)
        throw new Error(`${what}: stdin is never sent to a terminal`);
      const limit = options.keepBytes ?? OUTPUT_LIMIT_BYTES;
      // Progress only: whatever its listener does, the command's own output and outcome stay as they are.
      const tell = (chunk: Buffer): void => {
        try {
          options.onOutput?.(chunk.toString('utf8'));
        } catch (e) {
          debug(`the output listener of ${what} failed: ${(e as Error).message}`);
        }
      };
      const stdout = new KeptOutput(limit);
      const stderr = new KeptOutput(limit);
      let channel: ClientChannel | undefined;
      let waiting = true;
      let timer: NodeJS.Timeout | undefined;
      // Lost connection, timeout and too much output end the wait at once: a command that ignores
      // its closed channel (an attached `docker run`, say) may run on, and its caller deals with that.
      let stop: (e: Error) => void = () => undefined;
      const stopped = new Promise<never>((_, reject) => {
        stop = reject;
      });
      onLoss.add(stop);
      // The time counts from the request: a server that never opens the channel (sshd at its
      // MaxSessions, say) ends the wait as well.
      if (options.timeoutMs) {
        timer = setTimeout(() => {
          channel?.close();
          stop(new CommandTimedOut(`timed out after ${options.timeoutMs} ms: ${what}`));
        }, options.timeoutMs);
      }
      try {
        const ended = new Promise<{ code: number | null; signal: string | null }>((resolve, reject) => {
          client.exec(command, options.terminal ? { pty: TERMINAL } : {}, (err, opened) => {
            if (err) return reject(err);
            // The wait already ended (a timeout before the channel opened): hang up on what started.
            if (!waiting) return opened.close();
            channel = opened;
            let code: number | null = null;
            let signal: string | null = null;
            opened.on('data', (chunk: Buffer) => {
              stdout.push(chunk);
              tell(chunk);
              // What is parsed must be whole: past the limit it is an error, not a cut.
              if (stdout.cut > 0 && !options.keepBytes) {
                opened.close();
                stop(
                  new Error(
                    `${what} printed more than ${limit / 1024 / 1024} MB on the server; nothing of it was used`,
                  ),
                );
              }
            });
            opened.stderr.on('data', (chunk: Buffer) => {
              stderr.push(chunk);
              tell(chunk);
            });
            opened.on('exit', (exitCode: number | null, exitSignal?: string) => {
              code = exitCode ?? null;
              signal = exitSignal ?? null;
            });
            opened.on('close', () => resolve({ code, signal }));
            opened.end(options.stdin);
          });
        });
        const result = await Promise.race([stopped, ended]);
        // No exit status and no signal: the channel closed under the command (a dropped connection).
        if (result.code === null && !result.signal)
          throw new ConnectionLost(`the SSH connection closed before ${what} reported how it ended`);
        const text = (kept: KeptOutput): string => {
          const decoded = kept.bytes().toString('utf8');
          return kept.cut > 0 ? `[${kept.cut} bytes before this were not kept]\n${decoded}` : decoded;
        };
        return {
          code: result.code ?? 128,
          // Trimmed, as the parsers read them, unless the bytes are asked for.
          stdout: options.bytes ? text(stdout) : text(stdout).trim(),
          stderr: text(stderr).trim(),
          ...(options.bytes ? { stdoutBytes: stdout.bytes() } : {}),
        };
      } catch (e) {
        if (e instanceof ConnectionLost && !closing) throw new ConnectionLost(`${e.message}, running ${what}`);
        throw e;
      } finally {
        waiting = false;
        onLoss.delete(stop);
        clearTimeout(timer);
      }
    },

    async forward(host, port) {
      const sockets = new Set<Socket>();
      const server = await listenLocally((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        // node-ssh throws at once (not a rejection) once the connection is gone.
        Promise.resolve()
          .then(() => ssh.forwardOut('127.0.0.1', 0, host, port))
          .then(
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
        path: server.address() as string,
        close: () =>
          new Promise<void>((resolve) => {
            forwards.delete(forward);
            server.close(() => {
              removeNow(dirname(forward.path));
              resolve();
            });
            sockets.forEach((s) => s.destroy());
          }),
      };
      forwards.add(forward);
      return forward;
    },

    onLost(listener) {
      onLoss.add(listener);
    },

    async close() {
      closing = true;
      await Promise.all([...forwards].map((f) => f.close()));
      ssh.dispose();
      bastion?.dispose();
    },
  };
}

/** SSH is small request/response exchanges: without TCP_NODELAY, Nagle's
 * algorithm and delayed ACKs add ~40 ms to each round trip of the handshake. */
function openTcp(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host, port, noDelay: true, timeout: READY_TIMEOUT_MS });
    socket.once('connect', () => {
      socket.setTimeout(0);
      resolve(socket);
    });
    socket.once('timeout', () => socket.destroy(new Error(`no TCP connection within ${READY_TIMEOUT_MS / 1000} s`)));
    socket.once('error', (e) => reject(new Error(`could not reach ${host}:${port}: ${e.message}`)));
  });
}

/** Offer the pinned key types first, as OpenSSH does, so the server presents a pinned key. */
function hostKeyAlgorithms(target: Pick<SshTarget, 'pins' | 'host' | 'port'>): {
  algorithms?: { serverHostKey: never };
} {
  const preferred = preferredHostKeyAlgorithms(target.pins, target.host, target.port);
  return preferred ? { algorithms: { serverHostKey: preferred as never } } : {};
}

/** A Unix socket path holds at most 107 bytes: a long TMPDIR (a self-hosted runner's) falls back to /tmp. */
const SOCKET_PATH_MAX = 107;

/** The forwards' directories still in place: removed when the process exits, however it exits
 * but by a signal's default action (the doors turn SIGINT and SIGTERM into an exit). */
const forwardDirs = new Set<string>();
let removeOnExit = false;
function removeLater(dir: string): void {
  forwardDirs.add(dir);
  if (removeOnExit) return;
  removeOnExit = true;
  process.once('exit', () => forwardDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
}
function removeNow(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  forwardDirs.delete(dir);
}

/** A Unix socket in a fresh directory of mode 0700 (mkdtemp makes it so). */
function listenLocally(onConnection: (socket: Socket) => void): Promise<NetServer> {
  const base = join(tmpdir(), 'docker-hot-deploy-XXXXXX', 'forward.sock').length <= SOCKET_PATH_MAX ? tmpdir() : '/tmp';
  const dir = mkdtempSync(join(base, 'docker-hot-deploy-'));
  removeLater(dir);
  return new Promise((resolve, reject) => {
    const server = createServer(onConnection);
    server.once('error', (e) => {
      removeNow(dir);
      reject(e);
    });
    server.listen(join(dir, 'forward.sock'), () => resolve(server));
  });
}
