// One deploy as every door runs it: the SSH session and its probes opened, the
// deploy run against them with real time, everything closed again. The doors
// (the Action, the CLI) bring their own log, checkpoints and identity.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BakeReport } from './bake-rules.js';
import { deploy, type DeployResult } from './orchestrator.js';
import type { Clock, DeployIdentity } from './run.js';
import type { Log } from '../remote/log.js';
import { probeTargets, type Config } from '../config/inputs.js';
import { forwardedProbes } from '../remote/probe.js';
import type { Checkpoint, ServerResult } from './server/server-deploy.js';
import { openSessions } from '../remote/session.js';

/** Past `timeout`, the time the deploy's own deadline checks get before a door gives up on it (a hung command). */
export const TIMEOUT_GRACE_MS = 30_000;

/** Time as it passes: what every door gives the deploy and the day-two commands. */
export const realClock: Clock = { now: () => Date.now(), sleep: (ms: number) => sleep(ms).then(() => undefined) };

/** Who deploys: a run's id for labels, and a description of it for the lock and the history. */
export interface Deployer {
  deployId?: string;
  description: string;
}

export function newIdentity(config: Config, who: Deployer): DeployIdentity {
  const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const instance = `${stamp}-${randomBytes(2).toString('hex')}`;
  const what = config.container.rollback ? 'rolling back' : `deploying ${config.container.image}`;
  return {
    deployId: who.deployId ?? `manual-${stamp}`,
    instance,
    lockOwner: `${who.description} ${what} [${instance}]`,
  };
}

export interface DeployHooks {
  log: Log;
  /** What a server's deploy has taken or started, for cleanup after a cancel (by server name). */
  checkpoint: (server: string, name: Checkpoint, value: string) => void;
  /** Aborted: the deploy stops at its next step and undoes what it did. */
  signal?: AbortSignal;
}

export type RunDeploy = (config: Config, identity: DeployIdentity, hooks: DeployHooks) => Promise<DeployResult>;

export const runDeploy: RunDeploy = async (config, identity, hooks) => {
  const sessions = await openSessions(config.servers, config.switch.redis, hooks.log, true);
  const probes = sessions.map((session) => forwardedProbes(session.shell, probeTargets(config)));
  try {
    return await deploy(
      config,
      {
        servers: sessions.map((session, i) => ({
          name: session.name,
          docker: session.docker,
          keys: session.keys,
          probes: probes[i],
          checkpoint: (name, value) => hooks.checkpoint(session.name, name, value),
        })),
        clock: realClock,
        log: hooks.log,
        signal: hooks.signal,
      },
      identity,
    );
  } finally {
    await Promise.all(probes.map((p) => p.close().catch(() => undefined)));
    await Promise.all(sessions.map((session) => session.close().catch(() => undefined)));
  }
};

/** The `bake` output: what a user's next step may act on. */
function bakeOutput(report: BakeReport | undefined): object | undefined {
  if (!report) return undefined;
  const { passed, seconds, traffic, probes, probeFailures, restarts } = report;
  return {
    passed,
    seconds: Number(seconds.toFixed(1)),
    requests: traffic?.requests ?? null,
    errors: traffic?.errors ?? null,
    probes,
    'probe-failures': probeFailures,
    restarts,
  };
}

/** One server's outputs, by the names action.yml gives them. */
function serverOutputs(result: ServerResult): Record<string, string> {
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
  };
}

/** The outputs of a deploy: the first server's, the duration, and every server's in `servers`. */
export function outputsOf(result: DeployResult): Record<string, string> {
  return {
    ...serverOutputs(result),
    bake: result.bake ? JSON.stringify(bakeOutput(result.bake)) : '',
    'duration-seconds': result.durationSeconds.toFixed(2),
    servers: JSON.stringify(
      result.servers.map((r) => ({ server: r.server, ...serverOutputs(r), bake: bakeOutput(r.bake) ?? null })),
    ),
  };
}
