// A fake server for the deploy's unit tests: Docker, the Redis key and locks,
// confd and nginx, and the probes, all in memory, on one clock.
import type { Deps } from '../src/deploy/orchestrator.js';
import { confdProcesses, type TemplateResource } from '../src/remote/confd.js';
import type { Checkpoint, Server } from '../src/deploy/server/server-deploy.js';
import type { ContainerState, ContainerSummary, RunSpec } from '../src/remote/docker.js';
import type { DockerHost } from '../src/remote/docker-host.js';
import type { Release } from '../src/deploy/history.js';
import type { ProbeResult } from '../src/remote/probe-result.js';

/** The deployment the World serves (its redis-key), and its deploy lock. */
export const DEPLOYMENT = '/nginx/upstream/app/port';
export const LOCK = `docker-hot-deploy:lock:${DEPLOYMENT}`;

/** A server and its nginx: docker keeps the containers it was told to run, on the ports it was given. */
export class World {
  calls: string[] = [];
  key: string | null = null;
  containers: ContainerSummary[] = [];
  /** What the new container does, over what docker run gave it. */
  newState: Partial<ContainerState> = {};
  /** The exit code Docker's events still have for the new container. */
  lastExit: number | undefined;
  healthStatus = 200;
  /** Which port nginx routes to: follows the key unless the "watcher" is down. */
  watcherUp = true;
  routedPort?: number;
  drainChecksUntilIdle = 1;
  failStop = false;
  locks = new Map<string, string>();
  /** Set: the store reports the lock lost, as its renewal would. */
  lockLostReason?: string;
  /** How long confd takes from a key write until nginx routes by it. */
  renderDelayMs = 0;
  private renders: Array<{ at: number; value: string | null }> = [];
  listening = new Set([20000]);
  processList = ['nginx: master process', '/usr/local/bin/confd -backend redis -watch'];
  /** The template resources in each confd's -confdir. */
  confdResources = new Map<string, TemplateResource[]>([
    ['/etc/confd', [{ file: 'app.toml', keys: ['/nginx/upstream/app'] }]],
  ]);
  /** Files on the server by path (what confd rendered). */
  files = new Map<string, string>();
  persistence = { appendonly: true, save: '3600 1' };
  histories = new Map<string, string>();
  missingImages: string[] = [];
  releaseOutcome = { code: 0, output: 'migrated 3 tables' };
  releaseTakesMs = 100;
  /** What the new container answers through nginx. */
  newStatus = 200;
  /** nginx's dhd_upstream log: lines appended here are read by the bake. */
  accessLog = '';
  /** From this time on, the new container has exited (its state, as the bake reads it). */
  newExitsAt?: number;
  now = 0;
  warnings: string[] = [];
  /** Other deployments' keys, by key. */
  otherKeys = new Map<string, string>();

  get lockHolder(): string | null {
    return this.locks.get(LOCK) ?? null;
  }
  set lockHolder(owner: string | null) {
    if (owner === null) this.locks.delete(LOCK);
    else this.locks.set(LOCK, owner);
  }

  private route(value: string | null): void {
    // confd renders one change after the other.
    const after = Math.max(this.now, this.renders.at(-1)?.at ?? 0);
    if (this.watcherUp) this.renders.push({ at: after + this.renderDelayMs, value });
  }

  /** nginx as it is now: renders whose time has come are applied (a missing key renders nothing). */
  private applyRenders(): void {
    while (this.renders.length > 0 && this.renders[0].at <= this.now) {
      const { value } = this.renders.shift() as { value: string | null };
      if (value !== null) this.routedPort = Number(value.split(':').pop());
    }
  }

