// The CLI's day-two commands: status and history read every server side by side, unlock
// releases a lock its deploy left behind. Nothing else on a server changes. Each server
// answers for itself: one that cannot be read is named, the others are still shown.
import { historyText, lockNames, readServerStatus, statusText, type ServerStatus } from './day-two.js';
import { doctor } from './doctor.js';
import { doctorText, failures } from './doctor-checks.js';
import { probeTargets, type Config } from '../config/inputs.js';
import { serverName } from '../remote/ssh/connection.js';
import { printable } from '../remote/printable.js';
import { realClock } from '../deploy/on-servers.js';
import { forwardedProbes } from '../remote/probe.js';
import { openSession, type Session } from '../remote/session.js';
import { unlockLock, type UnlockOutcome, type UnlockRequest } from './unlock.js';

export interface OperateRequest {
  command: 'status' | 'history' | 'unlock' | 'doctor';
  json: boolean;
  verbose: boolean;
  limit: number;
  unlock: UnlockRequest;
}

interface Out {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export type PerServer<T> = { server: string; ok: true; value: T } | { server: string; ok: false; error: string };

/** JSON for stdout: one line, and no "##[" a workflow log would take for a command (printable.ts). */
const jsonLine = (value: unknown): string => `${JSON.stringify(value).replace(/##\[/g, '##\\u005b')}\n`;

/** `work` on each server side by side, its session closed again whatever happens; every server's outcome. */
function onEveryServer<T>(
  config: Config,
  say: (line: string) => void,
  verbose: boolean,
  work: (session: Session) => Promise<T>,
): Promise<Array<PerServer<T>>> {
  return Promise.all(
    config.servers.map(async (target): Promise<PerServer<T>> => {
      const server = serverName(target);
      try {
        const session = await openSession(target, config.switch.redis, {
          debug: verbose ? say : () => undefined,
          warning: (m) => say(`warning: ${m}`),
        });
        try {
          return { server: session.name, ok: true, value: await work(session) };
        } finally {
          await session.close().catch(() => undefined);
        }
      } catch (e) {
        return { server, ok: false, error: (e as Error).message };
      }
    }),
  );
}

/** Every server's status (CLI status and history, the Action's `command: status`). */
export function everyServerStatus(
  config: Config,
  say: (line: string) => void,
  verbose: boolean,
  releases: number,
): Promise<Array<PerServer<ServerStatus>>> {
  return onEveryServer(config, say, verbose, async (session) => {
    const probes = forwardedProbes(session.shell, probeTargets(config));
    try {
      return await readServerStatus(session, probes, config, releases);
    } finally {
      await probes.close().catch(() => undefined);
    }
  });
}

/** The servers that could not be read, and why. */
export const unreadServers = <T>(results: Array<PerServer<T>>): Array<{ server: string; error: string }> =>
  results.flatMap((r) => (r.ok ? [] : [{ server: r.server, error: r.error }]));

export async function operate(request: OperateRequest, config: Config, io: Out): Promise<number> {
  const say = (line: string): void => io.stderr(`${line}\n`);
  const sayFailures = (results: Array<PerServer<unknown>>): void =>
    unreadServers(results).forEach((f) => say(`${printable(f.server)}: could not be read: ${printable(f.error)}`));

  if (request.command === 'doctor') {
    const servers = await doctor(config, request.verbose ? say : () => undefined);
    const ok = failures(servers) === 0;
    io.stdout(request.json ? jsonLine({ ok, servers }) : `${printable(doctorText(servers))}\n`);
    return ok ? 0 : 1;
  }
  if (request.command === 'unlock') {
    const results = await onEveryServer(config, say, request.verbose, (session) =>
      unlockServer(session, config.switch.redisKey, request.unlock, say),
    );
    sayFailures(results);
    const free = results.every((r) => r.ok && r.value.every((o) => o.free));
    if (request.json)
      io.stdout(jsonLine({ ok: free, servers: results.map((r) => (r.ok ? { server: r.server, locks: r.value } : r)) }));
    return free ? 0 : 1;
  }
  const results = await everyServerStatus(config, say, request.verbose, request.limit);
  const statuses = results.flatMap((r) => (r.ok ? [r.value] : []));
  if (request.json) {
    const shown =
      request.command === 'history' ? statuses.map((s) => ({ server: s.server, releases: s.releases })) : statuses;
    io.stdout(jsonLine({ ok: statuses.length === results.length, servers: shown, failed: unreadServers(results) }));
  } else if (statuses.length > 0) {
    io.stdout(`${request.command === 'history' ? historyText(statuses) : statusText(statuses)}\n`);
  }
  sayFailures(results);
  return statuses.length === results.length ? 0 : 1;
}

/** Both locks a deploy waits for (this version's and 0.1's), each as the request says. */
async function unlockServer(
  session: Session,
  redisKey: string,
  request: UnlockRequest,
  say: (line: string) => void,
): Promise<Array<UnlockOutcome & { lock: string }>> {
  const [current, legacy] = lockNames(redisKey);
  const outcomes: Array<UnlockOutcome & { lock: string }> = [];
  for (const name of [current, legacy]) {
    // 0.1's lock is only looked at when held; this version's always answers.
    if (name === legacy && (await session.keys.lockState(name)) === null) continue;
    const outcome = await unlockLock(session.keys, name, request, realClock, (line) =>
      say(`${printable(session.name)}: ${printable(line)}`),
    );
    say(`${printable(session.name)}: ${printable(outcome.message)}`);
    outcomes.push({ lock: name, ...outcome });
  }
  return outcomes;
}
