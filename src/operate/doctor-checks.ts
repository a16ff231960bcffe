// The doctor's verdicts (CLI `doctor`, the Action's `command: doctor`): every check a deploy
// makes as it begins, and the host setup's, judged from one round of reads on a server (doctor.ts).
// Pure. A check passes, warns (a deploy goes through, but something is not as the README sets
// it up) or fails (a deploy would fail, or could not switch), and says the fix.
import {
  confdsRenderingKey,
  namesPort,
  redisConfds,
  sharedWatchProblem,
  type ConfdState,
  type TemplateResource,
} from '../remote/confd.js';
import { lockLine, lockStatus } from './day-two.js';
import { deploymentState } from '../deploy/deployment-state.js';
import { takenPorts, type ContainerSummary, type ServerProblem } from '../remote/docker.js';
import type { ProbeResult } from '../remote/probe-result.js';
import { persistenceRisk, type Persistence } from '../remote/redis-rules.js';
import { portNamedBy, upstreamPort } from '../remote/upstream.js';

export type Verdict = 'pass' | 'warn' | 'fail';

export interface Check {
  check: string;
  verdict: Verdict;
  detail: string;
  fix?: string;
}

export interface ServerDoctor {
  server: string;
  checks: Check[];
}

/** A read that may have failed: its value, or why not. */
export type Read<T> = { value: T } | { error: string };

export interface RedisFacts {
  keyValue: string | null;
  /** undefined: CONFIG is refused (managed Redis). */
  notifications?: boolean;
  persistence?: Persistence;
  /** This deployment's lock and 0.1's, when held (ttlMs -1: never expires). */
  locks: Array<{ name: string; holder: string; ttlMs: number }>;
}

/** What one round of reads found on a server. */
export interface DoctorReading {
  username: string;
  hostKeyChecked: boolean;
  readiness: Read<{ problems: ServerProblem[]; dockerVersion?: string }>;
  redis: Read<RedisFacts>;
  confd: Read<ConfdState>;
  /** What the resource that renders the key last wrote to its dest (absent: no such resource). */
  rendered?: { resource: TemplateResource; text: Read<string> };
  served: ProbeResult;
  containers: Read<ContainerSummary[]>;
  listening: Read<Set<number>>;
  /** Ports the neighbours' keys and histories hold (deployment-state.ts reservedPorts). */
  reserved: number[];
  disk: Read<{ path: string; freeBytes: number }>;
  /** The image: already on the server (a pull downloads nothing new), or about how large (an earlier tag's size). */
  image?: { present: true } | { estimateBytes: number };
  /** Only with access-log: why it cannot be read, if it cannot. */
  accessLog?: { path: string; problem?: string };
  now: number;
}

/** What the checks compare against: the inputs that shape a deploy. */
export interface DoctorSettings {
  redisKey: string;
  redisValue: string;
  upstreamHeader: string;
  probeUrl: string;
  portRange: { first: number; last: number };
  app: string;
  switchTimeoutMs: number;
}

const GIB = 1024 ** 3;
/** Below this much free space, even a small image's layers and a container's logs do not fit. */
const MIN_FREE_BYTES = GIB / 2;

const size = (bytes: number): string =>
  bytes >= GIB ? `${(bytes / GIB).toFixed(1)} GiB` : `${Math.round(bytes / 1024 ** 2)} MiB`;
const pass = (check: string, detail: string): Check => ({ check, verdict: 'pass', detail });
const warn = (check: string, detail: string, fix: string): Check => ({ check, verdict: 'warn', detail, fix });
const fail = (check: string, detail: string, fix: string): Check => ({ check, verdict: 'fail', detail, fix });

export function sshCheck(r: DoctorReading): Check {
  return r.hostKeyChecked
    ? pass('ssh', `connected as ${r.username}, the server's host key checked`)
    : warn(
        'ssh',
        `connected as ${r.username} without checking the server's host key (insecure-skip-host-key-check)`,
        'pin it with known-hosts or host-fingerprint',
      );
}

/** ss and ps, then Docker: what the deploy checks before anything else. */
export function serverChecks(r: DoctorReading): Check[] {
  if ('error' in r.readiness)
    return [
      fail(
        'tools',
        `the check of ss, ps and docker did not run: ${r.readiness.error}`,
        'check that the deploy user has a POSIX shell (sh)',
      ),
    ];
  const { problems, dockerVersion } = r.readiness.value;
  const tools = problems.filter((p) => p.subject !== 'docker');
  const docker = problems.filter((p) => p.subject === 'docker');
  return [
    tools.length === 0
      ? pass('tools', 'ss and ps are installed')
      : fail('tools', tools.map((p) => p.problem).join('; '), tools.map((p) => p.fix).join('; ')),
    docker.length === 0
      ? pass('docker', `Docker ${dockerVersion ?? ''} answers ${r.username}`.replace('  ', ' '))
      : fail('docker', docker[0].problem, docker[0].fix),
  ];
}

