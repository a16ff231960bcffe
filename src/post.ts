// The post step: runs after the job's steps, also when the run was cancelled or
// the main step died. If the main step did not finish, it cleans up after it from
// the state the main step saved (its checkpoints).
import * as core from '@actions/core';
import { anythingLeft, cleanUpServers, type ServerLeftovers } from './cleanup.js';
import { readConfig, STATE } from './action-config.js';
import { printable } from './printable.js';

/** The post step holds the job (and its concurrency group): it gives up after this long. */
const POST_TIMEOUT_MS = 120_000;

export async function run(): Promise<void> {
  if (core.getState(STATE.finished) === 'true') return;
  const left = JSON.parse(core.getState(STATE.servers) || '{}') as ServerLeftovers;
  const log = { info: (m: string) => core.info(printable(m)), warning: (m: string) => core.warning(m), debug: core.debug };
  if (!anythingLeft(left, log)) return;
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
  const cleaning = cleanUpServers(left, config, log).catch((e: Error) => core.warning(`Cleanup after the main step failed: ${e.message}`));
  await Promise.race([cleaning, gaveUp]);
  clearTimeout(timer);
}
