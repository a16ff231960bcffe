// What a deploy can learn about the server's confd from outside: its processes' command lines
// and the template resources in their -confdir. Pure: the commands run in docker-host.ts.
import { parse as parseToml } from 'smol-toml';
import { FILE_READ_BYTES } from './docker.js';
import type { Argv } from './shell.js';

export interface ConfdProcess {
  confdir: string;
  backend: string;
  /** The global -prefix, joined in front of every resource's keys. */
  prefix: string;
  /** -watch: it renders on every write the backend announces (and does not poll); else every -interval. */
  watch: boolean;
  /** -interval: seconds between its polls of the backend when it does not watch. */
  intervalSeconds: number;
}

export interface TemplateResource {
  file: string;
  /** The keys it renders from, prefixes joined (undefined: the file could not be read as TOML). */
  keys?: string[];
  /** Where it renders, and what confd runs once it did. */
  dest?: string;
  reloadCmd?: string;
}

export interface ConfdState {
  processes: ConfdProcess[];
  /** The template resources in the -confdir of each confd with the Redis backend. */
  resources: Map<string, TemplateResource[]>;
}

/** confd's defaults, as its flag package has them. */
const DEFAULT_CONFDIR = '/etc/confd';
const DEFAULT_BACKEND = 'etcd';
const DEFAULT_INTERVAL_SECONDS = 600;
/** Where confd reads its settings when -config-file does not say; flags override them. */
const DEFAULT_CONFIG_FILE = '/etc/confd/confd.toml';
/** More template resources than a host setup has: the rest are not read. */
const MAX_RESOURCES = 100;

/** A Go flag's value on a command line: `-name value`, `-name=value`, and the same with `--`. */
function flagValue(words: string[], name: string): string | undefined {
  for (let i = 0; i < words.length; i += 1) {
    const m = new RegExp(`^--?${name}(?:=(.*))?$`).exec(words[i]);
    if (m) return m[1] ?? words[i + 1];
  }
  return undefined;
}

/** A Go boolean flag: `-name` or `-name=true` sets it (`-name false` does not: Go takes no separate value); undefined: not given. */
function boolFlag(words: string[], name: string): boolean | undefined {
  const found = words
    .map((w) => new RegExp(`^--?${name}(?:=(.*))?$`).exec(w))
    .filter((m) => m !== null)
    .at(-1);
  return found === undefined ? undefined : ['', undefined, 'true', '1', 't', 'T', 'TRUE', 'True'].includes(found[1]);
}

/** The command lines of confd processes (the executable is confd, whatever else names it), as words. */
const confdCommands = (commandLines: string[]): string[][] =>
  commandLines.map((line) => line.trim().split(/\s+/)).filter((words) => /(?:^|\/)confd$/.test(words[0] ?? ''));

const configFileOf = (words: string[]): string => flagValue(words, 'config-file') ?? DEFAULT_CONFIG_FILE;

/** The settings files these confds read (confd.toml), to read before their processes are judged. */
export const confdConfigFiles = (commandLines: string[]): string[] => [
  ...new Set(confdCommands(commandLines).map(configFileOf)),
];

/** What a confd.toml sets of what the deploy needs to know (an unreadable or broken file: nothing). */
function configFileSettings(text: string | undefined): {
  confdir?: string;
  backend?: string;
  prefix?: string;
  watch?: boolean;
  interval?: number;
} {
  try {
    const t = parseToml(text ?? '') as Record<string, unknown>;
    const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
    return {
      confdir: str(t.confdir),
      backend: str(t.backend),
      prefix: str(t.prefix),
      watch: typeof t.watch === 'boolean' ? t.watch : undefined,
      interval: typeof t.interval === 'number' ? t.interval : undefined,
    };
  } catch {
    return {};
  }
}

/** The confd processes among command lines, with their settings: each flag, else its config file's (`configFiles`
 * by path, as confdConfigFiles names them), else confd's default. */
export function confdProcesses(commandLines: string[], configFiles = new Map<string, string>()): ConfdProcess[] {
  return confdCommands(commandLines).map((words) => {
    const file = configFileSettings(configFiles.get(configFileOf(words)));
    return {
      confdir: flagValue(words, 'confdir') ?? file.confdir ?? DEFAULT_CONFDIR,
      backend: flagValue(words, 'backend') ?? file.backend ?? DEFAULT_BACKEND,
      prefix: flagValue(words, 'prefix') ?? file.prefix ?? '',
      watch: boolFlag(words, 'watch') ?? file.watch ?? false,
      intervalSeconds:
        Number(flagValue(words, 'interval') ?? file.interval ?? DEFAULT_INTERVAL_SECONDS) || DEFAULT_INTERVAL_SECONDS,
    };
  });
}

/** Each file's start after a `==> PATH` line (parse.files), the unreadable ones left out: confd's settings files. */
export const readConfigFiles = (paths: string[]): Argv => [
  'sh',
  '-c',
  `for f in "$@"; do [ -r "$f" ] && printf "\\n==> %s\\n" "$f" && head -c ${FILE_READ_BYTES} "$f"; done; true`,
  'sh',
  ...paths,
];

