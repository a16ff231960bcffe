// The server as the deploy sees it: docker and host facts, executed over the
// remote shell. Argument lists come from docker.ts; this file only runs them.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Argv } from './shell.js';
import {
  build,
  parse,
  type ContainerState,
  type LogPosition,
  type LogRead,
  type ContainerSummary,
  type ImageIdentity,
  type ImageSummary,
  type OneOffSpec,
  type PullPolicy,
  type RunSpec,
  type ServerProblem,
} from './docker.js';
import { repositoryOf } from './image-ref.js';
import { withoutRedraws } from './progress.js';
import {
  confdConfigFiles,
  confdProcesses,
  readConfigFiles,
  readResources,
  redisConfds,
  resourcesOf,
  type ConfdState,
} from './confd.js';
import { CommandTimedOut, type ExecResult, type RemoteShell } from './ssh/connection.js';

export interface DrainState {
  shuttingDownWorkers: number;
  connections: number;
}

export interface DockerHost {
  /** A 0700 directory of the deploy user's own; its path. */
  makePrivateDir: () => Promise<string>;
  removeDir: (dir: string) => Promise<void>;
  /** docker login with a Docker config in `configDir`, the password on stdin. */
  login: (configDir: string, registry: string, username: string, password: string) => Promise<void>;
  /** Makes the image present as the policy says (with the login in `configDir`, if any); returns its identity.
   * `onOutput` gets docker's progress as it pulls (run on a terminal, where docker gives its bytes). */
  pull: (
    image: string,
    policy: PullPolicy,
    configDir?: string,
    onOutput?: (text: string) => void,
  ) => Promise<ImageIdentity>;
  /** Runs a one-off container attached, the end of its output kept (and each chunk given to `onOutput`),
   * bounded by timeoutMs (then it is removed). */
  runOnce: (
    spec: OneOffSpec,
    env: string,
    timeoutMs: number,
    onOutput?: (text: string) => void,
  ) => Promise<{ code: number; output: string } | 'timed out'>;
  /** Every release history in `dir` (relative to the deploy user's home), by path: the last `entries` lines of each. */
  readHistories: (dir: string, entries: number) => Promise<Map<string, string>>;
  appendHistory: (path: string, line: string, keep: number) => Promise<void>;
  /** What the server lacks that a deploy needs (Docker access, ss, ps), each with its fix, and Docker's version. */
  readiness: (username: string) => Promise<{ problems: ServerProblem[]; dockerVersion?: string }>;
  /** Fails, saying what to fix, when the server lacks what a deploy needs (readiness). */
  checkServer: (username: string) => Promise<void>;
  /** Docker's root directory and the free bytes of its file system. */
  diskFree: () => Promise<{ path: string; freeBytes: number }>;
  /** An image's size in bytes; undefined when the server does not have it. */
  imageSize: (image: string) => Promise<number | undefined>;
  /** Every container on the server, of any deployment. */
  containers: () => Promise<ContainerSummary[]>;
  listeningPorts: () => Promise<Set<number>>;
  /** docker run; `env` (NAME=value lines) goes on stdin when spec.envOnStdin. */
  run: (spec: RunSpec, env?: string) => Promise<string>;
  inspect: (id: string, containerPort: number) => Promise<ContainerState>;
  logs: (id: string, lines: number) => Promise<string>;
  /** The code a container last exited with, even after its restart policy restarted it (undefined when unknown). */
  lastExitCode: (container: ContainerState) => Promise<number | undefined>;
  stop: (id: string, seconds: number) => Promise<void>;
  /** Removes stopped containers; their volumes stay. */
  remove: (ids: string[]) => Promise<void>;
  /** Force-removes containers that never served, with their anonymous volumes. */
  discard: (ids: string[]) => Promise<void>;
  images: (repository: string) => Promise<ImageSummary[]>;
  removeImages: (refs: string[]) => Promise<void>;
  /** nginx workers shutting down, and connections to any of these ports. */
  drainState: (ports: number[]) => Promise<DrainState>;
  /** The start of a file, at most `maxBytes`. */
  readFile: (path: string, maxBytes: number) => Promise<string>;
  /** Where a log file (nginx's access-log) ends now. */
  logEnd: (path: string) => Promise<LogPosition>;
  /** Whole lines of a log from `from` on, at most `maxBytes`; a rotated or truncated log from its start. */
  readLog: (path: string, from: LogPosition, maxBytes: number) => Promise<LogRead>;
  /** The server's own confd processes (not those of containers), and the template resources of those with the Redis backend. */
  confd: () => Promise<ConfdState>;
}

