// One deploy, in the order of the contract (DESIGN.md "One deploy, step by
// step"), written against small interfaces so unit tests drive it with fakes.
import { deploymentState, retirees } from './deployment-state.js';
import { countConfd, firstFreePort, imagesToPrune, registryOf, repositoryOf, takenPorts, type ContainerSummary, type ImageIdentity, type RunSpec } from './docker.js';
import { HISTORY_DIR, HISTORY_ENTRIES, historyPath, imagesToKeep, latest, parseHistory, rollbackTarget, type Release } from './history.js';
import type { DockerHost } from './docker-host.js';
import { appFromImage, type Config, type PullPolicy } from './inputs.js';
import { isHealthyStatus, type ProbeResult } from './probe.js';
import { ConnectionLost } from './ssh/connection.js';
import { lockName, legacyLockName, persistenceRisk, type KeyStore, type LockRef } from './redis.js';
import { formatKeyValue, upstreamPort } from './upstream.js';

export interface Probes {
  /** health-path on the new container's own port, bypassing nginx. */
  health(port: number): Promise<ProbeResult>;
  /** probe-url through nginx, a fresh connection each time. */
  probe(): Promise<ProbeResult>;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface Log {
  info(message: string): void;
  warning(message: string): void;
  group<T>(name: string, work: () => Promise<T>): Promise<T>;
}

/** What the cancel-safe post step needs to know: the lock held, the container
 * started, and whether it may have received traffic. */
export type Checkpoint = 'lock' | 'container' | 'switching' | 'dockerConfig';

export interface Deps {
  docker: DockerHost;
  keys: KeyStore;
  probes: Probes;
  clock: Clock;
  log: Log;
  checkpoint?: (name: Checkpoint, value: string) => void;
}

export type PhaseName = 'lock' | 'inspect' | 'pull' | 'release' | 'start' | 'ready' | 'switch' | 'drain' | 'retire';

export interface PhaseRecord {
  phase: PhaseName;
  ms: number;
  ok: boolean;
  detail: string;
}

export interface DeployIdentity {
  deployId: string;
  /** Makes this deploy's container names unique: `<app>-<instance>`. */
  instance: string;
  /** Who holds the lock: repository, run URL and image, plus a nonce. */
  lockOwner: string;
}

export interface DeployResult {
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
  durationSeconds: number;
  probes: ProbeResult[];
  timeline: PhaseRecord[];
  warnings: string[];
  /** The deployment's last releases, newest first, this one included. */
  releases: Release[];
}

export class DeployError extends Error {
  /** False once the key may name the new container: what serves is then for the user to check. */
  oldServes = true;
  /** The SSH connection went away: nothing more can be done or recorded on the server. */
  serverLost = false;

