// What one deployment (a redis-key on a server) has there before a deploy
// writes anything, pure: its containers, the one nginx serves, and whether the
// key must first be put back in line with what nginx serves (a lost or wrong key).
import { LABEL_APP, LABEL_DEPLOYMENT, type ContainerSummary } from '../remote/docker.js';
import { servedStack, type Release } from './history.js';
import { appFromImage } from '../remote/image-ref.js';
import type { ProbeResult } from '../remote/probe-result.js';
import { formatKeyValue, portFromKeyValue, portNamedBy, upstreamPort } from '../remote/upstream.js';

export interface Observed {
  /** The deployment: its redis-key. */
  deployment: string;
  /** The app deployed: a 0.1 container (labelled by app only) is this deployment's only if it is this app's. */
  app: string;
  redisValue: string;
  /** The key's value now (null: unset). */
  keyValue: string | null;
  /** One probe through nginx. */
  served: ProbeResult;
  /** Every container on the server. */
  containers: ContainerSummary[];
}

export interface DeploymentState {
  /** The key's value the deploy goes on from: after a repair, the repaired one. */
  keyValue: string | null;
  /** The port that value names. */
  keyPort?: number;
  /** The running container nginx serves now: the one to drain and retire after the switch. */
  serving?: ContainerSummary;
  /** This deployment's containers (by label), and a 0.1 container (unlabelled) serving it. */
  own: ContainerSummary[];
  /** Write this value (compare-and-set from keyValue's old value) before anything else. */
  repair?: { from: string | null; to: string };
  findings: string[];
}

/** The app a deployment's containers are labelled with: the `app` input, else the image's name. */
export const appName = (app: string, image: string): string => app || appFromImage(image) || 'app';

/** States in which a container holds (or is about to hold again) its port. */
export const isUp = (c: Pick<ContainerSummary, 'state'>): boolean =>
  ['running', 'restarting', 'paused'].includes(c.state);

/** nginx's own failures (no answer from the upstream) say nothing about what serves. */
const NGINX_UPSTREAM_FAILURE = new Set([502, 504]);

export function deploymentState(o: Observed): DeploymentState {
  const mine = o.containers.filter((c) => c.labels[LABEL_DEPLOYMENT] === o.deployment);
  // 0.1 labelled containers by app only: one of this app's is this deployment's only if it publishes the port in use.
  const legacy = o.containers.filter((c) => c.labels[LABEL_APP] === o.app && c.labels[LABEL_DEPLOYMENT] === undefined);
  const liveOn = (port: number | undefined): ContainerSummary | undefined =>
    port === undefined
      ? undefined
      : [...mine, ...legacy].find((c) => c.state === 'running' && c.hostPorts.includes(port));
  const withLegacy = (c: ContainerSummary | undefined): ContainerSummary[] =>
    c && !mine.includes(c) ? [...mine, c] : mine;

  const fits = o.keyValue === null || portFromKeyValue(o.redisValue, o.keyValue) !== undefined;
  // A value in another form than redis-value still names its port: that is a redis-value problem, not a lost key.
  const keyPort = o.keyValue === null ? undefined : portNamedBy(o.keyValue);
  const servedPort =
    o.served.status !== undefined && !NGINX_UPSTREAM_FAILURE.has(o.served.status)
      ? upstreamPort(o.served.upstream)
      : undefined;
  const keyContainer = liveOn(keyPort);
  const servedContainer = liveOn(servedPort);
  const shown = o.keyValue === null ? 'is unset' : `holds "${o.keyValue}"`;

  if (servedContainer && servedPort !== undefined && servedPort !== keyPort) {
    const to = formatKeyValue(o.redisValue, servedPort);
    return {
      keyValue: to,
      keyPort: servedPort,
      serving: servedContainer,
      own: withLegacy(servedContainer),
      repair: { from: o.keyValue, to },
      findings: [
        `${o.deployment} ${shown}, but nginx serves ${servedContainer.name} on :${servedPort}: writing "${to}" back first (confd renders what nginx already serves)`,
      ],
    };
  }
  const findings: string[] = [];
  if (!fits) findings.push(`${o.deployment} holds "${o.keyValue}", which does not fit redis-value ${o.redisValue}`);
  if (keyPort !== undefined && !keyContainer) {
    findings.push(`${o.deployment} names port ${keyPort}, but no running container of this deployment publishes it`);
  }
  if (!keyContainer && mine.some(isUp)) {
    findings.push(
      'nginx serves no running container of this deployment: the site is down, and this deploy is the repair',
    );
  }
  return { keyValue: o.keyValue, keyPort, serving: keyContainer, own: withLegacy(keyContainer), findings };
}

/** What a deploy retires: the containers up are stopped gracefully, the rest removed. */
export interface Retirees {
  stop: ContainerSummary[];
  remove: ContainerSummary[];
}

/** Containers of the deployment other than `keep`: the ones up are stopped gracefully, the rest removed. */
export function retirees(state: DeploymentState, keep: string): Retirees {
  const others = state.own.filter((c) => c.id !== keep);
  return { stop: others.filter(isUp), remove: others.filter((c) => !isUp(c)) };
}

/** The other deployments on the server, from their containers and their histories: their redis keys. */
export const neighbourDeployments = (containers: ContainerSummary[], histories: Release[][], own: string): string[] =>
  [
    ...new Set([
      ...containers.map((c) => c.labels[LABEL_DEPLOYMENT]),
      ...histories.flatMap((h) => h.map((r) => r.deployment)),
    ]),
  ].filter((d): d is string => Boolean(d) && d !== own);

/** Ports no new container may take though nothing may listen on them now: the one this deployment's
 * key names, the ones its neighbours' keys name (their container restarting, or gone while nginx
 * still points there: taking the port would make that site serve this app), and the ports their
 * histories last released on. */
export function reservedPorts(
  ownKeyPort: number | undefined,
  neighbourKeyValues: Array<string | null>,
  neighbourHistories: Release[][],
): number[] {
  const named = neighbourKeyValues.map((value) => (value === null ? undefined : portNamedBy(value)));
  const released = neighbourHistories.map((history) => servedStack(history).at(-1)?.port);
  return [...new Set([ownKeyPort, ...named, ...released].filter((p): p is number => p !== undefined))];
}
