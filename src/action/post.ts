// The post step: runs after the job's steps, also when the run was cancelled or
// the main step died. If the main step did not finish, it cleans up after it from
// the state the main step saved (its checkpoints).
import * as core from '@actions/core';
import { anythingLeft, cleanUpWithin, type ServerLeftovers } from '../deploy/cleanup.js';
import { readConfig } from './config.js';
import { STATE } from './state.js';
import { printable } from '../remote/printable.js';

export async function run(): Promise<void> {
  if (core.getState(STATE.finished) === 'true') return;
  const left = JSON.parse(core.getState(STATE.servers) || '{}') as ServerLeftovers;
  const log = {
    info: (m: string) => core.info(printable(m)),
    warning: (m: string) => core.warning(m),
    debug: core.debug,
  };
  if (!anythingLeft(left, log)) return;
  const config = (await readConfig())?.config;
  if (!config) return;
  core.info('The main step did not finish: cleaning up after it.');
  await cleanUpWithin(left, config, log);
}
