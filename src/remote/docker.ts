// Docker (and the few host tools a deploy needs), pure: argument lists to run
// on the server, and parsers for what they print. Nothing here does I/O.
import type { Argv } from './shell.js';

/** When docker pull runs: always, only for an image not on the server, or never. */
export type PullPolicy = 'always' | 'missing' | 'never';

export const LABEL_APP = 'docker-hot-deploy.app';
/** The deployment a container belongs to: its redis-key, the deployment's identity on a server. */
export const LABEL_DEPLOYMENT = 'docker-hot-deploy.deployment';
export const LABEL_DEPLOY = 'docker-hot-deploy.deploy';
export const LABEL_IMAGE = 'docker-hot-deploy.image';
/** Set on a release command's one-off container. */
export const LABEL_ROLE = 'docker-hot-deploy.role';

/** What every container a deploy starts has: its name, image, labels, environment and run-args. */
interface ContainerSpec {
  name: string;
  image: string;
  app: string;
  deployment: string;
  /** env-file on the server, if any. */
  envFile?: string;
  /** The env values come on the command's stdin: they never touch a file another user could reach. */
  envOnStdin: boolean;
  runArgs: string[];
}

/** Every container a deploy starts is named and labelled with its app and deployment. */
const nameAndLabels = (spec: ContainerSpec): Argv => [
  '--name',
  spec.name,
  '--label',
  `${LABEL_APP}=${spec.app}`,
  '--label',
  `${LABEL_DEPLOYMENT}=${spec.deployment}`,
];

/** The app's container. `image` is as the deploy names it (its label); `pinned` is what runs: the pulled image by digest or id. */
export interface RunSpec extends ContainerSpec {
  pinned: string;
  deployId: string;
  bindAddress: string;
  hostPort: number;
  containerPort: number;
  restart: string;
}

/** A one-off container: the release command. */
export interface OneOffSpec extends ContainerSpec {
  command: string[];
}

export interface ImageIdentity {
  digest: string;
  id: string;
}

/** A container on the server, of any deployment or none. */
export interface ContainerSummary {
  id: string;
  name: string;
  state: string;
  labels: Record<string, string>;
  /** The image as its deploy named it (else as given to docker run), and the id of the image it runs. */
  image: string;
  imageId: string;
  /** Host ports it publishes now, and the ones it is configured to publish when it (re)starts. */
  hostPorts: number[];
  /** When it last started (RFC 3339, as Docker gives it). */
  startedAt?: string;
}

/** Log rotation unless run-args chooses the logging: an unbounded json-file log fills the disk. */
export const BOUNDED_LOGS: Argv = ['--log-driver', 'json-file', '--log-opt', 'max-size=10m', '--log-opt', 'max-file=3'];
const LOGGING_OPTIONS = /^--log-(?:driver|opt)(?:=|$)/;

/** The most of one file a deploy reads (a history, a confd resource): they are small, unless something is wrong. */
export const FILE_READ_BYTES = 256 * 1024;

/** One line per container, a JSON array: docker inspect's template, parsed by parse.containers. */
const CONTAINER_FORMAT =
  '[{{json .Id}},{{json .Name}},{{json .State.Status}},{{json .Config.Labels}},{{json .Config.Image}},{{json .Image}},{{json .HostConfig.PortBindings}},{{json .NetworkSettings.Ports}},{{json .State.StartedAt}}]';

export interface ContainerState {
  id: string;
  name: string;
  status: string;
  exitCode: number;
  restartCount: number;
  /** When Docker created it (RFC 3339): where its events begin. */
  createdAt: string;
  health?: string;
  hostPort?: number;
}

/** Where a read of a log file stands: the file (its inode) and the byte offset in it. */
export interface LogPosition {
  inode: string;
  offset: number;
}

/** Complete lines read from a log, and where the next read begins (after the last complete line). */
export interface LogRead {
  position: LogPosition;
  text: string;
}