  readonly docker: DockerHost = {
    checkServer: async () => undefined,
    readiness: async () => ({ problems: [] }),
    diskFree: async () => ({ path: '/var/lib/docker', freeBytes: 10 ** 10 }),
    imageSize: async () => undefined,
    makePrivateDir: async () => {
      this.calls.push('mktemp');
      return '/tmp/docker-hot-deploy.x';
    },
    removeDir: async (dir) => {
      this.calls.push(`rm -rf ${dir}`);
    },
    login: async (dir, registry) => {
      this.calls.push(`login ${dir} ${registry}`);
    },
    pull: async (image, _policy, dir) => {
      this.calls.push(`pull ${image}${dir ? ` ${dir}` : ''}`);
      if (this.missingImages.includes(image)) throw new Error(`docker pull failed: manifest unknown: ${image}`);
      // Tag N has digest sha256:d-N and image id iN, whether pulled by tag or by digest.
      const tag = image.includes('@') ? image.split('@sha256:d-')[1] : image.split(':').pop();
      return { digest: `sha256:d-${tag}`, id: `i${tag}` };
    },
    runOnce: async (spec, env, timeoutMs) => {
      this.calls.push(
        `release ${spec.name} ${spec.image} ${spec.command.join(' ')}${env ? ` stdin:${env.length}b` : ''}`,
      );
      if (this.releaseTakesMs > timeoutMs) {
        this.now += timeoutMs;
        return 'timed out';
      }
      this.now += this.releaseTakesMs;
      return this.releaseOutcome;
    },
    readHistories: async () => new Map(this.histories),
    appendHistory: async (path, line) => {
      this.calls.push(`record ${(JSON.parse(line) as Release).outcome}`);
      this.histories.set(path, `${this.histories.get(path) ?? ''}${line}\n`);
    },
    containers: async () => {
      this.calls.push('list');
      return this.containers.map((c) => ({ ...c }));
    },
    listeningPorts: async () => new Set(this.listening),
    run: async (spec: RunSpec, env?: string) => {
      this.calls.push(
        `run ${spec.name} ${spec.hostPort} ${[spec.envFile, spec.envOnStdin && `stdin:${env?.length}b`].filter(Boolean).join(',')}`,
      );
      this.containers.push({
        id: 'newid',
        name: spec.name,
        state: 'running',
        labels: { 'docker-hot-deploy.deployment': spec.deployment },
        image: spec.image,
        imageId: 'i2',
        hostPorts: [spec.hostPort],
      });
      return 'newid';
    },
    inspect: async (id) => {
      const c = this.containers.find((x) => x.id === id);
      const exited =
        id === 'newid' && this.newExitsAt !== undefined && this.now >= this.newExitsAt
          ? { status: 'exited', exitCode: 4 }
          : {};
      return {
        id,
        name: c?.name ?? '',
        status: c?.state ?? 'removed',
        exitCode: 0,
        restartCount: 0,
        createdAt: '2026-12-01T10:00:00Z',
        hostPort: c?.hostPorts[0],
        ...this.newState,
        ...exited,
      };
    },
    logs: async () => 'boom: cannot bind',
    lastExitCode: async () => this.lastExit,
    stop: async (id) => {
      this.calls.push(`stop ${id}`);
      if (this.failStop) throw new Error('daemon busy');
      this.containers = this.containers.map((c) => (c.id === id ? { ...c, state: 'exited' } : c));
    },
    remove: async (ids) => {
      this.calls.push(`remove ${ids.join(',')}`);
      this.containers = this.containers.filter((c) => !ids.includes(c.id));
    },
    discard: async (ids) => {
      this.applyRenders();
      this.calls.push(`discard ${ids.join(',')}${this.renders.length > 0 ? ' (a render pending)' : ''}`);
      this.containers = this.containers.filter((c) => !ids.includes(c.id) && !ids.includes(c.name));
    },
    images: async () => [
      { ref: 'registry.example.com/web:0', id: 'i0', createdAt: '2025-12-01' },
      { ref: 'registry.example.com/web:1', id: 'i1', createdAt: '2026-01-01' },
      { ref: 'registry.example.com/web:2', id: 'i2', createdAt: '2026-02-01' },
    ],
    removeImages: async (refs) => {
      this.calls.push(`rmi ${refs.join(',')}`);
    },
    logEnd: async () => ({ inode: '7', offset: this.accessLog.length }),
    readLog: async (_path, from) => {
      this.calls.push('read log');
      return { position: { inode: '7', offset: this.accessLog.length }, text: this.accessLog.slice(from.offset) };
    },
    confd: async () => ({ processes: confdProcesses(this.processList), resources: this.confdResources }),
    readFile: async (path) => {
      const text = this.files.get(path);
      if (text === undefined) throw new Error(`head: cannot open '${path}' for reading: No such file or directory`);
      return text;
    },
    drainState: async (ports) => {
      this.calls.push(`drain ${ports.join(',')}`);
      this.drainChecksUntilIdle -= 1;
      return { shuttingDownWorkers: this.drainChecksUntilIdle > 0 ? 1 : 0, connections: 0 };
    },
  };

