// The CLI door, for any CI or a laptop: `docker-hot-deploy deploy --host ... --image ...`.
// The same inputs as action.yml (names, defaults, validation), as flags or DHD_*
// variables (so secrets need not be flags); never INPUT_*.
import { readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { ACTION_INPUTS } from '../config/action-inputs.js';
import { bakeEvidence, bakeLine } from '../deploy/bake-rules.js';
import { anythingLeft, cleanUpWithin, noteCheckpoint, type ServerLeftovers } from '../deploy/cleanup.js';
import type { DeployResult } from '../deploy/orchestrator.js';
import { DeployError, type PhaseRecord, type ServerTimeline, type StageRecord } from '../deploy/run.js';
import { InputError, parseInputs, redactUrl, SECRET_INPUTS, type Config } from '../config/inputs.js';
import {
  newIdentity,
  outputsOf,
  runDeploy,
  TIMEOUT_GRACE_MS,
  type Deployer,
  type RunDeploy,
} from '../deploy/on-servers.js';
import { STATUS_RELEASES } from '../operate/day-two.js';
import { operate } from '../operate/commands.js';
import { printable } from '../remote/printable.js';
import type { Log } from '../remote/log.js';
import type { UnlockRequest } from '../operate/unlock.js';

/** What the exit status says. */
export const EXIT = { deployed: 0, failed: 1, badInput: 2, oldServes: 3, interrupted: 130 } as const;

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** stderr is a terminal this many columns wide: progress rewrites one line there instead of adding lines. */
  columns?: number;
}

/** The inputs as flags: all of action.yml's but `command`, which is the CLI's first argument. */
const CLI_INPUTS = ACTION_INPUTS.filter((i) => i.name !== 'command');
/** Inputs that --NAME-file and DHD_NAME_FILE can read from a file: all but `env`, whose
 * --env-file and DHD_ENV_FILE are the input env-file (a path on the server). */
const READ_FROM_FILE = new Set(
  CLI_INPUTS.map((i) => i.name).filter((name) => !CLI_INPUTS.some((other) => other.name === `${name}-file`)),
);
/** Inputs that take one item a line. */
const MULTI_LINE_INPUTS = new Set(['host', 'env', 'run-args', 'release-command', 'known-hosts']);
const BOOLEAN_INPUTS = new Set(
  CLI_INPUTS.filter((i) => i.default === 'true' || i.default === 'false').map((i) => i.name),
);
export const envName = (input: string): string => `DHD_${input.toUpperCase().replace(/-/g, '_')}`;

export function usage(): string {
  const rows = CLI_INPUTS.map((i) => {
    const flag = BOOLEAN_INPUTS.has(i.name) ? `--${i.name}` : `--${i.name} VALUE`;
    const marks = [i.required ? 'required' : '', i.default !== undefined ? `default ${i.default}` : '']
      .filter(Boolean)
      .join(', ');
    return `  ${flag}\n      ${i.description}${marks ? ` (${marks})` : ''}\n      env: ${envName(i.name)}`;
  });
  return [
    'Usage: docker-hot-deploy deploy [--INPUT VALUE ...] [--json] [--verbose]',
    '       docker-hot-deploy status  [--INPUT VALUE ...] [--limit N] [--json]',
    '       docker-hot-deploy history [--INPUT VALUE ...] [--limit N] [--json]',
    '       docker-hot-deploy unlock  [--INPUT VALUE ...] (--owner HOLDER | --force) [--json]',
    '       docker-hot-deploy doctor  [--INPUT VALUE ...] [--json]',
    '',
    'deploy hot-deploys a Docker web app to one or more servers over SSH with zero dropped requests:',
    'the same deploy as the GitHub Action, with the same inputs. status shows, per server, what',
    "nginx serves, the key, this deployment's containers, the lock and the last releases; history",
    'the last releases; unlock releases a lock left by a deploy that died (with --owner, if that',
    'holder still has it; with --force, never one a deploy may still hold); doctor checks each server',
    'for everything a deploy needs (Docker, Redis, confd, nginx, ports, disk), each with its fix.',
    'They change nothing else and need no image or container-port. Each input is a flag or an',
    'environment variable DHD_<INPUT> (DHD_<INPUT>_FILE or --<input>-file reads it from a',
    'file; not for env, whose --env-file is the env-file input): keep secrets (private-key,',
    'passphrase, registry-password) out of flags. --host, --env, --run-args, --release-command',
    'and --known-hosts may be repeated, a line each.',
    '',
    'Exit status: 0 deployed; 2 bad input (nothing was done); 3 the deploy failed and the',
    'previous version serves; 130 interrupted (cleaned up as a cancelled run is); 1 anything else.',
    'status and history: 0 read, 1 a server could not be read. unlock: 0 the lock is free, 1 not.',
    'doctor: 0 nothing failed (warnings allowed), 1 a check failed.',
    '',
    'Inputs:',
    ...rows,
    '',
    'Options:',
    '  --json       print the result (outputs, phases, warnings) as JSON on stdout',
    '  --verbose    print each remote command',
    '  --limit N    status and history: releases shown per server (1-50; default 5, history 10)',
    '  --owner H    unlock: release the lock only if H (its value, as status shows it) holds it',
    "  --force      unlock: wait out a deploy's lock (30 s at most) unless it is renewed; release",
    "               one without a deploy's time to live once nobody renewed it for 15 s",
    '  --help       this text',
    '',
  ].join('\n');
}