export function redisChecks(r: DoctorReading, s: DoctorSettings): Check[] {
  if ('error' in r.redis) {
    return [
      fail(
        'redis',
        `${r.redis.error} (keyspace notifications, persistence, the key and the lock were not checked)`,
        'check redis-url as the server sees it (the deploy reaches Redis through the SSH connection) and the Redis user and password',
      ),
    ];
  }
  const { keyValue, notifications, persistence, locks } = r.redis.value;
  const risk = persistence && persistenceRisk(persistence);
  return [
    pass(
      'redis',
      `answers; ${s.redisKey} ${keyValue === null ? 'is unset (the first deploy sets it)' : `= ${keyValue}`}`,
    ),
    notifications === true
      ? pass('notifications', 'keyspace notifications cover SET: confd -watch hears every switch')
      : notifications === false
        ? fail(
            'notifications',
            'Redis keyspace notifications are off (notify-keyspace-events lacks K$): confd -watch never hears a switch, and the deploy fails after switch-timeout',
            'redis-cli CONFIG SET notify-keyspace-events K$g, and the same in redis.conf (examples/host/redis/keyspace-events.conf)',
          )
        : warn(
            'notifications',
            'keyspace notifications could not be read (CONFIG is refused, as on managed Redis)',
            'make sure notify-keyspace-events includes K$',
          ),
    persistence === undefined
      ? warn(
          'persistence',
          'Redis persistence could not be read (CONFIG is refused)',
          'make sure Redis keeps the key across a restart (appendonly yes)',
        )
      : risk
        ? warn(
            'persistence',
            risk.replace(/\. Set appendonly.*$/, ''),
            'set appendonly yes (examples/host/redis/persistence.conf)',
          )
        : pass('persistence', 'appendonly yes: the key survives a Redis restart'),
    locks.length === 0
      ? pass('lock', 'free: no deploy runs')
      : warn(
          'lock',
          locks.map((l) => lockLine(lockStatus(l.name, l.holder, l.ttlMs, r.now))).join('; '),
          'a deploy runs, or one died holding it: if none runs, docker-hot-deploy unlock --force (or --owner HOLDER)',
        ),
  ];
}

/** confd: running, with the Redis backend, one of them rendering the key, and how soon it would. */
export function confdChecks(r: DoctorReading, s: DoctorSettings): Check[] {
  if ('error' in r.confd)
    return [
      fail('confd', `its processes could not be listed: ${r.confd.error}`, 'check that ps works for the deploy user'),
    ];
  const state = r.confd.value;
  const startIt = `start this deployment's confd with -backend redis -watch (systemctl start confd, or confd@NAME; examples/host/systemd)`;
  if (state.processes.length === 0)
    return [fail('confd', 'no confd runs on the server: a switch is never rendered', startIt)];
  if (redisConfds(state.processes).length === 0) {
    return [fail('confd', `${state.processes.length} confd process(es) run, none with -backend redis`, startIt)];
  }
  const rendering = confdsRenderingKey(state, s.redisKey);
  if (rendering === undefined) {
    return [
      warn(
        'confd',
        `a confd's template resources could not be read (its -confdir ${[...state.resources.keys()].join(', ')}): whether one renders ${s.redisKey} is unknown`,
        'let the deploy user read the -confdir (its conf.d/*.toml), or check by hand that a resource lists the key',
      ),
    ];
  }
  if (rendering.length === 0) {
    return [
      fail(
        'confd',
        `no running confd renders ${s.redisKey} (they read ${[...state.resources.keys()].join(', ')}; none has a template resource for it)`,
        startIt,
      ),
    ];
  }
  const checks: Check[] = [];
  const polling = rendering.filter((p) => !p.watch);
  const slowest = Math.max(...polling.map((p) => p.intervalSeconds));
  const renders = `${rendering.length === 1 ? 'one confd renders' : `${rendering.length} confds render`} ${s.redisKey}`;
  checks.push(
    polling.length === 0
      ? pass('confd', `${renders} on every write (-watch)`)
      : warn(
          'confd',
          `${renders}, without -watch: a switch waits for its next poll, up to ${slowest} s (-interval)` +
            `${slowest * 1000 > s.switchTimeoutMs ? ', longer than switch-timeout: a deploy may fail and switch back' : ''}`,
          'run it with -watch (examples/host/systemd/confd.service), or watch = true in its confd.toml',
        ),
  );
  const shared = sharedWatchProblem(state);
  if (shared)
    checks.push(
      warn(
        'confd-resources',
        shared.replace(/ Run one confd.*$/, ''),
        'run one confd per deployment (README: Several deployments on one server)',
      ),
    );
  return checks;
}

