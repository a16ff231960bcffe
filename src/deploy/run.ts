// What every server of one deploy shares: the inputs, the clock and the log,
// the deploy's deadline, its warnings, and the failure a phase reports (with
// its hint and details as data).
import type { Config } from '../config/inputs.js';
import type { BakeReport } from './bake-rules.js';
import type { Log } from '../remote/log.js';
import type { ProbeResult } from '../remote/probe-result.js';

export interface Clock {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/** What a deploy says: its phases as groups, warnings, progress (remote/log.ts). */
export type DeployLog = Pick<Log, 'info' | 'warning' | 'group' | 'progress'>;

export interface DeployIdentity {
  deployId: string;
  /** Makes this deploy's container names unique: `<app>-<instance>`. */
  instance: string;
  /** Who holds the lock: repository, run URL and image, plus a nonce. */
  lockOwner: string;
}

export type PhaseName =
  'lock' | 'inspect' | 'pull' | 'release' | 'start' | 'ready' | 'switch' | 'bake' | 'undo' | 'drain' | 'retire';

/** One timed step of a deploy: a server's phase or a stage across servers. */
export interface StepRecord {
  ms: number;
  ok: boolean;
  detail: string;
}

export interface PhaseRecord extends StepRecord {
  phase: PhaseName;
}

/** The deploy's stages across servers (docs/architecture.md). */
export type StageName = 'lock' | 'prepare' | 'switch' | 'bake' | 'undo' | 'retire';

export interface StageRecord extends StepRecord {
  stage: StageName;
}

/** Runs `work` as `record`: its time, and ok once it returned. */
export async function timed<T>(record: StepRecord, clock: Clock, work: () => Promise<T>): Promise<T> {
  const t0 = clock.now();
  try {
    const value = await work();
    record.ok = true;
    return value;
  } finally {
    record.ms = clock.now() - t0;
  }
}

/** Renewed every quarter of it while held: a deploy whose runner died frees the lock this long after.
 * Above the time SSH keepalives take to declare a connection dead (see remote/ssh/connection.ts). */
export const LOCK_TTL_MS = 30_000;

/** One server's phases: what every per-server result, success or failure, shows. */
export interface ServerTimeline {
  server: string;
  timeline: PhaseRecord[];
}

/** One server's part of a failed deploy, as the summary and the CLI show it. */
export interface ServerReport extends ServerTimeline {
  /** Whether the key may still name this deploy's container there. */
  switched: boolean;
}

export class DeployError extends Error {
  /** False once a key may name a new container: what serves is then for the user to check. */
  oldServes = true;
  /** An SSH connection went away: nothing more can be done or recorded on that server. */
  serverLost = false;
  /** With several servers: the stages and every server's phases. */
  stages: StageRecord[] = [];
  servers: ServerReport[] = [];

  constructor(
    readonly phase: PhaseName,
    readonly reason: string,
    readonly hint: string,
    readonly timeline: PhaseRecord[],
    readonly details: { logs?: string; probes?: ProbeResult[]; bake?: BakeReport } = {},
    /** The server that failed, named when there are several. */
    readonly server?: string,
  ) {
    super(`${server ? `${server}: ` : ''}${phase} failed: ${reason}`);
  }
}

/** The deploy's shared state: created once, handed to every server's phases. */
export class DeployRun {
  readonly started: number;
  readonly deadline: number;
  readonly warnings: string[] = [];
  /** Set while preparing, once a server failed: the others stop waiting. */
  stopped?: string;
  /** The servers whose lock this deploy holds: one of them holding the lock another waits for means they share one Redis. */
  readonly locked = new Set<string>();
  /** False once the deploy is undoing a failure or retiring after every bake passed: an interrupt then waits. */
  interruptible = true;

  constructor(
    readonly config: Config,
    readonly identity: DeployIdentity,
    readonly clock: Clock,
    readonly log: DeployLog,
    /** Aborted when the deploy is asked to stop (the CLI's Ctrl-C): it undoes what it did, as a failure does. */
    private readonly signal?: AbortSignal,
  ) {
    this.started = clock.now();
    this.deadline = this.started + config.timing.timeoutMs;
    config.deprecations.forEach((m) => this.warn(m));
  }

  get interrupted(): boolean {
    return this.interruptible && this.signal?.aborted === true;
  }

  get several(): boolean {
    return this.config.servers.length > 1;
  }

  warn(message: string): void {
    this.warnings.push(message);
    this.log.warning(message);
  }

  /** A phase waits for its own limit or the whole deploy's, whichever ends first, and names the one that did. */
  until(phaseMs: number, input: string): { end: number; limit: string } {
    const own = this.clock.now() + phaseMs;
    return own <= this.deadline
      ? { end: own, limit: input }
      : { end: this.deadline, limit: 'timeout (the whole deploy)' };
  }

  seconds(): number {
    return (this.clock.now() - this.started) / 1000;
  }
}
