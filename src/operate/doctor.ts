// The doctor (CLI `doctor`, the Action's `command: doctor`): each server read in one round of
// commands side by side, every read on its own (one that fails is a finding, not the end), then
// judged by doctor-checks.ts. It only reads: no lock is taken, no key or container touched.
import { resourceRendering } from '../remote/confd.js';
import { lockNames } from './day-two.js';
import { appName, neighbourDeployments, reservedPorts } from '../deploy/deployment-state.js';
import { remoteDockerHost, type DockerHost } from '../remote/docker-host.js';
import { FILE_READ_BYTES } from '../remote/docker.js';
import {
  doctorChecks,
  unreachable,
  type DoctorReading,
  type Read,
  type RedisFacts,
  type ServerDoctor,
} from './doctor-checks.js';
import { HISTORY_DIR, HISTORY_ENTRIES, historyPath, parseHistory } from '../deploy/history.js';
import { repositoryOf } from '../remote/image-ref.js';
import { probeTargets, type Config } from '../config/inputs.js';
import { forwardedProbes } from '../remote/probe.js';
import { openKeyStore, type KeyStore } from '../remote/redis.js';
import { connect, serverName, type SshTarget } from '../remote/ssh/connection.js';
import { portNamedBy } from '../remote/upstream.js';

const read = <T>(work: Promise<T>): Promise<Read<T>> =>
  work.then(
    (value) => ({ value }),
    (e: Error) => ({ error: e.message }),
  );

async function redisFacts(keys: KeyStore, redisKey: string): Promise<RedisFacts> {
  const names = lockNames(redisKey);
  const [keyValue, notifications, persistence, ...held] = await Promise.all([
    keys.get(redisKey),
    keys.keyspaceNotifications(),
    keys.persistence(),
    ...names.map((name) => keys.lockState(name)),
  ]);
  const locks = names.flatMap((name, i) => {
    const state = held[i];
    return state ? [{ name, ...state }] : [];
  });
  return { keyValue, notifications, persistence, locks };
}

/** Whether the image is on the server already, else the size of the newest image of its repository there (a new tag is about as large). */
async function imageOnServer(docker: DockerHost, image: string): Promise<DoctorReading['image']> {
  if (!image) return undefined;
  if ((await docker.imageSize(image).catch(() => undefined)) !== undefined) return { present: true };
  const [newest] = await docker.images(repositoryOf(image)).catch(() => []);
  const estimate = newest ? await docker.imageSize(newest.id).catch(() => undefined) : undefined;
  return estimate !== undefined && Number.isFinite(estimate) ? { estimateBytes: estimate } : undefined;
}

/** Every check on one server; a server that cannot be reached is one failed check. */
export async function doctorServer(
  target: SshTarget,
  config: Config,
  debug: (line: string) => void,
): Promise<ServerDoctor> {
  const server = serverName(target);
  let shell;
  try {
    shell = await connect(target, debug);
  } catch (e) {
    return { server, checks: [unreachable((e as Error).message)] };
  }
  const docker = remoteDockerHost(shell);
  const probes = forwardedProbes(shell, probeTargets(config));
  const { redisKey } = config.switch;
  const opening = read(openKeyStore(shell, config.switch.redis));
  try {
    const [readiness, confd, served, containers, listening, histories, disk, store, accessLogProblem] =
      await Promise.all([
        read(docker.readiness(target.username)),
        read(docker.confd()),
        probes.probe(),
        read(docker.containers()),
        read(docker.listeningPorts()),
        docker.readHistories(HISTORY_DIR, HISTORY_ENTRIES).catch(() => new Map<string, string>()),
        read(docker.diskFree()),
        opening,
        config.bake.accessLog
          ? docker.logEnd(config.bake.accessLog).then(
              () => undefined,
              (e: Error) => e.message,
            )
          : undefined,
      ]);
    const history = parseHistory(histories.get(historyPath(redisKey)) ?? '');
    const image = config.container.image || history.at(-1)?.image || '';
    const neighbourHistories = [...histories]
      .filter(([path]) => path !== historyPath(redisKey))
      .map(([, text]) => parseHistory(text));
    const neighbours = neighbourDeployments(
      'value' in containers ? containers.value : [],
      neighbourHistories,
      redisKey,
    );
    const resource = 'value' in confd ? resourceRendering(confd.value, redisKey) : undefined;
    const [redis, neighbourKeys, imageState, rendered] = await Promise.all([
      'value' in store ? read(redisFacts(store.value, redisKey)) : store,
      'value' in store ? Promise.all(neighbours.map((key) => store.value.get(key).catch(() => null))) : [],
      imageOnServer(docker, image),
      resource?.dest ? read(docker.readFile(resource.dest, FILE_READ_BYTES)) : undefined,
    ]);
    const keyValue = 'value' in redis ? redis.value.keyValue : null;
    const keyPort = keyValue === null ? undefined : portNamedBy(keyValue);
    const reading: DoctorReading = {
      username: target.username,
      hostKeyChecked: !target.insecureSkipHostKeyCheck,
      readiness,
      redis,
      confd,
      served,
      containers,
      listening,
      reserved: reservedPorts(keyPort, neighbourKeys, neighbourHistories),
      disk,
      image: imageState,
      now: Date.now(),
      rendered: resource && rendered ? { resource, text: rendered } : undefined,
      accessLog: config.bake.accessLog ? { path: config.bake.accessLog, problem: accessLogProblem } : undefined,
    };
    const s = config.switch;
    return {
      server,
      checks: doctorChecks(reading, {
        redisKey,
        redisValue: s.redisValue,
        upstreamHeader: s.upstreamHeader,
        probeUrl: s.probeUrl.href,
        portRange: config.container.portRange,
        app: appName(config.container.app, image),
        switchTimeoutMs: config.timing.switchTimeoutMs,
      }),
    };
  } finally {
    await probes.close().catch(() => undefined);
    const store = await opening;
    if ('value' in store) await store.value.close().catch(() => undefined);
    await shell.close();
  }
}

/** Every server side by side; one the doctor could not finish with is a failed check, the others still shown. */
export const doctor = (config: Config, debug: (line: string) => void): Promise<ServerDoctor[]> =>
  Promise.all(
    config.servers.map((target) =>
      doctorServer(target, config, debug).catch((e: Error) => ({
        server: serverName(target),
        checks: [unreachable(`the doctor could not read the server: ${e.message}`)],
      })),
    ),
  );
