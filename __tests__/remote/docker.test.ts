import { build, firstFreePort, imagesToPrune, parse, takenPorts } from '../../src/remote/docker.js';

describe('argument lists', () => {
  const spec = {
    name: 'web-1',
    image: 'ghcr.io/acme/web:1',
    pinned: `ghcr.io/acme/web@sha256:${'d'.repeat(64)}`,
    app: 'web',
    deployment: '/nginx/upstream/web/port',
    deployId: '42.1',
    bindAddress: '127.0.0.1',
    hostPort: 20001,
    containerPort: 8080,
    restart: 'unless-stopped',
    envFile: '/srv/web.env',
    envOnStdin: true,
    runArgs: ['--memory=256m'],
  };
  test('docker run: detached, labelled with its deployment and image name, an explicit port, a restart policy, bounded logs, the pulled image by digest last', () => {
    expect(build.run(spec)).toEqual([
      'docker',
      'run',
      '--detach',
      '--name',
      'web-1',
      '--label',
      'docker-hot-deploy.app=web',
      '--label',
      'docker-hot-deploy.deployment=/nginx/upstream/web/port',
      '--label',
      'docker-hot-deploy.deploy=42.1',
      '--label',
      'docker-hot-deploy.image=ghcr.io/acme/web:1',
      '--publish',
      '127.0.0.1:20001:8080',
      '--restart',
      'unless-stopped',
      '--log-driver',
      'json-file',
      '--log-opt',
      'max-size=10m',
      '--log-opt',
      'max-file=3',
      '--env-file',
      '/srv/web.env',
      '--env-file',
      '/dev/stdin',
      '--memory=256m',
      `ghcr.io/acme/web@sha256:${'d'.repeat(64)}`,
    ]);
  });

  test("a registry login's directory goes after the docker commands still using it", () => {
    expect(build.removeDir('/tmp/docker-hot-deploy.abcdefghij')).toEqual([
      'sh',
      '-c',
      expect.stringContaining('pkill -KILL -f -- "$p"'),
      'sh',
      '/tmp/docker-hot-deploy.abcdefghij',
    ]);
  });

  test('docker run: logging chosen in run-args is left to it', () => {
    expect(build.run({ ...spec, runArgs: ['--log-driver=journald'] })).not.toContain('json-file');
    expect(build.run({ ...spec, runArgs: ['--log-opt', 'max-size=1g'] })).not.toContain('max-size=10m');
  });

  test('docker run: IPv6 bind addresses in brackets', () => {
    expect(build.run({ ...spec, bindAddress: '::1', hostPort: 49000, containerPort: 80 })).toContain('[::1]:49000:80');
  });

  test('containers that served are removed without force and keep their volumes; discarded ones lose both', () => {
    expect(build.remove(['a'])).toEqual(['docker', 'rm', 'a']);
    expect(build.discard(['a'])).toEqual(['docker', 'rm', '--force', '--volumes', 'a']);
  });

  test('the registry password never is an argument, and the login goes to a config of its own', () => {
    expect(build.login('/tmp/d', 'ghcr.io', 'bob')).toEqual([
      'docker',
      '--config',
      '/tmp/d',
      'login',
      '--username',
      'bob',
      '--password-stdin',
      'ghcr.io',
    ]);
    expect(build.pull('ghcr.io/a:1', '/tmp/d')).toEqual([
      'docker',
      '--config',
      '/tmp/d',
      'pull',
      '--quiet',
      'ghcr.io/a:1',
    ]);
    expect(build.pull('ghcr.io/a:1')).toEqual(['docker', 'pull', '--quiet', 'ghcr.io/a:1']);
    expect(build.pull('ghcr.io/a:1', undefined, true)).toEqual(['docker', 'pull', 'ghcr.io/a:1']);
  });
});

