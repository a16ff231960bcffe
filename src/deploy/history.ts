// A deployment's release history, pure: what is kept on the server (one JSON line
// a release, in a file of the deploy user's own), what a rollback goes back to,
// and which images the last releases need.
import { createHash } from 'node:crypto';

/** baked-out: switched, then switched back by a failed bake. */
export type Outcome = 'deployed' | 'rolled back' | 'failed' | 'baked-out';

export interface Release {
  time: string;
  outcome: Outcome;
  /** The image reference deployed, its registry digest (or local id) and its image id. */
  image: string;
  digest: string;
  imageId: string;
  container: string;
  port?: number;
  /** Who deployed: the workflow run, or where else it came from. */
  run: string;
  /** For a failure: the phase and why. */
  reason?: string;
  /** The deployment (its redis-key): what neighbouring deployments read to keep off its port. Lines before 0.3 have none. */
  deployment?: string;
}

/** Entries a history keeps: enough to go back several releases, bounded so the file stays small. */
export const HISTORY_ENTRIES = 50;

/** Where the histories live, relative to the deploy user's home (a deploy's commands start there). */
export const HISTORY_DIR = '.docker-hot-deploy/releases';

/** One file per deployment: its redis-key made a file name, and a hash that keeps two keys apart. */
export function historyPath(deployment: string): string {
  const readable = deployment
    .replace(/[^A-Za-z0-9_.-]+/g, '_')
    .replace(/^[._]+/, '')
    .slice(0, 80);
  const hash = createHash('sha256').update(deployment).digest('hex').slice(0, 8);
  return `${HISTORY_DIR}/${readable}-${hash}.jsonl`;
}

const OUTCOMES: readonly string[] = ['deployed', 'rolled back', 'failed', 'baked-out'] satisfies Outcome[];
/** Image references, digests, ids and container names: no spaces, no control characters. */
const REFERENCE_RE = /^[\w.:@/+[\]-]*$/;
const TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;

/** One history line as a release, or why it is none: the file is the server's, so every field is checked. */
function release(line: string): Release | string {
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return 'not JSON (a line cut short by a crash?)';
  }
  if (typeof entry !== 'object' || entry === null) return 'not an object';
  const e = entry as Record<string, unknown>;
  const text = (name: string, re?: RegExp): boolean => typeof e[name] === 'string' && (!re || re.test(e[name]));
  if (!text('time', TIME_RE)) return 'no time';
  if (!OUTCOMES.includes(e.outcome as string)) return `outcome ${JSON.stringify(e.outcome)}`;
  for (const name of ['image', 'digest', 'imageId', 'container'])
    if (!text(name, REFERENCE_RE)) return `${name} is missing or not a reference`;
  if (!text('run')) return 'no run';
  if (e.port !== undefined && !(Number.isInteger(e.port) && (e.port as number) >= 1 && (e.port as number) <= 65535))
    return 'port is not a port';
  if (e.reason !== undefined && typeof e.reason !== 'string') return 'reason is not text';
  if (e.deployment !== undefined && typeof e.deployment !== 'string') return 'deployment is not text';
  return e as unknown as Release;
}

/** The releases of a history file; a line that is no release is skipped, and `skipped` is told why. */
export function parseHistory(text: string, skipped: (why: string) => void = () => undefined): Release[] {
  const releases: Release[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const entry = release(line);
    if (typeof entry === 'string') skipped(entry);
    else releases.push(entry);
  }
  return releases;
}

/** The releases that served, oldest first: a rollback takes the one it rolled back from off the top. */
export function servedStack(history: Release[]): Release[] {
  const stack: Release[] = [];
  for (const release of history) {
    if (release.outcome === 'deployed') stack.push(release);
    else if (release.outcome === 'rolled back') {
      stack.pop();
      // The release rolled back to is the new top; after a trimmed history it may be missing.
      if (stack.at(-1)?.digest !== release.digest) stack.push(release);
    }
  }
  return stack;
}

/** What `rollback: true` deploys: the release before the one now serving, or why there is none. */
export function rollbackTarget(history: Release[]): { release: Release } | { refusal: string } {
  const stack = servedStack(history);
  if (stack.length >= 2) return { release: stack[stack.length - 2] };
  const serving = stack.at(-1);
  return {
    refusal: serving
      ? `nothing earlier to roll back to: the history holds only ${serving.image} (${serving.digest}), deployed ${serving.time}; deploy an image instead`
      : 'no release of this deployment is in the history on the server; deploy an image instead',
  };
}

/** The images the last `keep` releases that served need, the rollback target always among them. */
export function imagesToKeep(history: Release[], keep: number): string[] {
  const stack = servedStack(history);
  const ids: string[] = [];
  for (const release of [...stack].reverse()) {
    if (ids.length >= Math.max(keep, 2)) break;
    if (release.imageId && !ids.includes(release.imageId)) ids.push(release.imageId);
  }
  return ids;
}

/** The last few entries, newest first, for the summary. */
export const latest = (history: Release[], count: number): Release[] => history.slice(-count).reverse();
