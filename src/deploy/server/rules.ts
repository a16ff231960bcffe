// The verdicts of one server's deploy that are rules, pure (table-tested): is the new
// container fit to serve, is it ready, which images must not be pruned.
import { imagesToKeep, type Release } from '../history.js';
import type { ContainerState, ContainerSummary } from '../../remote/docker.js';
import { isHealthyStatus, type ProbeResult } from '../../remote/probe-result.js';

/** Whether the container's own state hides its exit code: running again after a restart, it says 0
 * (Docker's events have the real one). */
export const restartHidesExitCode = (container: ContainerState): boolean =>
  container.status !== 'exited' &&
  container.status !== 'dead' &&
  (container.status === 'restarting' || container.restartCount > 0) &&
  !container.exitCode;

/** Why the new container is not fit to serve by its own state (exited, restarted, unhealthy), or
 * undefined; `lastExitCode` is the code Docker's events give when its state hides it. */
export function containerFailure(
  container: ContainerState,
  restart: string,
  lastExitCode?: number,
): string | undefined {
  if (container.status === 'exited' || container.status === 'dead')
    return `the container exited with code ${container.exitCode}`;
  if (container.status === 'restarting' || container.restartCount > 0) {
    const code = container.exitCode || lastExitCode;
    return `the container exited${code ? ` with code ${code}` : ''} and was restarted (restart: ${restart})`;
  }
  if (container.health === 'unhealthy') return 'the image HEALTHCHECK reports unhealthy';
  return undefined;
}

/** One look of the ready check at a running container and its health-path answer. */
export type Readiness = { ready: true; detail: string } | { ready: false; last: string };

/** Ready once health-path answers 2xx/3xx on the new port and the image's HEALTHCHECK (if any) says healthy. */
export function readiness(answer: ProbeResult, health: string | undefined, healthPath: string): Readiness {
  if (isHealthyStatus(answer.status) && (health === undefined || health === 'healthy')) {
    return { ready: true, detail: `${healthPath} answered ${answer.status}${health ? ', healthy' : ''}` };
  }
  return {
    ready: false,
    last: answer.error ?? `${healthPath} answered ${answer.status}${health ? `, health ${health}` : ''}`,
  };
}

/** What pruning keeps, whatever keep-images says. */
export interface PruneFacts {
  /** The new image and the one that served until now (the rollback target). */
  newImageId: string;
  servingImageId?: string;
  /** Every container on the server: the images they use stay. */
  containers: ContainerSummary[];
  /** This deployment's history (with this release) and every other deployment's on the server. */
  histories: Release[][];
  keepImages: number;
}

/** The images pruning must not remove: the new one, the one that served, every image a container
 * uses, and the images of the last keep-images releases of every deployment with a history here. */
export function protectedImages(facts: PruneFacts): Set<string> {
  return new Set([
    facts.newImageId,
    ...(facts.servingImageId ? [facts.servingImageId] : []),
    ...facts.containers.map((x) => x.imageId),
    ...facts.histories.flatMap((h) => imagesToKeep(h, facts.keepImages)),
  ]);
}
