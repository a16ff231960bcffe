// One deploy as every door runs it: the SSH session and its probes opened, the
// deploy run against them with real time, everything closed again. The doors
// (the Action, the CLI) bring their own log, checkpoints and identity.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { deploy, type Checkpoint, type DeployIdentity, type DeployResult, type Log } from './deploy.js';
import type { Config } from './inputs.js';
import { forwardedProbes } from './probe.js';
import { openSession } from './session.js';

/** Who deploys: a run's id for labels, and a description of it for the lock and the history. */
export interface Deployer {
  deployId?: string;
  description: string;
}

export function newIdentity(config: Config, who: Deployer): DeployIdentity {
  const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const instance = `${stamp}-${randomBytes(2).toString('hex')}`;
  const what = config.container.rollback ? 'rolling back' : `deploying ${config.container.image}`;
  return { deployId: who.deployId ?? `manual-${stamp}`, instance, lockOwner: `${who.description} ${what} [${instance}]` };
}

export interface DeployHooks {
  log: Log;
  debug: (message: string) => void;
  checkpoint: (name: Checkpoint, value: string) => void;
}

export type RunDeploy = (config: Config, identity: DeployIdentity, hooks: DeployHooks) => Promise<DeployResult>;

export const runDeploy: RunDeploy = async (config, identity, hooks) => {
  const session = await openSession(config, { debug: hooks.debug, warning: hooks.log.warning }, true);
  const probes = forwardedProbes(session.shell, config);
  try {
    return await deploy(config, {
      docker: session.docker,
      keys: session.keys,
      probes,
      clock: { now: () => Date.now(), sleep: (ms: number) => sleep(ms).then(() => undefined) },
      log: hooks.log,
      checkpoint: hooks.checkpoint,
    }, identity);
  } finally {
    await probes.close().catch(() => undefined);
    await session.close().catch(() => undefined);
  }
};

/** The outputs of a deploy, by the names action.yml gives them. */
export function outputsOf(result: DeployResult): Record<string, string> {
  return {
    container: result.container,
    'container-id': result.containerId,
    port: String(result.port),
    'previous-port': result.previousPort === undefined ? '' : String(result.previousPort),
    'previous-container': result.previousContainer ?? '',
    image: result.image,
    'previous-image': result.previousImage ?? '',
    'image-digest': result.imageDigest,
    'switch-seconds': result.switchSeconds.toFixed(3),
    'duration-seconds': result.durationSeconds.toFixed(2),
  };
}
