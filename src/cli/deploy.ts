// The CLI's deploy: the same deploy as the Action's, its timeline and result on the terminal (and
// as JSON), Ctrl-C and the timeout undone and cleaned up as a cancelled run's post step would.
import { hostname, userInfo } from 'node:os';
import { bakeEvidence, bakeLine } from '../deploy/bake-rules.js';
import { anythingLeft, cleanUpWithin, noteCheckpoint, type ServerLeftovers } from '../deploy/cleanup.js';
import type { DeployResult } from '../deploy/orchestrator.js';
import { DeployError, type PhaseRecord, type ServerTimeline, type StageRecord } from '../deploy/run.js';
import type { Config } from '../config/inputs.js';
import {
  newIdentity,
  outputsOf,
  runDeploy,
  TIMEOUT_GRACE_MS,
  type Deployer,
  type RunDeploy,
} from '../deploy/on-servers.js';
import type { Log } from '../remote/log.js';
import { EXIT, type Io, type Terminal } from './output.js';

/** Who deploys, as the CI at hand names it (GitLab CI, Buildkite, Jenkins), else the user and machine. */
function deployer(env: NodeJS.ProcessEnv): Deployer {
  if (env.CI_JOB_URL)
    return { deployId: env.CI_JOB_ID, description: `${env.CI_PROJECT_PATH ?? 'gitlab'} ${env.CI_JOB_URL}` };
  if (env.BUILDKITE_BUILD_URL)
    return {
      deployId: env.BUILDKITE_BUILD_ID,
      description: `${env.BUILDKITE_PIPELINE_SLUG ?? 'buildkite'} ${env.BUILDKITE_BUILD_URL}`,
    };
  if (env.BUILD_URL) return { deployId: env.BUILD_TAG, description: `${env.JOB_NAME ?? 'jenkins'} ${env.BUILD_URL}` };
  return { description: `${userInfo().username}@${hostname()} (docker-hot-deploy CLI)` };
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
/** One phase or stage: whether it went through, its name, how long, what it did. */
const stepLine = (ok: boolean, name: string, ms: number, detail: string): string =>
  `  ${ok ? '✓' : '✗'} ${name.padEnd(8)} ${seconds(ms).padStart(8)}  ${detail}`;
const timelineText = (timeline: PhaseRecord[]): string =>
  timeline.map((p) => stepLine(p.ok, p.phase, p.ms, p.detail)).join('\n');

/** Each server's phases (named when there are several), then the stages across them. */
function timelinesText(servers: ServerTimeline[], stages: StageRecord[]): string {
  if (servers.length <= 1) return timelineText(servers[0]?.timeline ?? []);
  const perServer = servers.map((s) => `${s.server}:\n${timelineText(s.timeline)}`);
  const stageLines = stages.map((s) => stepLine(s.ok, s.stage, s.ms, s.detail));
  return [...perServer, `stages:\n${stageLines.join('\n')}`].join('\n');
}

/** The deploy; returns the exit status. `deployWith` is the deploy itself (tests may give a fake). */
export async function deployCommand(
  { json, verbose }: { json: boolean; verbose: boolean },
  config: Config,
  env: NodeJS.ProcessEnv,
  { io, out: { say, progress } }: { io: Io; out: Terminal },
  deployWith: RunDeploy = runDeploy,
): Promise<number> {
  const log: Log = {
    info: say,
    progress,
    warning: (m: string) => say(`warning: ${m}`),
    debug: verbose ? say : () => undefined,
    async group<T>(name: string, work: () => Promise<T>): Promise<T> {
      say(`… ${name}`);
      return work();
    },
  };
  const identity = newIdentity(config, deployer(env));
  // What a failed or interrupted deploy leaves to clean up: its checkpoints, kept here as the Action keeps its state.
  const left: ServerLeftovers = {};
  // The first Ctrl-C asks the deploy to stop: it undoes what it did at its next step (a bake is
  // switched back). A second one cleans up at once from the checkpoints, as a cancelled run's post step.
  const stop = new AbortController();
  // Once, for whichever asks first: a failure, the backstop, a second Ctrl-C.
  let cleaning: Promise<void> | undefined;
  // The cleanup's SSH sessions say nothing, even with --verbose: only the deploy's commands are shown.
  const cleanupLog = { info: log.info, warning: log.warning };
  const cleanUpNow = (): Promise<void> =>
    (cleaning ??= anythingLeft(left, log) ? cleanUpWithin(left, config, cleanupLog) : Promise.resolve());
  let timedOut = false;
  const onInterrupt = (): void => {
    if (!stop.signal.aborted) {
      say(
        'Interrupted: stopping the deploy at its next step and undoing what it did (Ctrl-C again to clean up and exit at once).',
      );
      stop.abort();
      process.once('SIGINT', onInterrupt);
      process.once('SIGTERM', onInterrupt);
      return;
    }
    say('Interrupted again: cleaning up as a cancelled run does.');
    void cleanUpNow().finally(() => process.exit(EXIT.interrupted));
  };
  process.once('SIGINT', onInterrupt);
  process.once('SIGTERM', onInterrupt);
  // The deploy bounds its own waits by `timeout`; this is the backstop for a hung command, as the Action has.
  const backstop = setTimeout(() => {
    timedOut = true;
    say(
      `The deploy did not finish within timeout (${config.timing.timeoutMs / 1000} s): stopping it and cleaning up as a cancelled run does.`,
    );
    stop.abort();
    void cleanUpNow().finally(() => process.exit(EXIT.failed));
  }, config.timing.timeoutMs + TIMEOUT_GRACE_MS);
  backstop.unref();
  try {
    const result: DeployResult = await deployWith(config, identity, {
      log,
      checkpoint: (server, name, value) => noteCheckpoint(left, identity.lockOwner, server, name, value),
      signal: stop.signal,
    });
    say(timelinesText(result.servers, result.stages));
    say(
      `${result.image} is live on :${result.port} (switch ${result.switchSeconds.toFixed(3)} s, deploy ${result.durationSeconds.toFixed(2)} s)`,
    );
    if (result.bake) say(`bake: ${bakeLine(result.bake)}`);
    if (json)
      io.stdout(
        `${JSON.stringify({ ok: true, outputs: outputsOf(result), timeline: result.timeline, stages: result.stages, warnings: result.warnings, releases: result.releases })}\n`,
      );
    return EXIT.deployed;
  } catch (e) {
    clearTimeout(backstop);
    if (!(e instanceof DeployError)) {
      say(`docker-hot-deploy: ${(e as Error).message}`);
      if (json) io.stdout(`${JSON.stringify({ ok: false, error: (e as Error).message })}\n`);
      await cleanUpNow();
      return EXIT.failed;
    }
    say(e.servers.length > 0 ? timelinesText(e.servers, e.stages) : timelineText(e.timeline));
    if (e.details.bake) bakeEvidence(e.details.bake).forEach(say);
    if (e.details.logs) say(`Last log lines:\n${e.details.logs}`);
    say(`${e.message}. ${e.hint}`);
    if (json)
      io.stdout(
        `${JSON.stringify({ ok: false, server: e.server, phase: e.phase, reason: e.reason, hint: e.hint, oldServes: e.oldServes, timeline: e.timeline, stages: e.stages, servers: e.servers, logs: e.details.logs, bake: e.details.bake })}\n`,
      );
    // What the undo could not reach (a server lost meanwhile, a registry login left) is still in
    // the checkpoints: cleaned up as the Action's post step would.
    await cleanUpNow();
    if (stop.signal.aborted && !timedOut) return EXIT.interrupted;
    return e.oldServes && !timedOut ? EXIT.oldServes : EXIT.failed;
  } finally {
    clearTimeout(backstop);
    process.removeListener('SIGINT', onInterrupt);
    process.removeListener('SIGTERM', onInterrupt);
  }
}
