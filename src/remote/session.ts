// The SSH connection to one server, with the docker host and the Redis key
// store on it: what every door (the Action's steps, the CLI) opens, once per server.
import { remoteDockerHost, type DockerHost } from './docker-host.js';
import type { Log } from './log.js';
import { openKeyStore, type KeyStore, type RedisTarget } from './redis.js';
import { connect, serverName, type RemoteShell, type SshTarget } from './ssh/connection.js';

export interface Session {
  /** The server, as ssh names it. */
  name: string;
  shell: RemoteShell;
  docker: DockerHost;
  keys: KeyStore;
  close(): Promise<void>;
}

/** What a session says: SSH detail for debugging, and warnings the user must see. */
type SessionLog = Pick<Log, 'debug' | 'warning'>;

/** One server's connection and what runs on it; `checkServer` checks Docker access, ss and ps first. */
export async function openSession(
  target: SshTarget,
  redis: RedisTarget,
  log: SessionLog,
  checkServer = false,
): Promise<Session> {
  const name = serverName(target);
  const shell = await connect(target, log.debug);
  if (target.insecureSkipHostKeyCheck)
    log.warning(
      `insecure-skip-host-key-check is true: the identity of ${name} was not checked. Pin it with known-hosts or host-fingerprint.`,
    );
  const docker = remoteDockerHost(shell);
  let keys: KeyStore;
  try {
    // The server check runs beside the Redis handshake: it costs the deploy no time.
    [keys] = await Promise.all([
      openKeyStore(shell, redis),
      checkServer ? docker.checkServer(target.username) : undefined,
    ]);
  } catch (e) {
    await shell.close();
    throw e;
  }
  return {
    name,
    shell,
    docker,
    keys,
    async close() {
      await keys.close().catch(() => undefined);
      await shell.close();
    },
  };
}

/** A session to every server, side by side; if one cannot be opened, the others are closed
 * again and the error names that server (when there are several): nothing was changed anywhere. */
export async function openSessions(
  servers: SshTarget[],
  redis: RedisTarget,
  log: SessionLog,
  checkServer = false,
): Promise<Session[]> {
  const opening = servers.map((target) => openSession(target, redis, log, checkServer));
  const settled = await Promise.allSettled(opening);
  const failed = settled.findIndex((s) => s.status === 'rejected');
  if (failed < 0) return settled.map((s) => (s as PromiseFulfilledResult<Session>).value);
  await Promise.all(
    settled.map((s) => (s.status === 'fulfilled' ? s.value.close().catch(() => undefined) : Promise.resolve())),
  );
  const reason = (settled[failed] as PromiseRejectedResult).reason as Error;
  if (servers.length === 1) throw reason;
  const refused = settled.filter((s) => s.status === 'rejected').length;
  throw new Error(
    `${serverName(servers[failed])}: ${reason.message}${refused > 1 ? ` (and ${refused - 1} more server(s) could not be reached)` : ''}. Nothing was changed on any server.`,
  );
}
