// One server's part of a deploy, phase by phase as the contract names them
// (DESIGN.md "One deploy, step by step"). The orchestrator (deploy.ts) calls
// the phases in stages across servers; each phase is timed on this server's
// timeline and fails with a DeployError that carries its hint.
import { appName, deploymentState, isUp, neighbourDeployments, reservedPorts, retirees, type DeploymentState } from '../deployment-state.js';
import { DeployError, type DeployRun, type PhaseName, type PhaseRecord } from '../run.js';
import type { DockerHost } from '../../remote/docker-host.js';
import { bakeLine, type BakeReport } from '../bake-rules.js';
import { watchBake } from '../bake.js';
import { confdsRendering, handsPeerToNginx, namesPort, resourceRendering, sharedWatchProblem, type ConfdState, type TemplateResource } from '../../remote/confd.js';
import { FILE_READ_BYTES, firstFreePort, imagesToPrune, LABEL_DEPLOYMENT, LABEL_ROLE, takenPorts, type ContainerState, type ContainerSummary, type ImageIdentity, type LogPosition, type PullPolicy, type RunSpec } from '../../remote/docker.js';
import { HISTORY_DIR, HISTORY_ENTRIES, historyPath, imagesToKeep, latest, parseHistory, rollbackTarget, type Release } from '../history.js';
import { pinnedRef, registryOf, repositoryOf } from '../../remote/image-ref.js';
import { aboutServer, type Config } from '../../config/inputs.js';
import { isHealthyStatus, probePath, proveServed, type ProbeResult, type Probes } from '../../remote/probe-result.js';
import { lockName, legacyLockName, persistenceRisk, type KeyStore, type LockRef } from '../../remote/redis.js';
import { lastLine, megabytes, PROGRESS_EVERY_MS, PullProgress, pullLine, reportWhile } from '../../remote/progress.js';
import { ConnectionLost } from '../../remote/ssh/connection.js';
import { formatKeyValue, upstreamPort } from '../../remote/upstream.js';

/** What the cancel-safe post step needs to know: the lock held, the container
 * started, and whether it may have received traffic. */
export type Checkpoint = 'lock' | 'container' | 'switching' | 'baking' | 'dockerConfig' | 'release';

/** The 'baking' checkpoint's value: how the post step switches back a deploy killed in its bake. */
export interface BakingCheckpoint {
  /** The key's value now (the new container) and the one to write back. */
  from: string;
  to: string | null;
  /** The previous container's port, to prove nginx serves it again. */
  port: number;
}

/** One server as the deploy drives it. */
export interface Server {
  /** As ssh names it: host, or [host]:port. */
  name: string;
  docker: DockerHost;
  keys: KeyStore;
  probes: Probes;
  checkpoint?: (name: Checkpoint, value: string) => void;
}

/** One server's result of a deploy that went through. */
export interface ServerResult {
  server: string;
  container: string;
  containerId: string;
  port: number;
  previousPort?: number;
  previousContainer?: string;
  /** What now serves (for a rollback, the release rolled back to) and what served before. */
  image: string;
  previousImage?: string;
  imageDigest: string;
  switchSeconds: number;
  probes: ProbeResult[];
  timeline: PhaseRecord[];
  /** The deployment's last releases on this server, newest first, this one included. */
  releases: Release[];
  /** What the bake saw (none: bake-time 0s, or nothing served before). */
  bake?: BakeReport;
}

