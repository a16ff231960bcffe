// The post step: runs after the job's steps, also when the run was cancelled or
// the main step died. If the main step did not finish, release the lock it held
// and remove its container if that never received traffic.
import * as core from '@actions/core';
import { openSession, readConfig, STATE } from './session.js';

export async function post(): Promise<void> {
  if (core.getState(STATE.finished) === 'true') return;
  const lock = core.getState(STATE.lock);
  const container = core.getState(STATE.container);
  const switching = core.getState(STATE.switching) === 'true';
  const dockerConfig = core.getState(STATE.dockerConfig);
  const removable = container && !switching ? container : '';
  if (container && switching) core.info(`The main step stopped after writing the key: ${container} may be serving and stays; the next deploy retires whichever container the key does not name.`);
  if (!lock && !removable && !dockerConfig) return;
  const config = readConfig();
  if (!config) return;
  core.info('The main step did not finish: cleaning up after it.');
  const session = await openSession(config);
  try {
    if (dockerConfig) {
      await session.docker.removeDir(dockerConfig).then(
        () => core.info(`Removed the registry login in ${dockerConfig}.`),
        (e: Error) => core.warning(`Could not remove the registry login in ${dockerConfig}: ${e.message}`),
      );
    }
    if (removable) {
      await session.docker.discard([removable]).then(
        () => core.info(`Removed ${removable}, which never received traffic.`),
        (e: Error) => core.warning(`Could not remove ${removable}: ${e.message}`),
      );
    }
    if (lock) {
      const released = await session.keys.unlock(lock, core.getState(STATE.lockOwner));
      core.info(released ? `Released ${lock}.` : `${lock} was no longer held by this run.`);
    }
  } finally {
    await session.close();
  }
}

/** The post step holds the job (and its concurrency group): it gives up after this long. */
const POST_TIMEOUT_MS = 120_000;
setTimeout(() => {
  core.warning(`Cleanup after the main step did not finish within ${POST_TIMEOUT_MS / 1000} s; the lock expires by itself and the next deploy retires what is left.`);
  process.exit(0);
}, POST_TIMEOUT_MS).unref();

await post().catch((e: Error) => core.warning(`Cleanup after the main step failed: ${e.message}`));
