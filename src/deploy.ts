// One deploy, in the order of the contract (DESIGN.md "One deploy, step by
// step"), written against small interfaces so unit tests drive it with fakes.
import { firstFreePort, formatKeyValue, imagesToPrune, portFromKeyValue, registryOf, repositoryOf, type ContainerSummary, type RunSpec } from './docker.js';
import type { DockerHost } from './docker-host.js';
import type { Config } from './inputs.js';
import { isHealthyStatus, upstreamPort, type ProbeResult } from './probe.js';
import type { KeyStore } from './redis.js';

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
  const lockName = `${s.redisKey}:lock`;
  await phase('lock', async () => {
    const { end, limit } = until(timing.lockTimeoutMs, 'lock-timeout');
    const waitedFrom = clock.now();
    let announced: string | null = null;
    for (;;) {
      if (await keys.tryLock(lockName, identity.lockOwner, LOCK_TTL_MS)) {
        deps.checkpoint?.('lock', lockName);
        const waited = clock.now() - waitedFrom;
        return { value: undefined, detail: announced ? `waited ${(waited / 1000).toFixed(1)} s for ${announced}` : lockName };
      }
      const holder = await keys.lockHolder(lockName);
      if (holder && holder !== announced) {
        log.info(`Waiting for ${lockName}, held by ${holder}`);
        announced = holder;
      }
      if (clock.now() >= end) {
        throw new DeployError('lock', `${lockName} is still held by ${holder ?? announced} after ${limit}`, HINTS.lock, timeline);
      }
      await clock.sleep(POLL_MS.lock);
    }
  });
  try {
    return await afterLock();
  } finally {
    await keys.unlock(lockName, identity.lockOwner).then(
      () => deps.checkpoint?.('lock', ''),
      (e: Error) => warn(`could not release ${lockName} (it expires by itself): ${e.message}`),
    );
  }

  async function afterLock(): Promise<DeployResult> {
    // 3 + 4. Read the key and find the previous container, while pulling.
    const [previous, imageDigest] = await Promise.all([
      phase('inspect', async () => {
        const [value, notifications, containers] = await Promise.all([keys.get(s.redisKey), keys.keyspaceNotifications(), docker.appContainers(c.app)]);
        const port = value === null ? undefined : portFromKeyValue(s.redisValue, value);
        const serving = port === undefined ? undefined : containers.find((x) => x.state === 'running' && x.hostPorts.includes(port));
        if (value !== null && port === undefined) warn(`${s.redisKey} holds "${value}", which does not match redis-value ${s.redisValue}; treating this as a first deploy`);
        else if (port !== undefined && !serving) warn(`${s.redisKey} points at port ${port}, but no running ${c.app} container of this action publishes it; it will not be stopped`);
        const detail = value === null ? 'key unset: first deploy' : `key=${value}${serving ? `, serving: ${serving.name}` : ''}`;
        return { value: { value, port, serving, containers, notifications }, detail };
      }),
      phase('pull', async () => {
        if (c.registryUsername && c.registryPassword) await docker.login(c.registry ?? registryOf(c.image), c.registryUsername, c.registryPassword);
        const digest = await docker.pull(c.image, c.pull);
        return { value: digest, detail: `${c.image} ${digest}` };
      }),
    ]);

    // 5. Start the new container on a fresh port.
    const id = await phase('start', async () => {
      const spec: RunSpec = {
        name: identity.containerName, image: c.image, app: c.app, deployId: identity.deployId,
        bindAddress: c.bindAddress, containerPort: c.containerPort, runArgs: c.runArgs, envFiles: [],
      };
      if (c.envFile) spec.envFiles.push(c.envFile);
      const envPath = envFilePath(identity.containerName);
      if (c.env.length > 0) {
        await docker.writePrivateFile(envPath, c.env.map(([k, v]) => `${k}=${v}\n`).join(''));
        spec.envFiles.push(envPath);
      }
      const taken = c.portRange ? await docker.listeningPorts() : new Set<number>();
      try {
        for (let attempt = 1; ; attempt += 1) {
          if (c.portRange) {
            spec.hostPort = firstFreePort(c.portRange, taken);
            if (spec.hostPort === undefined) throw new Error(`no free port in port-range ${c.portRange.first}-${c.portRange.last}`);
          }
          try {
            const containerId = await docker.run(spec);
            deps.checkpoint?.('container', identity.containerName);
            return { value: containerId, detail: `${identity.containerName} started` };
          } catch (e) {
            await docker.remove([identity.containerName]).catch(() => undefined);
            // Taken between the look and the run (ss sees listeners only): try the next one.
            const clash = /address already in use|port is already allocated/.test((e as Error).message);
            if (!clash || spec.hostPort === undefined || attempt >= PORT_ATTEMPTS) throw e;
            taken.add(spec.hostPort);
          }
        }
      } finally {
        if (c.env.length > 0) await docker.removeFile(envPath).catch((e: Error) => warn(`could not remove the env file: ${e.message}`));
      }
    });
    const discardNew = (): Promise<void> => docker.remove([id]).catch((e: Error) => warn(`could not remove ${identity.containerName}: ${e.message}`));

    // 6. Ready check, directly on the new port (read from the container: one
    // that already exited has none, and its state says why).
    const port = await phase('ready', async () => {
      const { end, limit } = until(timing.healthTimeoutMs, 'health-timeout');
      let last = '';
      for (;;) {
        const state = await docker.inspect(id, c.containerPort);
        let failure = '';
        if (state.status === 'exited' || state.status === 'dead') failure = `the container exited with code ${state.exitCode}`;
        else if (state.restartCount > 0) failure = `the container restarted ${state.restartCount} time(s)`;
        else if (state.health === 'unhealthy') failure = 'the image HEALTHCHECK reports unhealthy';
        else if (state.status === 'running' && state.hostPort === undefined) failure = `docker published no port for ${c.containerPort}/tcp`;
        else if (state.status === 'running' && state.hostPort !== undefined) {
          const answer = await probes.health(state.hostPort);
          if (isHealthyStatus(answer.status) && (state.health === undefined || state.health === 'healthy')) {
            return { value: state.hostPort, detail: `${s.healthPath} answered ${answer.status}${state.health ? ', healthy' : ''}` };
          }
          last = answer.error ?? `${s.healthPath} answered ${answer.status}${state.health ? `, health ${state.health}` : ''}`;
        }
        if (!failure && clock.now() >= end) failure = `not ready within ${limit} (last: ${last || state.status})`;
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
      const { notifications } = previous;
      if (notifications === false) {
        warn('Redis keyspace notifications are off (notify-keyspace-events lacks K$): confd -watch will not see this write; only its -interval poll will');
      } else if (notifications === undefined) {
        log.info('Could not check Redis keyspace notifications (CONFIG is refused, as on managed Redis): make sure notify-keyspace-events includes K$');
      }
      const t0 = clock.now();
      deps.checkpoint?.('switching', 'true');
      await keys.set(s.redisKey, newValue);
      const { end, limit } = until(timing.switchTimeoutMs, 'switch-timeout');
      if (await proveServing(port, end)) {
        const seconds = (clock.now() - t0) / 1000;
        return { value: seconds, detail: `${s.redisKey}=${newValue}; ${s.probeSuccesses} probes in a row answered by :${port} after ${seconds.toFixed(3)} s` };
      }
      const failedProbes = [...probeLog];
      const confdRunning = (await docker.processes().catch(() => undefined))?.some((args) => /\bconfd\b/.test(args));
      if (previous.value === null) await keys.delete(s.redisKey);
      else await keys.set(s.redisKey, previous.value);
      const restored = previous.port === undefined || await proveServing(previous.port, clock.now() + timing.switchTimeoutMs);
      await discardNew();
      throw new DeployError('switch', `nginx did not serve port ${port} within ${limit}; ${s.redisKey} was set back to ${previous.value ?? '(unset)'}` +
        (restored ? '' : ', and the previous upstream has not answered yet either'), switchHint(failedProbes, config, port, { confdRunning, notifications }), timeline, { probes: failedProbes });
    });

    // 9. Drain the old upstream.
    if (previous.port !== undefined && previous.port !== port) {
      const oldPort = previous.port;
      await phase('drain', async () => {
        const { end, limit } = until(timing.drainTimeoutMs, 'drain-timeout');
        for (;;) {
          const state = await docker.drainState(oldPort);
          if (state.shuttingDownWorkers === 0 && state.connections === 0) return { value: undefined, detail: `no connection to :${oldPort} left` };
          if (clock.now() >= end) {
            warn(`${limit} passed with ${state.connections} connection(s) to :${oldPort} and ${state.shuttingDownWorkers} nginx worker(s) shutting down; retiring anyway`);
            return { value: undefined, detail: 'timed out' };
          }
          await clock.sleep(POLL_MS.drain);
        }
      });
    }

    // 10. Retire: past the proven switch, a failure here is a warning.
    // Stop the old container, remove leftovers and prune images side by side.
    await phase('retire', async () => {
      const done: string[] = [];
      const serving = previous.serving;
      const stopPrevious = async (): Promise<void> => {
        if (!serving || serving.id === id) return;
        try {
          await docker.stop(serving.id, Math.ceil(timing.stopTimeoutMs / 1000));
          await docker.remove([serving.id]);
          done.push(`stopped ${serving.name}`);
        } catch (e) {
          warn(`could not stop or remove the previous container ${serving.name}: ${(e as Error).message}`);
        }
      };
      const removeLeftovers = async (): Promise<void> => {
        const leftovers = previous.containers.filter((x: ContainerSummary) => x.id !== id && x.id !== serving?.id);
        if (leftovers.length === 0) return;
        await docker.remove(leftovers.map((x) => x.id)).then(
          () => done.push(`removed ${leftovers.length} leftover container(s)`),
          (e: Error) => warn(`could not remove leftover containers: ${e.message}`),
        );
      };
      // Listed while the old container stops; removed once it is gone, so its image can go too.
      const pruneImages = async (stopped: Promise<void>): Promise<void> => {
        try {
          const images = await docker.images(repositoryOf(c.image));
          await stopped;
          const prune = imagesToPrune(images, config.keepImages, [c.image]);
          if (prune.length === 0) return;
          await docker.removeImages(prune);
          done.push(`pruned ${prune.join(', ')}`);
        } catch (e) {
          warn(`could not prune old images: ${(e as Error).message}`);
        }
      };
      const stopped = stopPrevious();
      await Promise.all([stopped, removeLeftovers(), pruneImages(stopped)]);
      return { value: undefined, detail: done.join('; ') || 'nothing to retire' };
    });

    return {
      container: identity.containerName,
      containerId: id,
      port,
      previousPort: previous.port,
      previousContainer: previous.serving?.name,
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
