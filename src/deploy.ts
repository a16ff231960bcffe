// One deploy, in the order of the contract (DESIGN.md "One deploy, step by
// step"), written against small interfaces so unit tests drive it with fakes.
import { deploymentState, retirees } from './deployment-state.js';
import { firstFreePort, imagesToPrune, registryOf, repositoryOf, takenPorts, type ContainerSummary, type RunSpec } from './docker.js';
import type { DockerHost } from './docker-host.js';
import type { Config } from './inputs.js';
import { isHealthyStatus, type ProbeResult } from './probe.js';
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
export type Checkpoint = 'lock' | 'container' | 'switching';

export interface Deps {
  docker: DockerHost;
  keys: KeyStore;
  probes: Probes;
  clock: Clock;
  log: Log;
  checkpoint?: (name: Checkpoint, value: string) => void;
}

export type PhaseName = 'lock' | 'inspect' | 'pull' | 'start' | 'ready' | 'switch' | 'drain' | 'retire';

export interface PhaseRecord {
  phase: PhaseName;
  ms: number;
  ok: boolean;
  detail: string;
}

export interface DeployIdentity {
  deployId: string;
  containerName: string;
  /** Who holds the lock: repository, run URL and image, plus a nonce. */
  lockOwner: string;
}

export interface DeployResult {
  container: string;
  containerId: string;
  port: number;
  previousPort?: number;
  previousContainer?: string;
  imageDigest: string;
  switchSeconds: number;
  durationSeconds: number;
  probes: ProbeResult[];
  timeline: PhaseRecord[];
  warnings: string[];
}

export class DeployError extends Error {
  constructor(readonly phase: PhaseName, message: string, readonly hint: string, readonly timeline: PhaseRecord[], readonly details: { logs?: string; probes?: ProbeResult[] } = {}) {
    super(`${phase} failed: ${message}`);
  }
}