/** The confds with the Redis backend: the ones whose resources a deploy's key writes re-render. */
export const redisConfds = (processes: ConfdProcess[]): ConfdProcess[] =>
  processes.filter((p) => p.backend === 'redis');

/** Every template resource (conf.d/**\/*.toml, as confd finds them) in these confds' -confdir, each
 * file after a `==> PATH` line (parse.files); bounded, as what is read comes from the server. */
export const readResources = (confds: ConfdProcess[]): Argv => [
  'sh',
  '-c',
  `find "$@" -type f -name "*.toml" 2>/dev/null | head -n ${MAX_RESOURCES} | while IFS= read -r f; do printf "\\n==> %s\\n" "$f"; head -c ${FILE_READ_BYTES} "$f"; done; true`,
  'sh',
  ...new Set(confds.map((p) => `${p.confdir}/conf.d`)),
];

/** confd's prefix joining: "/" + the trimmed global and resource prefixes, then the key. */
function joinedKey(globalPrefix: string, own: string, key: string): string {
  return `/${[globalPrefix, own, key]
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/')}`;
}

/** A template resource's file as TOML: its keys (prefixes joined), dest and reload_cmd. */
function resource(text: string, globalPrefix: string): Omit<TemplateResource, 'file'> {
  try {
    const t = (parseToml(text) as { template?: Record<string, unknown> }).template;
    if (!t) return {};
    const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
    return {
      keys: Array.isArray(t.keys)
        ? t.keys.map((k) => joinedKey(globalPrefix, str(t.prefix) ?? '', String(k)))
        : undefined,
      dest: str(t.dest),
      reloadCmd: str(t.reload_cmd),
    };
  } catch {
    return {};
  }
}

/** Each confd's resources, from readResources' files by path. */
export function resourcesOf(confds: ConfdProcess[], files: Map<string, string>): Map<string, TemplateResource[]> {
  const found = new Map<string, TemplateResource[]>();
  for (const p of confds) {
    found.set(
      p.confdir,
      [...files]
        .filter(([path]) => path.startsWith(`${p.confdir}/conf.d/`))
        .map(([path, text]) => ({ file: path.slice(path.lastIndexOf('/') + 1), ...resource(text, p.prefix) })),
    );
  }
  return found;
}

/** Whether confd re-renders a resource from `key`: one of its keys is the key or a path above it. */
const renders = (resource: TemplateResource, key: string): boolean =>
  resource.keys === undefined || resource.keys.some((k) => k === '/' || key === k || key.startsWith(`${k}/`));

/** The resources of running Redis confds that render from `key`. */
export const resourcesRendering = (state: ConfdState, key: string): TemplateResource[] =>
  [...state.resources.values()].flat().filter((r) => renders(r, key));

/** The resource whose rendered file tells what confd did with `key`: one with a dest, preferring one
 * whose keys name it over one whose keys could not be read (counted as rendering every key). */
export const resourceRendering = (state: ConfdState, key: string): TemplateResource | undefined => {
  const rendering = resourcesRendering(state, key).filter((r) => r.dest);
  return rendering.find((r) => r.keys !== undefined) ?? rendering[0];
};

/** The no-reload setup: confd hands the address to nginx's admin socket (examples/host/bin/dhd-peer). */
export const handsPeerToNginx = (r: TemplateResource): boolean => /\bdhd-peer\s+set\b/.test(r.reloadCmd ?? '');

/** Whether a rendered file (an upstream block, or the no-reload setup's peer file) names `port`. */
export const namesPort = (rendered: string, port: number): boolean => new RegExp(`:${port}(?!\\d)`).test(rendered);

/** How many Redis confds have a resource that renders from `key` (undefined: a -confdir showed no
 * resources, unreadable perhaps, so nobody can tell). */
export function confdsRendering(state: ConfdState, key: string): number | undefined {
  const dirs = [...state.resources.values()];
  if (dirs.length === 0 || dirs.some((resources) => resources.length === 0)) return undefined;
  return dirs.filter((resources) => resources.some((r) => renders(r, key))).length;
}

/** Said when a confd with the Redis backend has several template resources: its one watch wakes
 * only one of them per write (confd 0.16), so a switch of either deployment may never render. */
export function sharedWatchProblem(state: ConfdState): string | undefined {
  const shared = [...state.resources].filter(([, resources]) => resources.length > 1);
  if (shared.length === 0) return undefined;
  const which = shared
    .map(
      ([dir, resources]) =>
        `confd -confdir ${dir} has ${resources.length} template resources (${resources
          .map((r) => r.file)
          .sort()
          .join(', ')})`,
    )
    .join('; ');
  return `${which}: confd's Redis backend wakes only one of a process's resources per write, so nginx may keep the old upstream. Run one confd per deployment (README: Several deployments on one server).`;
}

/** The Redis confds with a resource that renders from `key` (undefined: as confdsRendering, nobody can tell). */
export function confdsRenderingKey(state: ConfdState, key: string): ConfdProcess[] | undefined {
  if (confdsRendering(state, key) === undefined) return undefined;
  return redisConfds(state.processes).filter((p) =>
    (state.resources.get(p.confdir) ?? []).some((r) => renders(r, key)),
  );
}