describe('parsers', () => {
  test('docker container inspect lines -> every container with its labels and host ports, configured and current', () => {
    const text = [
      JSON.stringify([
        'aaa',
        '/hello-1',
        'running',
        { 'docker-hot-deploy.deployment': '/a,b' },
        'r/hello:1',
        'sha256:1',
        { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '20001' }] },
        { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '20001' }], '9090/tcp': null },
      ]),
      JSON.stringify([
        'bbb',
        '/other',
        'restarting',
        null,
        'postgres',
        'sha256:p',
        { '5432/tcp': [{ HostIp: '', HostPort: '20002' }] },
        {},
      ]),
      JSON.stringify([
        'ccc',
        '/legacy',
        'running',
        { 'docker-hot-deploy.app': 'hello' },
        'r/hello:0',
        'sha256:0',
        { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] },
        { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '49153' }] },
      ]),
      '',
    ].join('\n');
    expect(parse.containers(text)).toEqual([
      {
        id: 'aaa',
        name: 'hello-1',
        state: 'running',
        labels: { 'docker-hot-deploy.deployment': '/a,b' },
        image: 'r/hello:1',
        imageId: 'sha256:1',
        hostPorts: [20001],
      },
      {
        id: 'bbb',
        name: 'other',
        state: 'restarting',
        labels: {},
        image: 'postgres',
        imageId: 'sha256:p',
        hostPorts: [20002],
      },
      {
        id: 'ccc',
        name: 'legacy',
        state: 'running',
        labels: { 'docker-hot-deploy.app': 'hello' },
        image: 'r/hello:0',
        imageId: 'sha256:0',
        hostPorts: [49153],
      },
    ]);
  });

  test('a container removed between listing and inspect is not an error; anything else is', () => {
    expect(parse.vanishedOnly('Error: No such container: abc\n')).toBe(true);
    expect(parse.vanishedOnly('permission denied while trying to connect to the Docker daemon socket')).toBe(false);
  });

  test('docker container inspect -> state, health and host port', () => {
    const text = JSON.stringify([
      {
        Id: 'abc',
        Name: '/web-1',
        Created: '2026-12-01T23:02:21.913749422Z',
        RestartCount: 0,
        State: { Status: 'running', ExitCode: 0, Health: { Status: 'starting' } },
        NetworkSettings: { Ports: { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '49153' }] } },
      },
    ]);
    expect(parse.inspect(text, 8080)).toEqual({
      id: 'abc',
      name: 'web-1',
      status: 'running',
      exitCode: 0,
      restartCount: 0,
      createdAt: '2026-12-01T23:02:21.913749422Z',
      health: 'starting',
      hostPort: 49153,
    });
    expect(parse.inspect(text, 9090).hostPort).toBeUndefined();
  });

  test("a restarted container's exit code: its die events since it was created, the last one", () => {
    expect(build.exitCodes('abc', '2026-12-01T23:02:21.9Z')).toEqual([
      'docker',
      'events',
      '--since',
      '2026-12-01T23:02:21.9Z',
      '--until',
      '0s',
      '--filter',
      'container=abc',
      '--filter',
      'event=die',
      '--format',
      '{{.Actor.Attributes.exitCode}}',
    ]);
    expect(parse.lastExitCode('3\n1\n')).toBe(1);
    expect(parse.lastExitCode('')).toBeUndefined();
  });

  test('image digest: the registry digest, else the local id', () => {
    expect(
      parse.imageIdentity(
        `["ghcr.io/acme/web@sha256:${'a'.repeat(64)}"] sha256:${'b'.repeat(64)}\n`,
        'ghcr.io/acme/web',
      ),
    ).toEqual({ digest: `sha256:${'a'.repeat(64)}`, id: `sha256:${'b'.repeat(64)}` });
    expect(parse.imageIdentity(`[] sha256:${'b'.repeat(64)}`, 'ghcr.io/acme/web')).toEqual({
      digest: `sha256:${'b'.repeat(64)}`,
      id: `sha256:${'b'.repeat(64)}`,
    });
    // Pulled under two names: the digest is the one of the repository deployed, whichever docker lists first.
    const both = `["registry.example.com/mirror/web@sha256:${'c'.repeat(64)}","ghcr.io/acme/web@sha256:${'a'.repeat(64)}"] sha256:${'b'.repeat(64)}`;
    expect(parse.imageIdentity(both, 'ghcr.io/acme/web').digest).toBe(`sha256:${'a'.repeat(64)}`);
    expect(parse.imageIdentity(both, 'other.example/web').digest).toBe(`sha256:${'b'.repeat(64)}`);
    expect(
      parse.imageIdentity(`["nginx@sha256:${'a'.repeat(64)}"] sha256:${'b'.repeat(64)}`, 'docker.io/library/nginx')
        .digest,
    ).toBe(`sha256:${'a'.repeat(64)}`);
  });

  test('ss -Htln -> listening ports', () => {
    const text = 'LISTEN 0      511        127.0.0.1:80        0.0.0.0:*\nLISTEN 0 4096 [::1]:49153 [::]:*\n';
    expect([...parse.listeningPorts(text)]).toEqual([80, 49153]);
  });

  test('nginx workers shutting down are counted from ps, only those of the server itself', () => {
    const ps =
      'me 1000\nnested 900\nnested 901\n    1     0     0 /sbin/init\n  812     1     0 nginx: master process /usr/sbin/nginx\n  813   812    33 nginx: worker process\n  814   812    33 nginx: worker process is shutting down\n' +
      '  900   899     0 /usr/local/bin/confd -watch\n  901   899     0 nginx: worker process is shutting down\n';
    expect(parse.processes(ps)).toEqual([
      '/sbin/init',
      'nginx: master process /usr/sbin/nginx',
      'nginx: worker process',
      'nginx: worker process is shutting down',
    ]);
    expect(parse.shuttingDownWorkers(parse.processes(ps))).toBe(1);
    expect(parse.lineCount('a\n\nb\n')).toBe(2);
  });

  test("another local user's confd or self-named nginx worker is not the server's", () => {
    const ps =
      'me 1000\n    1     0     0 /sbin/init\n  700     1     0 /usr/local/bin/confd -backend redis -confdir /etc/confd\n' +
      '  701     1  1000 confd -backend redis -confdir /home/deploy/confd\n  812     1     0 nginx: master process /usr/sbin/nginx\n' +
      '  814   812    33 nginx: worker process is shutting down\n' +
      '  950     1  1001 confd -backend redis -confdir /tmp/evil\n  951   950  1001 nginx: worker process is shutting down\n  952     1  1001 nginx: worker process is shutting down\n' +
      '  953   701    33 nginx: worker process is shutting down\n';
    expect(parse.processes(ps)).toEqual([
      '/sbin/init',
      '/usr/local/bin/confd -backend redis -confdir /etc/confd',
      'confd -backend redis -confdir /home/deploy/confd',
      'nginx: master process /usr/sbin/nginx',
      'nginx: worker process is shutting down',
    ]);
    expect(parse.shuttingDownWorkers(parse.processes(ps))).toBe(1);
  });
});

