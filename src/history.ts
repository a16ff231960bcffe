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
}

/** Entries a history keeps: enough to go back several releases, bounded so the file stays small. */
export const HISTORY_ENTRIES = 50;

/** Where the histories live, relative to the deploy user's home (a deploy's commands start there). */
export const HISTORY_DIR = '.docker-hot-deploy/releases';

/** One file per deployment: its redis-key made a file name, and a hash that keeps two keys apart. */
export function historyPath(deployment: string): string {
  const readable = deployment.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^[._]+/, '').slice(0, 80);
  const hash = createHash('sha256').update(deployment).digest('hex').slice(0, 8);
  return `${HISTORY_DIR}/${readable}-${hash}.jsonl`;
}

/** The entries of a history file; lines that are no release (a torn write) are skipped. */
export function parseHistory(text: string): Release[] {
  const releases: Release[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const entry = JSON.parse(line) as Release;
      if (typeof entry.image === 'string' && typeof entry.digest === 'string' && typeof entry.outcome === 'string') releases.push(entry);
    } catch {
      // a line cut short by a crash: the rest of the history still counts
    }
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
