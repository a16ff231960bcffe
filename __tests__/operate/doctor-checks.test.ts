import { expect } from '@jest/globals';
import { confdProcesses, resourcesOf, type ConfdState } from '../../src/remote/confd.js';
import {
  doctorChecks,
  doctorSummary,
  doctorText,
  failures,
  unreachable,
  type Check,
  type DoctorReading,
  type DoctorSettings,
} from '../../src/operate/doctor-checks.js';
import type { ContainerSummary } from '../../src/remote/docker.js';

const KEY = '/nginx/upstream/app/port';
const settings: DoctorSettings = {
  redisKey: KEY,
  redisValue: '{port}',
  upstreamHeader: 'X-Upstream',
  probeUrl: 'http://127.0.0.1/',
  portRange: { first: 20000, last: 20009 },
  app: 'hello',
  switchTimeoutMs: 30_000,
};
const confd = (commandLine: string, keys = [KEY]): ConfdState => {
  const processes = confdProcesses([commandLine]);
  const toml = `[template]\nsrc = "app.tmpl"\ndest = "/etc/nginx/conf.d/app-upstream.conf"\nkeys = [${keys.map((k) => `"${k}"`).join(', ')}]\n`;
  return { processes, resources: resourcesOf(processes, new Map([['/etc/confd/conf.d/app.toml', toml]])) };
};
const serving: ContainerSummary = {
  id: 'c1',
  name: 'hello-1',
  state: 'running',
  labels: { 'docker-hot-deploy.deployment': KEY, 'docker-hot-deploy.app': 'hello' },
  image: 'registry/hello:v1',
  imageId: 'sha256:i1',
  hostPorts: [20000],
};
const healthy = (): DoctorReading => {
  const state = confd('/usr/bin/confd -backend redis -watch');
  return {
    username: 'deploy',
    hostKeyChecked: true,
    readiness: { value: { problems: [], dockerVersion: '28.2.2' } },
    redis: {
      value: { keyValue: '20000', notifications: true, persistence: { appendonly: true, save: '' }, locks: [] },
    },
    confd: { value: state },
    rendered: {
      resource: [...state.resources.values()][0][0],
      text: { value: 'upstream app { server 127.0.0.1:20000; }' },
    },
    served: { status: 200, upstream: '127.0.0.1:20000' },
    containers: { value: [serving] },
    listening: { value: new Set([22, 80, 20000]) },
    reserved: [20000],
    disk: { value: { path: '/var/lib/docker', freeBytes: 40 * 1024 ** 3 } },
    image: { estimateBytes: 200 * 1024 ** 2 },
    now: Date.UTC(2026, 11, 7, 12, 0, 0),
  };
};
const judged = (change: Partial<DoctorReading> = {}): Record<string, Check> =>
  Object.fromEntries(doctorChecks({ ...healthy(), ...change }, settings).map((c) => [c.check, c]));
const verdicts = (change: Partial<DoctorReading> = {}): Record<string, string> =>
  Object.fromEntries(Object.values(judged(change)).map((c) => [c.check, c.verdict]));

