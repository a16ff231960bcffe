// 3-6. Prepare (docs/architecture.md), while the old version serves: inspect what serves and
// repair a lost or wrong key, pull beside it, the release phase, start on a free port, ready check.
import { appName, deploymentState, isUp, neighbourDeployments, reservedPorts } from '../deployment-state.js';
import { HISTORY_DIR, HISTORY_ENTRIES, parseHistory, rollbackTarget, type Release } from '../history.js';
import { DeployError } from '../run.js';
import {
  firstFreePort,
  LABEL_DEPLOYMENT,
  LABEL_ROLE,
  takenPorts,
  type ImageIdentity,
  type PullPolicy,
  type RunSpec,
} from '../../remote/docker.js';
import { pinnedRef, registryOf, repositoryOf } from '../../remote/image-ref.js';
import { lastLine, megabytes, PullProgress, pullLine, reportWhile } from '../../remote/progress.js';
import { persistenceRisk } from '../../remote/redis-rules.js';
import { LOG_TAIL_LINES, POLL_MS, seconds, type Inspection, type ServerContext } from './context.js';
import { HINTS } from './hints.js';
import { readiness } from './rules.js';

const PORT_ATTEMPTS = 5;
/** What is kept of the release command's output for its progress line. */
const RELEASE_TAIL_CHARS = 4096;
const lastLines = (text: string, count: number): string =>
  text
    .split('\n')
    .filter((l) => l.trim())
    .slice(-count)
    .join('\n');

/** 3 + 4 (begun) + pull. Learn what serves now and repair a lost or wrong key first, while pulling. */
export async function inspectAndPull(ctx: ServerContext): Promise<void> {
  const { docker } = ctx.server;
  const c = ctx.config.container;
  ctx.confdAtStart = docker.confd().catch(() => undefined);
  const { accessLog, timeMs } = ctx.config.bake;
  if (accessLog && timeMs > 0)
    ctx.logCheck = docker.logEnd(accessLog).then(
      () => undefined,
      (e: Error) => ctx.unreadableLog(accessLog, e),
    );
  const inspected = inspect(ctx);
  // A rollback's image is known once the history is read; any other is pulled at once.
  const pulled = ctx.phase('pull', async () => pull(ctx, c.rollback ? (await inspected).target : undefined));
  [ctx.inspection, ctx.pulled] = await Promise.all([inspected, pulled]);
  // A rollback by image id pulls "sha256:...": its app is the release's image's.
  ctx.app = appName(c.app, ctx.inspection.target?.release.image ?? ctx.pulled.image);
  ctx.containerName = `${ctx.app}-${ctx.run.identity.instance}`;
  if (ctx.inspection.target)
    ctx.run.log.info(
      `Rolling back to ${ctx.inspection.target.release.image} (${ctx.pulled.image}), deployed ${ctx.inspection.target.release.time}`,
    );
}

function inspect(ctx: ServerContext): Promise<Inspection> {
  const { docker, keys, probes } = ctx.server;
  const c = ctx.config.container;
  const s = ctx.config.switch;
  const historyFile = ctx.history;
  return ctx.phase('inspect', async () => {
    // The release history is read beside it: a rollback takes its image from there.
    const [keyValue, notifications, persistence, containers, listening, served, files] = await Promise.all([
      keys.get(s.redisKey),
      keys.keyspaceNotifications(),
      keys.persistence(),
      docker.containers(),
      docker.listeningPorts(),
      probes.probe(),
      docker.readHistories(HISTORY_DIR, HISTORY_ENTRIES),
    ]);
    const skipped: string[] = [];
    const history = parseHistory(files.get(historyFile) ?? '', (why) => skipped.push(why));
    if (skipped.length > 0)
      ctx.warn(`~/${historyFile}: ${skipped.length} line(s) are no release and were skipped (first: ${skipped[0]})`);
    const target = c.rollback ? rollbackImage(ctx, history) : undefined;
    const state = deploymentState({
      deployment: s.redisKey,
      app: appName(c.app, target?.release.image ?? c.image),
      redisValue: s.redisValue,
      keyValue,
      served,
      containers,
    });
    state.findings.forEach((m) => ctx.warn(m));
    if (state.repair) await ctx.writeKey(state.repair.from, state.repair.to);
    const risk = persistence && persistenceRisk(persistence);
    if (risk) ctx.warn(risk);
    const neighbourHistories = [...files]
      .filter(([path]) => path !== historyFile)
      .map(([, text]) => parseHistory(text));
    const neighbourKeys = await Promise.all(
      neighbourDeployments(containers, neighbourHistories, s.redisKey).map((key) => keys.get(key).catch(() => null)),
    );
    const reserved = reservedPorts(state.keyPort, neighbourKeys, neighbourHistories);
    const detail =
      state.keyValue === null
        ? 'key unset: first deploy'
        : `key=${state.keyValue}${state.serving ? `, serving: ${state.serving.name}` : ''}${state.repair ? ' (repaired)' : ''}`;
    return { value: { state, containers, listening, reserved, notifications, history, files, target }, detail };
  });
}

