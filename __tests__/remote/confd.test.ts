import { readFileSync } from 'node:fs';
import {
  confdConfigFiles,
  confdProcesses,
  confdsRendering,
  handsPeerToNginx,
  namesPort,
  readResources,
  redisConfds,
  resourceRendering,
  resourcesOf,
  resourcesRendering,
  sharedWatchProblem,
} from '../../src/remote/confd.js';
import { parse } from '../../src/remote/docker.js';

describe("the server's confd, seen from outside", () => {
  test("its settings: a flag, else its confd.toml (-config-file, or /etc/confd/confd.toml), else confd's default", () => {
    const lines = [
      'confd -confdir /etc/confd-shop',
      'confd -backend etcd -watch=false -config-file /etc/confd/other.toml',
      'confd -onetime -config-file /etc/none.toml',
    ];
    expect(confdConfigFiles(lines)).toEqual(['/etc/confd/confd.toml', '/etc/confd/other.toml', '/etc/none.toml']);
    const files = new Map([
      ['/etc/confd/confd.toml', 'backend = "redis"\nwatch = true\nprefix = "/shop"\nconfdir = "/etc/ignored"\n'],
      ['/etc/confd/other.toml', 'backend = "redis"\nwatch = true\ninterval = 30\n'],
    ]);
    expect(confdProcesses(lines, files)).toEqual([
      { confdir: '/etc/confd-shop', backend: 'redis', prefix: '/shop', watch: true, intervalSeconds: 600 },
      { confdir: '/etc/confd', backend: 'etcd', prefix: '', watch: false, intervalSeconds: 30 },
      { confdir: '/etc/confd', backend: 'etcd', prefix: '', watch: false, intervalSeconds: 600 },
    ]);
  });

  test('known by its executable, not by a command line that mentions it; its flags as Go reads them', () => {
    const processes = confdProcesses([
      '/usr/local/bin/confd -backend redis -watch',
      'confd -onetime',
      'vim /etc/confd/conf.d/app.toml',
      'journalctl -u confd',
      'grep confd',
      '/opt/confd-0.16/bin/confdx',
      'nginx: master process',
      'confd --backend=redis -confdir=/etc/confd-staging -prefix /shop -interval 30',
      'confd -confdir /etc/confd --backend redis --watch=false',
    ]);
    expect(processes).toEqual([
      { confdir: '/etc/confd', backend: 'redis', prefix: '', watch: true, intervalSeconds: 600 },
      { confdir: '/etc/confd', backend: 'etcd', prefix: '', watch: false, intervalSeconds: 600 },
      { confdir: '/etc/confd-staging', backend: 'redis', prefix: '/shop', watch: false, intervalSeconds: 30 },
      { confdir: '/etc/confd', backend: 'redis', prefix: '', watch: false, intervalSeconds: 600 },
    ]);
    expect(redisConfds(processes).map((p) => p.confdir)).toEqual(['/etc/confd', '/etc/confd-staging', '/etc/confd']);
  });

  test('its template resources, read with the keys they render from (prefixes joined as confd joins them)', () => {
    const processes = confdProcesses([
      'confd -backend redis -confdir /etc/confd',
      'confd -backend redis -confdir /etc/confd-staging -prefix shop',
      'confd -backend redis',
    ]);
    // Each directory once, however many confds read it.
    expect(readResources(processes)).toEqual([
      'sh',
      '-c',
      expect.stringContaining('find "$@" -type f -name "*.toml"'),
      'sh',
      '/etc/confd/conf.d',
      '/etc/confd-staging/conf.d',
    ]);
    const files = parse.files(
      [
        '==> /etc/confd/conf.d/app.toml',
        '[template]',
        'src = "app.tmpl"',
        'keys = [',
        '  "/nginx/upstream/app",',
        ']',
        '==> /etc/confd-staging/conf.d/sub/staging.toml',
        '[template]',
        'prefix = "/nginx/"',
        'keys = ["upstream/staging"]',
        '==> /etc/confd-staging/conf.d/broken.toml',
        '[template',
        '',
      ].join('\n'),
    );
    expect(resourcesOf(processes, files)).toEqual(
      new Map([
        ['/etc/confd', [{ file: 'app.toml', keys: ['/nginx/upstream/app'] }]],
        [
          '/etc/confd-staging',
          [
            { file: 'staging.toml', keys: ['/shop/nginx/upstream/staging'] },
            { file: 'broken.toml', keys: undefined },
          ],
        ],
      ]),
    );
  });

  test("the examples' resources, both setups: where each renders, and which hands the address to nginx without a reload", () => {
    const processes = confdProcesses(['confd -backend redis -confdir /etc/confd']);
    const example = (name: string): string =>
      readFileSync(new URL(`../../examples/host/confd/conf.d/${name}`, import.meta.url), 'utf8');
    const files = new Map([
      ['/etc/confd/conf.d/app.toml', example('app.toml')],
      ['/etc/confd/conf.d/app-peer.toml', example('app-peer.toml')],
    ]);
    const state = { processes, resources: resourcesOf(processes, files) };
    const [reload, noReload] = resourcesRendering(state, '/nginx/upstream/app/port');
    expect(reload).toMatchObject({
      dest: '/etc/nginx/conf.d/app-upstream.conf',
      reloadCmd: '/usr/sbin/nginx -s reload',
    });
    expect(noReload).toMatchObject({
      dest: '/etc/nginx/dhd/app.peer',
      reloadCmd: '/usr/local/bin/dhd-peer set app /etc/nginx/dhd/app.peer',
    });
    expect([reload, noReload].map(handsPeerToNginx)).toEqual([false, true]);
    expect(resourcesRendering(state, '/nginx/upstream/staging/port')).toEqual([]);
  });

  test('the resource a failed switch reads: one with a dest, one whose keys name the key before one whose keys could not be read', () => {
    const state = {
      processes: [],
      resources: new Map([
        ['/etc/confd-broken', [{ file: 'broken.toml', dest: '/etc/nginx/conf.d/other.conf' }]],
        [
          '/etc/confd',
          [
            { file: 'no-dest.toml', keys: ['/nginx/upstream/app'] },
            { file: 'app.toml', keys: ['/nginx/upstream/app'], dest: '/etc/nginx/conf.d/app-upstream.conf' },
          ],
        ],
      ]),
    };
    expect(resourceRendering(state, '/nginx/upstream/app/port')?.file).toBe('app.toml');
    expect(resourceRendering(state, '/nginx/upstream/staging/port')?.file).toBe('broken.toml');
    expect(resourceRendering({ processes: [], resources: new Map() }, '/k')).toBeUndefined();
  });

  test('a rendered file names a port: as an upstream server or as the peer, not as a prefix of a longer one', () => {
    expect(namesPort('upstream app {\n    server 127.0.0.1:20001;\n}', 20001)).toBe(true);
    expect(namesPort('127.0.0.1:20001\n', 20001)).toBe(true);
    expect(namesPort('127.0.0.1:200011\n', 20001)).toBe(false);
    expect(namesPort('127.0.0.1:20000\n', 20001)).toBe(false);
  });

  test('which confds render a key: a key of a resource is the key or a path above it', () => {
    const state = (keys: string[][]) => ({
      processes: [],
      resources: new Map(keys.map((k, i) => [`/etc/confd-${i}`, [{ file: `${i}.toml`, keys: k }]])),
    });
    expect(
      confdsRendering(state([['/nginx/upstream/app'], ['/nginx/upstream/staging']]), '/nginx/upstream/app/port'),
    ).toBe(1);
    expect(confdsRendering(state([['/nginx/upstream/app/port']]), '/nginx/upstream/app/port')).toBe(1);
    expect(confdsRendering(state([['/nginx/upstream/ap']]), '/nginx/upstream/app/port')).toBe(0);
    expect(confdsRendering(state([['/']]), '/nginx/upstream/app/port')).toBe(1);
    // No resources seen in a directory (unreadable?): nobody can tell.
    expect(confdsRendering({ processes: [], resources: new Map([['/etc/confd', []]]) }, '/k')).toBeUndefined();
  });

  test('several resources under one confd: the problem, named', () => {
    const two = {
      processes: [],
      resources: new Map([
        ['/etc/confd', [{ file: 'staging.toml' }, { file: 'app.toml' }]],
        ['/etc/confd-x', [{ file: 'x.toml' }]],
      ]),
    };
    expect(sharedWatchProblem(two)).toBe(
      "confd -confdir /etc/confd has 2 template resources (app.toml, staging.toml): confd's Redis backend wakes only one of a process's resources per write, so nginx may keep the old upstream. Run one confd per deployment (README: Several deployments on one server).",
    );
    expect(
      sharedWatchProblem({ processes: [], resources: new Map([['/etc/confd', [{ file: 'app.toml' }]]]) }),
    ).toBeUndefined();
  });
});
