// One server's deploy: its state, and what every room of it (lock, prepare, switch, bake,
// retire; docs/architecture.md) does the same way: time a phase, say something about this
// server, note a checkpoint, wait without missing a lost lock or a stop.
import { aboutServer, type Config } from '../../config/inputs.js';
import type { BakeReport } from '../bake-rules.js';
import type { DeploymentState } from '../deployment-state.js';
import { historyPath, type Release } from '../history.js';
import { DeployError, timed, type DeployRun, type PhaseName, type PhaseRecord } from '../run.js';
import type { ConfdState } from '../../remote/confd.js';
import type { ContainerState, ContainerSummary, ImageIdentity, LogPosition } from '../../remote/docker.js';
import type { DockerHost } from '../../remote/docker-host.js';
import { pinnedRef } from '../../remote/image-ref.js';
import { PROGRESS_EVERY_MS } from '../../remote/progress.js';
import type { ProbeResult, Probes } from '../../remote/probe-result.js';
import type { KeyStore, LockRef } from '../../remote/redis.js';
import { lockName } from '../../remote/redis-rules.js';
import { ConnectionLost } from '../../remote/ssh/connection.js';
import { formatKeyValue } from '../../remote/upstream.js';
import { connectionLostHint, HINTS, INTERRUPTED_HINT, lockLostHint } from './hints.js';
import { encodeCheckpoint, type Checkpoint, type CheckpointValue } from './checkpoints.js';
import { containerFailure, restartHidesExitCode } from './rules.js';

/** One server as the deploy drives it. */
export interface Server {
  /** As ssh names it: host, or [host]:port. */
  name: string;
  docker: DockerHost;
  keys: KeyStore;
  probes: Probes;
  /** Each checkpoint as the post step keeps it (checkpoints.ts, encodeCheckpoint). */
  checkpoint?: (name: Checkpoint, value: string) => void;
}

/** What the inspect phase learnt: the state of the deployment, and what a rollback goes back to. */
export interface Inspection {
  state: DeploymentState;
  containers: ContainerSummary[];
  listening: Set<number>;
  /** Ports the keys of this deployment and its neighbours name (see reservedPorts). */
  reserved: number[];
  notifications?: boolean;
  history: Release[];
  files: Map<string, string>;
  target?: { ref: string; release: Release };
}

/** What was inspected and pulled; `pinned` is what runs: the pulled image, even if its tag moved since. */
export interface Prepared {
  inspection: Inspection;
  image: string;
  identity: ImageIdentity;
  pinned: string;
}

/** The deploy lock is gone: whatever the deploy was doing on this server, it stops. */
class LockLost extends Error {}
/** Another server failed while this one prepared: it stops waiting. */
export class Stopped extends Error {}
/** The deploy was asked to stop (Ctrl-C): it fails at its next step, and what it did is undone. */
class Interrupted extends Error {}