async function pull(
  ctx: ServerContext,
  target: Inspection['target'],
): Promise<{ value: { image: string; identity: ImageIdentity }; detail: string }> {
  const { docker } = ctx.server;
  const c = ctx.config.container;
  const image = target?.ref ?? c.image;
  const policy = target ? 'missing' : c.pull;
  const registry = c.registry ?? registryOf(image);
  const progress = new PullProgress();
  const onOutput = (text: string): void => progress.feed(text);
  const t0 = ctx.run.clock.now();
  const took = (): string => seconds(ctx.run.clock.now() - t0);
  try {
    const pulling =
      c.registryUsername && c.registryPassword
        ? pullLoggedIn(
            ctx,
            { image, policy, registry, username: c.registryUsername, password: c.registryPassword },
            onOutput,
          )
        : docker.pull(image, policy, undefined, onOutput);
    const identity = await reportWhile(
      pulling,
      () => `pulling ${image}: ${pullLine(progress.state)} (${took()})`,
      (line) => ctx.progress(line),
    );
    const login = c.registryUsername ? ` (logged in to ${registry} for this pull)` : '';
    const { bytes } = progress.state;
    return {
      value: { image, identity },
      detail: `${image} ${identity.digest}${bytes > 0 ? `, ${megabytes(bytes)} in ${took()}` : ''}${login}`,
    };
  } catch (e) {
    if (!target) throw e;
    throw new Error(
      `the release to roll back to, ${target.release.image} (${target.release.digest}, deployed ${target.release.time}), is not on the server and cannot be pulled by digest: ${(e as Error).message}`,
    );
  }
}

/** What `rollback: true` deploys, by digest; a DeployError says why there is none. */
function rollbackImage(ctx: ServerContext, history: Release[]): { ref: string; release: Release } {
  const c = ctx.config.container;
  const found = rollbackTarget(history);
  if ('refusal' in found)
    throw new DeployError(
      'inspect',
      `rollback: ${found.refusal}`,
      'Rollback deploys the release before the one now serving, from the history on the server.',
      ctx.timeline,
    );
  const { release } = found;
  const repository = repositoryOf(release.image);
  if (c.image && repositoryOf(c.image) !== repository) {
    throw new DeployError(
      'inspect',
      `rollback: image names ${repositoryOf(c.image)}, but the release to roll back to is ${release.image}`,
      'Leave image out for a rollback, or name the repository being rolled back.',
      ctx.timeline,
    );
  }
  // A digest from a registry is pulled by it; an image that never had one is run by its local id.
  return { release, ref: pinnedRef(release.image, { digest: release.digest, id: release.imageId }) };
}

interface LoggedInPull {
  image: string;
  policy: PullPolicy;
  registry: string;
  username: string;
  password: string;
}

/** The login lives in a Docker config of this deploy's own, removed right after the pull:
 * `docker login` would otherwise leave the password in ~/.docker/config.json for good. */
async function pullLoggedIn(
  ctx: ServerContext,
  p: LoggedInPull,
  onOutput: (text: string) => void,
): Promise<ImageIdentity> {
  const { docker } = ctx.server;
  const configDir = await docker.makePrivateDir();
  ctx.checkpoint('dockerConfig', configDir);
  try {
    await docker.login(configDir, p.registry, p.username, p.password);
    return await docker.pull(p.image, p.policy, configDir, onOutput);
  } finally {
    await docker.removeDir(configDir).then(
      () => ctx.checkpoint('dockerConfig', ''),
      (e: Error) => ctx.warn(`could not remove the registry login in ${configDir}: ${e.message}`),
    );
  }
}

/** A migration of an earlier deploy that was killed may still run: two at once could corrupt the schema. */
function refuseSecondRelease(ctx: ServerContext): void {
  const running = ctx.prepared.inspection.containers.find(
    (x) => x.labels[LABEL_ROLE] === 'release' && x.labels[LABEL_DEPLOYMENT] === ctx.config.switch.redisKey && isUp(x),
  );
  if (!running) return;
  throw new DeployError(
    'release',
    `${running.name}, the release command of an earlier deploy, still runs: this one does not start a second`,
    `Wait for it to finish (docker logs -f ${running.name}), or stop it if it is stuck (docker rm -f ${running.name}), then deploy again. Nothing was started or switched: the previous version serves.`,
    ctx.timeline,
  );
}

