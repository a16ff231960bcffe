// The Action's `command: deploy` (the default): one deploy over SSH -> outputs, summary, state for the post step.
import * as core from '@actions/core';
import { bakeEvidence } from '../deploy/bake-rules.js';
import { printable } from '../remote/printable.js';
import { noteCheckpoint, registryLoginLeft, type ServerLeftovers } from '../deploy/cleanup.js';
import { DeployError } from '../deploy/run.js';
import {
  newIdentity,
  outputsOf,
  runDeploy,
  TIMEOUT_GRACE_MS,
  type Deployer,
  type RunDeploy,
} from '../deploy/on-servers.js';
import type { Config } from '../config/inputs.js';
import { writeSummary } from './config.js';
import { STATE } from './state.js';
import { failureSummary, successSummary } from './summary.js';

/** Who runs the deploy, as a GitHub workflow run names itself. */
function githubRun(): Deployer {
  const env = process.env;
  if (!env.GITHUB_RUN_ID) return { description: `${env.GITHUB_REPOSITORY ?? 'local'} a run outside GitHub Actions` };
  const attempt = env.GITHUB_RUN_ATTEMPT ?? '1';
  return {
    deployId: `${env.GITHUB_RUN_ID}.${attempt}`,
    description: `${env.GITHUB_REPOSITORY} ${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID} (attempt ${attempt})`,
  };
}

/** The deploy step; `deployWith` is the deploy itself (unit tests give a fake). */
export async function deployStep(config: Config, deployWith: RunDeploy = runDeploy): Promise<void> {
  const identity = newIdentity(config, githubRun());
  // The deploy bounds its own waits by `timeout`; this is the backstop for a hung
  // command. The post step then releases the lock and removes an unused container.
  const backstop = setTimeout(() => {
    core.setFailed(`The deploy did not finish within timeout (${config.timing.timeoutMs / 1000} s)`);
    process.exit(1);
  }, config.timing.timeoutMs + TIMEOUT_GRACE_MS);
  backstop.unref();
  const left: ServerLeftovers = {};
  try {
    const result = await deployWith(config, identity, {
      // core.info writes its line as it is: a value from the server in it must not become a workflow command.
      log: {
        info: (m: string) => core.info(printable(m)),
        warning: (m: string) => core.warning(m),
        debug: core.debug,
        group: core.group,
      },
      checkpoint: (server, name, value) => {
        noteCheckpoint(left, identity.lockOwner, server, name, value);
        core.saveState(STATE.servers, JSON.stringify(left));
      },
    });
    if (!registryLoginLeft(left)) core.saveState(STATE.finished, 'true');
    for (const [name, value] of Object.entries(outputsOf(result))) core.setOutput(name, value);
    await writeSummary(successSummary(result.image, result));
    core.info(
      `${result.image} is live on :${result.port} (switch ${result.switchSeconds.toFixed(3)} s, deploy ${result.durationSeconds.toFixed(2)} s)`,
    );
  } catch (e) {
    // setFailed sets it on the runner; tools that stand in for @actions/core (local-action) may not.
    process.exitCode = 1;
    if (e instanceof DeployError) {
      // What the deploy could not undo (a dropped connection, say) is still in the checkpoints: post finishes it.
      const evidence = e.details.bake
        ? bakeEvidence(e.details.bake)
            .map((l) => `\n${l}`)
            .join('')
        : '';
      core.error(`${e.message}\n${e.hint}${evidence}${e.details.logs ? `\nLast log lines:\n${e.details.logs}` : ''}`, {
        title: `docker-hot-deploy: ${e.phase} failed`,
      });
      await writeSummary(failureSummary(config.container.image || 'the rollback', e));
      core.setFailed(`${e.message}. ${e.hint}`);
    } else {
      core.setFailed((e as Error).message);
    }
  } finally {
    clearTimeout(backstop);
  }
}
