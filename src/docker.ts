// Docker (and the few host tools a deploy needs), pure: argument lists to run
// on the server, and parsers for what they print. Nothing here does I/O.

export const LABEL_APP = 'docker-hot-deploy.app';
export const LABEL_DEPLOY = 'docker-hot-deploy.deploy';
export const LABEL_IMAGE = 'docker-hot-deploy.image';

export type Argv = string[];

export interface RunSpec {
  name: string;
  image: string;
  app: string;
  deployId: string;
  bindAddress: string;
  hostPort?: number;
  containerPort: number;
  envFiles: string[];
  runArgs: string[];
}

export interface ContainerSummary {
  id: string;
  name: string;
  state: string;
  deployId: string;
  hostPorts: number[];
}

export interface ContainerState {
  id: string;
  name: string;
  status: string;
  exitCode: number;
  restartCount: number;
  health?: string;
  hostPort?: number;
}

export interface ImageSummary {
  ref: string;
  id: string;
  createdAt: string;
}

/** An address as it stands before `:port`: IPv6 in brackets. */
export const bracketed = (address: string): string => (address.includes(':') ? `[${address}]` : address);

export const build = {
  login: (registry: string, username: string): Argv => ['docker', 'login', '--username', username, '--password-stdin', registry],
  pull: (image: string): Argv => ['docker', 'pull', '--quiet', image],
  imageDigest: (image: string): Argv => ['docker', 'image', 'inspect', '--format', '{{json .RepoDigests}} {{.Id}}', image],
  appContainers: (app: string): Argv => ['docker', 'ps', '--all', '--no-trunc', '--filter', `label=${LABEL_APP}=${app}`, '--format', '{{json .}}'],
  run(spec: RunSpec): Argv {
    return [
      'docker', 'run', '--detach', '--name', spec.name,
      '--label', `${LABEL_APP}=${spec.app}`,
      '--label', `${LABEL_DEPLOY}=${spec.deployId}`,
      '--label', `${LABEL_IMAGE}=${spec.image}`,
      '--publish', `${bracketed(spec.bindAddress)}:${spec.hostPort ?? ''}:${spec.containerPort}`,
      ...spec.envFiles.flatMap((f) => ['--env-file', f]),
      ...spec.runArgs,
      spec.image,
    ];
  },
  inspect: (id: string): Argv => ['docker', 'container', 'inspect', id],
  logs: (id: string, lines: number): Argv => ['docker', 'logs', '--tail', String(lines), id],
  stop: (id: string, seconds: number): Argv => ['docker', 'stop', '--time', String(seconds), id],
  remove: (ids: string[]): Argv => ['docker', 'rm', '--force', '--volumes', ...ids],
  images: (repository: string): Argv => ['docker', 'image', 'ls', '--format', '{{json .}}', repository],
  removeImages: (refs: string[]): Argv => ['docker', 'image', 'rm', ...refs],
  listeningPorts: (): Argv => ['ss', '-Htln'],
  connectionsTo: (port: number): Argv => ['ss', '-Htn', 'state', 'established', 'dport', '=', `:${port}`],
  processes: (): Argv => ['ps', '-eo', 'args'],
  // Written with umask 077 and noclobber: mode 0600 from the start, never through a link.
  writePrivateFile: (path: string): Argv => ['sh', '-c', 'umask 077 && set -C && cat > "$1"', 'sh', path],
  removeFile: (path: string): Argv => ['rm', '-f', path],
};

function jsonLines<T>(text: string): T[] {
  return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as T);
}

function labelValue(labels: string, name: string): string {
  // `docker ps` prints labels as a,b=c list; values of ours hold no commas.
  for (const pair of labels.split(',')) {
    const eq = pair.indexOf('=');
    if (pair.slice(0, eq) === name) return pair.slice(eq + 1);
  }
  return '';
}

/** Host ports from `docker ps` Ports text: "127.0.0.1:49153->8080/tcp, ...". */
export function parsePublishedPorts(ports: string): number[] {
  return [...ports.matchAll(/:(\d+)->\d+\/tcp/g)].map((m) => Number(m[1]));
}

