// The Action's main step: the inputs, then the step they ask for. Each step's code is loaded only
// once the inputs are valid and only for the command given: a step that stops at its inputs loads
// little (docs/architecture.md, "Start-up").
import type { RunDeploy } from '../deploy/on-servers.js';
import { readConfig } from './config.js';

/** The main step; `deployWith` is the deploy itself (unit tests give a fake). */
export async function run(deployWith?: RunDeploy): Promise<void> {
  const read = await readConfig();
  if (!read) {
    process.exitCode = 1;
    return;
  }
  if (read.command === 'deploy') return (await import('./deploy.js')).deployStep(read.config, deployWith);
  return (await import('./operate.js')).operateStep(read.command, read.config);
}
