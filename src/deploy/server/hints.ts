// What a failed phase tells the user to do, pure: the default hint of each phase, and the
// hints that depend on what the deploy saw (a failed switch, a lost lock or connection).
import type { Config } from '../../config/inputs.js';
import { LOCK_TTL_MS, type PhaseName } from '../run.js';
import {
  confdsRendering,
  handsPeerToNginx,
  namesPort,
  sharedWatchProblem,
  type ConfdState,
  type TemplateResource,
} from '../../remote/confd.js';
import type { ProbeResult } from '../../remote/probe-result.js';
import { upstreamPort } from '../../remote/upstream.js';

export const HINTS: Record<PhaseName, string> = {
  lock: `Another deploy of this key is running (see the holder above); raise lock-timeout or retry when it finished. A holder that died frees the lock within ${LOCK_TTL_MS / 1000} s.`,
  inspect: 'Check redis-url (as seen from the server) and that the deploy user may run docker.',
  pull: 'Check the image reference, the registry credentials and that the server reaches the registry.',
  start: 'Check container-port, port-range, run-args and env-file; the previous version was not touched.',
  release:
    'The release command failed: see its log lines above. Nothing was started or switched: the previous version serves. Write migrations the running version tolerates (expand, then contract).',
  ready: 'The new container never served: see its log lines above. The previous version was not touched.',
  bake: 'The bake watches the new version after the switch (bake-time) while the previous one keeps running; when it cannot go on, the deploy switches back.',
  switch: 'Check that confd runs with -watch, its check_cmd and reload_cmd, and that nginx sends the upstream header.',
  undo: 'Check confd and nginx on this server: the key names the previous container again.',
  drain: 'The switch succeeded; the old container may still hold connections.',
  retire: 'The switch succeeded; clean up the old container by hand.',
};

export const INTERRUPTED_HINT =
  'The deploy was asked to stop: what it changed is undone, and the previous version serves.';

export function connectionLostHint(switched: boolean, containerName: string): string {
  return switched
    ? `Check the server and the network. ${containerName} may serve; the lock expires by itself, and the next deploy retires whichever container the key does not name.`
    : 'Check the server and the network. Nothing was switched: the previous version serves; the post step (or the next deploy) removes what this one started.';
}

export function lockLostHint(switched: boolean, containerName: string): string {
  return switched
    ? `Another deploy may hold the lock now, so this one stopped. ${containerName} may serve; the previous container still runs, and the next deploy retires whichever the key does not name.`
    : 'Another deploy may hold the lock now, so this one stopped: nothing was switched, the previous version serves, and the new container was removed.';
}

/** A bake verdict: the new version failed; the deploy switches back to the previous one, which kept running. */
export function bakeHint(config: Config): string {
  const release =
    config.container.releaseCommand.length > 0
      ? ' The release command ran before the switch: the previous version now runs against what it changed (write migrations the previous version tolerates: expand, then contract).'
      : '';
  return `The new version failed through nginx after its ready check passed: see the evidence and its log lines. The deploy switches back to the previous version, which kept running.${release}`;
}

/** What a failed switch can learn on the server. */
export interface SwitchFacts {
  /** The server's confd processes and resources (undefined: ps failed). */
  confd?: ConfdState;
  notifications?: boolean;
  /** A resource that renders the key, and what its dest holds now (undefined: unreadable). */
  resource?: TemplateResource;
  rendered?: string;
}

/** What a failed switch looks like from outside, and what to check. */
export function switchHint(probes: ProbeResult[], config: Config, port: number, facts: SwitchFacts): string {
  const header = config.switch.upstreamHeader;
  if (probes.length > 0 && probes.every((p) => p.error))
    return `nginx did not answer at probe-url ${config.switch.probeUrl.href} (${probes.at(-1)?.error}): check probe-url as seen from the server.`;
  if (probes.some((p) => p.status !== undefined) && probes.every((p) => !p.upstream)) {
    return `Responses carry no ${header} header: add \`add_header ${header} $upstream_addr always;\` for requests from 127.0.0.1 (examples/host/nginx), or set upstream-header.`;
  }
  const { confd } = facts;
  const count = confd?.processes.length;
  const running = count === undefined ? '' : ` (${count} confd process${count === 1 ? ' runs' : 'es run'})`;
  if (probes.some((p) => upstreamPort(p.upstream) === port))
    return `nginx served the new port only some of the time: is more than one nginx or confd running${running}?`;
  if (count === 0)
    return 'nginx kept serving the old upstream and no confd process runs on the server: start confd (systemctl start confd).';
  if (confd && confdsRendering(confd, config.switch.redisKey) === 0) {
    return `nginx kept serving the old upstream: no running confd renders ${config.switch.redisKey} (the confds that run read ${[...confd.resources.keys()].join(', ')}, and none has a template resource for it). Start this deployment's confd (systemctl start confd, or confd@NAME).`;
  }
  if (facts.notifications === false)
    return 'nginx kept serving the old upstream: Redis keyspace notifications are off, so confd -watch never saw the write. Set notify-keyspace-events K$g.';
  const sharedWatch = confd && sharedWatchProblem(confd);
  if (sharedWatch) return `nginx kept serving the old upstream: ${sharedWatch}`;
  return renderedHint(facts, port, running);
}

/** The key was rendered, or not, by the confd that should: what that says about the switch. */
function renderedHint({ resource, rendered }: SwitchFacts, port: number, running: string): string {
  if (resource?.dest && rendered !== undefined) {
    if (!namesPort(rendered, port)) {
      return `nginx kept serving the old upstream: confd did not render :${port} to ${resource.dest}. Its check_cmd refused the value (does redis-value fit the template?), or it did not see the write (an -interval longer than switch-timeout; journalctl -u confd).`;
    }
    return handsPeerToNginx(resource)
      ? `confd rendered :${port} to ${resource.dest}, but nginx did not take it: its reload_cmd (${resource.reloadCmd}) did not reach nginx's admin socket, or nginx refused the address. Check that nginx runs with dhd-peers.conf and its Lua module (docs/host-setup.md: A switch without a reload), then run the reload_cmd as root by hand.`
      : `confd rendered :${port} to ${resource.dest}, but nginx kept the old upstream: its reload_cmd (${resource.reloadCmd ?? 'none'}) failed or signalled another nginx. Run nginx -t, then the reload_cmd as root by hand.`;
  }
  return `nginx kept serving the old upstream although confd runs${running}: its check_cmd or reload_cmd probably failed, or it polls with an -interval longer than switch-timeout (journalctl -u confd). Check that the value written renders a valid upstream (redis-value) and that nginx -t passes.`;
}
