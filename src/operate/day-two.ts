// What runs on a server right now, for the on-call person (CLI `status` and `history`):
// what nginx serves, the key, this deployment's containers, the lock and the last
// releases. Read only; the view is pure, the reading is one round of commands.
import { appName, deploymentState, isUp } from '../deploy/deployment-state.js';
import type { ContainerSummary } from '../remote/docker.js';
import { HISTORY_DIR, HISTORY_ENTRIES, historyPath, latest, parseHistory, type Release } from '../deploy/history.js';
import type { Config } from '../config/inputs.js';
import { printable } from '../remote/printable.js';
import type { ProbeResult, Probes } from '../remote/probe-result.js';
import { legacyLockName, lockName } from '../remote/redis-rules.js';
import type { Session } from '../remote/session.js';

export interface LockStatus {
  name: string;
  holder: string;
  /** Since its deploy began, when its value says (the deploy's instance stamp). */
  ageSeconds?: number;
  /** Until it expires unless renewed; undefined: it never expires. */
  expiresInMs?: number;
}

export interface ContainerStatus {
  name: string;
  state: string;
  image: string;
  imageId: string;
  /** The registry digest its release recorded (the history names the container), if any. */
  digest?: string;
  ports: number[];
  startedAt?: string;
  serving: boolean;
}

export interface ServerStatus {
  server: string;
  /** One probe through nginx: its status and the upstream it named. */
  nginx: ProbeResult;
  key: { name: string; value: string | null };
  /** The container the key names and nginx reaches, if any. */
  serving?: string;
  containers: ContainerStatus[];
  /** The deployment's lock, and 0.1's (which deploys wait for too), when held. */
  locks: LockStatus[];
  releases: Release[];
  /** What does not add up (the key names no container, nginx serves another one). */
  findings: string[];
}

/** What a server holds, as read in one round. */
export interface StatusReading {
  server: string;
  redisKey: string;
  redisValue: string;
  app: string;
  keyValue: string | null;
  served: ProbeResult;
  containers: ContainerSummary[];
  history: Release[];
  /** Each lock held, by name: its holder and time to live (-1: never expires). */
  locks: Array<{ name: string; holder: string; ttlMs: number }>;
  now: number;
}

/** The deploy's instance stamp at the end of a lock's value: `[YYYYMMDDHHMMSS-xxxx]` (run-deploy.ts newIdentity). */
const INSTANCE_STAMP = /\[(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})-[0-9a-f]{4}\]$/;

export function lockStatus(name: string, holder: string, ttlMs: number, now: number): LockStatus {
  const m = INSTANCE_STAMP.exec(holder);
  const taken = m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : undefined;
  return {
    name,
    holder,
    ageSeconds: taken === undefined ? undefined : Math.max(0, Math.round((now - taken) / 1000)),
    expiresInMs: ttlMs >= 0 ? ttlMs : undefined,
  };
}

export function serverStatus(r: StatusReading, releases: number): ServerStatus {
  const state = deploymentState({
    deployment: r.redisKey,
    app: r.app,
    redisValue: r.redisValue,
    keyValue: r.keyValue,
    served: r.served,
    containers: r.containers,
  });
  // Status writes nothing: a repair the next deploy would make is a finding here.
  const findings = state.repair
    ? [
        `${r.redisKey} ${r.keyValue === null ? 'is unset' : `holds "${r.keyValue}"`}, but nginx serves ${state.serving?.name}: the next deploy writes "${state.repair.to}" back first`,
      ]
    : state.findings.map((f) => f.replace('this deploy is the repair', 'the next deploy repairs it'));
  return {
    server: r.server,
    nginx: r.served,
    key: { name: r.redisKey, value: r.keyValue },
    serving: state.serving?.name,
    containers: state.own.map((c) => ({
      name: c.name,
      state: c.state,
      image: c.image,
      imageId: c.imageId,
      digest: r.history.findLast((release) => release.container === c.name)?.digest,
      ports: c.hostPorts,
      startedAt: c.startedAt,
      serving: c === state.serving,
    })),
    locks: r.locks.map((l) => lockStatus(l.name, l.holder, l.ttlMs, r.now)),
    releases: latest(r.history, releases),
    findings,
  };
}

/** Releases a server's status shows unless asked for more or fewer (CLI --limit, the Action's status). */
export const STATUS_RELEASES = 5;