const POLL_MS = { lock: 250, ready: 50, switch: 5, drain: 50 };
/** Renewed every quarter of it while held: a deploy whose runner died frees the lock this long after. */
const LOCK_TTL_MS = 20_000;
const LOG_TAIL_LINES = 30;
const show = (value: string | null): string => (value === null ? '(unset)' : `"${value}"`);
const PORT_ATTEMPTS = 5;
const KEPT_PROBES = 10;
/** Where env values travel: a 0600 file on the server, removed once the container started. */
const envFilePath = (containerName: string): string => `/tmp/.docker-hot-deploy-${containerName}.env`;

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
      const { value, detail } = await log.group(name, work);
      Object.assign(record, { ms: clock.now() - t0, ok: true, detail });
      return value;
    } catch (e) {
      const message = e instanceof DeployError ? e.message.replace(/^\w+ failed: /, '') : (e as Error).message;
      Object.assign(record, { ms: clock.now() - t0, detail: message });
      if (e instanceof DeployError) throw new DeployError(name, message, e.hint, timeline, e.details);
      throw new DeployError(name, message, HINTS[name], timeline);
    }
  }

  // 2. Lock: one deploy of this key at a time; released in every outcome.
  const lock: LockRef = { name: lockName(s.redisKey), owner: identity.lockOwner };
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

  async function afterLock(): Promise<DeployResult> {
    // 3 + 4. Learn what serves now and repair a lost or wrong key first, while pulling.
    const [server, imageDigest] = await Promise.all([
      phase('inspect', async () => {
        const [keyValue, notifications, persistence, containers, listening, served] = await Promise.all([
          keys.get(s.redisKey), keys.keyspaceNotifications(), keys.persistence(), docker.containers(), docker.listeningPorts(), probes.probe(),
        ]);
        const state = deploymentState({ deployment: s.redisKey, redisValue: s.redisValue, keyValue, served, containers });
        state.findings.forEach(warn);
        if (state.repair) await writeKey(state.repair.from, state.repair.to);
        const risk = persistence && persistenceRisk(persistence);
        if (risk) warn(risk);
        const detail = state.keyValue === null ? 'key unset: first deploy' : `key=${state.keyValue}${state.serving ? `, serving: ${state.serving.name}` : ''}${state.repair ? ' (repaired)' : ''}`;
        return { value: { state, containers, listening, notifications }, detail };
      }),
      phase('pull', async () => {
        if (c.registryUsername && c.registryPassword) await docker.login(c.registry ?? registryOf(c.image), c.registryUsername, c.registryPassword);
        const digest = await docker.pull(c.image, c.pull);
        return { value: digest, detail: `${c.image} ${digest}` };
      }),
    ]);
    const { state } = server;

    // 5. Start the new container on a port of port-range nothing else uses.
    const id = await phase('start', async () => {
      const spec: RunSpec = {
        name: identity.containerName, image: c.image, app: c.app, deployment: s.redisKey, deployId: identity.deployId,
        bindAddress: c.bindAddress, hostPort: 0, containerPort: c.containerPort, restart: c.restart, runArgs: c.runArgs, envFiles: [],
      };
      if (c.envFile) spec.envFiles.push(c.envFile);
      const envPath = envFilePath(identity.containerName);
      if (c.env.length > 0) {
        await docker.writePrivateFile(envPath, c.env.map(([k, v]) => `${k}=${v}\n`).join(''));
        spec.envFiles.push(envPath);
      }
      const taken = takenPorts(server.listening, server.containers, state.keyPort);
      try {
        for (let attempt = 1; ; attempt += 1) {
          const port = firstFreePort(c.portRange, taken);
          if (port === undefined) throw new Error(`no free port in port-range ${c.portRange.first}-${c.portRange.last}`);
          spec.hostPort = port;
          try {
            const containerId = await docker.run(spec);
            deps.checkpoint?.('container', identity.containerName);
            return { value: containerId, detail: `${identity.containerName} started on :${port}` };
          } catch (e) {
            await docker.discard([identity.containerName]).catch(() => undefined);
            // Taken between the look and the run (another deployment starting, say): try the next one.
            const clash = /address already in use|port is already allocated/.test((e as Error).message);
            if (!clash || attempt >= PORT_ATTEMPTS) throw e;
            taken.add(port);
          }
        }
      } finally {
        if (c.env.length > 0) await docker.removeFile(envPath).catch((e: Error) => warn(`could not remove the env file: ${e.message}`));
      }
    });
    const discardNew = (): Promise<void> => docker.discard([id]).catch((e: Error) => warn(`could not remove ${identity.containerName}: ${e.message}`));

    // 6. Ready check, directly on the new port (read from the container: one
    // that already exited has none, and its state says why).
    const port = await phase('ready', async () => {
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
          await discardNew();
          throw new DeployError('ready', failure, HINTS.ready, timeline, { logs });
        }
        await clock.sleep(POLL_MS.ready);
      }
    });

    // 7 + 8. Switch the key, then prove nginx serves the new port.
    const newValue = formatKeyValue(s.redisValue, port);
    const probeLog: ProbeResult[] = [];
    const proveServing = async (expectPort: number, end: number): Promise<boolean> => {
      let inARow = 0;
      for (;;) {
        const result = await probes.probe();
        probeLog.push(result);
        if (probeLog.length > KEPT_PROBES) probeLog.shift();
        inARow = isHealthyStatus(result.status) && upstreamPort(result.upstream) === expectPort ? inARow + 1 : 0;
        if (inARow >= s.probeSuccesses) return true;
        if (clock.now() >= end) return false;
        await clock.sleep(POLL_MS.switch);
      }
    };
    const switchSeconds = await phase('switch', async () => {
      const { notifications } = server;
      if (notifications === false) {
        warn('Redis keyspace notifications are off (notify-keyspace-events lacks K$): confd -watch will not see this write; only its -interval poll will');
      } else if (notifications === undefined) {
        log.info('Could not check Redis keyspace notifications (CONFIG is refused, as on managed Redis): make sure notify-keyspace-events includes K$');
      }
      const t0 = clock.now();
      try {
        await writeKey(state.keyValue, newValue);
      } catch (e) {
        await discardNew();
        throw e;
      }
      deps.checkpoint?.('switching', 'true');
      const { end, limit } = until(timing.switchTimeoutMs, 'switch-timeout');
      if (await proveServing(port, end)) {
        const seconds = (clock.now() - t0) / 1000;
        return { value: seconds, detail: `${s.redisKey}=${newValue}; ${s.probeSuccesses} probes in a row answered by :${port} after ${seconds.toFixed(3)} s` };
      }
      const failedProbes = [...probeLog];
      const confdRunning = (await docker.processes().catch(() => undefined))?.some((args) => /\bconfd\b/.test(args));
      let restoreProblem = '';
      await writeKey(newValue, state.keyValue).catch((e: Error) => { restoreProblem = e.message; });
      if (restoreProblem) {
        throw new DeployError('switch', `nginx did not serve port ${port} within ${limit}, and ${s.redisKey} could not be set back: ${restoreProblem}`,
          `${identity.containerName} stays running on :${port}, since the key may name it. Check what ${s.redisKey} holds and which container nginx serves.`, timeline, { probes: failedProbes });
      }
      const restored = state.keyPort === undefined || await proveServing(state.keyPort, clock.now() + timing.switchTimeoutMs);
      await discardNew();
      throw new DeployError('switch', `nginx did not serve port ${port} within ${limit}; ${s.redisKey} was set back to ${state.keyValue ?? '(unset)'}` +
        (restored ? '' : ', and the previous upstream has not answered yet either'), switchHint(failedProbes, config, port, { confdRunning, notifications }), timeline, { probes: failedProbes });
    });

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
          await clock.sleep(POLL_MS.drain);
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
      const retired = new Set([...retiring.stop, ...retiring.remove].map((x) => x.id));
      const inUse = [c.image, ...server.containers.filter((x) => !retired.has(x.id)).map((x) => x.image)];
      const pruneImages = async (stopped: Promise<unknown>): Promise<void> => {
        try {
          const images = await docker.images(repositoryOf(c.image));
          await stopped;
          const prune = imagesToPrune(images, config.keepImages, inUse);
          if (prune.length === 0) return;
          await docker.removeImages(prune);
          done.push(`pruned ${prune.join(', ')}`);
        } catch (e) {
          warn(`could not prune old images: ${(e as Error).message}`);
        }
      };
      const stopped = Promise.all([...retiring.stop.map(stopOne), removeLeftovers()]);
      await Promise.all([stopped, pruneImages(stopped)]);
      return { value: undefined, detail: done.join('; ') || 'nothing to retire' };
    });

    return {
      container: identity.containerName,
      containerId: id,
      port,
      previousPort: state.keyPort,
      previousContainer: state.serving?.name,
      imageDigest,
      switchSeconds,
      durationSeconds: (clock.now() - started) / 1000,
      probes: probeLog,
      timeline,
      warnings,
    };
  }
}