  deps(checkpoint?: (name: Checkpoint, value: string) => void): Deps {
    return {
      servers: [this.server('server', checkpoint)],
      clock: {
        now: () => this.now,
        sleep: async (ms) => {
          this.now += ms;
        },
      },
      log: {
        info: () => undefined,
        warning: (m) => {
          this.warnings.push(m);
        },
        group: (_n, work) => work(),
      },
    };
  }

  server(name: string, checkpoint?: (name: Checkpoint, value: string) => void): Server {
    return {
      name,
      checkpoint,
      docker: this.docker,
      keys: {
        get: async (key) => (this.otherKeys.has(key) ? (this.otherKeys.get(key) ?? null) : this.key),
        compareAndSet: async (_key, expected, value, lock) => {
          if (this.locks.get(lock.name) !== lock.owner) return { ok: false, lockLost: true };
          if (this.key !== expected) return { ok: false, lockLost: false, current: this.key };
          this.calls.push(value === null ? 'delete key' : `set ${value}`);
          this.key = value;
          this.route(value);
          return { ok: true };
        },
        lockLost: () => this.lockLostReason,
        keyspaceNotifications: async () => true,
        persistence: async () => this.persistence,
        tryLock: async (name, owner) => {
          if (this.locks.has(name)) return false;
          this.calls.push(`lock ${name}`);
          this.locks.set(name, owner);
          return true;
        },
        lockHolder: async (name) => this.locks.get(name) ?? null,
        lockState: async (name) =>
          this.locks.has(name) ? { holder: this.locks.get(name) as string, ttlMs: 30_000 } : null,
        deploying: async () =>
          [...this.locks.keys()]
            .filter((n) => n.startsWith('docker-hot-deploy:lock:'))
            .map((n) => n.slice('docker-hot-deploy:lock:'.length)),
        unlock: async (name, owner) => {
          if (this.locks.get(name) !== owner) return false;
          this.calls.push(`unlock ${name}`);
          this.locks.delete(name);
          return true;
        },
        close: async () => undefined,
      },
      probes: {
        health: async (): Promise<ProbeResult> => ({ status: this.healthStatus }),
        probe: async (): Promise<ProbeResult> => {
          this.applyRenders();
          this.calls.push(`probe :${this.routedPort}`);
          const live = this.containers.find(
            (c) => c.state === 'running' && c.hostPorts.includes(this.routedPort ?? -1),
          );
          return this.routedPort
            ? {
                status: live ? (live.id === 'newid' ? this.newStatus : 200) : 502,
                upstream: `127.0.0.1:${this.routedPort}`,
              }
            : { status: 502, upstream: 'app' };
        },
      },
    };
  }

  container(id: string, port: number, extra: Partial<ContainerSummary> = {}): ContainerSummary {
    return {
      id,
      name: `web-${id}`,
      state: 'running',
      labels: { 'docker-hot-deploy.app': 'web', 'docker-hot-deploy.deployment': DEPLOYMENT },
      image: 'registry.example.com/web:1',
      imageId: 'i1',
      hostPorts: [port],
      ...extra,
    };
  }

  serving(port: number): void {
    this.key = String(port);
    this.routedPort = port;
    this.containers = [this.container('oldid', port, { name: 'web-old' })];
    this.listening.add(port);
  }
}