/** What the inspect phase learnt: the state of the deployment, and what a rollback goes back to. */
interface Inspection {
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

/** The deploy lock is gone: whatever the deploy was doing on this server, it stops. */
class LockLost extends Error {}
/** Another server failed while this one prepared: it stops waiting. */
export class Stopped extends Error {}
/** The deploy was asked to stop (Ctrl-C): it fails at its next step, and what it did is undone. */
class Interrupted extends Error {}

const POLL_MS = { lock: 250, ready: 50, switch: 5, settle: 50, drain: 50 };
/** Renewed every quarter of it while held: a deploy whose runner died frees the lock this long after.
 * Above the time SSH keepalives take to declare a connection dead (see ssh/connection.ts). */
export const LOCK_TTL_MS = 30_000;
const LOG_TAIL_LINES = 30;
/** History entries the summary shows. */
const SUMMARY_RELEASES = 5;
const PORT_ATTEMPTS = 5;
const KEPT_PROBES = 10;
/** The most of access-log one read of the bake takes (twice a second). */
const LOG_READ_BYTES = 1024 * 1024;
/** What is kept of the release command's output for its progress line. */
const RELEASE_TAIL_CHARS = 4096;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(0)} s`;
const show = (value: string | null): string => (value === null ? '(unset)' : `"${value}"`);
const lastLines = (text: string, count: number): string => text.split('\n').filter((l) => l.trim()).slice(-count).join('\n');

export class ServerDeploy {
  readonly timeline: PhaseRecord[] = [];
  /** Holds this deployment's lock on the server. */
  held = false;
  /** Set once the key names the new container: from then on it may serve and is never discarded blindly. */
  switched = false;
  /** nginx was proven to serve the new container: another server's failure switches this one back. */
  proven = false;
  /** The connection went away: nothing more can be done or recorded here. */
  lost = false;
  containerName: string;
  private app: string;
  private readonly lock: LockRef;
  private readonly history: string;
  private inspection?: Inspection;
  /** The server's confd as the deploy began: read beside the pull, said before the switch. */
  private confdAtStart?: Promise<ConfdState | undefined>;
  private pulled?: { image: string; identity: ImageIdentity };
  private containerId?: string;
  private port?: number;
  private switchSeconds = 0;
  /** Where access-log stood before the key write: the bake counts what follows. */
  private logStart?: LogPosition | { unreadable: string };
  /** access-log checked as the deploy begins: unreadable is said then, not only at the switch. */
  private logCheck?: Promise<{ unreadable: string } | undefined>;
  private bakeReport?: BakeReport;
  /** When the bake saw the new version fail: the switch back is timed from there. */
  private bakeFailedAt?: number;
  private readonly probeLog: ProbeResult[] = [];
  private readonly env: string;

  constructor(private readonly run: DeployRun, private readonly server: Server) {
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

  /** What was pulled here: the image, its digest, and whether that is only a local image id (no registry digest). */
  get pulledImage(): { image: string; digest: string; local: boolean } | undefined {
    return this.pulled && { image: this.pulled.image, digest: this.pulled.identity.digest, local: this.pulled.identity.digest === this.pulled.identity.id };
  }

  /** What a rollback goes back to here, once inspected. */
  get rollbackRelease(): Release | undefined {
    return this.inspection?.target?.release;
  }

  private get config(): Config {
    return this.run.config;
  }

  /** A message about this server, naming it when there are several. */
  private said(message: string): string {
    return aboutServer(this.name, this.run.several, message);
  }

  private warn(message: string): void {
    this.run.warn(this.said(message));
  }

  /** Where long work stands (a pull, the release command, a wait): at most every few seconds (progress.ts). */
  private progress(message: string): void {
    const { log } = this.run;
    if (log.progress) log.progress(this.said(message));
    else log.info(this.said(message));
  }

  /** For a polling wait: says `line()` when a few seconds passed since it last did (by the deploy's clock). */
  private everyFewSeconds(): (line: () => string) => void {
    let last = this.run.clock.now();
    return (line) => {
      if (this.run.clock.now() - last < PROGRESS_EVERY_MS) return;
      last = this.run.clock.now();
      this.progress(line());
    };
  }

  private checkpoint(name: Checkpoint, value: string): void {
    this.server.checkpoint?.(name, value);
  }

  // Recorded when a phase starts, so the timeline keeps the contract's order
  // even where phases overlap.
  private async phase<T>(name: PhaseName, work: () => Promise<{ value: T; detail: string }>): Promise<T> {
    const { clock, log } = this.run;
    const t0 = clock.now();
    const record: PhaseRecord = { phase: name, ms: 0, ok: false, detail: '' };
    this.timeline.push(record);
    try {
      this.checkLock();
      const { value, detail } = await log.group(this.said(name), work);
      Object.assign(record, { ms: clock.now() - t0, ok: true, detail });
      return value;
    } catch (e) {
      const reason = e instanceof DeployError ? e.reason : (e as Error).message;
      Object.assign(record, { ms: clock.now() - t0, detail: reason });
      const hint = e instanceof DeployError ? e.hint : e instanceof LockLost ? this.lockLostHint() : e instanceof ConnectionLost ? this.connectionLostHint()
        : e instanceof Interrupted ? 'The deploy was asked to stop: what it changed is undone, and the previous version serves.' : HINTS[name];
      const failure = new DeployError(name, reason, hint, this.timeline, e instanceof DeployError ? e.details : {}, this.run.several ? this.name : undefined);
      failure.oldServes = !this.switched;
      failure.serverLost = e instanceof ConnectionLost || (e instanceof DeployError && e.serverLost);
      this.lost ||= failure.serverLost;
      throw e instanceof Stopped ? e : failure;
    }
  }

  // The lock (and a request to stop) is checked at every phase and every poll: a deploy that lost it stops at once.
  private checkLock(): void {
    const lost = this.held ? this.server.keys.lockLost(this.lock.name) : undefined;
    if (lost) throw new LockLost(`the deploy lock was lost: ${lost}`);
    if (this.run.interrupted) throw new Interrupted('the deploy was interrupted (asked to stop)');
  }

  private async pause(ms: number): Promise<void> {
    await this.run.clock.sleep(ms);
    this.checkLock();
    if (this.run.stopped) throw new Stopped(this.run.stopped);
  }

  private connectionLostHint(): string {
    return this.switched
      ? `Check the server and the network. ${this.containerName} may serve; the lock expires by itself, and the next deploy retires whichever container the key does not name.`
      : 'Check the server and the network. Nothing was switched: the previous version serves; the post step (or the next deploy) removes what this one started.';
  }

  private lockLostHint(): string {
    return this.switched
      ? `Another deploy may hold the lock now, so this one stopped. ${this.containerName} may serve; the previous container still runs, and the next deploy retires whichever the key does not name.`
      : 'Another deploy may hold the lock now, so this one stopped: nothing was switched, the previous version serves, and the new container was removed.';
  }

  /** 2. Lock: one deploy of this key at a time; released in every outcome (unlock). */
  acquireLock(): Promise<void> {
    const { clock, log, config } = this.run;
    const { keys } = this.server;
    return this.phase('lock', async () => {
      const { end, limit } = this.run.until(config.timing.lockTimeoutMs, 'lock-timeout');
      const waitedFrom = clock.now();
      const legacy = legacyLockName(config.switch.redisKey);
      let announced: string | null = null;
      const stillWaiting = this.everyFewSeconds();
      for (;;) {
        // A 0.1 deploy still running holds the old name, and knows nothing of the new one.
        const [acquired, legacyHolder] = await Promise.all([this.held || keys.tryLock(this.lock.name, this.lock.owner, LOCK_TTL_MS), keys.lockHolder(legacy)]);
        if (acquired && !this.held) {
          this.held = true;
          this.run.locked.add(this.name);
          this.checkpoint('lock', this.lock.name);
        }
        const [waitingFor, holder] = this.held ? [legacy, legacyHolder] : [this.lock.name, await keys.lockHolder(this.lock.name)];
        // Its own owner, and another server of this deploy holds its lock: the same lock, one Redis. (Alone,
        // its own owner is its own SET whose reply was lost and resent: that expires, and is waited for.)
        if (!this.held && holder === this.lock.owner && this.run.locked.size > 0) {
          throw new DeployError('lock', `${this.lock.name} is held by this same deploy through another server: the servers share one Redis`,
            'Several servers of one deploy each need their own Redis (redis-url as seen from each server): with one shared key, confd on every server would follow one value.', this.timeline);
        }
        if (this.held && holder === null) {
          const waited = clock.now() - waitedFrom;
          return { value: undefined, detail: announced ? `waited ${(waited / 1000).toFixed(1)} s for ${announced}` : this.lock.name };
        }
        if (holder && holder !== announced) {
          log.info(this.said(`Waiting for ${waitingFor}, held by ${holder}`));
          announced = holder;
        } else if (holder) {
          stillWaiting(() => `still waiting for ${waitingFor}, held by ${holder} (${seconds(clock.now() - waitedFrom)} so far, at most ${seconds(end - waitedFrom)}: ${limit})`);
        }
        if (clock.now() >= end) throw new DeployError('lock', `${waitingFor} is still held by ${holder ?? announced} after ${limit}`, HINTS.lock, this.timeline);
        await clock.sleep(POLL_MS.lock);
      }
    });
  }

  async unlock(): Promise<void> {
    if (!this.held) return;
    await this.server.keys.unlock(this.lock.name, this.lock.owner).then(
      () => this.checkpoint('lock', ''),
      (e: Error) => this.warn(`could not release ${this.lock.name} (it expires by itself): ${e.message}`),
    );
  }

  /** Writes the port key only while the lock is held and the key holds what this deploy last saw. */
  private async writeKey(expected: string | null, value: string | null): Promise<void> {
    const key = this.config.switch.redisKey;
    const outcome = await this.server.keys.compareAndSet(key, expected, value, this.lock);
    if (outcome.ok) return;
    if (outcome.lockLost) throw new Error(`${this.lock.name} is no longer held by this deploy, so ${key} was not written`);
    throw new Error(`${key} changed meanwhile (it holds ${show(outcome.current)}, not ${show(expected)}): someone else wrote it, and this deploy does not overwrite that`);
  }

  /** 3 + 4 (begun) + pull. Learn what serves now and repair a lost or wrong key first, while pulling. */
  async inspectAndPull(): Promise<void> {
    const { docker, keys, probes } = this.server;
    const c = this.config.container;
    const s = this.config.switch;
    // The release history is read beside it: a rollback takes its image from there.
    const histories = docker.readHistories(HISTORY_DIR, HISTORY_ENTRIES);
    this.confdAtStart = docker.confd().catch(() => undefined);
    const { accessLog, timeMs } = this.config.bake;
    if (accessLog && timeMs > 0) this.logCheck = docker.logEnd(accessLog).then(() => undefined, (e: Error) => this.unreadableLog(accessLog, e));
    const inspected = this.phase('inspect', async () => {
      const [keyValue, notifications, persistence, containers, listening, served, files] = await Promise.all([
        keys.get(s.redisKey), keys.keyspaceNotifications(), keys.persistence(), docker.containers(), docker.listeningPorts(), probes.probe(), histories,
      ]);
      const skipped: string[] = [];
      const history = parseHistory(files.get(this.history) ?? '', (why) => skipped.push(why));
      if (skipped.length > 0) this.warn(`~/${this.history}: ${skipped.length} line(s) are no release and were skipped (first: ${skipped[0]})`);
      const target = c.rollback ? this.rollbackImage(history) : undefined;
      const state = deploymentState({ deployment: s.redisKey, app: appName(c.app, target?.release.image ?? c.image), redisValue: s.redisValue, keyValue, served, containers });
      state.findings.forEach((m) => this.warn(m));
      if (state.repair) await this.writeKey(state.repair.from, state.repair.to);
      const risk = persistence && persistenceRisk(persistence);
      if (risk) this.warn(risk);
      const neighbourHistories = [...files].filter(([path]) => path !== this.history).map(([, text]) => parseHistory(text));
      const neighbourKeys = await Promise.all(neighbourDeployments(containers, neighbourHistories, s.redisKey).map((key) => keys.get(key).catch(() => null)));
      const reserved = reservedPorts(state.keyPort, neighbourKeys, neighbourHistories);
      const detail = state.keyValue === null ? 'key unset: first deploy' : `key=${state.keyValue}${state.serving ? `, serving: ${state.serving.name}` : ''}${state.repair ? ' (repaired)' : ''}`;
      return { value: { state, containers, listening, reserved, notifications, history, files, target }, detail };
    });
    const pulled = this.phase('pull', async () => {
      // A rollback's image is known once the history is read; any other is pulled at once.
      const target = c.rollback ? (await inspected).target : undefined;
      const image = target?.ref ?? c.image;
      const policy = target ? 'missing' : c.pull;
      const registry = c.registry ?? registryOf(image);
      const progress = new PullProgress();
      const onOutput = (text: string): void => progress.feed(text);
      const t0 = this.run.clock.now();
      const took = (): string => seconds(this.run.clock.now() - t0);
      try {
        const pulling = c.registryUsername && c.registryPassword ? this.pullLoggedIn(image, policy, registry, c.registryUsername, c.registryPassword, onOutput)
          : docker.pull(image, policy, undefined, onOutput);
        const identity = await reportWhile(pulling, () => `pulling ${image}: ${pullLine(progress.state)} (${took()})`, (line) => this.progress(line));
        const login = c.registryUsername ? ` (logged in to ${registry} for this pull)` : '';
        const { bytes } = progress.state;
        return { value: { image, identity }, detail: `${image} ${identity.digest}${bytes > 0 ? `, ${megabytes(bytes)} in ${took()}` : ''}${login}` };
      } catch (e) {
        if (!target) throw e;
        throw new Error(`the release to roll back to, ${target.release.image} (${target.release.digest}, deployed ${target.release.time}), is not on the server and cannot be pulled by digest: ${(e as Error).message}`);
      }
    });
    [this.inspection, this.pulled] = await Promise.all([inspected, pulled]);
    // A rollback by image id pulls "sha256:...": its app is the release's image's.
    this.app = appName(c.app, this.inspection.target?.release.image ?? this.pulled.image);
    this.containerName = `${this.app}-${this.run.identity.instance}`;
    if (this.inspection.target) this.run.log.info(`Rolling back to ${this.inspection.target.release.image} (${this.pulled.image}), deployed ${this.inspection.target.release.time}`);
  }

  /** What `rollback: true` deploys, by digest; an Error says why there is none. */
  private rollbackImage(history: Release[]): { ref: string; release: Release } {
    const c = this.config.container;
    const found = rollbackTarget(history);
    if ('refusal' in found) throw new DeployError('inspect', `rollback: ${found.refusal}`, 'Rollback deploys the release before the one now serving, from the history on the server.', this.timeline);
    const { release } = found;
    const repository = repositoryOf(release.image);
    if (c.image && repositoryOf(c.image) !== repository) {
      throw new DeployError('inspect', `rollback: image names ${repositoryOf(c.image)}, but the release to roll back to is ${release.image}`, 'Leave image out for a rollback, or name the repository being rolled back.', this.timeline);
    }
    // A digest from a registry is pulled by it; an image that never had one is run by its local id.
    return { release, ref: pinnedRef(release.image, { digest: release.digest, id: release.imageId }) };
  }

  /** The login lives in a Docker config of this deploy's own, removed right after the pull:
   * `docker login` would otherwise leave the password in ~/.docker/config.json for good. */
  private async pullLoggedIn(image: string, policy: PullPolicy, registry: string, username: string, password: string, onOutput: (text: string) => void): Promise<ImageIdentity> {
    const { docker } = this.server;
    const configDir = await docker.makePrivateDir();
    this.checkpoint('dockerConfig', configDir);
    try {
      await docker.login(configDir, registry, username, password);
      return await docker.pull(image, policy, configDir, onOutput);
    } finally {
      await docker.removeDir(configDir).then(() => this.checkpoint('dockerConfig', ''), (e: Error) => this.warn(`could not remove the registry login in ${configDir}: ${e.message}`));
    }
  }

  /** What was inspected and pulled; `pinned` is what runs: the pulled image, even if its tag moved since. */
  private get prepared(): { inspection: Inspection; image: string; identity: ImageIdentity; pinned: string } {
    if (!this.inspection || !this.pulled) throw new Error('the server was not inspected');
    return { inspection: this.inspection, ...this.pulled, pinned: pinnedRef(this.pulled.image, this.pulled.identity) };
  }

  /** 5a. The release phase: once, in a one-off container of the new image, before anything starts. */
  releasePhase(): Promise<void> {
    const c = this.config.container;
    const { pinned } = this.prepared;
    const name = `${this.containerName}-release`;
    return this.phase('release', async () => {
      // A migration of an earlier deploy that was killed may still run: two at once could corrupt the schema.
      const running = this.prepared.inspection.containers.find((x) => x.labels[LABEL_ROLE] === 'release' && x.labels[LABEL_DEPLOYMENT] === this.config.switch.redisKey && isUp(x));
      if (running) {
        throw new DeployError('release', `${running.name}, the release command of an earlier deploy, still runs: this one does not start a second`,
          `Wait for it to finish (docker logs -f ${running.name}), or stop it if it is stuck (docker rm -f ${running.name}), then deploy again. Nothing was started or switched: the previous version serves.`, this.timeline);
      }
      const { end, limit } = this.run.until(this.config.timing.releaseTimeoutMs, 'release-timeout');
      // Said before it starts: a deploy cancelled meanwhile has its post step stop it.
      this.checkpoint('release', name);
      const t0 = this.run.clock.now();
      let tail = '';
      const released = this.server.docker.runOnce({
        name, image: pinned, app: this.app, deployment: this.config.switch.redisKey,
        envFile: c.envFile, envOnStdin: c.env.length > 0, runArgs: c.runArgs, command: c.releaseCommand,
      }, this.env, Math.max(end - this.run.clock.now(), 1), (text) => { tail = (tail + text).slice(-RELEASE_TAIL_CHARS); });
      const outcome = await reportWhile(released, () => {
        const last = lastLine(tail);
        return `the release command runs (${seconds(this.run.clock.now() - t0)} so far, at most ${seconds(end - t0)}: ${limit})${last ? `; its last line: ${last}` : ''}`;
      }, (line) => this.progress(line));
      this.checkpoint('release', '');
      if (outcome === 'timed out') throw new DeployError('release', `the release command did not finish within ${limit}; its container was removed`, HINTS.release, this.timeline);
      const logs = lastLines(outcome.output, LOG_TAIL_LINES);
      if (outcome.code !== 0) throw new DeployError('release', `the release command exited with code ${outcome.code}`, HINTS.release, this.timeline, { logs });
      return { value: undefined, detail: `${c.releaseCommand.join(' ')}: exit 0` };
    });
  }

  /** 5 + 6. Start the new container on a free port of port-range, then check it is ready. */
  async startAndCheck(): Promise<void> {
    this.containerId = await this.start();
    this.port = await this.ready(this.containerId);
  }

  private start(): Promise<string> {
    const c = this.config.container;
    const { inspection, image, pinned } = this.prepared;
    return this.phase('start', async () => {
      const spec: RunSpec = {
        name: this.containerName, image, pinned, app: this.app, deployment: this.config.switch.redisKey,
        deployId: this.run.identity.deployId, bindAddress: c.bindAddress, hostPort: 0, containerPort: c.containerPort, restart: c.restart,
        runArgs: c.runArgs, envFile: c.envFile, envOnStdin: c.env.length > 0,
      };
      const taken = takenPorts(inspection.listening, inspection.containers, inspection.reserved);
      for (let attempt = 1; ; attempt += 1) {
        const port = firstFreePort(c.portRange, taken);
        if (port === undefined) throw new Error(`no free port in port-range ${c.portRange.first}-${c.portRange.last}`);
        spec.hostPort = port;
        // Said before the run: a deploy cancelled while docker creates it still has it removed.
        this.checkpoint('container', this.containerName);
        try {
          const containerId = await this.server.docker.run(spec, this.env);
          return { value: containerId, detail: `${this.containerName} started on :${port}` };
        } catch (e) {
          await this.server.docker.discard([this.containerName]).then(() => this.checkpoint('container', ''), () => undefined);
          // Taken between the look and the run (another deployment starting, say): try the next one.
          const clash = /address already in use|port is already allocated/.test((e as Error).message);
          if (!clash || attempt >= PORT_ATTEMPTS) throw e;
          taken.add(port);
        }
      }
    });
  }

  /** 6. Ready check, directly on the new port (read from the container: one
   * that already exited has none, and its state says why). */
  private ready(id: string): Promise<number> {
    const { docker, probes } = this.server;
    const c = this.config.container;
    const s = this.config.switch;
    return this.phase('ready', async () => {
      const { end, limit } = this.run.until(this.config.timing.healthTimeoutMs, 'health-timeout');
      let last = '';
      for (;;) {
        const container = await docker.inspect(id, c.containerPort);
        let failure = await this.containerFailure(container) ?? '';
        if (!failure && container.status === 'running') {
          if (container.hostPort === undefined) failure = `docker published no port for ${c.containerPort}/tcp`;
          else {
            const answer = await probes.health(container.hostPort);
            if (isHealthyStatus(answer.status) && (container.health === undefined || container.health === 'healthy')) {
              return { value: container.hostPort, detail: `${s.healthPath} answered ${answer.status}${container.health ? ', healthy' : ''}` };
            }
            last = answer.error ?? `${s.healthPath} answered ${answer.status}${container.health ? `, health ${container.health}` : ''}`;
          }
        }
        if (!failure && this.run.clock.now() >= end) failure = `not ready within ${limit} (last: ${last || container.status})`;
        if (failure) throw new DeployError('ready', failure, HINTS.ready, this.timeline, { logs: await this.newContainerLogs() });
        await this.pause(POLL_MS.ready);
      }
    });
  }

  /** Why the new container is not fit to serve by its own state (exited, restarted, unhealthy): the ready check and the bake ask. */
  private async containerFailure(container: ContainerState): Promise<string | undefined> {
    if (container.status === 'exited' || container.status === 'dead') return `the container exited with code ${container.exitCode}`;
    if (container.status === 'restarting' || container.restartCount > 0) {
      // Running again after a restart, its state says exit code 0: Docker's events have the real one.
      const code = container.exitCode || await this.server.docker.lastExitCode(container);
      return `the container exited${code ? ` with code ${code}` : ''} and was restarted (restart: ${this.config.container.restart})`;
    }
    if (container.health === 'unhealthy') return 'the image HEALTHCHECK reports unhealthy';
    return undefined;
  }

  private async probe(): Promise<ProbeResult> {
    const result = await this.server.probes.probe();
    this.probeLog.push(result);
    if (this.probeLog.length > KEPT_PROBES) this.probeLog.shift();
    return result;
  }

  /** 'proven' once probe-successes probes in a row are answered by `expectPort`; a 5xx that
   * `failFastPort` answered ends it at once (that answer is returned): only an nginx still on
   * the old upstream is waited for. */
  private proveServing(expectPort: number, end: number, failFastPort?: number): Promise<'proven' | 'timed out' | ProbeResult> {
    return proveServed(() => this.probe(), expectPort, this.config.switch.probeSuccesses, async () => {
      if (this.run.clock.now() >= end) return false;
      await this.pause(POLL_MS.switch);
      return true;
    }, (result) => failFastPort !== undefined && upstreamPort(result.upstream) === failFastPort && (result.status ?? 0) >= 500);
  }

  /** Whether this server bakes: bake-time is set and a previous version serves, to go back to. */
  private get bakes(): boolean {
    return this.config.bake.timeMs > 0 && this.prepared.inspection.state.serving !== undefined;
  }

  // After a write-back, a render of the new value may still be in flight (a slow check_cmd, an
  // -interval poll): the new container may go only once the old upstream has served without a
  // break for as long as a render was given (switch-timeout). Bounded by the deploy's timeout.
  private async settledOn(oldPort: number, newPort: number): Promise<boolean> {
    const { clock } = this.run;
    let since: number | undefined;
    for (;;) {
      const result = await this.probe();
      const served = upstreamPort(result.upstream);
      if (served === newPort || !isHealthyStatus(result.status) || served !== oldPort) since = undefined;
      else since ??= clock.now();
      if (since !== undefined && clock.now() - since >= this.config.timing.switchTimeoutMs) return true;
      if (clock.now() >= this.run.deadline) return false;
      await this.pause(POLL_MS.settle);
    }
  }

  private get newValue(): string {
    return formatKeyValue(this.config.switch.redisValue, this.port ?? 0);
  }

  /** 7 + 8. Switch the key, then prove nginx serves the new port; on failure, write the old value back. */
  switchTo(): Promise<void> {
    const { docker } = this.server;
    const { redisKey, probeSuccesses } = this.config.switch;
    const { state, notifications } = this.prepared.inspection;
    const port = this.port ?? 0;
    const newValue = this.newValue;
    return this.phase('switch', async () => {
      if (notifications === false) {
        this.warn('Redis keyspace notifications are off (notify-keyspace-events lacks K$): confd -watch will not see this write; only its -interval poll will');
      } else if (notifications === undefined) {
        this.run.log.info('Could not check Redis keyspace notifications (CONFIG is refused, as on managed Redis): make sure notify-keyspace-events includes K$');
      }
      const confdAtStart = await this.confdAtStart;
      const sharedWatch = confdAtStart && sharedWatchProblem(confdAtStart);
      if (sharedWatch) this.warn(sharedWatch);
      const accessLog = this.config.bake.accessLog;
      if (this.bakes && accessLog) this.logStart = (await this.logCheck) ?? await docker.logEnd(accessLog).catch((e: Error) => this.unreadableLog(accessLog, e));
      const t0 = this.run.clock.now();
      // Said before the write: a deploy killed in between keeps a container the key may name.
      this.checkpoint('switching', 'true');
      await this.writeKey(state.keyValue, newValue);
      this.switched = true;
      const { end, limit } = this.run.until(this.config.timing.switchTimeoutMs, 'switch-timeout');
      const outcome = await this.proveServing(port, end, port);
      if (outcome === 'proven') {
        this.proven = true;
        this.switchSeconds = (this.run.clock.now() - t0) / 1000;
        if (this.bakes && state.keyPort !== undefined) {
          const baking: BakingCheckpoint = { from: newValue, to: state.keyValue, port: state.keyPort };
          this.checkpoint('baking', JSON.stringify(baking));
        }
        return { value: undefined, detail: `${redisKey}=${newValue}; ${probeSuccesses} probes in a row answered by :${port} after ${this.switchSeconds.toFixed(3)} s` };
      }
      const failedProbes = [...this.probeLog];
      const badAnswer = outcome === 'timed out' ? undefined : outcome;
      const notServed = badAnswer ? `the new version answered ${badAnswer.status} on ${probePath(this.config.switch.probeUrl)} through nginx` : `nginx did not serve port ${port} within ${limit}`;
      // Read again, not taken from the start: confd may have stopped since.
      const hint = badAnswer
        ? `The new version fails through nginx although its ready check passed (health-path ${this.config.switch.healthPath} may not cover the pages that fail): see its log lines.`
        : switchHint(failedProbes, this.config, port, await this.switchFacts(notifications));
      const logs = badAnswer ? await this.newContainerLogs() : undefined;
      try {
        await this.writeKey(newValue, state.keyValue);
      } catch (e) {
        throw new DeployError('switch', `${notServed}, and ${redisKey} could not be set back: ${(e as Error).message}`,
          `${this.containerName} stays running on :${port}, since the key may name it. Check what ${redisKey} holds and which container nginx serves.`, this.timeline, { probes: failedProbes, logs });
      }
      const setBack = `${notServed}; ${redisKey} was set back to ${state.keyValue ?? '(unset)'}`;
      // Written back: the old version serves again once nginx is back on it (proven below).
      // A bad answer means confd already rendered the new value: no render of it is left in flight,
      // so nginx proven back on the old upstream is enough.
      const settled = state.keyPort === undefined || (badAnswer
        ? await this.proveServing(state.keyPort, this.run.until(this.config.timing.switchTimeoutMs, 'switch-timeout').end) === 'proven'
        : await this.settledOn(state.keyPort, port));
      if (!settled) {
        const serves = upstreamPort(this.probeLog.at(-1)?.upstream);
        throw new DeployError('switch', `${setBack}, but by the deploy's timeout nginx had not served :${state.keyPort} without a break for ${this.config.timing.switchTimeoutMs / 1000} s (it serves ${serves ? `:${serves}` : 'neither'} now)`,
          `${this.containerName} stays running on :${port}: a slow confd may still point nginx at it. Once nginx serves :${state.keyPort} steadily, remove it (docker rm -f ${this.containerName}); otherwise the next deploy retires it. ${hint}`,
          this.timeline, { probes: failedProbes, logs });
      }
      this.switched = false;
      this.checkpoint('switching', '');
      throw new DeployError('switch', setBack, hint, this.timeline, { probes: failedProbes, logs });
    });
  }

  /** Another server failed after this one switched: the old value goes back, and nginx is proven to serve it again. */
  switchBack(): Promise<void> {
    const { redisKey } = this.config.switch;
    const { state } = this.prepared.inspection;
    return this.phase('undo', async () => {
      await this.writeKey(this.newValue, state.keyValue);
      let detail = `${redisKey} unset again (nothing served before this deploy)`;
      if (state.keyPort !== undefined) {
        const { end, limit } = this.run.until(this.config.timing.switchTimeoutMs, 'switch-timeout');
        if (await this.proveServing(state.keyPort, end) !== 'proven') {
          throw new DeployError('undo', `${redisKey} was set back to ${state.keyValue}, but nginx did not serve :${state.keyPort} again within ${limit}`,
            `${this.containerName} stays running on :${this.port}, since nginx may still serve it. Check confd on this server; the next deploy retires whichever container the key does not name.`, this.timeline);
        }
        detail = `${redisKey}=${state.keyValue}; ${this.config.switch.probeSuccesses} probes in a row answered by :${state.keyPort}`;
        // It served (a bake, or batches after it): requests in flight to it finish before it goes.
        detail += `; ${await this.drain([this.port ?? 0], 'removing it')}`;
      }
      this.switched = false;
      this.proven = false;
      if (this.bakes) this.checkpoint('baking', '');
      this.checkpoint('switching', '');
      if (this.bakeReport && this.bakeFailedAt !== undefined) this.bakeReport.switchBackSeconds = (this.run.clock.now() - this.bakeFailedAt) / 1000;
      return { value: undefined, detail };
    });
  }

  /** Waits until no nginx worker is shutting down and no connection to `ports` is left, at most drain-timeout. */
  private async drain(ports: number[], then: string): Promise<string> {
    const { end, limit } = this.run.until(this.config.timing.drainTimeoutMs, 'drain-timeout');
    const shown = ports.map((p) => `:${p}`).join(', ');
    const t0 = this.run.clock.now();
    const stillDraining = this.everyFewSeconds();
    for (;;) {
      const drain = await this.server.docker.drainState(ports);
      if (drain.shuttingDownWorkers === 0 && drain.connections === 0) return `no connection to ${shown} left`;
      stillDraining(() => `draining ${shown}: ${drain.connections} connection(s) left, ${drain.shuttingDownWorkers} nginx worker(s) shutting down (${seconds(this.run.clock.now() - t0)} so far, at most ${seconds(end - t0)}: ${limit})`);
      if (this.run.clock.now() >= end) {
        this.warn(`${limit} passed with ${drain.connections} connection(s) to ${shown} and ${drain.shuttingDownWorkers} nginx worker(s) shutting down; ${then} anyway`);
        return 'timed out';
      }
      await this.pause(POLL_MS.drain);
    }
  }

  private unreadableLog(path: string, e: Error): { unreadable: string } {
    this.warn(`access-log ${path} cannot be read (${e.message}): the bake watches the container and probes only, not real traffic. `
      + `The deploy user needs read access to it (on Debian: usermod -aG adm ${this.config.servers[0]?.username ?? 'USER'}, as nginx's logs belong to the adm group).`);
    return { unreadable: `${path} cannot be read` };
  }

  /** The new container's last log lines, for a failure's details. */
  private newContainerLogs(): Promise<string> {
    return this.server.docker.logs(this.containerId ?? this.containerName, LOG_TAIL_LINES).catch(() => '(logs unavailable)');
  }

  /** After the switch, for bake-time: the new version watched under real traffic while the previous
   * container stays warm. A failure throws, and the deploy switches back (deploy.ts, undo). */
  bake(): Promise<void> {
    const { docker } = this.server;
    const { bake, container: c } = this.config;
    const id = this.containerId ?? '';
    const port = this.port ?? 0;
    return this.phase('bake', async () => {
      if (!this.bakes) return { value: undefined, detail: 'no previous version served, so none to go back to: not baked' };
      const { accessLog } = bake;
      // Bounded by the deploy's deadline too: until() ends at whichever comes first.
      const report = await watchBake({
        container: async () => {
          const state = await docker.inspect(id, c.containerPort);
          return { failure: await this.containerFailure(state), restarts: state.restartCount };
        },
        probe: () => this.probe(),
        readLog: accessLog ? (from) => docker.readLog(accessLog, from, LOG_READ_BYTES) : undefined,
        pause: (ms) => this.pause(ms),
        now: () => this.run.clock.now(),
        progress: (message) => this.run.log.info(this.said(message)),
      }, { timeMs: this.run.until(bake.timeMs, 'bake-time').end - this.run.clock.now(), limits: bake, port, probePath: probePath(this.config.switch.probeUrl), logStart: this.logStart });
      const { failedAt, ...seen } = report;
      if (seen.passed && seen.seconds * 1000 < bake.timeMs) throw new DeployError('bake', `timeout (the whole deploy) ended the bake after ${seen.seconds.toFixed(1)} s of bake-time ${bake.timeMs / 1000} s`, HINTS.bake, this.timeline, { bake: seen });
      this.bakeReport = seen;
      if (seen.passed) return { value: undefined, detail: bakeLine(seen) };
      this.bakeFailedAt = failedAt;
      throw new DeployError('bake', seen.reason ?? 'failed', this.bakeHint(), this.timeline, { logs: await this.newContainerLogs(), bake: seen });
    });
  }

  /** A bake verdict: the new version failed; the deploy switches back to the previous one, which kept running. */
  private bakeHint(): string {
    const release = this.config.container.releaseCommand.length > 0
      ? ' The release command ran before the switch: the previous version now runs against what it changed (write migrations the previous version tolerates: expand, then contract).'
      : '';
    return `The new version failed through nginx after its ready check passed: see the evidence and its log lines. The deploy switches back to the previous version, which kept running.${release}`;
  }

  /** What a failed switch can learn on the server: its confds now, and what they rendered for the key. */
  private async switchFacts(notifications?: boolean): Promise<SwitchFacts> {
    const { docker } = this.server;
    const confd = await docker.confd().catch(() => undefined);
    const resource = confd && resourceRendering(confd, this.config.switch.redisKey);
    const rendered = resource?.dest ? await docker.readFile(resource.dest, FILE_READ_BYTES).catch(() => undefined) : undefined;
    return { confd, notifications, resource, rendered };
  }

  /** The new container goes, unless the key may name it. */
  async discardNew(): Promise<void> {
    if (this.switched || this.lost || !this.containerId) return;
    await this.server.docker.discard([this.containerId]).then(
      () => this.checkpoint('container', ''),
      (e: Error) => this.warn(`could not remove ${this.containerName}: ${e.message}`),
    );
  }

  /** 9 + 10 + 11. Every server serves the new version: record it, drain what ran before, stop it gracefully. */
  async retire(): Promise<ServerResult> {
    const { docker } = this.server;
    const { clock } = this.run;
    const { inspection, image, identity } = this.prepared;
    const { state } = inspection;
    const id = this.containerId ?? '';
    const port = this.port ?? 0;
    const c = this.config.container;
    const thisRelease: Release = {
      time: new Date(clock.now()).toISOString(), run: this.run.identity.lockOwner, outcome: c.rollback ? 'rolled back' : 'deployed',
      image, digest: identity.digest, imageId: identity.id, container: this.containerName, port,
    };
    const releases = [...inspection.history, thisRelease];
    // Every bake passed: from here the new version stays, whatever happens to the deploy.
    if (this.bakes) this.checkpoint('baking', '');
    const recorded = this.record(thisRelease);

    // Everything of this deployment that ran before: drained, then stopped gracefully.
    const retiring = retirees(state, id);
    const oldPorts = [...new Set(retiring.stop.flatMap((x) => x.hostPorts))].filter((p) => p !== port);
    if (oldPorts.length > 0) await this.phase('drain', async () => ({ value: undefined, detail: await this.drain(oldPorts, 'retiring') }));

    // Past the proven switch, a failure here is a warning. Old containers stop
    // side by side; images are pruned once they are gone.
    await this.phase('retire', async () => {
      const done: string[] = [];
      const stopOne = async (old: ContainerSummary): Promise<void> => {
        try {
          await docker.stop(old.id, Math.ceil(this.config.timing.stopTimeoutMs / 1000));
          await docker.remove([old.id]);
          done.push(`stopped ${old.name}`);
        } catch (e) {
          this.warn(`could not stop or remove ${old.name}: ${(e as Error).message}`);
        }
      };
      const removeLeftovers = async (): Promise<void> => {
        if (retiring.remove.length === 0) return;
        await docker.remove(retiring.remove.map((x) => x.id)).then(
          () => done.push(`removed ${retiring.remove.length} stopped container(s)`),
          (e: Error) => this.warn(`could not remove stopped containers of this deployment: ${e.message}`),
        );
      };
      // Listed while the old containers stop; pruned once they are gone, so their images can go too.
      // Kept whatever keep-images says: the new image, the one that served until now (the
      // rollback target), every image a container of the server uses, and the images of the last
      // keep-images releases of every deployment with a history here; the containers and the
      // histories are read again once the old containers are gone (when anything is to be pruned),
      // as neighbouring deployments may have started or released meanwhile.
      const pruneImages = async (stopped: Promise<unknown>): Promise<void> => {
        try {
          const images = await docker.images(repositoryOf(image));
          await stopped;
          const protectedBy = (containers: ContainerSummary[], files: Map<string, string>): Set<string> => {
            const histories = [releases, ...[...files].filter(([path]) => path !== this.history).map(([, text]) => parseHistory(text))];
            return new Set([identity.id, ...(state.serving ? [state.serving.imageId] : []), ...containers.map((x) => x.imageId),
              ...histories.flatMap((h) => imagesToKeep(h, this.config.keepImages))]);
          };
          // The inspection's look without the containers retired here: if it prunes nothing, the fresh
          // look is not taken (~0.1 s). It could only differ by what neighbours changed since: what
          // they started or released is kept either way; what they let go is pruned next time.
          const gone = new Set([...retiring.stop, ...retiring.remove].map((x) => x.id));
          if (imagesToPrune(images, protectedBy(inspection.containers.filter((x) => !gone.has(x.id)), inspection.files)).length === 0) return;
          // A neighbour deploying now may have pulled an image it has not started yet: listed
          // above, so its lock is already held (a deploy pulls under its lock). Pruned next time;
          // asked again right before the removal, to leave the smallest window.
          const neighbourDeploying = async (): Promise<boolean> => {
            const deploying = (await this.server.keys.deploying()).filter((key) => key !== this.config.switch.redisKey);
            if (deploying.length > 0) done.push(`old images kept this time: ${deploying.join(', ')} is deploying on this server`);
            return deploying.length > 0;
          };
          // Asked before the look: a neighbour not deploying now has started what it pulled.
          if (await neighbourDeploying()) return;
          const [containers, files] = await Promise.all([docker.containers(), docker.readHistories(HISTORY_DIR, HISTORY_ENTRIES)]);
          const prune = imagesToPrune(images, protectedBy(containers, files));
          if (prune.length === 0 || await neighbourDeploying()) return;
          await docker.removeImages(prune);
          done.push(`pruned ${prune.join(', ')}`);
        } catch (e) {
          this.warn(`could not prune old images: ${(e as Error).message}`);
        }
      };
      const stopped = Promise.all([...retiring.stop.map(stopOne), removeLeftovers()]);
      await Promise.all([stopped, pruneImages(stopped), recorded]);
      return { value: undefined, detail: done.join('; ') || 'nothing to retire' };
    });

    return {
      server: this.name,
      container: this.containerName,
      containerId: id,
      port,
      previousPort: state.keyPort,
      previousContainer: state.serving?.name,
      image,
      previousImage: state.serving?.image,
      imageDigest: identity.digest,
      switchSeconds: this.switchSeconds,
      probes: this.probeLog,
      timeline: this.timeline,
      releases: latest(releases, SUMMARY_RELEASES),
      bake: this.bakeReport,
    };
  }

  /** A failed deploy is part of the history too (unless it never held the lock or lost the server). */
  async recordFailure(e: DeployError): Promise<void> {
    if (!this.held || this.lost) return;
    const where = e.server && e.server !== this.name ? `${e.server}: ` : '';
    await this.record({ outcome: this.bakeFailedAt !== undefined ? 'baked-out' : 'failed', image: this.config.container.image, digest: '', imageId: '', container: this.containerName, reason: `${where}${e.phase}: ${e.reason}` });
  }

  private async record(release: Omit<Release, 'time' | 'run'>): Promise<void> {
    const entry: Release = { time: new Date(this.run.clock.now()).toISOString(), run: this.run.identity.lockOwner, ...release, deployment: this.config.switch.redisKey };
    await this.server.docker.appendHistory(this.history, JSON.stringify(entry), HISTORY_ENTRIES).catch((e: Error) => this.warn(`could not record the release in ~/${this.history}: ${e.message}`));
  }
}