/** Whether confd's last render names the port the key holds. */
export function renderCheck(r: DoctorReading): Check[] {
  const keyValue = 'value' in r.redis ? r.redis.value.keyValue : null;
  const port = keyValue === null ? undefined : portNamedBy(keyValue);
  if (!r.rendered || port === undefined) return [];
  const { resource, text } = r.rendered;
  if ('error' in text) return [];
  return namesPort(text.value, port)
    ? [pass('render', `${resource.dest} names :${port}, as the key does`)]
    : [
        warn(
          'render',
          `${resource.dest} does not name :${port}, which the key holds: confd has not rendered the key's value`,
          'journalctl -u confd: its check_cmd may refuse the value (does redis-value fit the template?), or it does not hear the writes',
        ),
      ];
}

export function nginxCheck(r: DoctorReading, s: DoctorSettings): Check {
  const { served } = r;
  if (served.error)
    return fail(
      'nginx',
      `no answer from ${s.probeUrl}: ${served.error}`,
      'start nginx, and set probe-url to its address as the server sees it',
    );
  if (!served.upstream) {
    return fail(
      'nginx',
      `${s.probeUrl} answered ${served.status} without the ${s.upstreamHeader} header: the deploy cannot prove which container serves`,
      `include examples/host/nginx/app-upstream-header.conf (its map gives requests from 127.0.0.1 $upstream_addr) in nginx's http block and app-proxy.conf's add_header ${s.upstreamHeader} in the site, then reload nginx`,
    );
  }
  if ((served.status ?? 0) >= 500) {
    return warn(
      'nginx',
      `${s.probeUrl} answered ${served.status} from ${served.upstream}`,
      'before the first deploy nothing serves yet; otherwise check the container the key names',
    );
  }
  return pass('nginx', `${s.probeUrl} answered ${served.status} from ${served.upstream}`);
}

/** What the next deploy would find: the container nginx serves, whether the key names it, a key to repair. */
export function deploymentCheck(r: DoctorReading, s: DoctorSettings): Check[] {
  if (!('value' in r.containers) || !('value' in r.redis)) return [];
  const { keyValue } = r.redis.value;
  const state = deploymentState({
    deployment: s.redisKey,
    app: s.app,
    redisValue: s.redisValue,
    keyValue,
    served: r.served,
    containers: r.containers.value,
  });
  const servedPort =
    r.served.status !== undefined && r.served.status < 500 ? upstreamPort(r.served.upstream) : undefined;
  if (state.repair) {
    return [
      warn(
        'deployment',
        `${s.redisKey} ${keyValue === null ? 'is unset' : `holds "${keyValue}"`}, but nginx serves ${state.serving?.name} on :${servedPort}`,
        `nothing to do: the next deploy writes "${state.repair.to}" back first`,
      ),
    ];
  }
  if (state.findings.length > 0) {
    return [
      warn(
        'deployment',
        state.findings.join('; ').replace('this deploy is the repair', 'the next deploy repairs it'),
        'deploy again, or roll back (status shows the releases)',
      ),
    ];
  }
  if (state.keyPort === undefined) return [pass('deployment', 'nothing deployed yet: the first deploy sets the key')];
  // nginx unreachable or without the header: the nginx check says so, and nothing is known of what serves.
  if (r.served.error || !r.served.upstream) return [];
  if (servedPort !== state.keyPort) {
    return [
      warn(
        'deployment',
        `${s.redisKey} names :${state.keyPort} (${state.serving?.name}), but nginx ${servedPort === undefined ? 'did not say what it serves' : `serves :${servedPort}`}`,
        "nginx did not take confd's last render: check its reload_cmd (nginx -t, then the reload_cmd by hand)",
      ),
    ];
  }
  return [pass('deployment', `nginx serves ${state.serving?.name} on :${servedPort}, which the key names`)];
}

export function portsCheck(r: DoctorReading, s: DoctorSettings): Check {
  const { first, last } = s.portRange;
  if ('error' in r.listening)
    return fail(
      'ports',
      `the listening ports could not be read: ${r.listening.error}`,
      'check that ss works for the deploy user',
    );
  const containers = 'value' in r.containers ? r.containers.value : undefined;
  const taken = takenPorts(r.listening.value, containers ?? [], r.reserved);
  let free = 0;
  for (let port = first; port <= last; port += 1) if (!taken.has(port)) free += 1;
  const range = `port-range ${first}-${last}`;
  if (free === 0)
    return fail(
      'ports',
      `no free port in ${range}: every one is listened on, published or held by a key`,
      'widen port-range, or remove stopped containers that hold ports',
    );
  return containers
    ? pass('ports', `${free} of ${last - first + 1} free in ${range}`)
    : warn(
        'ports',
        `at most ${free} of ${last - first + 1} free in ${range}: the containers could not be listed, so the ports stopped ones publish are not counted`,
        'give the deploy user Docker (see docker)',
      );
}

