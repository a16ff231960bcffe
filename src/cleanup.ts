// What a deploy that stopped half way leaves to clean up, and the cleaning: the
// Action's post step and the CLI's Ctrl-C both end here.
import type { DockerHost } from './docker-host.js';
import { aboutServer, serverName, type Config } from './inputs.js';
import type { KeyStore } from './redis.js';
import type { Checkpoint } from './server-deploy.js';
import { openSession } from './session.js';

/** What a deploy had taken or started on one server when it stopped (its checkpoints), empty strings for nothing. */
export interface Leftovers {
  lock: string;
  lockOwner: string;
  container: string;
  /** The key may name the container: it may serve, so it stays. */
  switching: boolean;
  dockerConfig: string;
}

/** Leftovers by server name. */
export type ServerLeftovers = Record<string, Leftovers>;

/** Notes one checkpoint of one server. */
export function noteCheckpoint(left: ServerLeftovers, lockOwner: string, server: string, name: Checkpoint, value: string): void {
  const mine = (left[server] ??= { lock: '', lockOwner, container: '', switching: false, dockerConfig: '' });
  if (name === 'switching') mine.switching = value === 'true';
  else mine[name] = value;
}

export interface CleanupLog {
  info(message: string): void;
  warning(message: string): void;
  debug?(message: string): void;
}

/** Whether there is anything to do on the server. */
function needsCleanup(left: Leftovers): boolean {
  return Boolean(left.lock || (left.container && !left.switching) || left.dockerConfig);
}

/** Removes the registry login and a container that never received traffic, then releases the lock. */
export async function cleanUp(left: Leftovers, server: { docker: DockerHost; keys: KeyStore }, log: CleanupLog): Promise<void> {
  if (left.dockerConfig) {
    await server.docker.removeDir(left.dockerConfig).then(
      () => log.info(`Removed the registry login in ${left.dockerConfig}.`),
      (e: Error) => log.warning(`Could not remove the registry login in ${left.dockerConfig}: ${e.message}`),
    );
  }
  if (left.container && !left.switching) {
    await server.docker.discard([left.container]).then(
      () => log.info(`Removed ${left.container}, which never received traffic.`),
      (e: Error) => log.warning(`Could not remove ${left.container}: ${e.message}`),
    );
  }
  if (left.lock) {
    const released = await server.keys.unlock(left.lock, left.lockOwner);
    log.info(released ? `Released ${left.lock}.` : `${left.lock} was no longer held by this run.`);
  }
}

/** Cleans up on every server that has something left, side by side, each over its own connection
 * (anythingLeft has said what stays). */
export async function cleanUpServers(left: ServerLeftovers, config: Config, log: CleanupLog): Promise<void> {
  await Promise.all(config.servers.map(async (target) => {
    const name = serverName(target);
    const mine = left[name];
    if (!mine || !needsCleanup(mine)) return;
    const several = config.servers.length > 1;
    const serverLog = { info: (m: string) => log.info(aboutServer(name, several, m)), warning: (m: string) => log.warning(aboutServer(name, several, m)) };
    try {
      const session = await openSession(target, config.switch.redis, { debug: log.debug ?? (() => undefined), warning: serverLog.warning });
      await cleanUp(mine, session, serverLog).finally(() => session.close());
    } catch (e) {
      serverLog.warning(`Cleanup failed: ${(e as Error).message}`);
    }
  }));
}

/** Whether any server has something left to clean up; says which containers stay because the key may name them. */
export function anythingLeft(left: ServerLeftovers, log: CleanupLog): boolean {
  const entries = Object.entries(left);
  for (const [server, mine] of entries) {
    if (!mine.container || !mine.switching) continue;
    log.info(aboutServer(server, entries.length > 1, `The deploy stopped after writing the key: ${mine.container} may be serving and stays; the next deploy retires whichever container the key does not name.`));
  }
  return entries.some(([, mine]) => needsCleanup(mine));
}