const HINTS: Record<PhaseName, string> = {
  lock: `Another deploy of this key is running (see the holder above); raise lock-timeout or retry when it finished. A holder that died frees the lock within ${LOCK_TTL_MS / 1000} s.`,
  inspect: 'Check redis-url (as seen from the server) and that the deploy user may run docker.',
  pull: 'Check the image reference, the registry credentials and that the server reaches the registry.',
  start: 'Check container-port, port-range, run-args and env-file; the previous version was not touched.',
  release: 'The release command failed: see its log lines above. Nothing was started or switched: the previous version serves. Write migrations the running version tolerates (expand, then contract).',
  ready: 'The new container never served: see its log lines above. The previous version was not touched.',
  bake: 'The bake watches the new version after the switch (bake-time) while the previous one keeps running; when it cannot go on, the deploy switches back.',
  switch: 'Check that confd runs with -watch, its check_cmd and reload_cmd, and that nginx sends the upstream header.',
  undo: 'Check confd and nginx on this server: the key names the previous container again.',
  drain: 'The switch succeeded; the old container may still hold connections.',
  retire: 'The switch succeeded; clean up the old container by hand.',
};

interface SwitchFacts {
  /** The server's confd processes and resources (undefined: ps failed). */
  confd?: ConfdState;
  notifications?: boolean;
  /** A resource that renders the key, and what its dest holds now (undefined: unreadable). */
  resource?: TemplateResource;
  rendered?: string;
}