describe('retention', () => {
  const images = [
    { ref: 'r/web:1', id: 'i1', createdAt: '2026-01-01 10:00:00 +0000 UTC' },
    { ref: 'r/web:2', id: 'i2', createdAt: '2026-02-01 10:00:00 +0000 UTC' },
    { ref: 'r/web:3', id: 'i3', createdAt: '2026-03-01 10:00:00 +0000 UTC' },
    { ref: 'r/web:3b', id: 'i3', createdAt: '2026-03-01 10:00:00 +0000 UTC' },
    { ref: 'r/web:4', id: 'i4', createdAt: '2026-04-01 10:00:00 +0000 UTC' },
  ];
  test('every image that is not protected goes, by id: all references to a protected image stay', () => {
    expect(imagesToPrune(images, new Set(['i1', 'i3'])).sort()).toEqual(['r/web:2', 'r/web:4']);
    expect(imagesToPrune(images, new Set(['i1', 'i2', 'i3', 'i4']))).toEqual([]);
  });
});

describe('ports and key values', () => {
  test('firstFreePort skips taken ports and reports an exhausted range', () => {
    expect(firstFreePort({ first: 100, last: 103 }, new Set([100, 101]))).toBe(102);
    expect(firstFreePort({ first: 100, last: 101 }, new Set([100, 101]))).toBeUndefined();
  });
  test("takenPorts: listeners, every container's ports and the key's port", () => {
    const container = {
      id: 'a',
      name: 'a',
      state: 'exited',
      labels: {},
      image: 'i',
      imageId: 'sha256:i',
      hostPorts: [102],
    };
    expect([...takenPorts(new Set([100]), [container], [104])].sort()).toEqual([100, 102, 104]);
  });
});