/** Free space where Docker keeps images: failing below what nothing fits in, warning below the next image and some room. */
export function diskCheck(r: DoctorReading): Check {
  if ('error' in r.disk)
    return warn(
      'disk',
      `free space could not be read: ${r.disk.error}`,
      "check the space of Docker's root directory (docker info) by hand",
    );
  const { path, freeBytes } = r.disk.value;
  const estimate = r.image && 'estimateBytes' in r.image ? r.image.estimateBytes : 0;
  const detail = `${size(freeBytes)} free on ${path}${
    r.image && 'present' in r.image
      ? ' (the image is on the server already)'
      : estimate > 0
        ? ` (an earlier tag of the image is ${size(estimate)})`
        : ''
  }`;
  const fix =
    'free space (docker image prune, docker builder prune) or grow the disk; keep-images bounds what deploys keep';
  if (freeBytes < MIN_FREE_BYTES)
    return fail('disk', `${detail}: not enough for any image and the containers' logs`, fix);
  if (freeBytes < estimate + GIB)
    return warn('disk', `${detail}: little room for the next image and the containers' logs`, fix);
  return pass('disk', detail);
}

export function accessLogCheck(r: DoctorReading): Check[] {
  if (!r.accessLog) return [];
  const { path, problem } = r.accessLog;
  return problem
    ? [
        fail(
          'access-log',
          `${path} cannot be read by ${r.username}: ${problem}: the bake would judge by probes alone`,
          `let ${r.username} read it (on Debian: sudo usermod -aG adm ${r.username}, as nginx's logs belong to adm), or fix access-log`,
        ),
      ]
    : [pass('access-log', `${path} is readable: the bake counts nginx's answers`)];
}

/** Every check, in the order a deploy meets them. */
export function doctorChecks(r: DoctorReading, s: DoctorSettings): Check[] {
  return [
    sshCheck(r),
    ...serverChecks(r),
    ...redisChecks(r, s),
    ...confdChecks(r, s),
    ...renderCheck(r),
    nginxCheck(r, s),
    ...deploymentCheck(r, s),
    portsCheck(r, s),
    diskCheck(r),
    ...accessLogCheck(r),
  ];
}

/** A server that could not be reached at all: one failed check. */
export const unreachable = (error: string): Check =>
  fail(
    'ssh',
    error,
    'check host, port, username, the key and known-hosts (ssh -p PORT USER@HOST works from the runner?)',
  );

const MARK: Record<Verdict, string> = { pass: '✓', warn: '!', fail: '✗' };

export const failures = (servers: ServerDoctor[]): number =>
  servers.reduce((n, s) => n + s.checks.filter((c) => c.verdict === 'fail').length, 0);
const warnings = (servers: ServerDoctor[]): number =>
  servers.reduce((n, s) => n + s.checks.filter((c) => c.verdict === 'warn').length, 0);

export function doctorText(servers: ServerDoctor[]): string {
  const width = Math.max(...servers.flatMap((s) => s.checks.map((c) => c.check.length)));
  const blocks = servers.map((s) =>
    [
      s.server,
      ...s.checks.flatMap((c) => [
        `  ${MARK[c.verdict]} ${c.check.padEnd(width)}  ${c.detail}`,
        ...(c.fix && c.verdict !== 'pass' ? [`  ${' '.repeat(width + 2)}  fix: ${c.fix}`] : []),
      ]),
    ].join('\n'),
  );
  return [...blocks, doctorSummary(servers)].join('\n\n');
}

export function doctorSummary(servers: ServerDoctor[]): string {
  const failed = failures(servers);
  const warned = warnings(servers);
  const on = `on ${servers.length} server${servers.length === 1 ? '' : 's'}`;
  const warnedText = warned > 0 ? `, ${warned} warning${warned === 1 ? '' : 's'}` : '';
  return failed > 0
    ? `${failed} check${failed === 1 ? '' : 's'} failed${warnedText} ${on}: a deploy fails or cannot switch until they are fixed.`
    : `Ready to deploy ${on}${warned > 0 ? ` (${warned} warning${warned === 1 ? '' : 's'})` : ''}.`;
}
