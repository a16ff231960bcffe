// What a deploy that stopped half way leaves to clean up, and the cleaning: the
// Action's post step and the CLI's Ctrl-C both end here.
import { setTimeout as sleep } from 'node:timers/promises';
import type { DockerHost } from '../remote/docker-host.js';
import type { Log } from '../remote/log.js';
import { aboutServer, probeTargets, type Config } from '../config/inputs.js';
import { forwardedProbes } from '../remote/probe.js';
import { proveServed, type Probes } from '../remote/probe-result.js';
import type { KeyStore } from '../remote/redis.js';
import { lockName } from '../remote/redis-rules.js';
import { LOCK_TTL_MS } from './run.js';
import type { BakingCheckpoint, Checkpoint } from './server/checkpoints.js';
import { openSession } from '../remote/session.js';
import { serverName } from '../remote/ssh/connection.js';

/** What a deploy had taken or started on one server when it stopped (its checkpoints), empty strings for nothing. */
export interface Leftovers {
  lock: string;
  lockOwner: string;
  container: string;
  /** The key may name the container: it may serve, so it stays. */
  switching: boolean;
  /** The deploy was baking: the previous version goes back (a BakingCheckpoint as JSON). */
  baking: string;
  dockerConfig: string;
  /** The release command's one-off container, while it runs. */
  release: string;
}

/** Leftovers by server name. */
export type ServerLeftovers = Record<string, Leftovers>;

/** Notes one checkpoint of one server. */
export function noteCheckpoint(
  left: ServerLeftovers,
  lockOwner: string,
  server: string,
  name: Checkpoint,
  value: string,
): void {
  const mine = (left[server] ??= {
    lock: '',
    lockOwner,
    container: '',
    switching: false,
    baking: '',
    dockerConfig: '',
    release: '',
  });
  if (name === 'switching') mine.switching = value === 'true';
  else mine[name] = value;
}

/** The cleanup says what it did; SSH detail when a debug log is given. */
type CleanupLog = Pick<Log, 'info' | 'warning'> & Partial<Pick<Log, 'debug'>>;

/** Whether there is anything to do on the server. */
function needsCleanup(left: Leftovers): boolean {
  return Boolean(
    left.lock || (left.container && (!left.switching || left.baking)) || left.dockerConfig || left.release,
  );
}

const SWITCH_BACK_POLL_MS = 5;

/** A deploy stopped in its bake did not finish: the previous version goes back (compare-and-set
 * from the new value, under the deployment's lock, taken again if it expired; released again by
 * cleanUp) and is proven to serve. Only then may the new container go; true when it may. */
async function switchBack(
  left: Leftovers,
  server: { keys: KeyStore; probes: Probes },
  config: Config,
  log: CleanupLog,
): Promise<boolean> {
  const baking = JSON.parse(left.baking) as BakingCheckpoint;
  const key = config.switch.redisKey;
  const lock = { name: lockName(key), owner: left.lockOwner };
  let outcome = await server.keys.compareAndSet(key, baking.from, baking.to, lock);
  if (!outcome.ok && outcome.lockLost && (await server.keys.tryLock(lock.name, lock.owner, LOCK_TTL_MS))) {
    left.lock = lock.name;
    outcome = await server.keys.compareAndSet(key, baking.from, baking.to, lock);
  }
  const stays = `${left.container} (:${baking.from}) and the previous container (:${baking.port}) both stay`;
  // The deploy's own undo may have written it back already and only failed to prove it.
  const alreadyBack = !outcome.ok && !outcome.lockLost && outcome.current === baking.to;
  if (!outcome.ok && !alreadyBack) {
    const why = outcome.lockLost
      ? `another deploy holds ${lock.name}`
      : `${key} holds ${outcome.current ?? '(unset)'} now`;
    log.warning(
      `The deploy stopped during its bake, and ${key} could not be set back (${why}): ${stays}; nginx serves what ${key} names.`,
    );
    return false;
  }
  const end = Date.now() + config.timing.switchTimeoutMs;
  const proof = await proveServed(
    () => server.probes.probe(),
    baking.port,
    config.switch.probeSuccesses,
    async () => {
      await sleep(SWITCH_BACK_POLL_MS);
      return Date.now() < end;
    },
  );
  if (proof !== 'proven') {
    log.warning(
      `The deploy stopped during its bake: ${key} was set back to ${baking.to}, but nginx did not serve :${baking.port} within switch-timeout: ${stays}.`,
    );
    return false;
  }
  log.info(`The deploy stopped during its bake: nginx serves the previous version again (${key}=${baking.to}).`);
  return true;
}