/** What keeps the deploy user from deploying: the tool it is about, what is wrong, and the fix. */
export interface ServerProblem {
  subject: string;
  problem: string;
  fix: string;
}

export interface ImageSummary {
  ref: string;
  id: string;
  createdAt: string;
}

/** The env a container gets: the env-file on the server, then the env values on stdin. */
const envArgs = (spec: { envFile?: string; envOnStdin: boolean }): Argv => [
  ...(spec.envFile ? ['--env-file', spec.envFile] : []),
  ...(spec.envOnStdin ? ['--env-file', '/dev/stdin'] : []),
];

/** An address as it stands before `:port`: IPv6 in brackets. */
export const bracketed = (address: string): string => (address.includes(':') ? `[${address}]` : address);

export const build = {
  /** A 0700 directory of the deploy user's own, for a Docker config that lives only as long as the pull. */
  makePrivateDir: (): Argv => ['mktemp', '-d', '-t', 'docker-hot-deploy.XXXXXXXXXX'],
  /** Removes a registry-login directory, once no docker command uses it: a login the dropped
   * connection left hanging (an unanswering registry) would write the credentials back when it ends.
   * Killed (a docker CLI may catch SIGTERM) and awaited, 5 s at most; the path matched literally. */
  removeDir: (dir: string): Argv => [
    'sh',
    '-c',
    String.raw`p="docker --config $(printf %s "$1" | sed 's/[][\.*^$+?(){}|]/\\&/g') "
pkill -KILL -f -- "$p"
i=0; while pgrep -f -- "$p" >/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
rm -rf -- "$1"`,
    'sh',
    dir,
  ],
  login: (configDir: string, registry: string, username: string): Argv => [
    'docker',
    '--config',
    configDir,
    'login',
    '--username',
    username,
    '--password-stdin',
    registry,
  ],
  /** With `progress`, docker prints each layer's progress (on a terminal: with its bytes) instead of only the image's name. */
  pull: (image: string, configDir?: string, progress = false): Argv => [
    'docker',
    ...(configDir ? ['--config', configDir] : []),
    'pull',
    ...(progress ? [] : ['--quiet']),
    image,
  ],
  imageIdentity: (image: string): Argv => [
    'docker',
    'image',
    'inspect',
    '--format',
    '{{json .RepoDigests}} {{.Id}}',
    image,
  ],
  /** Every deployment's release history of this deploy user (its last `entries` lines, the newest
   * kept if they are too long), each file after a `==> PATH` line that begins a line of its own. */
  readHistories: (dir: string, entries: number): Argv => [
    'sh',
    '-c',
    `for f in "$1"/*.jsonl; do [ -f "$f" ] && printf "\\n==> %s\\n" "$f" && tail -n "$2" "$f" | tail -c ${FILE_READ_BYTES}; done; true`,
    'sh',
    dir,
    String(entries),
  ],
  /** Appends stdin's line to a history, keeping its last `keep` lines: written aside, then renamed, 0600. */
  appendHistory: (path: string, keep: number): Argv => [
    'sh',
    '-c',
    'umask 077 && mkdir -p "${1%/*}" && { tail -n "$2" "$1" 2>/dev/null; cat; } > "$1.new" && mv "$1.new" "$1"',
    'sh',
    path,
    String(keep - 1),
  ],
  /** A one-off container of the new image, attached, removed when it ends: the release command. */
  runOnce(spec: OneOffSpec): Argv {
    return [
      'docker',
      'run',
      '--rm',
      ...nameAndLabels(spec),
      '--label',
      `${LABEL_ROLE}=release`,
      ...envArgs(spec),
      ...spec.runArgs,
      spec.image,
      ...spec.command,
    ];
  },
  /** Every container on the server, stopped ones too: their ports come back with them. A container
   * removed between the listing and the inspect is reported on stderr (see parse.vanishedOnly). */
  containers: (): Argv => [
    'sh',
    '-c',
    'ids=$(docker ps --all --quiet --no-trunc) || exit 1; [ -z "$ids" ] && exit 0; exec docker container inspect --format "$1" $ids',
    'sh',
    CONTAINER_FORMAT,
  ],
  run(spec: RunSpec): Argv {
    return [
      'docker',
      'run',
      '--detach',
      ...nameAndLabels(spec),
      '--label',
      `${LABEL_DEPLOY}=${spec.deployId}`,
      '--label',
      `${LABEL_IMAGE}=${spec.image}`,
      // An explicit host port: Docker would pick another ephemeral one on every restart.
      '--publish',
      `${bracketed(spec.bindAddress)}:${spec.hostPort}:${spec.containerPort}`,
      '--restart',
      spec.restart,
      ...(spec.runArgs.some((a) => LOGGING_OPTIONS.test(a)) ? [] : BOUNDED_LOGS),
      ...envArgs(spec),
      ...spec.runArgs,
      spec.pinned,
    ];
  },
  inspect: (id: string): Argv => ['docker', 'container', 'inspect', id],
  logs: (id: string, lines: number): Argv => ['docker', 'logs', '--tail', String(lines), id],
  /** The exit codes of a container's deaths since `since`, oldest first: a restarted container's
   * own state says 0, Docker's events keep the code it died with. `--until 0s` makes it return. */
  exitCodes: (id: string, since: string): Argv => [
    'docker',
    'events',
    '--since',
    since,
    '--until',
    '0s',
    '--filter',
    `container=${id}`,
    '--filter',
    'event=die',
    '--format',
    '{{.Actor.Attributes.exitCode}}',
  ],
  stop: (id: string, seconds: number): Argv => ['docker', 'stop', '--time', String(seconds), id],
  /** Force-removes: for containers that never served (their anonymous volumes go too). */
  discard: (ids: string[]): Argv => ['docker', 'rm', '--force', '--volumes', ...ids],
  /** Removes stopped containers, keeping their volumes. */
  remove: (ids: string[]): Argv => ['docker', 'rm', ...ids],
  images: (repository: string): Argv => ['docker', 'image', 'ls', '--no-trunc', '--format', '{{json .}}', repository],
  removeImages: (refs: string[]): Argv => ['docker', 'image', 'rm', ...refs],
  /** What a deploy needs of the server, checked once: ss, ps and a Docker the user may use. */
  serverCheck: (): Argv => [
    'sh',
    '-c',
    'for t in ss ps docker; do command -v "$t" >/dev/null || echo "missing $t"; done; docker version --format "docker {{.Server.Version}}" 2>&1',
  ],
  listeningPorts: (): Argv => ['ss', '-Htln'],
  /** Docker's root directory (where images go; /var/lib/docker when Docker does not say), then its free space. */
  diskFree: (): Argv => [
    'sh',
    '-c',
    'd=$(docker info --format "{{.DockerRootDir}}" 2>/dev/null) && [ -d "$d" ] || d=/var/lib/docker; [ -d "$d" ] || d=/; echo "$d"; exec df -Pk -- "$d"',
  ],
  /** An image's size in bytes, if the server has it. */
  imageSize: (image: string): Argv => ['docker', 'image', 'inspect', '--format', '{{.Size}}', image],
  /** The start of a file, at most `maxBytes` (what confd rendered, say). */
  readFile: (path: string, maxBytes: number): Argv => ['head', '-c', String(maxBytes), '--', path],
  /** Where a log ends now: its inode and size; fails when the deploy user cannot read it (stat alone would not). */
  logEnd: (path: string): Argv => ['sh', '-c', 'head -c 0 -- "$1" && exec stat -L -c "%i %s" -- "$1"', 'sh', path],
  /** At most `maxBytes` of a log from `from` on, after an `INODE START` line. A log that was rotated
   * (another inode) or truncated (shorter than the offset) is read from its start. */
  readLog: (path: string, from: LogPosition, maxBytes: number): Argv => [
    'sh',
    '-c',
    'st=$(stat -L -c "%i %s" -- "$1") || exit 1; ino=${st% *}; start=$3; { [ "$ino" != "$2" ] || [ "${st#* }" -lt "$3" ]; } && start=0; ' +
      'echo "$ino $start"; tail -c +"$((start + 1))" -- "$1" | head -c "$4"',
    'sh',
    path,
    from.inode,
    String(from.offset),
    String(maxBytes),
  ],
  connectionsTo: (port: number): Argv => ['ss', '-Htn', 'state', 'established', 'dport', '=', `:${port}`],
  /** Every process's pid, parent, owner and command line, after the deploy user's uid and the pids
   * of processes in nested PID namespaces (containers, or servers nested on this one): their nginx
   * and confd are not this server's. */
  processes: (): Argv => [
    'sh',
    '-c',
    'echo "me $(id -u)"; cat /proc/[0-9]*/status 2>/dev/null | awk \'$1 == "Pid:" { pid = $2 } $1 == "NSpid:" && NF > 2 { print "nested", pid }\'; exec ps -eo pid=,ppid=,uid=,args=',
  ],
};

