// What the cancel-safe post step (and the CLI's Ctrl-C) needs to know of one server's deploy,
// noted as it happens: the lock held, the container started, whether it may have received
// traffic, the bake to undo, the registry login and the release command's container.

/** The 'baking' checkpoint: how the post step switches back a deploy killed in its bake. */
export interface BakingCheckpoint {
  /** The key's value now (the new container) and the one to write back. */
  from: string;
  to: string | null;
  /** The previous container's port, to prove nginx serves it again. */
  port: number;
}

/** Each checkpoint's value; '' (or false, or undefined) once nothing of it is left. */
export interface Checkpoints {
  /** The lock's name while held. */
  lock: string;
  /** The new container's name, from just before it is created. */
  container: string;
  /** The key may name the new container: it may serve, so it stays. */
  switching: boolean;
  /** The deploy is baking: the previous version goes back. */
  baking: BakingCheckpoint | undefined;
  /** The deploy's own Docker config with a registry login, while it pulls. */
  dockerConfig: string;
  /** The release command's one-off container, while it runs. */
  release: string;
}

export type Checkpoint = keyof Checkpoints;
export type CheckpointValue<K extends Checkpoint> = Checkpoints[K];

/** A checkpoint as the post step's state keeps it: a string, '' once cleared (cleanup.ts reads it back). */
export function encodeCheckpoint(value: Checkpoints[Checkpoint]): string {
  if (typeof value === 'boolean') return value ? 'true' : '';
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