/** How often each wait looks again. */
export const POLL_MS = { lock: 250, ready: 50, switch: 5, settle: 50, drain: 50 };
/** The new container's (or the release command's) log lines a failure shows. */
export const LOG_TAIL_LINES = 30;
const KEPT_PROBES = 10;

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(0)} s`;

/** The state of one server's deploy: what each room learnt or did, read by the next. */
export class ServerContext {
  readonly timeline: PhaseRecord[] = [];
  /** Holds this deployment's lock on the server. */
  held = false;
  /** Set once the key names the new container: from then on it may serve and is never discarded blindly. */
  switched = false;
  /** nginx was proven to serve the new container: another server's failure switches this one back. */
  proven = false;
  /** The connection went away: nothing more can be done or recorded here. */
  lost = false;
  app: string;
  containerName: string;
  readonly lock: LockRef;
  /** This deployment's release history on the server (under the home directory). */
  readonly history: string;
  inspection?: Inspection;
  /** The server's confd as the deploy began: read beside the pull, said before the switch. */
  confdAtStart?: Promise<ConfdState | undefined>;
  pulled?: { image: string; identity: ImageIdentity };
  containerId?: string;
  port?: number;
  switchSeconds = 0;
  /** Where access-log stood before the key write: the bake counts what follows. */
  logStart?: LogPosition | { unreadable: string };
  /** access-log checked as the deploy begins: unreadable is said then, not only at the switch. */
  logCheck?: Promise<{ unreadable: string } | undefined>;
  bakeReport?: BakeReport;
  /** When the bake saw the new version fail: the switch back is timed from there. */
  bakeFailedAt?: number;
  readonly probeLog: ProbeResult[] = [];
  /** env as an env file's lines, handed to docker on stdin (never in argv). */
  readonly env: string;

  constructor(
    readonly run: DeployRun,
    readonly server: Server,
  ) {
    const { config, identity } = run;
    this.lock = { name: lockName(config.switch.redisKey), owner: identity.lockOwner };
    this.history = historyPath(config.switch.redisKey);
    // The app names containers; a rollback without image or app takes it from the release it goes back to.
    this.app = config.container.app || 'app';
    this.containerName = `${this.app}-${identity.instance}`;
    this.env = config.container.env.map(([k, v]) => `${k}=${v}\n`).join('');
  }

  get name(): string {
    return this.server.name;
  }

  get config(): Config {
    return this.run.config;
  }

  get prepared(): Prepared {
    if (!this.inspection || !this.pulled) throw new Error('the server was not inspected');
    return { inspection: this.inspection, ...this.pulled, pinned: pinnedRef(this.pulled.image, this.pulled.identity) };
  }

  /** Whether this server bakes: bake-time is set and a previous version serves, to go back to. */
  get bakes(): boolean {
    return this.config.bake.timeMs > 0 && this.prepared.inspection.state.serving !== undefined;
  }

  /** What the key names once switched: redis-value with the new port. */
  get newValue(): string {
    return formatKeyValue(this.config.switch.redisValue, this.port ?? 0);
  }

  /** A message about this server, naming it when there are several. */
  said(message: string): string {
    return aboutServer(this.name, this.run.several, message);
  }

  warn(message: string): void {
    this.run.warn(this.said(message));
  }

  /** Where long work stands (a pull, the release command, a wait): at most every few seconds (progress.ts). */
  progress(message: string): void {
    const { log } = this.run;
    if (log.progress) log.progress(this.said(message));
    else log.info(this.said(message));
  }

  /** For a polling wait: says `line()` when a few seconds passed since it last did (by the deploy's clock). */
  everyFewSeconds(): (line: () => string) => void {
    let last = this.run.clock.now();
    return (line) => {
      if (this.run.clock.now() - last < PROGRESS_EVERY_MS) return;
      last = this.run.clock.now();
      this.progress(line());
    };
  }

  checkpoint<K extends Checkpoint>(name: K, value: CheckpointValue<K>): void {
    this.server.checkpoint?.(name, encodeCheckpoint(value));
  }

  /** Runs one phase on this server's timeline. Recorded when it starts, so the timeline keeps the
   * deploy's order even where phases overlap; a failure becomes a DeployError with its hint. */
  async phase<T>(name: PhaseName, work: () => Promise<{ value: T; detail: string }>): Promise<T> {
    const record: PhaseRecord = { phase: name, ms: 0, ok: false, detail: '' };
    this.timeline.push(record);
    try {
      return await timed(record, this.run.clock, async () => {
        this.checkLock();
        const { value, detail } = await this.run.log.group(this.said(name), work);
        record.detail = detail;
        return value;
      });
    } catch (e) {
      record.detail = e instanceof DeployError ? e.reason : (e as Error).message;
      throw e instanceof Stopped ? e : this.failure(name, e);
    }
  }

  private failure(name: PhaseName, e: unknown): DeployError {
    const hint =
      e instanceof DeployError
        ? e.hint
        : e instanceof LockLost
          ? lockLostHint(this.switched, this.containerName)
          : e instanceof ConnectionLost
            ? connectionLostHint(this.switched, this.containerName)
            : e instanceof Interrupted
              ? INTERRUPTED_HINT
              : HINTS[name];
    const reason = e instanceof DeployError ? e.reason : (e as Error).message;
    const details = e instanceof DeployError ? e.details : {};
    const failure = new DeployError(
      name,
      reason,
      hint,
      this.timeline,
      details,
      this.run.several ? this.name : undefined,
    );
    failure.oldServes = !this.switched;
    failure.serverLost = e instanceof ConnectionLost || (e instanceof DeployError && e.serverLost);
    this.lost ||= failure.serverLost;
    return failure;
  }

  // The lock (and a request to stop) is checked at every phase and every poll: a deploy that lost it stops at once.
  checkLock(): void {
    const lost = this.held ? this.server.keys.lockLost(this.lock.name) : undefined;
    if (lost) throw new LockLost(`the deploy lock was lost: ${lost}`);
    if (this.run.interrupted) throw new Interrupted('the deploy was interrupted (asked to stop)');
  }

  async pause(ms: number): Promise<void> {
    await this.run.clock.sleep(ms);
    this.checkLock();
    if (this.run.stopped) throw new Stopped(this.run.stopped);
  }

  /** probe-url through nginx, kept for a failure's evidence. */
  async probe(): Promise<ProbeResult> {
    const result = await this.server.probes.probe();
    this.probeLog.push(result);
    if (this.probeLog.length > KEPT_PROBES) this.probeLog.shift();
    return result;
  }

  /** Writes the port key only while the lock is held and the key holds what this deploy last saw. */
  async writeKey(expected: string | null, value: string | null): Promise<void> {
    const key = this.config.switch.redisKey;
    const outcome = await this.server.keys.compareAndSet(key, expected, value, this.lock);
    if (outcome.ok) return;
    if (outcome.lockLost)
      throw new Error(`${this.lock.name} is no longer held by this deploy, so ${key} was not written`);
    const show = (v: string | null): string => (v === null ? '(unset)' : `"${v}"`);
    throw new Error(
      `${key} changed meanwhile (it holds ${show(outcome.current)}, not ${show(expected)}): ` +
        'someone else wrote it, and this deploy does not overwrite that',
    );
  }

  /** The new container's last log lines, for a failure's details. */
  newContainerLogs(): Promise<string> {
    return this.server.docker
      .logs(this.containerId ?? this.containerName, LOG_TAIL_LINES)
      .catch(() => '(logs unavailable)');
  }

  /** Why the new container is not fit to serve by its own state: the ready check and the bake ask. */
  async containerFailure(container: ContainerState): Promise<string | undefined> {
    const code = restartHidesExitCode(container) ? await this.server.docker.lastExitCode(container) : undefined;
    return containerFailure(container, this.config.container.restart, code);
  }

  /** access-log cannot be read: said once, and the bake watches without it. */
  unreadableLog(path: string, e: Error): { unreadable: string } {
    this.warn(
      `access-log ${path} cannot be read (${e.message}): the bake watches the container and probes only, not real traffic. ` +
        `The deploy user needs read access to it (on Debian: usermod -aG adm ${this.config.servers[0]?.username ?? 'USER'}, as nginx's logs belong to the adm group).`,
    );
    return { unreadable: `${path} cannot be read` };
  }
}
