// What a deploy that stopped half way leaves to clean up, and the cleaning: the
// Action's post step and the CLI's Ctrl-C both end here.
import type { DockerHost } from './docker-host.js';
import type { KeyStore } from './redis.js';

/** What a deploy had taken or started when it stopped (its checkpoints), empty strings for nothing. */
export interface Leftovers {
  lock: string;
  lockOwner: string;
  container: string;
  /** The key may name the container: it may serve, so it stays. */
  switching: boolean;
  dockerConfig: string;
}

export interface CleanupLog {
  info(message: string): void;
  warning(message: string): void;
}

/** Whether there is anything to do on the server (say so when a container must stay). */
export function needsCleanup(left: Leftovers, log: CleanupLog): boolean {
  if (left.container && left.switching) {
    log.info(`The deploy stopped after writing the key: ${left.container} may be serving and stays; the next deploy retires whichever container the key does not name.`);
  }
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