/** What the CLI does: deploy, or read (status, history, doctor) and release a lock (unlock) for the on-call person. */
export const COMMANDS = ['deploy', 'status', 'history', 'unlock', 'doctor'] as const;
export type Command = (typeof COMMANDS)[number];

interface Invocation {
  command: Command;
  inputs: Record<string, string>;
  json: boolean;
  verbose: boolean;
  /** history and status: how many releases a server shows. */
  limit: number;
  /** unlock: release the lock only if this holds it, or once no deploy renews it. */
  unlock: UnlockRequest;
  /** Secret inputs given as flags: any user of this machine can read them in the process list. */
  secretFlags: string[];
}

/** Flags and DHD_* variables -> raw inputs; a flag wins over a variable. Throws on a usage error. */
export function readInvocation(args: string[], env: NodeJS.ProcessEnv): Invocation | 'help' {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {
    json: { type: 'boolean' },
    verbose: { type: 'boolean' },
    help: { type: 'boolean' },
    limit: { type: 'string' },
    owner: { type: 'string' },
    force: { type: 'boolean' },
  };
  for (const input of CLI_INPUTS) {
    // Collected, so that a repeated flag is seen: a line each for multi-line inputs, an error for the others.
    options[input.name] = BOOLEAN_INPUTS.has(input.name) ? { type: 'boolean' } : { type: 'string', multiple: true };
    if (READ_FROM_FILE.has(input.name)) options[`${input.name}-file`] = { type: 'string' };
  }
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
  if (values.help || positionals.length === 0) return 'help';
  const command = COMMANDS.find((c) => c === positionals[0]);
  if (!command || positionals.length > 1)
    throw new Error(`unknown command "${positionals.join(' ')}": the commands are ${COMMANDS.join(', ')}`);
  const only = (option: string, commands: Command[]): void => {
    if (values[option] !== undefined && !commands.includes(command))
      throw new Error(`--${option} is an option of ${commands.join(' and ')}, not of ${command}`);
  };
  only('limit', ['status', 'history']);
  only('owner', ['unlock']);
  only('force', ['unlock']);
  const limitText = values.limit as string | undefined;
  if (limitText !== undefined && !/^(?:[1-9]|[1-4]\d|50)$/.test(limitText))
    throw new Error(`--limit: ${JSON.stringify(limitText)} is not a whole number from 1 to 50`);
  const owner = values.owner as string | undefined;
  if (owner !== undefined && values.force)
    throw new Error(
      '--owner and --force: give one (--owner releases the lock if that holder still has it; --force once no deploy renews it)',
    );
  const unlock: UnlockRequest = owner !== undefined ? { owner } : values.force ? { force: true } : {};
  const read = (path: string, from: string): string => {
    try {
      return readFileSync(path, 'utf8');
    } catch (e) {
      throw new Error(`${from}: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  };
  const inputs: Record<string, string> = {};
  for (const input of CLI_INPUTS) {
    const flag = values[input.name];
    const fromFile = READ_FROM_FILE.has(input.name);
    const flagFile = fromFile ? (values[`${input.name}-file`] as string | undefined) : undefined;
    const variable = env[envName(input.name)];
    const variableFile = fromFile ? env[`${envName(input.name)}_FILE`] : undefined;
    if (Array.isArray(flag) && flag.length > 1 && !MULTI_LINE_INPUTS.has(input.name))
      throw new Error(`--${input.name} is given ${flag.length} times: it takes one value`);
    const value =
      flag !== undefined
        ? Array.isArray(flag)
          ? flag.join('\n')
          : String(flag)
        : flagFile !== undefined
          ? read(flagFile, `--${input.name}-file`)
          : variable !== undefined
            ? variable
            : variableFile !== undefined
              ? read(variableFile, `${envName(input.name)}_FILE`)
              : undefined;
    if (value !== undefined) inputs[input.name] = value;
  }
  // Secrets, env (its values are masked in the Action) and a redis-url with a password: every local user sees argv.
  const secret = (name: string): boolean =>
    (SECRET_INPUTS as readonly string[]).includes(name) ||
    name === 'env' ||
    (name === 'redis-url' && redactUrl(inputs[name] ?? '') !== inputs[name]);
  const secretFlags = CLI_INPUTS.map((i) => i.name)
    .filter((name) => values[name] !== undefined && secret(name))
    .map((name) => `--${name}`);
  return {
    command,
    inputs,
    json: values.json === true,
    verbose: values.verbose === true,
    limit: Number(limitText ?? (command === 'history' ? 10 : STATUS_RELEASES)),
    unlock,
    secretFlags,
  };
}

/** Who deploys, as the CI at hand names it (GitLab CI, Buildkite, Jenkins), else the user and machine. */
function deployer(env: NodeJS.ProcessEnv): Deployer {
  if (env.CI_JOB_URL)
    return { deployId: env.CI_JOB_ID, description: `${env.CI_PROJECT_PATH ?? 'gitlab'} ${env.CI_JOB_URL}` };
  if (env.BUILDKITE_BUILD_URL)
    return {
      deployId: env.BUILDKITE_BUILD_ID,
      description: `${env.BUILDKITE_PIPELINE_SLUG ?? 'buildkite'} ${env.BUILDKITE_BUILD_URL}`,
    };
  if (env.BUILD_URL) return { deployId: env.BUILD_TAG, description: `${env.JOB_NAME ?? 'jenkins'} ${env.BUILD_URL}` };
  return { description: `${userInfo().username}@${hostname()} (docker-hot-deploy CLI)` };
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
/** Back to the start of the line, and the line erased. */
const CLEAR_LINE = '\r\x1b[2K';
/** One phase or stage: whether it went through, its name, how long, what it did. */
const stepLine = (ok: boolean, name: string, ms: number, detail: string): string =>
  `  ${ok ? '✓' : '✗'} ${name.padEnd(8)} ${seconds(ms).padStart(8)}  ${detail}`;
const timelineText = (timeline: PhaseRecord[]): string =>
  timeline.map((p) => stepLine(p.ok, p.phase, p.ms, p.detail)).join('\n');

/** Each server's phases (named when there are several), then the stages across them. */
function timelinesText(servers: ServerTimeline[], stages: StageRecord[]): string {
  if (servers.length <= 1) return timelineText(servers[0]?.timeline ?? []);
  const perServer = servers.map((s) => `${s.server}:\n${timelineText(s.timeline)}`);
  const stageLines = stages.map((s) => stepLine(s.ok, s.stage, s.ms, s.detail));
  return [...perServer, `stages:\n${stageLines.join('\n')}`].join('\n');
}

/** Runs the CLI; returns the exit status. `deployWith` is the deploy itself (tests may give a fake). */
export async function main(
  args: string[],
  env: NodeJS.ProcessEnv,
  io: Io,
  deployWith: RunDeploy = runDeploy,
): Promise<number> {
  let invocation: Invocation | 'help';
  try {
    invocation = readInvocation(args, env);
  } catch (e) {
    io.stderr(`docker-hot-deploy: ${(e as Error).message}\nRun docker-hot-deploy --help for the inputs.\n`);
    return EXIT.badInput;
  }
  if (invocation === 'help') {
    io.stdout(usage());
    return EXIT.deployed;
  }
  let config: Config;
  try {
    config = parseInputs((name) => invocation.inputs[name] ?? '', { deploying: invocation.command === 'deploy' });
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    io.stderr(`${e.message}\n`);
    if (invocation.json) io.stdout(`${JSON.stringify({ ok: false, badInput: e.problems })}\n`);
    return EXIT.badInput;
  }
  const { json, verbose } = invocation;
  // On a terminal the progress line is rewritten in place, and cleared before anything else is said.
  let progressShown = false;
  const say = (line: string): void => {
    io.stderr(`${progressShown ? CLEAR_LINE : ''}${line}\n`);
    progressShown = false;
  };
  const progress = (line: string): void => {
    if (!io.columns) return say(line);
    // Shorter than the terminal: a wrapped line would not be rewritten. What a server printed is shown, never obeyed.
    const shown = printable(line).replace(/\s+/g, ' ');
    io.stderr(`${CLEAR_LINE}${shown.length >= io.columns ? `${shown.slice(0, io.columns - 2)}…` : shown}`);
    progressShown = true;
  };
  for (const flag of invocation.secretFlags) {
    // env-file is an input of its own (a file on the server): env has no --env-file flag.
    const instead = READ_FROM_FILE.has(flag.slice(2))
      ? `${envName(flag.slice(2))} or ${flag}-file`
      : envName(flag.slice(2));
    say(`warning: ${flag} is visible to every user of this machine in the process list: use ${instead} instead`);
  }
  if (invocation.command !== 'deploy') return operate({ ...invocation, command: invocation.command }, config, io);
  const log: Log = {
    info: say,
    progress,
    warning: (m: string) => say(`warning: ${m}`),
    debug: verbose ? say : () => undefined,
    async group<T>(name: string, work: () => Promise<T>): Promise<T> {
      say(`… ${name}`);
      return work();
    },
  };
  const identity = newIdentity(config, deployer(env));
  // What a failed or interrupted deploy leaves to clean up: its checkpoints, kept here as the Action keeps its state.
  const left: ServerLeftovers = {};
  // The first Ctrl-C asks the deploy to stop: it undoes what it did at its next step (a bake is
  // switched back). A second one cleans up at once from the checkpoints, as a cancelled run's post step.
  const stop = new AbortController();
  // Once, for whichever asks first: a failure, the backstop, a second Ctrl-C.
  let cleaning: Promise<void> | undefined;
  // The cleanup's SSH sessions say nothing, even with --verbose: only the deploy's commands are shown.
  const cleanupLog = { info: log.info, warning: log.warning };
  const cleanUpNow = (): Promise<void> =>
    (cleaning ??= anythingLeft(left, log) ? cleanUpWithin(left, config, cleanupLog) : Promise.resolve());
  let timedOut = false;
  const onInterrupt = (): void => {
    if (!stop.signal.aborted) {
      say(
        'Interrupted: stopping the deploy at its next step and undoing what it did (Ctrl-C again to clean up and exit at once).',
      );
      stop.abort();
      process.once('SIGINT', onInterrupt);
      process.once('SIGTERM', onInterrupt);
      return;
    }
    say('Interrupted again: cleaning up as a cancelled run does.');
    void cleanUpNow().finally(() => process.exit(EXIT.interrupted));
  };
  process.once('SIGINT', onInterrupt);
  process.once('SIGTERM', onInterrupt);
  // The deploy bounds its own waits by `timeout`; this is the backstop for a hung command, as the Action has.
  const backstop = setTimeout(() => {
    timedOut = true;
    say(
      `The deploy did not finish within timeout (${config.timing.timeoutMs / 1000} s): stopping it and cleaning up as a cancelled run does.`,
    );
    stop.abort();
    void cleanUpNow().finally(() => process.exit(EXIT.failed));
  }, config.timing.timeoutMs + TIMEOUT_GRACE_MS);
  backstop.unref();
  try {
    const result: DeployResult = await deployWith(config, identity, {
      log,
      checkpoint: (server, name, value) => noteCheckpoint(left, identity.lockOwner, server, name, value),
      signal: stop.signal,
    });
    say(timelinesText(result.servers, result.stages));
    say(
      `${result.image} is live on :${result.port} (switch ${result.switchSeconds.toFixed(3)} s, deploy ${result.durationSeconds.toFixed(2)} s)`,
    );
    if (result.bake) say(`bake: ${bakeLine(result.bake)}`);
    if (json)
      io.stdout(
        `${JSON.stringify({ ok: true, outputs: outputsOf(result), timeline: result.timeline, stages: result.stages, warnings: result.warnings, releases: result.releases })}\n`,
      );
    return EXIT.deployed;
  } catch (e) {
    clearTimeout(backstop);
    if (!(e instanceof DeployError)) {
      say(`docker-hot-deploy: ${(e as Error).message}`);
      if (json) io.stdout(`${JSON.stringify({ ok: false, error: (e as Error).message })}\n`);
      await cleanUpNow();
      return EXIT.failed;
    }
    say(e.servers.length > 0 ? timelinesText(e.servers, e.stages) : timelineText(e.timeline));
    if (e.details.bake) bakeEvidence(e.details.bake).forEach(say);
    if (e.details.logs) say(`Last log lines:\n${e.details.logs}`);
    say(`${e.message}. ${e.hint}`);
    if (json)
      io.stdout(
        `${JSON.stringify({ ok: false, server: e.server, phase: e.phase, reason: e.reason, hint: e.hint, oldServes: e.oldServes, timeline: e.timeline, stages: e.stages, servers: e.servers, logs: e.details.logs, bake: e.details.bake })}\n`,
      );
    // What the undo could not reach (a server lost meanwhile, a registry login left) is still in
    // the checkpoints: cleaned up as the Action's post step would.
    await cleanUpNow();
    if (stop.signal.aborted && !timedOut) return EXIT.interrupted;
    return e.oldServes && !timedOut ? EXIT.oldServes : EXIT.failed;
  } finally {
    clearTimeout(backstop);
    process.removeListener('SIGINT', onInterrupt);
    process.removeListener('SIGTERM', onInterrupt);
  }
}