export class RemoteCommandError extends Error {
  constructor(
    readonly argv: Argv,
    readonly result: ExecResult,
  ) {
    const lines = (result.stderr || result.stdout)
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    super(`${argv.slice(0, 3).join(' ')} failed (exit ${result.code}): ${lines.slice(-5).join(' | ')}`);
  }
}

const PULL_TIMEOUT_MS = 10 * 60_000;
const COMMAND_TIMEOUT_MS = 60_000;
const DISCARD_ATTEMPTS = 3;
const DISCARD_RETRY_MS = 500;
/** What is kept of a release command's output and a container's log: the end, where the error is. */
const KEPT_OUTPUT_BYTES = 64 * 1024;

/** ssh2's error when sshd refuses a pseudo-terminal (PermitTTY no, or the key's no-pty). */
const TERMINAL_REFUSED = /pseudo-terminal/;

export function remoteDockerHost(shell: RemoteShell): DockerHost {
  // Asked once: a server that refused a terminal refuses it again.
  let terminalRefused = false;
  const ok = async (argv: Argv, options: { stdin?: string; timeoutMs?: number } = {}): Promise<string> => {
    const result = await shell.run(argv, { timeoutMs: COMMAND_TIMEOUT_MS, ...options });
    if (result.code !== 0) throw new RemoteCommandError(argv, result);
    return result.stdout;
  };
  const identityOf = async (image: string): Promise<ImageIdentity | undefined> => {
    const argv = build.imageIdentity(image);
    const result = await shell.run(argv, { timeoutMs: COMMAND_TIMEOUT_MS });
    if (result.code === 0) return parse.imageIdentity(result.stdout, repositoryOf(image));
    if (/no such image/i.test(result.stderr)) return undefined;
    throw new RemoteCommandError(argv, result);
  };
  const readiness = async (username: string): Promise<{ problems: ServerProblem[]; dockerVersion?: string }> => {
    const result = await shell.run(build.serverCheck(), { timeoutMs: COMMAND_TIMEOUT_MS });
    const text = `${result.stdout}${result.stderr}`;
    return { problems: parse.serverProblems(text, username), dockerVersion: parse.dockerVersion(text) };
  };

  return {
    makePrivateDir: async () => (await ok(build.makePrivateDir())).trim(),
    async removeDir(dir) {
      await ok(build.removeDir(dir));
    },
    async login(configDir, registry, username, password) {
      await ok(build.login(configDir, registry, username), { stdin: `${password}\n` });
    },
    async pull(image, policy, configDir, onOutput) {
      if (policy !== 'always') {
        const present = await identityOf(image);
        if (present) return present;
        if (policy === 'never') throw new Error(`image ${image} is not on the server and pull is "never"`);
      }
      if (onOutput) {
        // On a terminal docker redraws its progress: only the end is kept, and the error is its last lines.
        // Without one (a key restricted with no-pty) it still names each layer as it completes.
        const argv = build.pull(image, configDir, true);
        const options = { timeoutMs: PULL_TIMEOUT_MS, onOutput, keepBytes: KEPT_OUTPUT_BYTES };
        const onTerminal = terminalRefused
          ? undefined
          : await shell.run(argv, { ...options, terminal: true }).catch((e: Error) => {
              if (!TERMINAL_REFUSED.test(e.message)) throw e;
              terminalRefused = true;
              return undefined;
            });
        const result = onTerminal ?? (await shell.run(argv, options));
        if (result.code !== 0)
          throw new RemoteCommandError(argv, {
            ...result,
            stdout: '',
            stderr: withoutRedraws(`${result.stdout}\n${result.stderr}`),
          });
      } else {
        await ok(build.pull(image, configDir), { timeoutMs: PULL_TIMEOUT_MS });
      }
      const identity = await identityOf(image);
      if (!identity) throw new Error(`image ${image} is missing right after docker pull`);
      return identity;
    },
    async runOnce(spec, env, timeoutMs, onOutput) {
      try {
        const result = await shell.run(build.runOnce(spec), {
          stdin: env,
          timeoutMs,
          keepBytes: KEPT_OUTPUT_BYTES,
          onOutput,
        });
        return { code: result.code, output: `${result.stdout}${result.stderr}` };
      } catch (e) {
        if (!(e instanceof CommandTimedOut)) throw e;
        // The docker CLI went with the channel; the container did not.
        await ok(build.discard([spec.name])).catch(() => undefined);
        return 'timed out';
      }
    },
    readHistories: async (dir, entries) => parse.files(await ok(build.readHistories(dir, entries))),
    async appendHistory(path, line, keep) {
      await ok(build.appendHistory(path, keep), { stdin: `${line}\n` });
    },
    readiness,
    async checkServer(username) {
      const { problems } = await readiness(username);
      if (problems.length > 0)
        throw new Error(
          `The server is not ready for deploys: ${problems.map((p) => `${p.problem}: ${p.fix}`).join('; ')}.`,
        );
    },
    async containers() {
      const argv = build.containers();
      const result = await shell.run(argv, { timeoutMs: COMMAND_TIMEOUT_MS });
      if (result.code !== 0 && !(result.stdout && parse.vanishedOnly(result.stderr)))
        throw new RemoteCommandError(argv, result);
      return parse.containers(result.stdout);
    },
    listeningPorts: async () => parse.listeningPorts(await ok(build.listeningPorts())),
    diskFree: async () => parse.diskFree(await ok(build.diskFree())),
    async imageSize(image) {
      const result = await shell.run(build.imageSize(image), { timeoutMs: COMMAND_TIMEOUT_MS });
      return result.code === 0 ? Number(result.stdout.trim()) : undefined;
    },
    run: async (spec, env) => (await ok(build.run(spec), { stdin: env })).trim(),
    inspect: async (id, containerPort) => parse.inspect(await ok(build.inspect(id)), containerPort),
    async logs(id, lines) {
      const result = await shell.run(build.logs(id, lines), {
        timeoutMs: COMMAND_TIMEOUT_MS,
        keepBytes: KEPT_OUTPUT_BYTES,
      });
      return `${result.stdout}${result.stderr}`.trimEnd();
    },
    async lastExitCode(container) {
      const result = await shell.run(build.exitCodes(container.id, container.createdAt), {
        timeoutMs: COMMAND_TIMEOUT_MS,
      });
      return result.code === 0 ? parse.lastExitCode(result.stdout) : undefined;
    },
    async stop(id, seconds) {
      await ok(build.stop(id, seconds), { timeoutMs: (seconds + 30) * 1000 });
    },
    async remove(ids) {
      if (ids.length > 0) await ok(build.remove(ids));
    },
    async discard(ids) {
      if (ids.length === 0) return;
      // Docker refuses to force-remove a container its restart policy is between exit and restart
      // ("Could not kill running container ..., cannot remove - ... is not running"): once more, shortly after.
      for (let attempt = 1; ; attempt += 1) {
        try {
          await ok(build.discard(ids));
          return;
        } catch (e) {
          if (attempt >= DISCARD_ATTEMPTS || !/is not running|is restarting/.test((e as Error).message)) throw e;
          await sleep(DISCARD_RETRY_MS);
        }
      }
    },
    images: async (repository) => parse.images(await ok(build.images(repository))),
    async removeImages(refs) {
      if (refs.length === 0) return;
      const argv = build.removeImages(refs);
      const result = await shell.run(argv, { timeoutMs: COMMAND_TIMEOUT_MS });
      if (parse.imageRemovalProblems(result.stderr).length > 0) throw new RemoteCommandError(argv, result);
    },
    async drainState(ports) {
      const [ps, ...ss] = await Promise.all([
        ok(build.processes()),
        ...ports.map((port) => ok(build.connectionsTo(port))),
      ]);
      return {
        shuttingDownWorkers: parse.shuttingDownWorkers(parse.processes(ps)),
        connections: ss.reduce((sum, text) => sum + parse.lineCount(text), 0),
      };
    },
    readFile: (path, maxBytes) => ok(build.readFile(path, maxBytes)),
    logEnd: async (path) => parse.logEnd(await ok(build.logEnd(path))),
    async readLog(path, from, maxBytes) {
      const argv = build.readLog(path, from, maxBytes);
      const result = await shell.run(argv, { timeoutMs: COMMAND_TIMEOUT_MS, bytes: true });
      if (result.code !== 0) throw new RemoteCommandError(argv, result);
      return parse.logRead(result.stdoutBytes ?? Buffer.from(result.stdout));
    },
    async confd() {
      const commandLines = parse.processes(await ok(build.processes()));
      const settingsFiles = confdConfigFiles(commandLines);
      const processes = confdProcesses(
        commandLines,
        settingsFiles.length > 0 ? parse.files(await ok(readConfigFiles(settingsFiles))) : undefined,
      );
      const redis = redisConfds(processes);
      if (redis.length === 0) return { processes, resources: new Map() };
      return { processes, resources: resourcesOf(redis, parse.files(await ok(readResources(redis)))) };
    },
  };
}