/** What a failed switch looks like from outside, and what to check. */
function switchHint(probes: ProbeResult[], config: Config, port: number, facts: SwitchFacts): string {
  const header = config.switch.upstreamHeader;
  if (probes.length > 0 && probes.every((p) => p.error)) return `nginx did not answer at probe-url ${config.switch.probeUrl.href} (${probes.at(-1)?.error}): check probe-url as seen from the server.`;
  if (probes.some((p) => p.status !== undefined) && probes.every((p) => !p.upstream)) {
    return `Responses carry no ${header} header: add \`add_header ${header} $upstream_addr always;\` for requests from 127.0.0.1 (examples/host/nginx), or set upstream-header.`;
  }
  const { confd } = facts;
  const count = confd?.processes.length;
  const running = count === undefined ? '' : ` (${count} confd process${count === 1 ? ' runs' : 'es run'})`;
  if (probes.some((p) => upstreamPort(p.upstream) === port)) return `nginx served the new port only some of the time: is more than one nginx or confd running${running}?`;
  if (count === 0) return 'nginx kept serving the old upstream and no confd process runs on the server: start confd (systemctl start confd).';
  if (confd && confdsRendering(confd, config.switch.redisKey) === 0) {
    return `nginx kept serving the old upstream: no running confd renders ${config.switch.redisKey} (the confds that run read ${[...confd.resources.keys()].join(', ')}, and none has a template resource for it). Start this deployment's confd (systemctl start confd, or confd@NAME).`;
  }
  if (facts.notifications === false) return 'nginx kept serving the old upstream: Redis keyspace notifications are off, so confd -watch never saw the write. Set notify-keyspace-events K$g.';
  const sharedWatch = confd && sharedWatchProblem(confd);
  if (sharedWatch) return `nginx kept serving the old upstream: ${sharedWatch}`;
  const { resource, rendered } = facts;
  if (resource?.dest && rendered !== undefined) {
    if (!namesPort(rendered, port)) {
      return `nginx kept serving the old upstream: confd did not render :${port} to ${resource.dest}. Its check_cmd refused the value (does redis-value fit the template?), or it did not see the write (an -interval longer than switch-timeout; journalctl -u confd).`;
    }
    return handsPeerToNginx(resource)
      ? `confd rendered :${port} to ${resource.dest}, but nginx did not take it: its reload_cmd (${resource.reloadCmd}) did not reach nginx's admin socket, or nginx refused the address. Check that nginx runs with dhd-peers.conf and its Lua module (README: A switch without a reload), then run the reload_cmd as root by hand.`
      : `confd rendered :${port} to ${resource.dest}, but nginx kept the old upstream: its reload_cmd (${resource.reloadCmd ?? 'none'}) failed or signalled another nginx. Run nginx -t, then the reload_cmd as root by hand.`;
  }
  return `nginx kept serving the old upstream although confd runs${running}: its check_cmd or reload_cmd probably failed, or it polls with an -interval longer than switch-timeout (journalctl -u confd). Check that the value written renders a valid upstream (redis-value) and that nginx -t passes.`;
}
