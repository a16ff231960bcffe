// The one SSH connection of a deploy, with the docker host and the Redis key
// store on it: what every door (the Action's steps, the CLI) opens.
import { remoteDockerHost, type DockerHost } from './docker-host.js';
import type { Config } from './inputs.js';
import { openKeyStore, type KeyStore } from './redis.js';
import { connect, type RemoteShell } from './ssh/connection.js';

export interface Session {
  shell: RemoteShell;
  docker: DockerHost;
  keys: KeyStore;
  close(): Promise<void>;
}

/** The one SSH connection and what runs on it; `checkServer` checks Docker access, ss and ps first. */
/** What a session says: SSH detail for debugging, and warnings the user must see. */
export interface SessionLog {
  debug(message: string): void;
  warning(message: string): void;
}

export async function openSession(config: Config, log: SessionLog, checkServer = false): Promise<Session> {
  const conn = config.connection;
  const shell = await connect({
    host: conn.host, port: conn.port, username: conn.username, privateKey: conn.privateKey, passphrase: conn.passphrase,
    pins: { knownHosts: conn.knownHosts, fingerprints: conn.hostFingerprints }, insecureSkipHostKeyCheck: conn.insecureSkipHostKeyCheck,
    jump: conn.jump && { ...conn.jump, passphrase: conn.passphrase, pins: { knownHosts: conn.jump.knownHosts, fingerprints: [] } },
  }, log.debug);
  if (conn.insecureSkipHostKeyCheck) log.warning('insecure-skip-host-key-check is true: the server\'s identity was not checked. Pin it with known-hosts or host-fingerprint.');
  const docker = remoteDockerHost(shell);
  let keys: KeyStore;
  try {
    // The server check runs beside the Redis handshake: it costs the deploy no time.
    [keys] = await Promise.all([openKeyStore(shell, config.switch.redis), checkServer ? docker.checkServer(conn.username) : undefined]);
  } catch (e) {
    await shell.close();
    throw e;
  }
  return {
    shell,
    docker,
    keys,
    async close() {
      await keys.close().catch(() => undefined);
      await shell.close();
    },
  };
}
