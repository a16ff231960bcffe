import { confdProcesses, confdsRendering, readResources, redisConfds, resourcesOf, sharedWatchProblem } from '../src/confd.js';
import { parse } from '../src/docker.js';

describe("the server's confd, seen from outside", () => {
  test('known by its executable, not by a command line that mentions it; its flags as Go reads them', () => {
    const processes = confdProcesses([
      '/usr/local/bin/confd -backend redis -watch', 'confd -onetime', 'vim /etc/confd/conf.d/app.toml',
      'journalctl -u confd', 'grep confd', '/opt/confd-0.16/bin/confdx', 'nginx: master process',
      'confd --backend=redis -confdir=/etc/confd-staging -prefix /shop', 'confd -confdir /etc/confd --backend redis',
    ]);
    expect(processes).toEqual([
      { confdir: '/etc/confd', backend: 'redis', prefix: '' }, { confdir: '/etc/confd', backend: 'etcd', prefix: '' },
      { confdir: '/etc/confd-staging', backend: 'redis', prefix: '/shop' }, { confdir: '/etc/confd', backend: 'redis', prefix: '' },
    ]);
    expect(redisConfds(processes).map((p) => p.confdir)).toEqual(['/etc/confd', '/etc/confd-staging', '/etc/confd']);
  });

  test('its template resources, read with the keys they render from (prefixes joined as confd joins them)', () => {
    const processes = confdProcesses(['confd -backend redis -confdir /etc/confd', 'confd -backend redis -confdir /etc/confd-staging -prefix shop', 'confd -backend redis']);
    // Each directory once, however many confds read it.
    expect(readResources(processes)).toEqual(['sh', '-c', expect.stringContaining('find "$@" -type f -name "*.toml"'), 'sh', '/etc/confd/conf.d', '/etc/confd-staging/conf.d']);
    const files = parse.files([
      '==> /etc/confd/conf.d/app.toml', '[template]', 'src = "app.tmpl"', 'keys = [', '  "/nginx/upstream/app",', ']',
      '==> /etc/confd-staging/conf.d/sub/staging.toml', '[template]', 'prefix = "/nginx/"', 'keys = ["upstream/staging"]',
      '==> /etc/confd-staging/conf.d/broken.toml', '[template', '',
    ].join('\n'));
    expect(resourcesOf(processes, files)).toEqual(new Map([
      ['/etc/confd', [{ file: 'app.toml', keys: ['/nginx/upstream/app'] }]],
      ['/etc/confd-staging', [{ file: 'staging.toml', keys: ['/shop/nginx/upstream/staging'] }, { file: 'broken.toml', keys: undefined }]],
    ]));
  });

  test('which confds render a key: a key of a resource is the key or a path above it', () => {
    const state = (keys: string[][]) => ({ processes: [], resources: new Map(keys.map((k, i) => [`/etc/confd-${i}`, [{ file: `${i}.toml`, keys: k }]])) });
    expect(confdsRendering(state([['/nginx/upstream/app'], ['/nginx/upstream/staging']]), '/nginx/upstream/app/port')).toBe(1);
    expect(confdsRendering(state([['/nginx/upstream/app/port']]), '/nginx/upstream/app/port')).toBe(1);
    expect(confdsRendering(state([['/nginx/upstream/ap']]), '/nginx/upstream/app/port')).toBe(0);
    expect(confdsRendering(state([['/']]), '/nginx/upstream/app/port')).toBe(1);
    // No resources seen in a directory (unreadable?): nobody can tell.
    expect(confdsRendering({ processes: [], resources: new Map([['/etc/confd', []]]) }, '/k')).toBeUndefined();
  });

  test('several resources under one confd: the problem, named', () => {
    const two = { processes: [], resources: new Map([['/etc/confd', [{ file: 'staging.toml' }, { file: 'app.toml' }]], ['/etc/confd-x', [{ file: 'x.toml' }]]]) };
    expect(sharedWatchProblem(two)).toBe("confd -confdir /etc/confd has 2 template resources (app.toml, staging.toml): confd's Redis backend wakes only one of a process's resources per write, so nginx may keep the old upstream. Run one confd per deployment (README: Several deployments on one server).");
    expect(sharedWatchProblem({ processes: [], resources: new Map([['/etc/confd', [{ file: 'app.toml' }]]]) })).toBeUndefined();
  });
});
