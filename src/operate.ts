// The CLI's day-two commands: status and history read every server side by side, unlock
// releases a lock its deploy left behind. Nothing else on a server changes.
import { historyText, lockLine, lockStatus, readServerStatus, statusText, type ServerStatus } from './day-two.js';
import type { Config } from './inputs.js';
import { printable } from './printable.js';
import { forwardedProbes } from './probe.js';
import { lockName } from './redis.js';
import { openSessions, type Session } from './session.js';
import { unlockLock, type UnlockOutcome, type UnlockRequest } from './unlock.js';

export interface OperateRequest {
  command: 'status' | 'history' | 'unlock';
  json: boolean;
  verbose: boolean;
  limit: number;
  unlock: UnlockRequest;
}

interface Out {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const realClock = { now: () => Date.now(), sleep: (ms: number) => new Promise<void>((resolve) => { setTimeout(resolve, ms); }) };

/** Runs `work` on a session to every server, closed again whatever happens. */
async function onEveryServer<T>(config: Config, say: (line: string) => void, verbose: boolean, work: (session: Session) => Promise<T>): Promise<T[]> {
  const sessions = await openSessions(config.servers, config.switch.redis, { debug: verbose ? say : () => undefined, warning: (m) => say(`warning: ${m}`) });
  try {
    return await Promise.all(sessions.map(work));
  } finally {
    await Promise.all(sessions.map((s) => s.close().catch(() => undefined)));
  }
}

export async function operate(request: OperateRequest, config: Config, io: Out): Promise<number> {
  const say = (line: string): void => io.stderr(`${line}\n`);
  try {
    if (request.command === 'unlock') return await unlock(request, config, io, say);
    const statuses: ServerStatus[] = await onEveryServer(config, say, request.verbose, async (session) => {
      const probes = forwardedProbes(session.shell, config);
      try {
        return await readServerStatus(session, probes, config, request.limit);
      } finally {
        await probes.close().catch(() => undefined);
      }
    });
    if (request.json) {
      const shown = request.command === 'history' ? statuses.map((s) => ({ server: s.server, releases: s.releases })) : statuses;
      io.stdout(`${JSON.stringify({ ok: true, servers: shown })}\n`);
    } else {
      io.stdout(`${request.command === 'history' ? historyText(statuses) : statusText(statuses)}\n`);
    }
    return 0;
  } catch (e) {
    say(`docker-hot-deploy ${request.command}: ${printable((e as Error).message)}`);
    if (request.json) io.stdout(`${JSON.stringify({ ok: false, error: (e as Error).message })}\n`);
    return 1;
  }
}

async function unlock(request: OperateRequest, config: Config, io: Out, say: (line: string) => void): Promise<number> {
  const name = lockName(config.switch.redisKey);
  const outcomes = await onEveryServer(config, say, request.verbose, async (session): Promise<UnlockOutcome & { server: string }> => {
    const holder = await session.keys.lockHolder(name);
    const ttl = holder === null ? -2 : await session.keys.lockTtl(name);
    if (holder !== null) say(`${printable(session.name)}: ${name} ${lockLine(lockStatus(holder, ttl, Date.now()))}`);
    const outcome = await unlockLock(session.keys, name, request.unlock, realClock, (line) => say(`${printable(session.name)}: ${printable(line)}`));
    say(`${printable(session.name)}: ${printable(outcome.message)}`);
    return { server: session.name, ...outcome };
  });
  if (request.json) io.stdout(`${JSON.stringify({ ok: outcomes.every((o) => o.free), servers: outcomes })}\n`);
  return outcomes.every((o) => o.free) ? 0 : 1;
}