describe('the server as a deploy needs it', () => {
  test('what keeps the deploy user from deploying, with the fix', () => {
    expect(parse.serverProblems('docker 28.2.2\n', 'deploy')).toEqual([]);
    expect(
      parse.serverProblems(
        'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get ...',
        'deploy',
      ),
    ).toEqual([
      {
        subject: 'docker',
        problem: 'deploy may not use Docker on the server',
        fix: 'add it to the docker group (sudo usermod -aG docker deploy), then log in again so the group applies',
      },
    ]);
    expect(
      parse.serverProblems(
        'missing ss\nCannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
        'deploy',
      ),
    ).toEqual([
      {
        subject: 'ss',
        problem: 'ss is not installed on the server',
        fix: 'install it (Debian/Ubuntu: sudo apt-get install iproute2)',
      },
      {
        subject: 'docker',
        problem: 'Docker is not running on the server',
        fix: 'start it (sudo systemctl start docker)',
      },
    ]);
    expect(parse.serverProblems('missing docker\nsh: 1: docker: not found', 'deploy')).toEqual([
      {
        subject: 'docker',
        problem: 'docker is not installed on the server',
        fix: 'install it (Debian/Ubuntu: sudo apt-get install docker.io)',
      },
    ]);
    expect(parse.dockerVersion('docker 28.2.2\n')).toBe('28.2.2');
    expect(
      parse.diskFree(
        '/var/lib/docker\nFilesystem 1024-blocks Used Available Capacity Mounted on\n/dev/vda1 61255492 20100000 38000000 35% /\n',
      ),
    ).toEqual({ path: '/var/lib/docker', freeBytes: 38000000 * 1024 });
  });
});

describe('release histories', () => {
  test('read every file after its header line; appended with the last lines kept, 0600, renamed into place', () => {
    const files = parse.files('==> d/a.jsonl\n{"x":1}\n{"x":2}\n==> d/b.jsonl\n{"y":1}\n');
    expect([...files.keys()]).toEqual(['d/a.jsonl', 'd/b.jsonl']);
    expect(files.get('d/a.jsonl')).toBe('{"x":1}\n{"x":2}');
    expect(parse.files('')).toEqual(new Map());
    expect(build.appendHistory('d/a.jsonl', 50)).toEqual([
      'sh',
      '-c',
      expect.stringContaining('umask 077'),
      'sh',
      'd/a.jsonl',
      '49',
    ]);
  });

  test('a file without its last newline (cut to its newest 256 KB, or written so) does not swallow the next header', () => {
    const argv = build.readHistories('d', 50);
    expect(argv[2]).toContain('printf "\\n==> %s\\n"');
    expect(argv[2]).toContain('tail -c 262144');
    const files = parse.files('\n==> d/a.jsonl\n{"x":1}\n==> d/b.jsonl\n{"y":1}\n{"y":2}');
    expect([...files.keys()]).toEqual(['d/a.jsonl', 'd/b.jsonl']);
    expect(files.get('d/b.jsonl')).toBe('{"y":1}\n{"y":2}');
  });

  test('the release command: a one-off container of the new image, removed when it ends, env on stdin, the command last', () => {
    expect(
      build.runOnce({
        name: 'web-1-release',
        image: 'r/web@sha256:1',
        app: 'web',
        deployment: '/k',
        envOnStdin: true,
        runArgs: ['-v', 'data:/data'],
        command: ['rake', 'db:migrate'],
      }),
    ).toEqual([
      'docker',
      'run',
      '--rm',
      '--name',
      'web-1-release',
      '--label',
      'docker-hot-deploy.app=web',
      '--label',
      'docker-hot-deploy.deployment=/k',
      '--label',
      'docker-hot-deploy.role=release',
      '--env-file',
      '/dev/stdin',
      '-v',
      'data:/data',
      'r/web@sha256:1',
      'rake',
      'db:migrate',
    ]);
  });
});

describe('reading access-log from the server (parse.logRead)', () => {
  test('only whole lines count: the offset stops after the last newline, counted in bytes', () => {
    const read = parse.logRead(Buffer.from('41 100\n{"a":"é"}\n{"b":'));
    expect(read).toEqual({
      position: { inode: '41', offset: 100 + Buffer.byteLength('{"a":"é"}\n') },
      text: '{"a":"é"}\n',
    });
  });

  test('a rotated or truncated log starts again where the server says (its START)', () => {
    expect(parse.logRead(Buffer.from('42 0\nx\n')).position).toEqual({ inode: '42', offset: 2 });
    expect(() => parse.logRead(Buffer.from('stat: cannot stat\n'))).toThrow(/unexpected stat output/);
  });
});

test('the log read as node-ssh would have trimmed it is no longer possible: bytes are read as sent (no new line: the offset stays)', () => {
  expect(parse.logRead(Buffer.from('4242 123456\n'))).toEqual({
    position: { inode: '4242', offset: 123456 },
    text: '',
  });
  expect(parse.logRead(Buffer.from('4243 0\n'))).toEqual({ position: { inode: '4243', offset: 0 }, text: '' });
});
