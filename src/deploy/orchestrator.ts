// One deploy across one or more servers, all or nothing (docs/architecture.md, the deploy step by step):
// lock every server, prepare the new version everywhere while
// the old one serves, switch in batches (undone everywhere if any server
// fails), and only then retire the old version everywhere. One server is the
// same sequence with one element. Written against small interfaces so unit
// tests drive it with fakes.
import {
  DeployError,
  DeployRun,
  timed,
  type Clock,
  type DeployIdentity,
  type DeployLog,
  type StageName,
  type StageRecord,
} from './run.js';
import { batchCount, type Config } from '../config/inputs.js';
import { ServerDeploy, Stopped, type Server, type ServerResult } from './server/server-deploy.js';

export interface Deps {
  /** In the order the host input gives them: the first one runs the release phase. */
  servers: Server[];
  clock: Clock;
  log: DeployLog;
  /** Aborted: the deploy stops at its next step and undoes what it did. */
  signal?: AbortSignal;
}

export interface DeployResult extends ServerResult {
  /** Every server's result; the fields above are the first server's. */
  servers: ServerResult[];
  stages: StageRecord[];
  durationSeconds: number;
  warnings: string[];
}

/** The servers in batches of `count`, in the order given. */
const inBatches = <T>(items: T[], count: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / count) }, (_, i) => items.slice(i * count, (i + 1) * count));

export async function deploy(config: Config, deps: Deps, identity: DeployIdentity): Promise<DeployResult> {
  const run = new DeployRun(config, identity, deps.clock, deps.log, deps.signal);
  const servers = deps.servers.map((server) => new ServerDeploy(run, server));
  const stages: StageRecord[] = [];

  async function stage<T>(name: StageName, detail: string, work: () => Promise<T>): Promise<T> {
    const record: StageRecord = { stage: name, ms: 0, ok: false, detail };
    stages.push(record);
    return timed(record, run.clock, work);
  }

  try {
    await stage('lock', 'every server, in a fixed order', () => acquireLocks(servers));
    await stage('prepare', 'inspect, pull, release, start and ready check, side by side', () => prepare(run, servers));
    const batches = inBatches(servers, batchCount(servers.length, config.batchSize));
    for (const [i, batch] of batches.entries()) {
      const names = `batch ${i + 1} of ${batches.length}: ${batch.map((s) => s.name).join(', ')}`;
      await stage('switch', names, () => everyOne(batch, (s) => s.switchTo()));
      // Each batch bakes before the next switches: with batch-size 1, the first server is a canary.
      if (config.bake.timeMs > 0)
        await stage('bake', `${names}, for bake-time`, () => everyOne(batch, (s) => s.bake(), run));
    }
    // Every bake passed: from here on the new version stays, whatever interrupts.
    run.interruptible = false;
    const results = await stage('retire', 'drain and retire, side by side', () =>
      Promise.all(servers.map((s) => s.retire())),
    );
    return { ...results[0], servers: results, stages, durationSeconds: run.seconds(), warnings: run.warnings };
  } catch (e) {
    run.interruptible = false;
    throw await undo(e, servers, stages, stage);
  } finally {
    await Promise.all(servers.map((s) => s.unlock()));
  }
}

/** 2. One server after the other, in the order of their names: two deploys of the same servers cannot deadlock. */
async function acquireLocks(servers: ServerDeploy[]): Promise<void> {
  // By code unit, not localeCompare: two runners with other locales must take them in the same order.
  for (const server of [...servers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)))
    await server.acquireLock();
}

/** 3-6 on every server while the old version serves: inspect and pull side by side, the
 * release phase once (on the first server), then start and ready check side by side. */
async function prepare(run: DeployRun, servers: ServerDeploy[]): Promise<void> {
  await everyOne(servers, (s) => s.inspectAndPull(), run);
  sameRollbackTarget(servers);
  sameBuild(servers);
  if (run.config.container.releaseCommand.length > 0) await servers[0].releasePhase();
  await everyOne(servers, (s) => s.startAndCheck(), run);
}