export const parse = {
  appContainers(text: string): ContainerSummary[] {
    return jsonLines<{ ID: string; Names: string; State: string; Labels: string; Ports: string }>(text).map((c) => ({
      id: c.ID,
      name: c.Names,
      state: c.State,
      deployId: labelValue(c.Labels, LABEL_DEPLOY),
      hostPorts: [...new Set(parsePublishedPorts(c.Ports))],
    }));
  },

  inspect(text: string, containerPort: number): ContainerState {
    const [c] = JSON.parse(text) as Array<{
      Id: string; Name: string; RestartCount: number;
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
      health: c.State.Health?.Status,
      hostPort: bindings.length > 0 ? Number(bindings[0].HostPort) : undefined,
    };
  },

  /** The content-addressed reference of an image: its registry digest, else its local id. */
  imageDigest(text: string): string {
    const m = /^(\[.*\]|null) (\S+)$/.exec(text.trim());
    if (!m) throw new Error(`unexpected docker image inspect output: ${text.trim().slice(0, 200)}`);
    const repoDigests = (JSON.parse(m[1]) as string[] | null) ?? [];
    return repoDigests.length > 0 ? repoDigests[0].slice(repoDigests[0].indexOf('@') + 1) : m[2];
  },

  /** Tagged images by repository:tag; untagged ones (a tag moved on) by id. */
  images(text: string): ImageSummary[] {
    return jsonLines<{ Repository: string; Tag: string; ID: string; CreatedAt: string }>(text)
      .map((i) => ({ ref: i.Tag === '<none>' ? i.ID : `${i.Repository}:${i.Tag}`, id: i.ID, createdAt: i.CreatedAt }));
  },

  /** docker image rm problems other than "a container still uses it", which keeps that image by design. */
  imageRemovalProblems: (stderr: string): string[] =>
    stderr.split('\n').filter((l) => l.trim() && !/conflict: unable to (remove|delete)|is being used by|is using its referenced image/.test(l)),

  listeningPorts(text: string): Set<number> {
    const ports = new Set<number>();
    for (const line of text.split('\n')) {
      const local = line.trim().split(/\s+/)[3];
      const m = local ? /:(\d+)$/.exec(local) : null;
      if (m) ports.add(Number(m[1]));
    }
    return ports;
  },

  lineCount: (text: string): number => text.split('\n').filter((l) => l.trim()).length,

  shuttingDownWorkers: (text: string): number => text.split('\n').filter((l) => /nginx: worker process is shutting down/.test(l)).length,
};

/** The image tags of an app to remove: all but the images in use and the newest others, `keep` in all. */
export function imagesToPrune(images: ImageSummary[], keep: number, inUse: string[]): string[] {
  const newestFirst = [...images].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const keptIds = new Set(images.filter((i) => inUse.includes(i.ref)).map((i) => i.id));
  for (const image of newestFirst) {
    if (keptIds.size >= keep) break;
    keptIds.add(image.id);
  }
  return newestFirst.filter((i) => !keptIds.has(i.id)).map((i) => i.ref);
}

/** The image's repository (registry and path, without tag or digest). */
export function repositoryOf(image: string): string {
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > lastSlash ? withoutDigest.slice(0, colon) : withoutDigest;
}

/** The registry an image is pulled from: docker's rule, a first component with `.` or `:`, or localhost. */
export function registryOf(image: string): string {
  const first = image.split('/')[0];
  return image.includes('/') && /[.:]|^localhost$/.test(first) ? first : 'docker.io';
}

/** The first port of the range that nothing listens on. */
export function firstFreePort(range: { first: number; last: number }, taken: Set<number>): number | undefined {
  for (let p = range.first; p <= range.last; p += 1) if (!taken.has(p)) return p;
  return undefined;
}

/** redis-value with the port filled in, and the port read back from a stored value. */
export function formatKeyValue(template: string, port: number): string {
  return template.replace('{port}', String(port));
}

export function portFromKeyValue(template: string, value: string): number | undefined {
  const [before, after] = template.split('{port}');
  if (!value.startsWith(before) || !value.endsWith(after)) return undefined;
  const port = value.slice(before.length, value.length - after.length);
  return /^\d{1,5}$/.test(port) ? Number(port) : undefined;
}