/** A deployment's lock, and the one 0.1 took (deploys wait for it too). */
export const lockNames = (redisKey: string): string[] => [lockName(redisKey), legacyLockName(redisKey)];

/** One server's status, read in one round of commands beside each other. */
export async function readServerStatus(
  session: Session,
  probes: Probes,
  config: Config,
  releases: number,
): Promise<ServerStatus> {
  const { redisKey, redisValue } = config.switch;
  const names = lockNames(redisKey);
  const [keyValue, served, containers, files, ...lockStates] = await Promise.all([
    session.keys.get(redisKey),
    probes.probe(),
    session.docker.containers(),
    session.docker.readHistories(HISTORY_DIR, HISTORY_ENTRIES),
    ...names.map((name) => session.keys.lockState(name)),
  ]);
  const locks = names.flatMap((name, i) => {
    const held = lockStates[i];
    return held ? [{ name, ...held }] : [];
  });
  const history = parseHistory(files.get(historyPath(redisKey)) ?? '');
  const app = appName(config.container.app, config.container.image || history.at(-1)?.image || '');
  return serverStatus(
    { server: session.name, redisKey, redisValue, app, keyValue, served, containers, history, locks, now: Date.now() },
    releases,
  );
}

/** A value from the server on one line of its own: escaped, a newline too. */
const field = (text: string): string => printable(text.replace(/\n/g, '\\x0a'));

const ago = (seconds: number): string =>
  seconds < 120
    ? `${seconds} s`
    : seconds < 7200
      ? `${Math.round(seconds / 60)} min`
      : `${Math.round(seconds / 3600)} h`;

export function lockLine(lock: LockStatus): string {
  const age = lock.ageSeconds === undefined ? '' : `, its deploy began ${ago(lock.ageSeconds)} ago`;
  const expiry =
    lock.expiresInMs === undefined
      ? ', never expires'
      : `, expires in ${Math.ceil(lock.expiresInMs / 1000)} s unless renewed`;
  return `${field(lock.name)} held by ${field(lock.holder)}${age}${expiry}`;
}

export const releaseLine = (r: Release): string =>
  field(
    `${r.time.replace('T', ' ').slice(0, 19)}Z  ${r.outcome.padEnd(11)} ${r.image}  ${r.digest.slice(0, 19)}  ${r.container}${r.port ? ` :${r.port}` : ''}${r.reason ? `  (${r.reason})` : ''}`,
  );

export function containerLine(c: ContainerStatus): string {
  const since = c.startedAt && isUp(c) ? ` since ${c.startedAt.replace('T', ' ').slice(0, 19)}Z` : '';
  return field(
    `${c.serving ? '●' : '○'} ${c.name}  ${c.state}${since}  ${c.ports.map((p) => `:${p}`).join(' ') || '(no port)'}  ${c.image}  ${c.digest ? c.digest.slice(0, 19) : `image ${c.imageId.slice(0, 19)}`}${c.serving ? '  (serving)' : ''}`,
  );
}

export function nginxLine(s: ServerStatus): string {
  if (s.nginx.error) return `no answer: ${field(s.nginx.error)}`;
  return `${s.nginx.status}${s.nginx.upstream ? ` from ${field(s.nginx.upstream)}` : ' (no upstream header)'}${s.serving ? ` → ${field(s.serving)}` : ''}`;
}

export function statusText(statuses: ServerStatus[]): string {
  return statuses
    .map((s) =>
      [
        field(s.server),
        `  nginx       ${nginxLine(s)}`,
        `  key         ${field(s.key.name)} = ${s.key.value === null ? '(unset)' : field(s.key.value)}`,
        ...(s.locks.length === 0 ? ['  lock        free'] : s.locks.map((l) => `  lock        ${lockLine(l)}`)),
        `  containers${s.containers.length === 0 ? '  (none)' : ''}`,
        ...s.containers.map((c) => `    ${containerLine(c)}`),
        `  releases${s.releases.length === 0 ? '    (none recorded)' : ''}`,
        ...s.releases.map((r) => `    ${releaseLine(r)}`),
        ...s.findings.map((f) => `  ! ${field(f)}`),
      ].join('\n'),
    )
    .join('\n\n');
}

export const historyText = (statuses: ServerStatus[]): string =>
  statuses
    .map((s) =>
      [
        field(s.server),
        ...(s.releases.length === 0 ? ['  (none recorded)'] : s.releases.map((r) => `  ${releaseLine(r)}`)),
      ].join('\n'),
    )
    .join('\n\n');
