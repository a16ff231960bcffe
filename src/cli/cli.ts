// The CLI door, for any CI or a laptop: `docker-hot-deploy deploy --host ... --image ...`.
// The same inputs as action.yml (names, defaults, validation), as flags or DHD_*
// variables (so secrets need not be flags); never INPUT_*.
// A command's code is loaded only once its inputs are valid, and only that command's
// (docs/architecture.md, "Start-up").
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ACTION_INPUTS } from '../config/action-inputs.js';
import { InputError, readInputs, redactUrl, SECRET_INPUTS, type Config } from '../config/inputs.js';
import type { RunDeploy } from '../deploy/on-servers.js';
import { STATUS_RELEASES } from '../operate/day-two.js';
import type { UnlockRequest } from '../operate/unlock.js';
import { EXIT, terminal, type Io } from './output.js';

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

/** Runs the CLI; returns the exit status. `deployWith` is the deploy itself (tests may give a fake). */
export async function main(args: string[], env: NodeJS.ProcessEnv, io: Io, deployWith?: RunDeploy): Promise<number> {
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
    config = await readInputs((name) => invocation.inputs[name] ?? '', { deploying: invocation.command === 'deploy' });
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    io.stderr(`${e.message}\n`);
    if (invocation.json) io.stdout(`${JSON.stringify({ ok: false, badInput: e.problems })}\n`);
    return EXIT.badInput;
  }
  const out = terminal(io);
  for (const flag of invocation.secretFlags) {
    // env-file is an input of its own (a file on the server): env has no --env-file flag.
    const instead = READ_FROM_FILE.has(flag.slice(2))
      ? `${envName(flag.slice(2))} or ${flag}-file`
      : envName(flag.slice(2));
    out.say(`warning: ${flag} is visible to every user of this machine in the process list: use ${instead} instead`);
  }
  if (invocation.command !== 'deploy') {
    const { operate } = await import('../operate/commands.js');
    return operate({ ...invocation, command: invocation.command }, config, io);
  }
  const { deployCommand } = await import('./deploy.js');
  return deployCommand(invocation, config, env, { io, out }, deployWith);
}