const HINTS: Record<PhaseName, string> = {
  lock: `Another deploy of this key is running (see the holder above); raise lock-timeout or retry when it finished. A holder that died frees the lock within ${LOCK_TTL_MS / 1000} s.`,
  inspect: 'Check redis-url (as seen from the server) and that the deploy user may run docker.',
  pull: 'Check the image reference, the registry credentials and that the server reaches the registry.',
  start: 'Check container-port, port-range, run-args and env-file; the previous version was not touched.',
  ready: 'The new container never served: see its log lines above. The previous version was not touched.',
  switch: 'Check that confd runs with -watch, its check_cmd and reload_cmd, and that nginx sends the upstream header.',
  drain: 'The switch succeeded; the old container may still hold connections.',
  retire: 'The switch succeeded; clean up the old container by hand.',
};

interface SwitchFacts {
  confdRunning?: boolean;
  notifications?: boolean;
}

/** What a failed switch looks like from outside, and what to check. */
function switchHint(probes: ProbeResult[], config: Config, port: number, facts: SwitchFacts): string {
  const header = config.switch.upstreamHeader;
  if (probes.length > 0 && probes.every((p) => p.error)) return `nginx did not answer at probe-url ${config.switch.probeUrl.href} (${probes.at(-1)?.error}): check probe-url as seen from the server.`;
  if (probes.some((p) => p.status !== undefined) && probes.every((p) => !p.upstream)) {
    return `Responses carry no ${header} header: add \`add_header ${header} $upstream_addr always;\` for requests from 127.0.0.1 (examples/host/nginx), or set upstream-header.`;
  }
  if (probes.some((p) => upstreamPort(p.upstream) === port)) return 'nginx served the new port only some of the time: is more than one nginx or confd running?';
  if (facts.confdRunning === false) return 'nginx kept serving the old upstream and no confd process runs on the server: start confd (systemctl start confd).';
  if (facts.notifications === false) return 'nginx kept serving the old upstream: Redis keyspace notifications are off, so confd -watch never saw the write. Set notify-keyspace-events K$g.';
  return 'nginx kept serving the old upstream although confd runs: its check_cmd or reload_cmd probably failed (journalctl -u confd). Check that the value written renders a valid upstream (redis-value) and that nginx -t passes.';
}
