// The simulated servers of the test stack (test/stack/servers.sh: `up.sh --servers 3`)
// as the multi-server tests see them: each in its own namespaces, reached over
// the stack's private subnet.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import {
  APP_CONTAINERS,
  namesAndStates,
  nginxGet,
  stackInfo,
  stackScript,
  waitFor,
  type NginxAnswer,
} from './stack.js';

export interface SimulatedServer {
  index: number;
  host: string;
  holderPid: number;
  dir: string;
  knownHosts: string;
  fingerprint: string;
  nginxUrl: string;
}

interface ServersInfo {
  imageRepo: string;
  servers: SimulatedServer[];
}

const SERVERS_JSON = new URL('../../.stack/servers.json', import.meta.url);

export function serversInfo(): ServersInfo {
  try {
    return JSON.parse(readFileSync(SERVERS_JSON, 'utf8')) as ServersInfo;
  } catch {
    throw new Error('the simulated servers are not up: run `bash test/stack/up.sh --servers 3` (as root) first');
  }
}

export const servers = (): SimulatedServer[] => serversInfo().servers;
/** An image as the servers pull it: from the stack's registry, over the private subnet. */
export const serverImage = (version: string): string => `${serversInfo().imageRepo}:${version}`;

/** The inputs a workflow would give for every simulated server. */
export function serversInputs(overrides: Record<string, string> = {}): Record<string, string> {
  const list = servers();
  const stack = stackInfo();
  return {
    host: list.map((s) => s.host).join('\n'),
    username: stack.username,
    'private-key': readFileSync(stack.privateKeyPath, 'utf8'),
    'known-hosts': list.map((s) => s.knownHosts).join('\n'),
    'container-port': '8080',
    'redis-url': stack.redisUrl,
    'redis-key': stack.redisKey,
    // The bake (default 30s) where a test asks for it: every other deploy would wait it out.
    'bake-time': '0s',
    ...overrides,
  };
}

/** A command on a server, as root there: in its network, mount and PID namespaces. */
export function onServer(server: SimulatedServer, ...argv: string[]): string {
  return execFileSync('nsenter', ['-t', String(server.holderPid), '-n', '-m', '-p', '--wd=/', '--', ...argv], {
    encoding: 'utf8',
  }).trim();
}

/** The test app's containers on a server: name and state. */
export function serverContainers(server: SimulatedServer): Array<{ name: string; state: string }> {
  return namesAndStates(onServer(server, 'docker', ...APP_CONTAINERS));
}

export const serverKey = (server: SimulatedServer): string =>
  onServer(server, 'redis-cli', '-p', String(stackInfo().redisPort), 'GET', stackInfo().redisKey);
export const serverLock = (server: SimulatedServer): string =>
  onServer(
    server,
    'redis-cli',
    '-p',
    String(stackInfo().redisPort),
    'GET',
    `docker-hot-deploy:lock:${stackInfo().redisKey}`,
  );

/** One request through the server's nginx, from this machine, as the load balancer sends it. */
export const serverGet = (server: SimulatedServer): Promise<NginxAnswer> => nginxGet(server.nginxUrl);

/** Every server back to nothing deployed, nginx on its placeholder, confd running. */
export async function resetServers(): Promise<void> {
  stackScript('reset.sh', ['--servers']);
  for (const server of servers())
    await waitFor(`${server.host} to answer 502`, async () => (await serverGet(server)).status === 502);
}

/** Stops confd on one server, as if it had died there. */
export function stopServerConfd(server: SimulatedServer): void {
  onServer(server, 'sh', '-c', 'kill "$(cat /run/confd.pid)" && rm /run/confd.pid');
}

/** A file in the deploy user's home on one server (each server has its own /home). */
export function writeServerFile(server: SimulatedServer, name: string, text: string): void {
  onServer(server, 'sh', '-c', 'printf %s "$2" > "/home/deploy/$1"', 'sh', name, text);
}

/** Starts whatever part of the servers is down (confd, say). */
export function restartServers(): void {
  stackScript('up.sh', ['--servers', String(servers().length)]);
}