/** 5a. The release phase: once, in a one-off container of the new image, before anything starts. */
export function releasePhase(ctx: ServerContext): Promise<void> {
  const c = ctx.config.container;
  const { clock } = ctx.run;
  const { pinned } = ctx.prepared;
  const name = `${ctx.containerName}-release`;
  return ctx.phase('release', async () => {
    refuseSecondRelease(ctx);
    const { end, limit } = ctx.run.until(ctx.config.timing.releaseTimeoutMs, 'release-timeout');
    // Said before it starts: a deploy cancelled meanwhile has its post step stop it.
    ctx.checkpoint('release', name);
    const t0 = clock.now();
    let tail = '';
    const released = ctx.server.docker.runOnce(
      {
        name,
        image: pinned,
        app: ctx.app,
        deployment: ctx.config.switch.redisKey,
        envFile: c.envFile,
        envOnStdin: c.env.length > 0,
        runArgs: c.runArgs,
        command: c.releaseCommand,
      },
      ctx.env,
      Math.max(end - clock.now(), 1),
      (text) => {
        tail = (tail + text).slice(-RELEASE_TAIL_CHARS);
      },
    );
    const outcome = await reportWhile(
      released,
      () => {
        const last = lastLine(tail);
        return `the release command runs (${seconds(clock.now() - t0)} so far, at most ${seconds(end - t0)}: ${limit})${last ? `; its last line: ${last}` : ''}`;
      },
      (line) => ctx.progress(line),
    );
    ctx.checkpoint('release', '');
    if (outcome === 'timed out')
      throw new DeployError(
        'release',
        `the release command did not finish within ${limit}; its container was removed`,
        HINTS.release,
        ctx.timeline,
      );
    const logs = lastLines(outcome.output, LOG_TAIL_LINES);
    if (outcome.code !== 0)
      throw new DeployError(
        'release',
        `the release command exited with code ${outcome.code}`,
        HINTS.release,
        ctx.timeline,
        { logs },
      );
    return { value: undefined, detail: `${c.releaseCommand.join(' ')}: exit 0` };
  });
}

/** 5 + 6. Start the new container on a free port of port-range, then check it is ready. */
export async function startAndCheck(ctx: ServerContext): Promise<void> {
  ctx.containerId = await start(ctx);
  ctx.port = await ready(ctx, ctx.containerId);
}

function start(ctx: ServerContext): Promise<string> {
  const c = ctx.config.container;
  const { docker } = ctx.server;
  const { inspection, image, pinned } = ctx.prepared;
  return ctx.phase('start', async () => {
    const spec: RunSpec = {
      name: ctx.containerName,
      image,
      pinned,
      app: ctx.app,
      deployment: ctx.config.switch.redisKey,
      deployId: ctx.run.identity.deployId,
      bindAddress: c.bindAddress,
      hostPort: 0,
      containerPort: c.containerPort,
      restart: c.restart,
      runArgs: c.runArgs,
      envFile: c.envFile,
      envOnStdin: c.env.length > 0,
    };
    const taken = takenPorts(inspection.listening, inspection.containers, inspection.reserved);
    for (let attempt = 1; ; attempt += 1) {
      const port = firstFreePort(c.portRange, taken);
      if (port === undefined) throw new Error(`no free port in port-range ${c.portRange.first}-${c.portRange.last}`);
      spec.hostPort = port;
      // Said before the run: a deploy cancelled while docker creates it still has it removed.
      ctx.checkpoint('container', ctx.containerName);
      try {
        const containerId = await docker.run(spec, ctx.env);
        return { value: containerId, detail: `${ctx.containerName} started on :${port}` };
      } catch (e) {
        await docker.discard([ctx.containerName]).then(
          () => ctx.checkpoint('container', ''),
          () => undefined,
        );
        // Taken between the look and the run (another deployment starting, say): try the next one.
        const clash = /address already in use|port is already allocated/.test((e as Error).message);
        if (!clash || attempt >= PORT_ATTEMPTS) throw e;
        taken.add(port);
      }
    }
  });
}

/** 6. Ready check, directly on the new port (read from the container: one
 * that already exited has none, and its state says why). */
function ready(ctx: ServerContext, id: string): Promise<number> {
  const { docker, probes } = ctx.server;
  const c = ctx.config.container;
  return ctx.phase('ready', async () => {
    const { end, limit } = ctx.run.until(ctx.config.timing.healthTimeoutMs, 'health-timeout');
    let last = '';
    for (;;) {
      const container = await docker.inspect(id, c.containerPort);
      let failure = (await ctx.containerFailure(container)) ?? '';
      if (!failure && container.status === 'running') {
        if (container.hostPort === undefined) failure = `docker published no port for ${c.containerPort}/tcp`;
        else {
          const verdict = readiness(
            await probes.health(container.hostPort),
            container.health,
            ctx.config.switch.healthPath,
          );
          if (verdict.ready) return { value: container.hostPort, detail: verdict.detail };
          last = verdict.last;
        }
      }
      if (!failure && ctx.run.clock.now() >= end)
        failure = `not ready within ${limit} (last: ${last || container.status})`;
      if (failure)
        throw new DeployError('ready', failure, HINTS.ready, ctx.timeline, { logs: await ctx.newContainerLogs() });
      await ctx.pause(POLL_MS.ready);
    }
  });
}

/** The new container goes after a failure, unless the key may name it (or the server is gone). */
export async function discardNew(ctx: ServerContext): Promise<void> {
  if (ctx.switched || ctx.lost || !ctx.containerId) return;
  await ctx.server.docker.discard([ctx.containerId]).then(
    () => ctx.checkpoint('container', ''),
    (e: Error) => ctx.warn(`could not remove ${ctx.containerName}: ${e.message}`),
  );
}