/** Removes the registry login and a container that never received traffic, then releases the lock. */
export async function cleanUp(
  left: Leftovers,
  server: { docker: DockerHost; keys: KeyStore; probes: Probes },
  config: Config,
  log: CleanupLog,
): Promise<void> {
  if (left.release) {
    // A migration stopped half way: the next deploy's runs it again from the start (migrations are transactional, or idempotent).
    await server.docker.discard([left.release]).then(
      () => log.info(`Stopped ${left.release}, the release command that was still running.`),
      (e: Error) => log.warning(`Could not stop the release command's container ${left.release}: ${e.message}`),
    );
  }
  if (left.dockerConfig) {
    await server.docker.removeDir(left.dockerConfig).then(
      () => log.info(`Removed the registry login in ${left.dockerConfig}.`),
      (e: Error) => log.warning(`Could not remove the registry login in ${left.dockerConfig}: ${e.message}`),
    );
  }
  const unserved =
    !left.switching ||
    (left.baking &&
      (await switchBack(left, server, config, log).catch((e: Error) => {
        log.warning(`Could not switch back after the bake: ${e.message}`);
        return false;
      })));
  if (left.container && unserved) {
    await server.docker.discard([left.container]).then(
      () =>
        log.info(
          left.baking
            ? `Removed ${left.container}, which served during the bake.`
            : `Removed ${left.container}, which never received traffic.`,
        ),
      (e: Error) => log.warning(`Could not remove ${left.container}: ${e.message}`),
    );
  }
  if (left.lock) {
    const released = await server.keys.unlock(left.lock, left.lockOwner);
    log.info(released ? `Released ${left.lock}.` : `${left.lock} was no longer held by this run.`);
  }
}

const CONTAINER_NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;
/** What makePrivateDir gives: mktemp -d -t docker-hot-deploy.XXXXXXXXXX, under any TMPDIR. */
const DOCKER_CONFIG_RE = /^\/(?:[^\s/]+\/)*docker-hot-deploy\.[A-Za-z0-9]{10}$/;

/** Why what the post step read is not what a main step of this deployment writes (the state file is
 * the runner's, but nothing read is acted on unchecked), or undefined. */
export function leftoversProblem(left: Leftovers, config: Config): string | undefined {
  if (left.lock && left.lock !== lockName(config.switch.redisKey))
    return `the lock ${JSON.stringify(left.lock)} is not this deployment's`;
  for (const name of [left.container, left.release])
    if (name && !CONTAINER_NAME_RE.test(name)) return `${JSON.stringify(name)} is not a container name`;
  if (left.dockerConfig && !DOCKER_CONFIG_RE.test(left.dockerConfig))
    return `${JSON.stringify(left.dockerConfig)} is not a registry login directory of the deploy's`;
  if (left.baking) {
    let baking: Partial<BakingCheckpoint> | undefined;
    try {
      baking = JSON.parse(left.baking) as Partial<BakingCheckpoint>;
    } catch {
      baking = undefined;
    }
    if (
      typeof baking?.from !== 'string' ||
      (baking.to !== null && typeof baking.to !== 'string') ||
      !Number.isInteger(baking.port)
    )
      return 'the bake checkpoint is not one';
  }
  return undefined;
}

/** Cleans up on every server that has something left, side by side, each over its own connection
 * (anythingLeft has said what stays); a server whose leftovers are not what a deploy writes is left alone. */
async function cleanUpServers(left: ServerLeftovers, config: Config, log: CleanupLog): Promise<void> {
  await Promise.all(
    config.servers.map(async (target) => {
      const name = serverName(target);
      const mine = left[name];
      if (!mine || !needsCleanup(mine)) return;
      const several = config.servers.length > 1;
      const serverLog = {
        info: (m: string) => log.info(aboutServer(name, several, m)),
        warning: (m: string) => log.warning(aboutServer(name, several, m)),
      };
      const problem = leftoversProblem(mine, config);
      if (problem) {
        serverLog.warning(`The saved state is not what a deploy writes (${problem}): nothing is done on this server.`);
        return;
      }
      try {
        const session = await openSession(target, config.switch.redis, {
          debug: log.debug ?? (() => undefined),
          warning: serverLog.warning,
        });
        const probes = forwardedProbes(session.shell, probeTargets(config));
        await cleanUp(mine, { ...session, probes }, config, serverLog).finally(async () => {
          await probes.close().catch(() => undefined);
          await session.close();
        });
      } catch (e) {
        serverLog.warning(`Cleanup failed: ${(e as Error).message}`);
      }
    }),
  );
}

/** How long a cleanup may take: it holds the job (and its concurrency group), or the terminal. */
export const CLEANUP_TIMEOUT_MS = 120_000;

/** cleanUpServers, given up after `ms`. */
export async function cleanUpWithin(
  left: ServerLeftovers,
  config: Config,
  log: CleanupLog,
  ms = CLEANUP_TIMEOUT_MS,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      log.warning(
        `Cleanup did not finish within ${ms / 1000} s; the lock expires by itself and the next deploy retires what is left.`,
      );
      resolve();
    }, ms);
  });
  const cleaning = cleanUpServers(left, config, log).catch((e: Error) => log.warning(`Cleanup failed: ${e.message}`));
  await Promise.race([cleaning, gaveUp]);
  clearTimeout(timer);
}

/** Whether any server has something left to clean up; says which containers stay because the key may name them. */
export function anythingLeft(left: ServerLeftovers, log: CleanupLog): boolean {
  const entries = Object.entries(left);
  for (const [server, mine] of entries) {
    if (!mine.container || !mine.switching || mine.baking) continue;
    log.info(
      aboutServer(
        server,
        entries.length > 1,
        `The deploy stopped after writing the key: ${mine.container} may be serving and stays; the next deploy retires whichever container the key does not name.`,
      ),
    );
  }
  return Object.values(left).some(needsCleanup);
}

/** A registry login a deploy could not remove (its directory holds the password): the post step tries again,
 * even after a deploy that went through. */
export const registryLoginLeft = (left: ServerLeftovers): boolean =>
  Object.values(left).some((mine) => mine.dockerConfig);
