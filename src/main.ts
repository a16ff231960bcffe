// The action's main step: inputs -> one SSH connection -> deploy -> outputs and summary.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import * as core from '@actions/core';
import { deploy, DeployError, type Probes } from './deploy.js';
import { remoteDockerHost } from './docker-host.js';
import { InputError, parseInputs, SECRET_INPUTS, type Config } from './inputs.js';
import { httpGet } from './probe.js';
import { openKeyStore } from './redis.js';
import { connect, type Forward, type RemoteShell } from './ssh/connection.js';
import { failureSummary, successSummary } from './summary.js';

const PROBE_TIMEOUT_MS = 5_000;

/** Registers secrets with the runner before anything can print them. */
function maskSecrets(secrets: string[]): void {
  for (const secret of secrets.filter(Boolean)) {
    core.setSecret(secret);
    // The runner masks a multi-line secret line by line.
    for (const line of secret.split(/\r?\n/)) if (line.trim().length > 3 && line.trim() !== secret) core.setSecret(line.trim());
  }
}

function deployIdentity(app: string): { deployId: string; containerName: string } {
  const runId = process.env.GITHUB_RUN_ID;
  const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return {
    deployId: runId ? `${runId}.${process.env.GITHUB_RUN_ATTEMPT ?? '1'}` : `manual-${stamp}`,
    containerName: `${app}-${stamp}-${randomBytes(2).toString('hex')}`,
  };
}

function remoteProbes(shell: RemoteShell, config: Config): Probes & { close(): Promise<void> } {
  const forwards = new Map<string, Promise<Forward>>();
  const forwardTo = (host: string, port: number): Promise<Forward> => {
    const key = `${host}:${port}`;
    if (!forwards.has(key)) forwards.set(key, shell.forward(host, port));
    return forwards.get(key) as Promise<Forward>;
  };
  const url = config.switch.probeUrl;
  const https = url.protocol === 'https:';
  const urlPort = Number(url.port) || (https ? 443 : 80);
  const urlHost = url.hostname.replace(/^\[|\]$/g, '');
  return {
    async health(port) {
      const forward = await forwardTo(config.container.bindAddress, port);
      const host = config.container.bindAddress.includes(':') ? `[${config.container.bindAddress}]` : config.container.bindAddress;
      return httpGet({ localPort: forward.port, https: false, path: config.switch.healthPath, hostHeader: `${host}:${port}`, timeoutMs: PROBE_TIMEOUT_MS });
    },
    async probe() {
      const forward = await forwardTo(urlHost, urlPort);
      return httpGet({
        localPort: forward.port, https, path: `${url.pathname}${url.search}`,
        hostHeader: config.switch.probeHost ?? url.host, upstreamHeader: config.switch.upstreamHeader, timeoutMs: PROBE_TIMEOUT_MS,
      });
    },
    async close() {
      await Promise.all([...forwards.values()].map(async (f) => (await f).close()));
    },
  };
}

export async function run(): Promise<void> {
  const raw = (name: string): string => core.getInput(name);
  maskSecrets(SECRET_INPUTS.map(raw));
  let config: Config;
  try {
    config = parseInputs(raw);
  } catch (e) {
    core.setFailed(e instanceof InputError ? e.message : `Invalid inputs: ${(e as Error).message}`);
    return;
  }
  maskSecrets([config.switch.redis.password ?? '', ...config.container.env.map(([, value]) => value)]);
  const log = { info: core.info, warning: (m: string) => core.warning(m), group: core.group };
  const identity = deployIdentity(config.container.app);
  let shell: RemoteShell | undefined;
  const closers: Array<() => Promise<void>> = [];
  try {
    const conn = config.connection;
    shell = await connect({
      host: conn.host, port: conn.port, username: conn.username, privateKey: conn.privateKey, passphrase: conn.passphrase,
      pins: { knownHosts: conn.knownHosts, fingerprints: conn.hostFingerprints }, insecureSkipHostKeyCheck: conn.insecureSkipHostKeyCheck,
    }, core.debug);
    if (conn.insecureSkipHostKeyCheck) core.warning('insecure-skip-host-key-check is true: the server\'s identity was not checked. Pin it with known-hosts or host-fingerprint.');
    const keys = await openKeyStore(shell, config.switch.redis);
    closers.push(() => keys.close());
    const probes = remoteProbes(shell, config);
    closers.push(() => probes.close());
    const clock = { now: () => Date.now(), sleep: (ms: number) => sleep(ms).then(() => undefined) };
    const result = await deploy(config, { docker: remoteDockerHost(shell), keys, probes, clock, log }, identity);
    core.setOutput('container', result.container);
    core.setOutput('container-id', result.containerId);
    core.setOutput('port', String(result.port));
    core.setOutput('previous-port', result.previousPort === undefined ? '' : String(result.previousPort));
    core.setOutput('previous-container', result.previousContainer ?? '');
    core.setOutput('image-digest', result.imageDigest);
    core.setOutput('switch-seconds', result.switchSeconds.toFixed(3));
    core.setOutput('duration-seconds', result.durationSeconds.toFixed(2));
    await writeSummary(successSummary(config.container.image, result));
    core.info(`${config.container.image} is live on :${result.port} (switch ${result.switchSeconds.toFixed(3)} s, deploy ${result.durationSeconds.toFixed(2)} s)`);
  } catch (e) {
    if (e instanceof DeployError) {
      core.error(`${e.message}\n${e.hint}${e.details.logs ? `\nLast log lines:\n${e.details.logs}` : ''}`, { title: `docker-hot-deploy: ${e.phase} failed` });
      await writeSummary(failureSummary(config.container.image, e));
      core.setFailed(`${e.message}. ${e.hint}`);
    } else {
      core.setFailed((e as Error).message);
    }
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await shell?.close();
  }
}

async function writeSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary.addRaw(markdown).write();
}

await run();
