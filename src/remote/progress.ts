// Progress of long work (a pull, a release command, waits on a lock or a drain), pure: what
// `docker pull` prints on a terminal read into layers and bytes, and a line at most every
// few seconds. The log folds plain lines; the CLI on a terminal rewrites one.

/** How often a long piece of work says where it stands (the first time after as long). */
export const PROGRESS_EVERY_MS = 3_000;

interface Layer {
  current: number;
  total?: number;
  downloaded: boolean;
  done: boolean;
}

export interface PullState {
  layers: number;
  done: number;
  /** Bytes downloaded of the layers whose size Docker gave (and that size summed). */
  bytes: number;
  totalBytes: number;
}

/** Docker's sizes (units.HumanSize: decimal, "12.58MB", "1.049kB", "512B"). */
const UNITS: Record<string, number> = { B: 1, kB: 1e3, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12 };
const SIZE = String.raw`([\d.]+)\s*(B|kB|KB|MB|GB|TB)`;
const PROGRESS = new RegExp(`${SIZE}/${SIZE}`);
const bytesOf = (value: string, unit: string): number => Math.round(Number(value) * (UNITS[unit] ?? 1));
/** Cursor moves and line clears of a terminal's output. */
// eslint-disable-next-line no-control-regex -- a terminal's escape sequences start with ESC
const ESCAPES = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** What `docker pull` on a terminal printed so far, by layer: it redraws one line per layer
 * ("<id>: Downloading [==>  ] 12.58MB/104.2MB", "<id>: Pull complete", "<id>: Already exists"). */
export class PullProgress {
  private readonly layers = new Map<string, Layer>();
  private rest = '';

  /** Output as it comes; a line cut between two chunks waits for its end. */
  feed(text: string): void {
    const lines = (this.rest + text).replace(ESCAPES, '').split(/\r\n|\r|\n/);
    this.rest = lines.pop() ?? '';
    for (const line of lines) this.line(line.trim());
  }

  private line(line: string): void {
    const m = /^([0-9a-f]{12}): (.+)$/.exec(line);
    // "<tag>: Pulling from <repository>" names the image, not a layer (a tag may look like a layer id).
    if (!m || m[2].startsWith('Pulling from ')) return;
    const layer = this.layers.get(m[1]) ?? { current: 0, downloaded: false, done: false };
    this.layers.set(m[1], layer);
    const status = m[2];
    const sizes = PROGRESS.exec(status);
    if (status.startsWith('Downloading') && sizes) {
      layer.current = bytesOf(sizes[1], sizes[2]);
      layer.total = bytesOf(sizes[3], sizes[4]);
    } else if (/^(Download complete|Verifying Checksum|Extracting)/.test(status)) {
      layer.downloaded = true;
    } else if (/^(Pull complete|Already exists)/.test(status)) {
      Object.assign(layer, { downloaded: true, done: true });
    }
  }

  get state(): PullState {
    const all = [...this.layers.values()];
    const sized = all.filter((l) => l.total !== undefined);
    return {
      layers: all.length,
      done: all.filter((l) => l.done).length,
      bytes: sized.reduce((sum, l) => sum + (l.downloaded ? (l.total as number) : l.current), 0),
      totalBytes: sized.reduce((sum, l) => sum + (l.total as number), 0),
    };
  }
}

export const megabytes = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

/** "3/7 layers, 45.2 MB of 210.0 MB": as much as Docker told. */
export function pullLine(s: PullState): string {
  const layers = s.layers > 0 ? `${s.done}/${s.layers} layers` : 'waiting for the registry';
  return s.totalBytes > 0 ? `${layers}, ${megabytes(s.bytes)} of ${megabytes(s.totalBytes)}` : layers;
}

/** A terminal's output as lines: its cursor moves and blank lines gone. */
export const withoutRedraws = (text: string): string =>
  text
    .replace(ESCAPES, '')
    .split(/\r\n|\r|\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .join('\n');

/** The last line a command printed that says something. */
export const lastLine = (text: string): string | undefined => withoutRedraws(text).split('\n').at(-1) || undefined;

/** Calls `say` with `line()` every `everyMs` while the work runs (nothing for work quicker than that). */
export function reportWhile<T>(
  work: Promise<T>,
  line: () => string,
  say: (line: string) => void,
  everyMs = PROGRESS_EVERY_MS,
): Promise<T> {
  const timer = setInterval(() => say(line()), everyMs);
  timer.unref();
  return work.finally(() => clearInterval(timer));
}
