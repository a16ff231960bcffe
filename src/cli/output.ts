// What the CLI says and what it exits with: lines on stderr, on a terminal one progress line
// rewritten in place; the exit statuses scripts test.
import { printable } from '../remote/printable.js';

/** What the exit status says. */
export const EXIT = { deployed: 0, failed: 1, badInput: 2, oldServes: 3, interrupted: 130 } as const;

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** stderr is a terminal this many columns wide: progress rewrites one line there instead of adding lines. */
  columns?: number;
}

export interface Terminal {
  /** A line on stderr. */
  say: (line: string) => void;
  /** A line that the next one replaces, on a terminal; elsewhere a line as `say` writes it. */
  progress: (line: string) => void;
}

/** Back to the start of the line, and the line erased. */
const CLEAR_LINE = '\r\x1b[2K';

export function terminal(io: Io): Terminal {
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
  return { say, progress };
}
