// The post step: runs after the job's steps, also when the run was cancelled or
// the main step died. If the main step did not finish, it cleans up after it from
// the state the main step saved (its checkpoints).
import * as core from '@actions/core';
import { cleanUp, needsCleanup, type Leftovers } from './cleanup.js';
import { readConfig, STATE } from './action-config.js';
import { openSession } from './session.js';

/** The post step holds the job (and its concurrency group): it gives up after this long. */
const POST_TIMEOUT_MS = 120_000;

export async function run(): Promise<void> {
  if (core.getState(STATE.finished) === 'true') return;
  const left: Leftovers = {
    lock: core.getState(STATE.lock),
    lockOwner: core.getState(STATE.lockOwner),
    container: core.getState(STATE.container),
    switching: core.getState(STATE.switching) === 'true',
    dockerConfig: core.getState(STATE.dockerConfig),
  };
  const log = { info: core.info, warning: (m: string) => core.warning(m) };
  if (!needsCleanup(left, log)) return;
  const config = readConfig();
  if (!config) return;
  core.info('The main step did not finish: cleaning up after it.');
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      core.warning(`Cleanup after the main step did not finish within ${POST_TIMEOUT_MS / 1000} s; the lock expires by itself and the next deploy retires what is left.`);
      resolve();
    }, POST_TIMEOUT_MS);
  });
  const cleaning = (async () => {
    const session = await openSession(config, { debug: core.debug, warning: log.warning });
    try {
      await cleanUp(left, session, log);
    } finally {
      await session.close();
    }
  })().catch((e: Error) => core.warning(`Cleanup after the main step failed: ${e.message}`));
  await Promise.race([cleaning, gaveUp]);
  clearTimeout(timer);
}
