// The CLI as a CI job or a laptop runs it: `node24 dist/cli/index.js COMMAND ...`, with the
// environment it is given (PATH and HOME besides) and its output kept.
import { spawn } from 'node:child_process';
import { NODE24, ownChild } from './action.js';

const CLI = new URL('../../dist/cli/index.js', import.meta.url).pathname;

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}
export interface RunningCli {
  child: ReturnType<typeof spawn>;
  stderr(): string;
  done: Promise<CliRun>;
}

export function startCli(args: string[], env: Record<string, string> = {}): RunningCli {
  const child = spawn(NODE24, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  ownChild(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const done = new Promise<CliRun>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, stderr: () => stderr, done };
}