/** Runs `work` on every server side by side and waits for all of them; the first failure is
 * thrown. While preparing (`run` given), one failure stops the others' waits. */
async function everyOne(
  servers: ServerDeploy[],
  work: (s: ServerDeploy) => Promise<void>,
  run?: DeployRun,
): Promise<void> {
  // Boxed: a rejection with a falsy value (undefined, 0) is a failure too.
  let first: { error: unknown } | undefined;
  await Promise.all(
    servers.map((s) =>
      work(s).catch((e: unknown) => {
        if (e instanceof Stopped) return;
        first ??= { error: e };
        if (run) run.stopped = `${s.name} failed`;
      }),
    ),
  );
  if (run) run.stopped = undefined;
  if (first) throw first.error;
}

/** One build everywhere: a tag pushed again while the servers pulled would leave them running different code.
 * Images built on each server (no registry digest) have ids of their own and are not compared. */
function sameBuild(servers: ServerDeploy[]): void {
  const digests = new Set(servers.filter((s) => !s.pulledImage?.local).map((s) => s.pulledImage?.digest));
  if (digests.size <= 1) return;
  const list = servers.map((s) => `${s.name}: ${s.pulledImage?.digest}`).join('; ');
  throw new DeployError(
    'pull',
    `the servers pulled different builds of ${servers[0].pulledImage?.image} (${list})`,
    'The tag was pushed again while the servers pulled it (or a server has its own image under that name). Deploy by digest (image@sha256:...), or again once the tag settled.',
    [],
    {},
    servers[0].name,
  );
}

/** A rollback goes back to one release everywhere, or nowhere. */
function sameRollbackTarget(servers: ServerDeploy[]): void {
  const targets = new Map(servers.map((s) => [s.name, s.rollbackRelease]));
  const digests = new Set([...targets.values()].map((r) => r?.digest));
  if (digests.size <= 1) return;
  const list = [...targets].map(([name, r]) => `${name}: ${r?.image} (${r?.digest})`).join('; ');
  throw new DeployError(
    'inspect',
    `rollback: the servers would go back to different releases (${list})`,
    'Their histories differ (a server deployed on its own?). Deploy the image wanted by name instead of rolling back.',
    [],
    {},
    servers[0].name,
  );
}

/** All or nothing: every server that switched is switched back (and proven), every
 * new container that never served is removed, and the failure is recorded everywhere. */
async function undo(
  e: unknown,
  servers: ServerDeploy[],
  stages: StageRecord[],
  stage: <T>(name: StageName, detail: string, work: () => Promise<T>) => Promise<T>,
): Promise<unknown> {
  if (!(e instanceof DeployError)) return e;
  // The server that failed its own switch has already written its key back.
  const switched = servers.filter((s) => s.proven && !s.lost);
  const undoFailures: DeployError[] = [];
  if (switched.length > 0) {
    await stage('undo', `switch back ${switched.map((s) => s.name).join(', ')}`, async () => {
      await Promise.all(
        switched.map((s) =>
          s.switchBack().catch((u: DeployError) => {
            undoFailures.push(u);
          }),
        ),
      );
      if (undoFailures.length > 0) throw undoFailures[0];
    }).catch(() => undefined);
  }
  await Promise.all(
    servers.map(async (s) => {
      await s.discardNew();
      await s.recordFailure(e);
    }),
  );
  const failure =
    undoFailures.length === 0
      ? e
      : new DeployError(
          e.phase,
          `${e.reason}; switching back failed on ${undoFailures.map((u) => u.server ?? 'the server').join(', ')}: ${undoFailures.map((u) => u.reason).join('; ')}`,
          `${undoFailures.map((u) => u.hint).join(' ')} ${e.hint}`,
          e.timeline,
          e.details,
          e.server,
        );
  failure.oldServes = servers.every((s) => !s.switched);
  failure.serverLost = servers.some((s) => s.lost);
  failure.stages = stages;
  failure.servers = servers.map((s) => ({ server: s.name, timeline: s.timeline, switched: s.switched }));
  return failure;
}