describe("the doctor's verdicts", () => {
  test('a server set up as the README says passes every check, in the order a deploy meets them', () => {
    expect(verdicts()).toEqual({
      ssh: 'pass',
      tools: 'pass',
      docker: 'pass',
      redis: 'pass',
      notifications: 'pass',
      persistence: 'pass',
      lock: 'pass',
      confd: 'pass',
      render: 'pass',
      nginx: 'pass',
      deployment: 'pass',
      ports: 'pass',
      disk: 'pass',
    });
    expect(Object.keys(judged())).toEqual([
      'ssh',
      'tools',
      'docker',
      'redis',
      'notifications',
      'persistence',
      'lock',
      'confd',
      'render',
      'nginx',
      'deployment',
      'ports',
      'disk',
    ]);
    expect(judged().confd.detail).toBe(`one confd renders ${KEY} on every write (-watch)`);
    expect(judged().deployment.detail).toBe('nginx serves hello-1 on :20000, which the key names');
    expect(judged().ports.detail).toBe('9 of 10 free in port-range 20000-20009');
  });

  test.each<[string, Partial<DoctorReading>, string, Check['verdict'], RegExp]>([
    ['no host key check', { hostKeyChecked: false }, 'ssh', 'warn', /known-hosts or host-fingerprint/],
    [
      'ss missing',
      {
        readiness: {
          value: {
            problems: [{ subject: 'ss', problem: 'ss is not installed on the server', fix: 'install it (iproute2)' }],
          },
        },
      },
      'tools',
      'fail',
      /iproute2/,
    ],
    [
      'no Docker access',
      {
        readiness: {
          value: {
            problems: [{ subject: 'docker', problem: 'deploy may not use Docker', fix: 'usermod -aG docker deploy' }],
          },
        },
      },
      'docker',
      'fail',
      /usermod/,
    ],
    [
      'Redis unreachable',
      { redis: { error: 'Redis at 127.0.0.1:6379 did not answer: ECONNREFUSED' } },
      'redis',
      'fail',
      /redis-url as the server sees it/,
    ],
    [
      'notifications off',
      {
        redis: {
          value: { keyValue: '20000', notifications: false, persistence: { appendonly: true, save: '' }, locks: [] },
        },
      },
      'notifications',
      'fail',
      /K\$g/,
    ],
    [
      'notifications unreadable',
      { redis: { value: { keyValue: '20000', persistence: { appendonly: true, save: '' }, locks: [] } } },
      'notifications',
      'warn',
      /K\$/,
    ],
    [
      'snapshots only',
      {
        redis: {
          value: {
            keyValue: '20000',
            notifications: true,
            persistence: { appendonly: false, save: '3600 1' },
            locks: [],
          },
        },
      },
      'persistence',
      'warn',
      /appendonly yes/,
    ],
    [
      'a lock held',
      {
        redis: {
          value: {
            keyValue: '20000',
            notifications: true,
            persistence: { appendonly: true, save: '' },
            locks: [
              { name: `docker-hot-deploy:lock:${KEY}`, holder: 'acme/shop run 7 [20261207115900-ab12]', ttlMs: 20_000 },
            ],
          },
        },
      },
      'lock',
      'warn',
      /unlock --force/,
    ],
    [
      'no confd',
      { confd: { value: { processes: [], resources: new Map() } } },
      'confd',
      'fail',
      /systemctl start confd/,
    ],
    [
      'confd of another backend',
      { confd: { value: { processes: confdProcesses(['confd -backend etcd']), resources: new Map() } } },
      'confd',
      'fail',
      /-backend redis/,
    ],
    [
      'confd of another key',
      { confd: { value: confd('confd -backend redis -watch', ['/nginx/upstream/staging/port']) } },
      'confd',
      'fail',
      /start this deployment's confd/,
    ],
    [
      'confd without -watch',
      { confd: { value: confd('confd -backend redis -interval 60') } },
      'confd',
      'warn',
      /with -watch/,
    ],
    [
      'nginx on another port than the key',
      { served: { status: 200, upstream: '127.0.0.1:20007' } },
      'deployment',
      'warn',
      /reload_cmd/,
    ],
    [
      'containers not listed',
      { containers: { error: 'permission denied' } },
      'ports',
      'warn',
      /give the deploy user Docker/,
    ],
    [
      'a render behind the key',
      {
        rendered: {
          resource: { file: 'app.toml', dest: '/etc/nginx/conf.d/app-upstream.conf' },
          text: { value: 'server 127.0.0.1:20001;' },
        },
      },
      'render',
      'warn',
      /journalctl -u confd/,
    ],
    ['nginx down', { served: { error: 'connect ECONNREFUSED' } }, 'nginx', 'fail', /start nginx/],
    ['the header map missing', { served: { status: 200 } }, 'nginx', 'fail', /app-upstream-header\.conf/],
    [
      'every port taken',
      { listening: { value: new Set(Array.from({ length: 10 }, (_, i) => 20000 + i)) } },
      'ports',
      'fail',
      /widen port-range/,
    ],
    [
      'a disk too full for the image',
      { disk: { value: { path: '/var/lib/docker', freeBytes: 100 * 1024 ** 2 } } },
      'disk',
      'fail',
      /docker image prune/,
    ],
    [
      'a disk nearly full',
      { disk: { value: { path: '/var/lib/docker', freeBytes: 1.1 * 1024 ** 3 } } },
      'disk',
      'warn',
      /docker image prune/,
    ],
    [
      'an unreadable access-log',
      { accessLog: { path: '/var/log/nginx/app-upstream.log', problem: 'Permission denied' } },
      'access-log',
      'fail',
      /usermod -aG adm deploy/,
    ],
  ])('%s', (_, change, check, verdict, fix) => {
    const found = judged(change)[check];
    expect(found.verdict).toBe(verdict);
    expect(found.fix).toMatch(fix);
  });

  test('how soon confd renders: on every write, or at its next poll (past switch-timeout: said)', () => {
    expect(judged({ confd: { value: confd('confd -backend redis -interval 60') } }).confd.detail).toBe(
      `one confd renders ${KEY}, without -watch: a switch waits for its next poll, up to 60 s (-interval), longer than switch-timeout: a deploy may fail and switch back`,
    );
    expect(judged({ confd: { value: confd('confd -backend redis -interval 10') } }).confd.detail).toBe(
      `one confd renders ${KEY}, without -watch: a switch waits for its next poll, up to 10 s (-interval)`,
    );
  });

  test('an image on the server already needs no room; a large earlier tag does', () => {
    const free = { value: { path: '/var/lib/docker', freeBytes: 2 * 1024 ** 3 } };
    expect(judged({ disk: free, image: { present: true } }).disk).toMatchObject({
      verdict: 'pass',
      detail: '2.0 GiB free on /var/lib/docker (the image is on the server already)',
    });
    expect(judged({ disk: free, image: { estimateBytes: 1.5 * 1024 ** 3 } }).disk).toMatchObject({
      verdict: 'warn',
      detail: expect.stringContaining('an earlier tag of the image is 1.5 GiB'),
    });
  });

  test('a key nginx does not serve is a finding the next deploy repairs, not a failure', () => {
    const moved = judged({
      served: { status: 200, upstream: '127.0.0.1:20000' },
      redis: {
        value: { keyValue: '20005', notifications: true, persistence: { appendonly: true, save: '' }, locks: [] },
      },
    });
    expect(moved.deployment).toMatchObject({
      verdict: 'warn',
      detail: `${KEY} holds "20005", but nginx serves hello-1 on :20000`,
      fix: 'nothing to do: the next deploy writes "20000" back first',
    });
  });

  test('what cannot be read is not judged twice: Redis down skips its checks, Docker refused skips the deployment', () => {
    expect(Object.keys(judged({ redis: { error: 'no answer' } }))).not.toContain('notifications');
    expect(Object.keys(judged({ containers: { error: 'permission denied' } }))).not.toContain('deployment');
  });

  test('the text: each check, its fix under it, and a summary that says whether a deploy would go through', () => {
    const servers = [
      { server: 'a', checks: doctorChecks({ ...healthy(), served: { status: 200 } }, settings) },
      { server: 'b', checks: [unreachable('connect ECONNREFUSED 10.0.0.2:22')] },
    ];
    const text = doctorText(servers);
    expect(text).toContain('  ✗ nginx          http://127.0.0.1/ answered 200 without the X-Upstream header');
    expect(text).toMatch(/\n {19}fix: include examples\/host\/nginx\/app-upstream-header\.conf/);
    expect(text).toContain('  ✓ docker         Docker 28.2.2 answers deploy');
    expect(failures(servers)).toBe(2);
    expect(doctorSummary(servers)).toBe(
      '2 checks failed on 2 servers: a deploy fails or cannot switch until they are fixed.',
    );
    expect(
      doctorSummary([{ server: 'a', checks: doctorChecks({ ...healthy(), hostKeyChecked: false }, settings) }]),
    ).toBe('Ready to deploy on 1 server (1 warning).');
  });
});