  constructor(readonly phase: PhaseName, readonly reason: string, readonly hint: string, readonly timeline: PhaseRecord[], readonly details: { logs?: string; probes?: ProbeResult[] } = {}) {
    super(`${phase} failed: ${reason}`);
  }
}

/** The deploy lock is gone: whatever the deploy was doing, it stops. */
class LockLost extends Error {}

const POLL_MS = { lock: 250, ready: 50, switch: 5, settle: 50, drain: 50 };
/** Renewed every quarter of it while held: a deploy whose runner died frees the lock this long after.
 * Above the time SSH keepalives take to declare a connection dead (see ssh/connection.ts). */
const LOCK_TTL_MS = 30_000;
const LOG_TAIL_LINES = 30;
const show = (value: string | null): string => (value === null ? '(unset)' : `"${value}"`);
const lastLines = (text: string, count: number): string => text.split('\n').filter((l) => l.trim()).slice(-count).join('\n');
/** History entries the summary shows. */
const SUMMARY_RELEASES = 5;
const PORT_ATTEMPTS = 5;
const KEPT_PROBES = 10;

export async function deploy(config: Config, deps: Deps, identity: DeployIdentity): Promise<DeployResult> {
  const { docker, keys, probes, clock, log } = deps;
  const { container: c, switch: s, timing } = config;
  const started = clock.now();
  const deadline = started + timing.timeoutMs;
  const timeline: PhaseRecord[] = [];
  const warnings: string[] = [];
  const warn = (m: string): void => { warnings.push(m); log.warning(m); };
  config.deprecations.forEach(warn);
  // A phase waits for its own limit or the whole deploy's, whichever ends first,
  // and names the one that did.
  const until = (phaseMs: number, input: string): { end: number; limit: string } => {
    const own = clock.now() + phaseMs;
    return own <= deadline ? { end: own, limit: input } : { end: deadline, limit: 'timeout (the whole deploy)' };
  };

  // Recorded when a phase starts, so the timeline keeps the contract's order
  // even where phases overlap.
  async function phase<T>(name: PhaseName, work: () => Promise<{ value: T; detail: string }>): Promise<T> {
    const t0 = clock.now();
    const record: PhaseRecord = { phase: name, ms: 0, ok: false, detail: '' };
    timeline.push(record);
    try {
      checkLock();
      const { value, detail } = await log.group(name, work);
      Object.assign(record, { ms: clock.now() - t0, ok: true, detail });
      return value;
    } catch (e) {
      const reason = e instanceof DeployError ? e.reason : (e as Error).message;
      Object.assign(record, { ms: clock.now() - t0, detail: reason });
      const failure = e instanceof DeployError
        ? new DeployError(name, reason, e.hint, timeline, e.details)
        : new DeployError(name, reason, e instanceof LockLost ? lockLostHint() : e instanceof ConnectionLost ? connectionLostHint() : HINTS[name], timeline);
      failure.oldServes = !switched;
      failure.serverLost = e instanceof ConnectionLost || (e instanceof DeployError && e.serverLost);
      throw failure;
    }
  }

  // The lock is checked at every phase and every poll: a deploy that lost it stops at once.
  const checkLock = (): void => {
    const lost = held ? keys.lockLost(lock.name) : undefined;
    if (lost) throw new LockLost(`the deploy lock was lost: ${lost}`);
  };
  const pause = async (ms: number): Promise<void> => {
    await clock.sleep(ms);
    checkLock();
  };
  /** Set once the key names the new container: from then on it may serve and is never discarded blindly. */
  let switched = false;
  const connectionLostHint = (): string => (switched
    ? `Check the server and the network. ${containerName} may serve; the lock expires by itself, and the next deploy retires whichever container the key does not name.`
    : 'Check the server and the network. Nothing was switched: the previous version serves; the post step (or the next deploy) removes what this one started.');
  const lockLostHint = (): string => (switched
    ? `Another deploy may hold the lock now, so this one stopped. ${containerName} may serve; the previous container still runs, and the next deploy retires whichever the key does not name.`
    : 'Another deploy may hold the lock now, so this one stopped: nothing was switched, the previous version serves, and the new container was removed.');

  // 2. Lock: one deploy of this key at a time; released in every outcome.
  const lock: LockRef = { name: lockName(s.redisKey), owner: identity.lockOwner };
  const ourHistory = historyPath(s.redisKey);
  // The app names containers; a rollback without image or app takes it from the release it goes back to.
  let containerName = `${c.app || 'app'}-${identity.instance}`;
  let held = false;
  const acquire = (): Promise<void> => phase('lock', async () => {
    const { end, limit } = until(timing.lockTimeoutMs, 'lock-timeout');
    const waitedFrom = clock.now();
    const legacy = legacyLockName(s.redisKey);
    let announced: string | null = null;
    for (;;) {
      // A 0.1 deploy still running holds the old name, and knows nothing of the new one.
      const [acquired, legacyHolder] = await Promise.all([held || keys.tryLock(lock.name, lock.owner, LOCK_TTL_MS), keys.lockHolder(legacy)]);
      if (acquired && !held) {
        held = true;
        deps.checkpoint?.('lock', lock.name);
      }
      const [waitingFor, holder] = held ? [legacy, legacyHolder] : [lock.name, await keys.lockHolder(lock.name)];
      if (held && holder === null) {
        const waited = clock.now() - waitedFrom;
        return { value: undefined, detail: announced ? `waited ${(waited / 1000).toFixed(1)} s for ${announced}` : lock.name };
      }
      if (holder && holder !== announced) {
        log.info(`Waiting for ${waitingFor}, held by ${holder}`);
        announced = holder;
      }
      if (clock.now() >= end) {
        throw new DeployError('lock', `${waitingFor} is still held by ${holder ?? announced} after ${limit}`, HINTS.lock, timeline);
      }
      await clock.sleep(POLL_MS.lock);
    }
  });
  try {
    await acquire();
    return await afterLock();
  } catch (e) {
    // A failed deploy is part of the history too (unless it never held the lock or lost the server).
    if (held && e instanceof DeployError && !e.serverLost) {
      await record({ outcome: 'failed', image: c.image, digest: '', imageId: '', container: containerName, reason: `${e.phase}: ${e.reason}` });
    }
    throw e;
  } finally {
    if (held) {
      await keys.unlock(lock.name, lock.owner).then(
        () => deps.checkpoint?.('lock', ''),
        (e: Error) => warn(`could not release ${lock.name} (it expires by itself): ${e.message}`),
      );
    }
  }

  /** Writes the port key only while the lock is held and the key holds what this deploy last saw. */
  async function writeKey(expected: string | null, value: string | null): Promise<void> {
    const outcome = await keys.compareAndSet(s.redisKey, expected, value, lock);
    if (outcome.ok) return;
    if (outcome.lockLost) throw new Error(`${lock.name} is no longer held by this deploy, so ${s.redisKey} was not written`);
    throw new Error(`${s.redisKey} changed meanwhile (it holds ${show(outcome.current)}, not ${show(expected)}): someone else wrote it, and this deploy does not overwrite that`);
  }

  /** What `rollback: true` deploys, by digest; an Error says why there is none. */
  function rollbackImage(history: Release[]): { ref: string; release: Release } {
    const found = rollbackTarget(history);
    if ('refusal' in found) throw new DeployError('inspect', `rollback: ${found.refusal}`, 'Rollback deploys the release before the one now serving, from the history on the server.', timeline);
    const { release } = found;
    const repository = repositoryOf(release.image);
    if (c.image && repositoryOf(c.image) !== repository) {
      throw new DeployError('inspect', `rollback: image names ${repositoryOf(c.image)}, but the release to roll back to is ${release.image}`, 'Leave image out for a rollback, or name the repository being rolled back.', timeline);
    }
    // A digest from a registry is pulled by it; an image that never had one is run by its local id.
    return { release, ref: release.digest === release.imageId ? release.imageId : `${repository}@${release.digest}` };
  }

  /** The login lives in a Docker config of this deploy's own, removed right after the pull:
   * `docker login` would otherwise leave the password in ~/.docker/config.json for good. */
  async function pullLoggedIn(image: string, policy: PullPolicy, registry: string, username: string, password: string): Promise<ImageIdentity> {
    const configDir = await docker.makePrivateDir();
    deps.checkpoint?.('dockerConfig', configDir);
    try {
      await docker.login(configDir, registry, username, password);
      return await docker.pull(image, policy, configDir);
    } finally {
      await docker.removeDir(configDir).then(() => deps.checkpoint?.('dockerConfig', ''), (e: Error) => warn(`could not remove the registry login in ${configDir}: ${e.message}`));
    }
  }

  async function record(release: Omit<Release, 'time' | 'run'>): Promise<void> {
    const entry: Release = { time: new Date(clock.now()).toISOString(), run: identity.lockOwner, ...release };
    await docker.appendHistory(ourHistory, JSON.stringify(entry), HISTORY_ENTRIES).catch((e: Error) => warn(`could not record the release in ~/${ourHistory}: ${e.message}`));
  }

  async function afterLock(): Promise<DeployResult> {
    const env = c.env.map(([k, v]) => `${k}=${v}\n`).join('');
    // 3 + 4. Learn what serves now and repair a lost or wrong key first, while pulling. The
    // release history is read beside it: a rollback takes its image from there.
    const histories = docker.readHistories(HISTORY_DIR);
    const inspected = phase('inspect', async () => {
      const [keyValue, notifications, persistence, containers, listening, served, files] = await Promise.all([
        keys.get(s.redisKey), keys.keyspaceNotifications(), keys.persistence(), docker.containers(), docker.listeningPorts(), probes.probe(), histories,
      ]);
      const history = parseHistory(files.get(ourHistory) ?? '');
      const target = c.rollback ? rollbackImage(history) : undefined;
      const state = deploymentState({ deployment: s.redisKey, redisValue: s.redisValue, keyValue, served, containers });
      state.findings.forEach(warn);
      if (state.repair) await writeKey(state.repair.from, state.repair.to);
      const risk = persistence && persistenceRisk(persistence);
      if (risk) warn(risk);
      const detail = state.keyValue === null ? 'key unset: first deploy' : `key=${state.keyValue}${state.serving ? `, serving: ${state.serving.name}` : ''}${state.repair ? ' (repaired)' : ''}`;
      return { value: { state, containers, listening, notifications, history, files, target }, detail };
    });
    const pulled = phase('pull', async () => {
      // A rollback's image is known once the history is read; any other is pulled at once.
      const target = c.rollback ? (await inspected).target : undefined;
      const image = target?.ref ?? c.image;
      const policy = target ? 'missing' : c.pull;
      const registry = c.registry ?? registryOf(image);
      try {
        const identity = c.registryUsername && c.registryPassword ? await pullLoggedIn(image, policy, registry, c.registryUsername, c.registryPassword) : await docker.pull(image, policy);
        const login = c.registryUsername ? ` (logged in to ${registry} for this pull)` : '';
        return { value: { image, identity }, detail: `${image} ${identity.digest}${login}` };
      } catch (e) {
        if (!target) throw e;
        throw new Error(`the release to roll back to, ${target.release.image} (${target.release.digest}, deployed ${target.release.time}), is not on the server and cannot be pulled by digest: ${(e as Error).message}`);
      }
    });
    const [server, { image, identity: pulledImage }] = await Promise.all([inspected, pulled]);
    const { state } = server;
    const app = c.app || appFromImage(image) || 'app';
    containerName = `${app}-${identity.instance}`;
    if (server.target) log.info(`Rolling back to ${server.target.release.image} (${image}), deployed ${server.target.release.time}`);

    // 5a. The release phase: once, in a one-off container of the new image, before anything starts.
    if (c.releaseCommand.length > 0) {
      await phase('release', async () => {
        const { end, limit } = until(timing.releaseTimeoutMs, 'release-timeout');
        const outcome = await docker.runOnce({
          name: `${containerName}-release`, image, app, deployment: s.redisKey,
          envFile: c.envFile, envOnStdin: c.env.length > 0, runArgs: c.runArgs, command: c.releaseCommand,
        }, env, Math.max(end - clock.now(), 1));
        if (outcome === 'timed out') throw new DeployError('release', `the release command did not finish within ${limit}; its container was removed`, HINTS.release, timeline);
        const logs = lastLines(outcome.output, LOG_TAIL_LINES);
        if (outcome.code !== 0) throw new DeployError('release', `the release command exited with code ${outcome.code}`, HINTS.release, timeline, { logs });
        return { value: undefined, detail: `${c.releaseCommand.join(' ')}: exit 0` };
      });
    }

    // 5. Start the new container on a port of port-range nothing else uses.
    const id = await phase('start', async () => {
      const spec: RunSpec = {
        name: containerName, image, app, deployment: s.redisKey, deployId: identity.deployId,
        bindAddress: c.bindAddress, hostPort: 0, containerPort: c.containerPort, restart: c.restart, runArgs: c.runArgs,
        envFile: c.envFile, envOnStdin: c.env.length > 0,
      };
      const taken = takenPorts(server.listening, server.containers, state.keyPort);
      for (let attempt = 1; ; attempt += 1) {
        const port = firstFreePort(c.portRange, taken);
        if (port === undefined) throw new Error(`no free port in port-range ${c.portRange.first}-${c.portRange.last}`);
        spec.hostPort = port;
        // Said before the run: a deploy cancelled while docker creates it still has it removed.
        deps.checkpoint?.('container', containerName);
        try {
          const containerId = await docker.run(spec, env);
          return { value: containerId, detail: `${containerName} started on :${port}` };
        } catch (e) {
          await docker.discard([containerName]).then(() => deps.checkpoint?.('container', ''), () => undefined);
          // Taken between the look and the run (another deployment starting, say): try the next one.
          const clash = /address already in use|port is already allocated/.test((e as Error).message);
          if (!clash || attempt >= PORT_ATTEMPTS) throw e;
          taken.add(port);
        }
      }
    });
    const discardNew = (): Promise<void> => docker.discard([id]).then(
      () => deps.checkpoint?.('container', ''),
      (e: Error) => warn(`could not remove ${containerName}: ${e.message}`),
    );
    const probeLog: ProbeResult[] = [];
    const probe = async (): Promise<ProbeResult> => {
      const result = await probes.probe();
      probeLog.push(result);
      if (probeLog.length > KEPT_PROBES) probeLog.shift();
      return result;
    };
    const proveServing = async (expectPort: number, end: number): Promise<boolean> => {
      let inARow = 0;
      for (;;) {
        const result = await probe();
        inARow = isHealthyStatus(result.status) && upstreamPort(result.upstream) === expectPort ? inARow + 1 : 0;
        if (inARow >= s.probeSuccesses) return true;
        if (clock.now() >= end) return false;
        await pause(POLL_MS.switch);
      }
    };
    // After a write-back, a render of the new value may still be in flight (a slow check_cmd, an
    // -interval poll): the new container may go only once the old upstream has served without a
    // break for as long as a render was given (switch-timeout). Bounded by the deploy's timeout.
    const settledOn = async (oldPort: number, newPort: number): Promise<boolean> => {
      let since: number | undefined;
      for (;;) {
        const result = await probe();
        const served = upstreamPort(result.upstream);
        if (served === newPort || !isHealthyStatus(result.status) || served !== oldPort) since = undefined;
        else since ??= clock.now();
        if (since !== undefined && clock.now() - since >= timing.switchTimeoutMs) return true;
        if (clock.now() >= deadline) return false;
        await pause(POLL_MS.settle);
      }
    };
    // Until the key names it (or once a write-back is proven), the new container goes with any failure.
    let port: number;
    let switchSeconds: number;
    try {
      port = await ready(id);
      switchSeconds = await switchTo(port);
    } catch (e) {
      if (!switched) await discardNew();
      throw e;
    }
    // 11 (begun). The release is live from here: recorded while the old one retires.
    const thisRelease: Release = {
      time: new Date(clock.now()).toISOString(), run: identity.lockOwner, outcome: c.rollback ? 'rolled back' : 'deployed',
      image, digest: pulledImage.digest, imageId: pulledImage.id, container: containerName, port,
    };
    const releases = [...server.history, thisRelease];
    const recorded = record(thisRelease);

    // 9 + 10. Everything of this deployment that ran before: drained, then stopped gracefully.
    const retiring = retirees(state, id);
    const oldPorts = [...new Set(retiring.stop.flatMap((x) => x.hostPorts))].filter((p) => p !== port);
    if (oldPorts.length > 0) {
      await phase('drain', async () => {
        const { end, limit } = until(timing.drainTimeoutMs, 'drain-timeout');
        const ports = oldPorts.map((p) => `:${p}`).join(', ');
        for (;;) {
          const drain = await docker.drainState(oldPorts);
          if (drain.shuttingDownWorkers === 0 && drain.connections === 0) return { value: undefined, detail: `no connection to ${ports} left` };
          if (clock.now() >= end) {
            warn(`${limit} passed with ${drain.connections} connection(s) to ${ports} and ${drain.shuttingDownWorkers} nginx worker(s) shutting down; retiring anyway`);
            return { value: undefined, detail: 'timed out' };
          }
          await pause(POLL_MS.drain);
        }
      });
    }

    // Past the proven switch, a failure here is a warning. Old containers stop
    // side by side; images are pruned once they are gone.
    await phase('retire', async () => {
      const done: string[] = [];
      const stopOne = async (old: ContainerSummary): Promise<void> => {
        try {
          await docker.stop(old.id, Math.ceil(timing.stopTimeoutMs / 1000));
          await docker.remove([old.id]);
          done.push(`stopped ${old.name}`);
        } catch (e) {
          warn(`could not stop or remove ${old.name}: ${(e as Error).message}`);
        }
      };
      const removeLeftovers = async (): Promise<void> => {
        if (retiring.remove.length === 0) return;
        await docker.remove(retiring.remove.map((x) => x.id)).then(
          () => done.push(`removed ${retiring.remove.length} stopped container(s)`),
          (e: Error) => warn(`could not remove stopped containers of this deployment: ${e.message}`),
        );
      };
      // Listed while the old containers stop; pruned once they are gone, so their images can go too.
      // Kept whatever keep-images says: the new image, the one that served until now (the
      // rollback target), and every image another container of the server uses.
      const retired = new Set([...retiring.stop, ...retiring.remove].map((x) => x.id));
      const kept = server.containers.filter((x) => !retired.has(x.id) || x.id === state.serving?.id);
      // ... and the images of the last keep-images releases of every deployment with a history here.
      const histories = [releases, ...[...server.files].filter(([path]) => path !== ourHistory).map(([, text]) => parseHistory(text))];
      const protectedIds = new Set([pulledImage.id, ...kept.map((x) => x.imageId), ...histories.flatMap((h) => imagesToKeep(h, config.keepImages))]);
      const pruneImages = async (stopped: Promise<unknown>): Promise<void> => {
        try {
          const images = await docker.images(repositoryOf(image));
          await stopped;
          const prune = imagesToPrune(images, protectedIds);
          if (prune.length === 0) return;
          await docker.removeImages(prune);
          done.push(`pruned ${prune.join(', ')}`);
        } catch (e) {
          warn(`could not prune old images: ${(e as Error).message}`);
        }
      };
      const stopped = Promise.all([...retiring.stop.map(stopOne), removeLeftovers()]);
      await Promise.all([stopped, pruneImages(stopped), recorded]);
      return { value: undefined, detail: done.join('; ') || 'nothing to retire' };
    });

    return {
      container: containerName,
      containerId: id,
      port,
      previousPort: state.keyPort,
      previousContainer: state.serving?.name,
      image,
      previousImage: state.serving?.image,
      imageDigest: pulledImage.digest,
      switchSeconds,
      durationSeconds: (clock.now() - started) / 1000,
      probes: probeLog,
      timeline,
      warnings,
      releases: latest(releases, SUMMARY_RELEASES),
    };

    // 6. Ready check, directly on the new port (read from the container: one
    // that already exited has none, and its state says why).
    function ready(id: string): Promise<number> {
      return phase('ready', async () => {
        const { end, limit } = until(timing.healthTimeoutMs, 'health-timeout');
        let last = '';
        for (;;) {
          const container = await docker.inspect(id, c.containerPort);
          let failure = '';
          if (container.status === 'exited' || container.status === 'dead') failure = `the container exited with code ${container.exitCode}`;
          else if (container.status === 'restarting' || container.restartCount > 0) failure = `the container exited with code ${container.exitCode} and was restarted (restart: ${c.restart})`;
          else if (container.health === 'unhealthy') failure = 'the image HEALTHCHECK reports unhealthy';
          else if (container.status === 'running' && container.hostPort === undefined) failure = `docker published no port for ${c.containerPort}/tcp`;
          else if (container.status === 'running' && container.hostPort !== undefined) {
            const answer = await probes.health(container.hostPort);
            if (isHealthyStatus(answer.status) && (container.health === undefined || container.health === 'healthy')) {
              return { value: container.hostPort, detail: `${s.healthPath} answered ${answer.status}${container.health ? ', healthy' : ''}` };
            }
            last = answer.error ?? `${s.healthPath} answered ${answer.status}${container.health ? `, health ${container.health}` : ''}`;
          }
          if (!failure && clock.now() >= end) failure = `not ready within ${limit} (last: ${last || container.status})`;
          if (failure) {
            const logs = await docker.logs(id, LOG_TAIL_LINES).catch(() => '(logs unavailable)');
            throw new DeployError('ready', failure, HINTS.ready, timeline, { logs });
          }
          await pause(POLL_MS.ready);
        }
      });
    }

    // 7 + 8. Switch the key, then prove nginx serves the new port; undo by writing the old value back.
    function switchTo(port: number): Promise<number> {
      const newValue = formatKeyValue(s.redisValue, port);
      return phase('switch', async () => {
        const { notifications } = server;
        if (notifications === false) {
          warn('Redis keyspace notifications are off (notify-keyspace-events lacks K$): confd -watch will not see this write; only its -interval poll will');
        } else if (notifications === undefined) {
          log.info('Could not check Redis keyspace notifications (CONFIG is refused, as on managed Redis): make sure notify-keyspace-events includes K$');
        }
        const t0 = clock.now();
        // Said before the write: a deploy killed in between keeps a container the key may name.
        deps.checkpoint?.('switching', 'true');
        await writeKey(state.keyValue, newValue);
        switched = true;
        const { end, limit } = until(timing.switchTimeoutMs, 'switch-timeout');
        if (await proveServing(port, end)) {
          const seconds = (clock.now() - t0) / 1000;
          return { value: seconds, detail: `${s.redisKey}=${newValue}; ${s.probeSuccesses} probes in a row answered by :${port} after ${seconds.toFixed(3)} s` };
        }
        const failedProbes = [...probeLog];
        const confd = await docker.processes().then(countConfd, () => undefined);
        const notServed = `nginx did not serve port ${port} within ${limit}`;
        const hint = switchHint(failedProbes, config, port, { confd, notifications });
        try {
          await writeKey(newValue, state.keyValue);
        } catch (e) {
          throw new DeployError('switch', `${notServed}, and ${s.redisKey} could not be set back: ${(e as Error).message}`,
            `${containerName} stays running on :${port}, since the key may name it. Check what ${s.redisKey} holds and which container nginx serves.`, timeline, { probes: failedProbes });
        }
        const setBack = `${notServed}; ${s.redisKey} was set back to ${state.keyValue ?? '(unset)'}`;
        // Written back: the old version serves again once nginx is back on it (proven below).
        const settled = state.keyPort === undefined || await settledOn(state.keyPort, port);
        if (!settled) {
          const serves = upstreamPort(probeLog.at(-1)?.upstream);
          throw new DeployError('switch', `${setBack}, but by the deploy's timeout nginx had not served :${state.keyPort} without a break for ${timing.switchTimeoutMs / 1000} s (it serves ${serves ? `:${serves}` : 'neither'} now)`,
            `${containerName} stays running on :${port}: a slow confd may still point nginx at it. Once nginx serves :${state.keyPort} steadily, remove it (docker rm -f ${containerName}); otherwise the next deploy retires it. ${hint}`,
            timeline, { probes: failedProbes });
        }
        switched = false;
        throw new DeployError('switch', setBack, hint, timeline, { probes: failedProbes });
      });
    }
  }
}

const HINTS: Record<PhaseName, string> = {
  lock: `Another deploy of this key is running (see the holder above); raise lock-timeout or retry when it finished. A holder that died frees the lock within ${LOCK_TTL_MS / 1000} s.`,
  inspect: 'Check redis-url (as seen from the server) and that the deploy user may run docker.',
  pull: 'Check the image reference, the registry credentials and that the server reaches the registry.',
  start: 'Check container-port, port-range, run-args and env-file; the previous version was not touched.',
  release: 'The release command failed: see its log lines above. Nothing was started or switched: the previous version serves. Write migrations the running version tolerates (expand, then contract).',
  ready: 'The new container never served: see its log lines above. The previous version was not touched.',
  switch: 'Check that confd runs with -watch, its check_cmd and reload_cmd, and that nginx sends the upstream header.',
  drain: 'The switch succeeded; the old container may still hold connections.',
  retire: 'The switch succeeded; clean up the old container by hand.',
};

interface SwitchFacts {
  /** How many confd processes run (undefined: ps failed). */
  confd?: number;
  notifications?: boolean;
}

/** What a failed switch looks like from outside, and what to check. */
function switchHint(probes: ProbeResult[], config: Config, port: number, facts: SwitchFacts): string {
  const header = config.switch.upstreamHeader;
  if (probes.length > 0 && probes.every((p) => p.error)) return `nginx did not answer at probe-url ${config.switch.probeUrl.href} (${probes.at(-1)?.error}): check probe-url as seen from the server.`;
  if (probes.some((p) => p.status !== undefined) && probes.every((p) => !p.upstream)) {
    return `Responses carry no ${header} header: add \`add_header ${header} $upstream_addr always;\` for requests from 127.0.0.1 (examples/host/nginx), or set upstream-header.`;
  }
  const running = facts.confd === undefined ? '' : ` (${facts.confd} confd process${facts.confd === 1 ? ' runs' : 'es run'})`;
  if (probes.some((p) => upstreamPort(p.upstream) === port)) return `nginx served the new port only some of the time: is more than one nginx or confd running${running}?`;
  if (facts.confd === 0) return 'nginx kept serving the old upstream and no confd process runs on the server: start confd (systemctl start confd).';
  if (facts.notifications === false) return 'nginx kept serving the old upstream: Redis keyspace notifications are off, so confd -watch never saw the write. Set notify-keyspace-events K$g.';
  return `nginx kept serving the old upstream although confd runs${running}: its check_cmd or reload_cmd probably failed, or it polls with an -interval longer than switch-timeout (journalctl -u confd). Check that the value written renders a valid upstream (redis-value) and that nginx -t passes.`;
}
