// The action's main step: inputs -> one SSH connection -> deploy -> outputs and summary.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import * as core from '@actions/core';
import { deploy, DeployError, type DeployIdentity } from './deploy.js';
import type { Config } from './inputs.js';
import { forwardedProbes } from './probe.js';
import { openSession, readConfig, STATE, type Session } from './session.js';
import { failureSummary, successSummary } from './summary.js';

/** Past `timeout`, the time the deploy's own deadline checks get before the process gives up. */
const TIMEOUT_GRACE_MS = 30_000;

function deployIdentity(config: Config): DeployIdentity {
  const env = process.env;
  const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const nonce = randomBytes(2).toString('hex');
  const run = env.GITHUB_RUN_ID
    ? `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID} (attempt ${env.GITHUB_RUN_ATTEMPT ?? '1'})`
    : 'a run outside GitHub Actions';
  return {
    deployId: env.GITHUB_RUN_ID ? `${env.GITHUB_RUN_ID}.${env.GITHUB_RUN_ATTEMPT ?? '1'}` : `manual-${stamp}`,
    instance: `${stamp}-${nonce}`,
    lockOwner: `${env.GITHUB_REPOSITORY ?? 'local'} ${run} ${config.container.rollback ? 'rolling back' : `deploying ${config.container.image}`} [${stamp}-${nonce}]`,
  };
}

function setOutputs(result: Awaited<ReturnType<typeof deploy>>): void {
  core.setOutput('container', result.container);
  core.setOutput('container-id', result.containerId);
  core.setOutput('port', String(result.port));
  core.setOutput('previous-port', result.previousPort === undefined ? '' : String(result.previousPort));
  core.setOutput('previous-container', result.previousContainer ?? '');
  core.setOutput('image', result.image);
  core.setOutput('previous-image', result.previousImage ?? '');
  core.setOutput('image-digest', result.imageDigest);
  core.setOutput('switch-seconds', result.switchSeconds.toFixed(3));
  core.setOutput('duration-seconds', result.durationSeconds.toFixed(2));
}

async function writeSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary.addRaw(markdown).write();
}

export async function run(): Promise<void> {
  const config = readConfig();
  if (!config) return;
  const identity = deployIdentity(config);
  core.saveState(STATE.lockOwner, identity.lockOwner);
  // The deploy bounds its own waits by `timeout`; this is the backstop for a hung
  // command. The post step then releases the lock and removes an unused container.
  setTimeout(() => {
    core.setFailed(`The deploy did not finish within timeout (${config.timing.timeoutMs / 1000} s)`);
    process.exit(1);
  }, config.timing.timeoutMs + TIMEOUT_GRACE_MS).unref();

  let session: Session | undefined;
  let probes: ReturnType<typeof forwardedProbes> | undefined;
  try {
    session = await openSession(config, true);
    probes = forwardedProbes(session.shell, config);
    const result = await deploy(config, {
      docker: session.docker,
      keys: session.keys,
      probes,
      clock: { now: () => Date.now(), sleep: (ms: number) => sleep(ms).then(() => undefined) },
      log: { info: core.info, warning: (m: string) => core.warning(m), group: core.group },
      checkpoint: (name, value) => core.saveState(STATE[name], value),
    }, identity);
    core.saveState(STATE.finished, 'true');
    setOutputs(result);
    await writeSummary(successSummary(result.image, result));
    core.info(`${result.image} is live on :${result.port} (switch ${result.switchSeconds.toFixed(3)} s, deploy ${result.durationSeconds.toFixed(2)} s)`);
  } catch (e) {
    if (e instanceof DeployError) {
      // What the deploy could not undo (a dropped connection, say) is still in the checkpoints: post finishes it.
      core.error(`${e.message}\n${e.hint}${e.details.logs ? `\nLast log lines:\n${e.details.logs}` : ''}`, { title: `docker-hot-deploy: ${e.phase} failed` });
      await writeSummary(failureSummary(config.container.image, e));
      core.setFailed(`${e.message}. ${e.hint}`);
    } else {
      core.setFailed((e as Error).message);
    }
  } finally {
    await probes?.close().catch(() => undefined);
    await session?.close().catch(() => undefined);
  }
}

await run();