function jsonLines<T>(text: string): T[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

type PortMap = Record<string, Array<{ HostIp: string; HostPort: string }> | null> | null;

/** The host ports of docker's port maps (configured and current), without duplicates or unset ones. */
function hostPortsOf(...maps: PortMap[]): number[] {
  const ports = maps.flatMap((map) =>
    Object.values(map ?? {}).flatMap((bindings) => (bindings ?? []).map((b) => Number(b.HostPort))),
  );
  return [...new Set(ports.filter((p) => Number.isInteger(p) && p > 0))];
}

export const parse = {
  containers(text: string): ContainerSummary[] {
    return jsonLines<
      [string, string, string, Record<string, string> | null, string, string, PortMap, PortMap, string?]
    >(text).map(([id, name, state, labels, image, imageId, configured, current, startedAt]) => ({
      // The image as its deploy named it (it runs by digest).
      id,
      name: name.replace(/^\//, ''),
      state,
      labels: labels ?? {},
      image: labels?.[LABEL_IMAGE] || image,
      imageId,
      hostPorts: hostPortsOf(configured, current),
      ...(startedAt ? { startedAt } : {}),
    }));
  },

  /** What keeps the deploy user from deploying (build.serverCheck's output), each with its fix; none when nothing does. */
  serverProblems(text: string, username: string): ServerProblem[] {
    const problems: ServerProblem[] = [];
    const packages: Record<string, string> = { ss: 'iproute2', ps: 'procps', docker: 'docker.io' };
    for (const m of text.matchAll(/^missing (\w+)$/gm)) {
      problems.push({
        subject: m[1],
        problem: `${m[1]} is not installed on the server`,
        fix: `install it (Debian/Ubuntu: sudo apt-get install ${packages[m[1]]})`,
      });
    }
    if (/permission denied.*docker\.sock/is.test(text)) {
      problems.push({
        subject: 'docker',
        problem: `${username} may not use Docker on the server`,
        fix: `add it to the docker group (sudo usermod -aG docker ${username}), then log in again so the group applies`,
      });
    } else if (/cannot connect to the docker daemon/i.test(text)) {
      problems.push({
        subject: 'docker',
        problem: 'Docker is not running on the server',
        fix: 'start it (sudo systemctl start docker)',
      });
    } else if (!/^missing docker$/m.test(text) && !/^docker \S+/m.test(text)) {
      problems.push({
        subject: 'docker',
        problem: `docker version failed on the server: ${text.trim().split('\n').pop()}`,
        fix: `run docker version as ${username} on the server and fix what it says`,
      });
    }
    return problems;
  },

  /** The Docker server's version in build.serverCheck's output, when Docker answered. */
  dockerVersion: (text: string): string | undefined => /^docker (\S+)$/m.exec(text)?.[1],

  /** diskFree's answer (the directory, then df -Pk): that directory and its file system's free bytes. */
  diskFree(text: string): { path: string; freeBytes: number } {
    const lines = text.trim().split('\n');
    const available = Number(lines.at(-1)?.trim().split(/\s+/)[3]);
    if (lines.length < 3 || !Number.isFinite(available)) throw new Error(`df printed no free space: ${text.trim()}`);
    return { path: lines[0], freeBytes: available * 1024 };
  },

  /** True when a failed inspect only missed containers removed since they were listed. */
  vanishedOnly: (stderr: string): boolean =>
    stderr.split('\n').every((l) => !l.trim() || /no such (container|object)/i.test(l)),

  inspect(text: string, containerPort: number): ContainerState {
    const [c] = JSON.parse(text) as Array<{
      Id: string;
      Name: string;
      Created: string;
      RestartCount: number;
      State: { Status: string; ExitCode: number; Health?: { Status: string } };
      NetworkSettings: { Ports?: Record<string, Array<{ HostIp: string; HostPort: string }> | null> };
    }>;
    const bindings = c.NetworkSettings.Ports?.[`${containerPort}/tcp`] ?? [];
    return {
      id: c.Id,
      name: c.Name.replace(/^\//, ''),
      status: c.State.Status,
      exitCode: c.State.ExitCode,
      restartCount: c.RestartCount,
      createdAt: c.Created,
      health: c.State.Health?.Status,
      hostPort: bindings.length > 0 ? Number(bindings[0].HostPort) : undefined,
    };
  },

  /** exitCodes' output: the code of the last death, if Docker still has the event. */
  lastExitCode(text: string): number | undefined {
    const codes = text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /^\d+$/.test(l));
    return codes.length > 0 ? Number(codes[codes.length - 1]) : undefined;
  },

  /** An image's content address, its registry digest (else its local id), and its local id. */
  /** The digest is the one of the image's own `repository` (an image pulled under several names has
   * one each; another one's would not pull back by this name in a rollback); none: the image id. */
  imageIdentity(text: string, repository: string): ImageIdentity {
    const m = /^(\[.*\]|null) (\S+)$/.exec(text.trim());
    if (!m) throw new Error(`unexpected docker image inspect output: ${text.trim().slice(0, 200)}`);
    const repoDigests = (JSON.parse(m[1]) as string[] | null) ?? [];
    const familiar = (name: string): string => name.replace(/^docker\.io\//, '').replace(/^library\//, '');
    const own = repoDigests.find((d) => familiar(d.slice(0, d.indexOf('@'))) === familiar(repository));
    return { digest: own ? own.slice(own.indexOf('@') + 1) : m[2], id: m[2] };
  },

  /** Files printed each after a `==> PATH` line (readHistories, confd's resources): each one's text
   * by its path (a file cut short, or without a last newline, may end in a blank line). */
  files(text: string): Map<string, string> {
    const files = new Map<string, string[]>();
    let current: string[] | undefined;
    for (const line of text.split('\n')) {
      const header = /^==> (.+)$/.exec(line);
      if (header) files.set(header[1], (current = []));
      else current?.push(line);
    }
    return new Map([...files].map(([path, lines]) => [path, lines.join('\n')]));
  },

  /** Tagged images by repository:tag; untagged ones (a tag moved on) by id. */
  images(text: string): ImageSummary[] {
    return jsonLines<{ Repository: string; Tag: string; ID: string; CreatedAt: string }>(text).map((i) => ({
      ref: i.Tag === '<none>' ? i.ID : `${i.Repository}:${i.Tag}`,
      id: i.ID,
      createdAt: i.CreatedAt,
    }));
  },

  /** docker image rm problems other than "a container still uses it", which keeps that image by design. */
  imageRemovalProblems: (stderr: string): string[] =>
    stderr
      .split('\n')
      .filter(
        (l) =>
          l.trim() && !/conflict: unable to (remove|delete)|is being used by|is using its referenced image/.test(l),
      ),

  listeningPorts(text: string): Set<number> {
    const ports = new Set<number>();
    for (const line of text.split('\n')) {
      const local = line.trim().split(/\s+/)[3];
      const m = local ? /:(\d+)$/.exec(local) : null;
      if (m) ports.add(Number(m[1]));
    }
    return ports;
  },

  logEnd(text: string): LogPosition {
    const [inode, size] = text.trim().split(' ');
    if (!/^\d+$/.test(inode ?? '') || !/^\d+$/.test(size ?? ''))
      throw new Error(`unexpected stat output: ${text.slice(0, 80)}`);
    return { inode, offset: Number(size) };
  },
  /** Only whole lines count, in bytes as the server sent them: a line still being written is read
   * again next time, so the offset never falls inside one (nor inside a multi-byte character). */
  logRead(bytes: Buffer): LogRead {
    const newline = bytes.indexOf(0x0a);
    if (newline < 0) throw new Error(`unexpected log read output: ${bytes.subarray(0, 80).toString()}`);
    const start = parse.logEnd(bytes.subarray(0, newline).toString());
    const complete = bytes.subarray(newline + 1, bytes.lastIndexOf(0x0a) + 1);
    return {
      position: { inode: start.inode, offset: start.offset + complete.length },
      text: complete.toString('utf8'),
    };
  },
  lineCount: (text: string): number => text.split('\n').filter((l) => l.trim()).length,

  /** The command lines of the server's own processes (see build.processes): in its own PID namespace,
   * of root or the deploy user, and the nginx workers such a master started (they run as nginx's
   * user). Another local user's process called confd, or calling itself a worker, steers nothing. */
  processes(text: string): string[] {
    const lines = text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    const me = /^me (\d+)$/m.exec(text)?.[1];
    const nested = new Set(lines.filter((l) => l.startsWith('nested ')).map((l) => l.slice('nested '.length)));
    const all = lines
      .map((l) => /^(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null && !nested.has(m[1]))
      .map(([, pid, ppid, uid, args]) => ({ pid, ppid, uid, args }));
    const owned = new Map(all.filter((p) => p.uid === '0' || p.uid === me).map((p) => [p.pid, p.args]));
    const byOwnNginx = (p: { ppid: string; args: string }): boolean =>
      /^nginx: worker process/.test(p.args) && /^nginx: master process/.test(owned.get(p.ppid) ?? '');
    return all.filter((p) => owned.has(p.pid) || byOwnNginx(p)).map((p) => p.args);
  },
  shuttingDownWorkers: (commandLines: string[]): number =>
    commandLines.filter((l) => /^nginx: worker process is shutting down/.test(l)).length,
};

/** The image references of a repository to remove: every one whose image is not protected
 * (by id: all references to a protected image stay). */
export function imagesToPrune(images: ImageSummary[], protectedIds: Set<string>): string[] {
  return images.filter((i) => !protectedIds.has(i.id)).map((i) => i.ref);
}

/** The first port of the range that is not taken. */
export function firstFreePort(range: { first: number; last: number }, taken: Set<number>): number | undefined {
  for (let p = range.first; p <= range.last; p += 1) if (!taken.has(p)) return p;
  return undefined;
}

/** Ports a new container may not take: listened on, or published by any container (a stopped or
 * restarting one takes its port back when it starts), or reserved (named by a key: its container
 * may be restarting right now). */
export function takenPorts(listening: Set<number>, containers: ContainerSummary[], reserved: number[]): Set<number> {
  const taken = new Set([...listening, ...reserved]);
  for (const c of containers) c.hostPorts.forEach((p) => taken.add(p));
  return taken;
}
