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
  const removable = container && !switching ? container : '';
  if (!lock && !removable) {
    if (container) core.info(`The main step stopped after writing the key: ${container} may be serving and stays; the next deploy retires whichever container does not.`);
    return;
  }
  const config = readConfig();
  if (!config) return;
  core.info('The main step did not finish: cleaning up after it.');
  const session = await openSession(config);
  try {
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

await post().catch((e: Error) => core.warning(`Cleanup after the main step failed: ${e.message}`));
