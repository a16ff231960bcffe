// A confd stand-in for the test stack (real confd is not in the registries
// reachable here). It reads the same files users give confd: conf.d/*.toml
// template resources and templates/, takes confd's flags for the redis backend,
// and keeps confd's semantics: render to a staged file beside dest, skip when
// in sync, run check_cmd on the staged file, rename into place, run reload_cmd;
// -watch through keyspace notifications, otherwise poll every -interval seconds.
// Its -watch is as confd 0.16's redis backend (built from source and run against
// this stack): one watch per process, so each write wakes one resource only.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { Redis } from 'ioredis';
import { parse as parseToml } from 'smol-toml';
import { render } from './template.js';

const run = promisify(execFile);

// confd's redis backend re-reads the keys after these keyspace events.
const WATCHED_EVENTS = new Set([
  'del',
  'append',
  'rename_from',
  'rename_to',
  'expire',
  'set',
  'incrby',
  'incrbyfloat',
  'hset',
  'hincrby',
  'hincrbyfloat',
  'hdel',
]);

interface Resource {
  name: string;
  src: string;
  dest: string;
  /** confd's resource prefix: the global -prefix joined with the resource's own, "/" when neither is set. */
  prefix: string;
  keys: string[];
  mode: number;
  checkCmd: string;
  reloadCmd: string;
}

function log(level: 'INFO' | 'ERROR' | 'DEBUG', message: string): void {
  process.stdout.write(`${new Date().toISOString()} confd[${process.pid}]: ${level} ${message}\n`);
}

function flags(): {
  node: string;
  confdir: string;
  watch: boolean;
  interval: number;
  onetime: boolean;
  prefix: string;
} {
  // confd uses Go's flag package: -name value, single dash.
  const args = process.argv.slice(2).map((a) => (/^-[a-z]/.test(a) ? `-${a}` : a));
  const { values } = parseArgs({
    args,
    options: {
      backend: { type: 'string', default: 'redis' },
      node: { type: 'string', default: '127.0.0.1:6379' },
      confdir: { type: 'string', default: '/etc/confd' },
      watch: { type: 'boolean', default: false },
      interval: { type: 'string', default: '600' },
      onetime: { type: 'boolean', default: false },
      prefix: { type: 'string', default: '' },
      'log-level': { type: 'string', default: 'info' },
    },
  });
  if (values.backend !== 'redis')
    throw new Error(`backend ${values.backend} is not supported by this stand-in (redis only)`);
  return {
    node: values.node,
    confdir: values.confdir,
    watch: values.watch,
    interval: Number(values.interval),
    onetime: values.onetime,
    prefix: values.prefix,
  };
}

/** confd's NewTemplateResource: "/" + the trimmed global and resource prefixes, or "/" alone. */
function joinedPrefix(globalPrefix: string, own: string): string {
  const parts = [globalPrefix, own].map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean);
  return `/${parts.join('/')}`;
}

async function loadResources(confdir: string, globalPrefix: string): Promise<Resource[]> {
  const dir = join(confdir, 'conf.d');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.toml')).sort();
  return Promise.all(
    files.map(async (file) => {
      const doc = parseToml(await readFile(join(dir, file), 'utf8')) as { template?: Record<string, unknown> };
      const t = doc.template;
      if (!t || typeof t.src !== 'string' || typeof t.dest !== 'string' || !Array.isArray(t.keys)) {
        throw new Error(`${file}: [template] needs src, dest and keys`);
      }
      const prefix = joinedPrefix(globalPrefix, typeof t.prefix === 'string' ? t.prefix : '');
      return {
        name: file,
        src: join(confdir, 'templates', t.src),
        dest: t.dest,
        prefix,
        keys: (t.keys as string[]).map((k) => (prefix + k).replace(/\/+/g, '/')),
        mode: typeof t.mode === 'string' ? parseInt(t.mode, 8) : -1,
        checkCmd: typeof t.check_cmd === 'string' ? t.check_cmd : '',
        reloadCmd: typeof t.reload_cmd === 'string' ? t.reload_cmd : '',
      };
    }),
  );
}

/** confd's redis GetValues: a string key's value, a hash's fields, or else the string keys below it. */
async function fetchValues(redis: Redis, keys: string[]): Promise<Map<string, string>> {
  const store = new Map<string, string>();
  for (const key of keys) {
    const type = await redis.type(key);
    if (type === 'string') store.set(key, (await redis.get(key)) ?? '');
    else if (type === 'hash')
      for (const [f, v] of Object.entries(await redis.hgetall(key))) store.set(`${key}/${f}`, v);
    else {
      for (const sub of await redis.keys(key === '/' ? '*' : `${key}/*`)) {
        const value = await redis.get(sub).catch(() => null);
        if (value !== null) store.set(sub, value);
      }
    }
  }
  return store;
}

async function sameConfig(dest: string, content: string, mode: number): Promise<boolean> {
  try {
    const [current, info] = await Promise.all([readFile(dest, 'utf8'), stat(dest)]);
    return current === content && (info.mode & 0o7777) === mode;
  } catch {
    return false;
  }
}

