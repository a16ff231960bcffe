// What main and post share: inputs read and masked, and the one SSH connection
// with the docker host and the Redis key store on it.
import * as core from '@actions/core';
import { remoteDockerHost, type DockerHost } from './docker-host.js';
import { InputError, parseInputs, SECRET_INPUTS, type Config } from './inputs.js';
import { openKeyStore, type KeyStore } from './redis.js';
import { connect, type RemoteShell } from './ssh/connection.js';

/** Registers secrets with the runner before anything can print them. */
function maskSecrets(secrets: string[]): void {
  for (const secret of secrets.filter(Boolean)) {
    core.setSecret(secret);
    // The runner masks a multi-line secret line by line.
    for (const line of secret.split(/\r?\n/)) if (line.trim().length > 3 && line.trim() !== secret) core.setSecret(line.trim());
  }
}

/** The validated inputs, or undefined after reporting why they are not. */
export function readConfig(): Config | undefined {
  const raw = (name: string): string => core.getInput(name);
  maskSecrets(SECRET_INPUTS.map(raw));
  try {
    const config = parseInputs(raw);
    maskSecrets([config.switch.redis.password ?? '', ...config.container.env.map(([, value]) => value)]);
    return config;
  } catch (e) {
    core.setFailed(e instanceof InputError ? e.message : `Invalid inputs: ${(e as Error).message}`);
    return undefined;
  }
}

export interface Session {
  shell: RemoteShell;
  docker: DockerHost;
  keys: KeyStore;
  close(): Promise<void>;
}

/** The one SSH connection and what runs on it; `checkServer` checks Docker access, ss and ps first. */
export async function openSession(config: Config, checkServer = false): Promise<Session> {
  const conn = config.connection;
  const shell = await connect({
    host: conn.host, port: conn.port, username: conn.username, privateKey: conn.privateKey, passphrase: conn.passphrase,
    pins: { knownHosts: conn.knownHosts, fingerprints: conn.hostFingerprints }, insecureSkipHostKeyCheck: conn.insecureSkipHostKeyCheck,
    jump: conn.jump && { ...conn.jump, passphrase: conn.passphrase, pins: { knownHosts: conn.jump.knownHosts, fingerprints: [] } },
  }, core.debug);
  if (conn.insecureSkipHostKeyCheck) core.warning('insecure-skip-host-key-check is true: the server\'s identity was not checked. Pin it with known-hosts or host-fingerprint.');
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

/** Names of the state the main step saves for the post step. */
export const STATE = { lock: 'lock', lockOwner: 'lock-owner', container: 'container', switching: 'switching', dockerConfig: 'docker-config', finished: 'finished' } as const;