async function shell(command: string): Promise<void> {
  const { stdout, stderr } = await run('/bin/sh', ['-c', command]);
  if (stdout.trim()) log('DEBUG', stdout.trim());
  if (stderr.trim()) log('DEBUG', stderr.trim());
}

async function processResource(redis: Redis, r: Resource): Promise<void> {
  const store = await fetchValues(redis, r.keys);
  const content = render(await readFile(r.src, 'utf8'), store);
  const mode =
    r.mode >= 0
      ? r.mode
      : await stat(r.dest).then(
          (s) => s.mode & 0o7777,
          () => 0o644,
        );
  const staged = join(dirname(r.dest), `.${basename(r.dest)}${randomBytes(5).toString('hex')}`);
  await writeFile(staged, content);
  await chmod(staged, mode);
  try {
    if (await sameConfig(r.dest, content, mode)) {
      log('DEBUG', `Target config ${r.dest} in sync`);
      return;
    }
    log('INFO', `Target config ${r.dest} out of sync`);
    if (r.checkCmd) {
      try {
        await shell(r.checkCmd.replaceAll('{{.src}}', staged));
      } catch (e) {
        throw new Error(`Config check failed: ${(e as { stderr?: string }).stderr?.trim() || String(e)}`);
      }
    }
    await rename(staged, r.dest);
    if (r.reloadCmd) await shell(r.reloadCmd.replaceAll('{{.src}}', r.dest));
    log('INFO', `Target config ${r.dest} has been updated`);
  } finally {
    await unlink(staged).catch(() => undefined);
  }
}

/** confd's redis watch: ONE subscription per process (the pattern of the resource that subscribes
 * first) and one unbuffered channel that every resource waits on. A keyspace event wakes the resource
 * that has waited longest, whichever key the event was about; an event that finds none waiting goes to
 * the next one back. With two resources, a write of one's key re-renders the other every other time:
 * hence one confd per deployment. Returns what an event does. */
function sharedWatch(resources: Resource[], processOne: (r: Resource) => Promise<void>): () => void {
  const waiting: Resource[] = [];
  let unclaimed = 0;
  const serve = (r: Resource): void => {
    processOne(r)
      .catch((e: unknown) => log('ERROR', e instanceof Error ? e.message : String(e)))
      .finally(() => {
        if (unclaimed > 0) {
          unclaimed -= 1;
          serve(r);
        } else waiting.push(r);
      });
  };
  // Each resource renders once at start, then waits.
  resources.forEach(serve);
  return () => {
    const next = waiting.shift();
    if (next) serve(next);
    else unclaimed += 1;
  };
}

/** Runs one resource at a time; a change seen while it runs triggers one more run. */
function serialised(work: () => Promise<void>): () => void {
  let running = false;
  let again = false;
  const kick = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    work()
      .catch((e: unknown) => log('ERROR', e instanceof Error ? e.message : String(e)))
      .finally(() => {
        running = false;
        if (again) {
          again = false;
          kick();
        }
      });
  };
  return kick;
}

async function main(): Promise<void> {
  const opts = flags();
  const [hostPort, db = '0'] = opts.node.split('/');
  const [host, port] = hostPort.split(':');
  const connect = (): Redis => {
    const client = new Redis({ host, port: Number(port), db: Number(db), lazyConnect: true, maxRetriesPerRequest: 1 });
    // confd logs a lost backend and keeps trying; so does ioredis, once errors are handled.
    client.on('error', (e: Error) => log('ERROR', `redis: ${e.message}`));
    return client;
  };
  const resources = await loadResources(opts.confdir, opts.prefix);
  const redis = connect();
  await redis.connect();
  if (opts.onetime) {
    // Like confd: each resource in turn, an error logged and the last one the exit status.
    let failed = false;
    for (const r of resources) {
      await processResource(redis, r).catch((e: unknown) => {
        failed = true;
        log('ERROR', e instanceof Error ? e.message : String(e));
      });
    }
    redis.disconnect();
    if (failed) process.exitCode = 1;
    return;
  }
  if (opts.watch) {
    // The pattern is the PREFIX followed by *, so every write of any key under it ("/" by default:
    // every key starting with a slash) wakes a resource. After a lost connection it subscribes
    // again and renders nothing until the next event.
    const wake = sharedWatch(resources, (r) => processResource(redis, r));
    if (resources.length === 0) return;
    const subscriber = connect();
    await subscriber.connect();
    const pattern = `__keyspace@${db}__:${resources[0].prefix}*`;
    subscriber.on('pmessage', (_pattern: string, _channel: string, event: string) => {
      if (WATCHED_EVENTS.has(event)) wake();
    });
    await subscriber.psubscribe(pattern);
    log('INFO', `watching ${pattern} for ${resources.map((r) => r.name).join(', ')}`);
  } else {
    const runners = resources.map((r) => serialised(() => processResource(redis, r)));
    runners.forEach((kick) => kick());
    setInterval(() => runners.forEach((kick) => kick()), opts.interval * 1000);
    log('INFO', `polling every ${opts.interval}s`);
  }
}

// In the process list it is confd, as the real one is: the deploy's diagnosis looks for that executable.
process.title = ['confd', ...process.argv.slice(2)].join(' ');

main().catch((e: unknown) => {
  log('ERROR', e instanceof Error ? e.message : String(e));
  process.exit(1);
});
