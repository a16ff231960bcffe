import { build, firstFreePort, imagesToPrune, parse, registryOf, repositoryOf, takenPorts } from '../src/docker.js';
import { formatKeyValue, portFromKeyValue } from '../src/upstream.js';

describe('argument lists', () => {
  const spec = {
    name: 'web-1', image: 'ghcr.io/acme/web:1', app: 'web', deployment: '/nginx/upstream/web/port', deployId: '42.1', bindAddress: '127.0.0.1',
    hostPort: 20001, containerPort: 8080, restart: 'unless-stopped', envFiles: ['/srv/web.env', '/tmp/x.env'], runArgs: ['--memory=256m'],
  };
  test('docker run: detached, labelled with its deployment, an explicit port, a restart policy, bounded logs, image last', () => {
    expect(build.run(spec)).toEqual([
      'docker', 'run', '--detach', '--name', 'web-1',
      '--label', 'docker-hot-deploy.app=web', '--label', 'docker-hot-deploy.deployment=/nginx/upstream/web/port',
      '--label', 'docker-hot-deploy.deploy=42.1', '--label', 'docker-hot-deploy.image=ghcr.io/acme/web:1',
      '--publish', '127.0.0.1:20001:8080', '--restart', 'unless-stopped',
      '--log-driver', 'json-file', '--log-opt', 'max-size=10m', '--log-opt', 'max-file=3',
      '--env-file', '/srv/web.env', '--env-file', '/tmp/x.env', '--memory=256m', 'ghcr.io/acme/web:1',
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

  test('the registry password never is an argument', () => {
    expect(build.login('ghcr.io', 'bob')).toEqual(['docker', 'login', '--username', 'bob', '--password-stdin', 'ghcr.io']);
  });
});

describe('parsers', () => {
  test('docker container inspect lines -> every container with its labels and host ports, configured and current', () => {
    const text = [
      JSON.stringify(['aaa', '/hello-1', 'running', { 'docker-hot-deploy.deployment': '/a,b' }, 'r/hello:1',
        { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '20001' }] }, { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '20001' }], '9090/tcp': null }]),
      JSON.stringify(['bbb', '/other', 'restarting', null, 'postgres', { '5432/tcp': [{ HostIp: '', HostPort: '20002' }] }, {}]),
      JSON.stringify(['ccc', '/legacy', 'running', { 'docker-hot-deploy.app': 'hello' }, 'r/hello:0', { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] }, { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '49153' }] }]),
      '',
    ].join('\n');
    expect(parse.containers(text)).toEqual([
      { id: 'aaa', name: 'hello-1', state: 'running', labels: { 'docker-hot-deploy.deployment': '/a,b' }, image: 'r/hello:1', hostPorts: [20001] },
      { id: 'bbb', name: 'other', state: 'restarting', labels: {}, image: 'postgres', hostPorts: [20002] },
      { id: 'ccc', name: 'legacy', state: 'running', labels: { 'docker-hot-deploy.app': 'hello' }, image: 'r/hello:0', hostPorts: [49153] },
    ]);
  });

  test('a container removed between listing and inspect is not an error; anything else is', () => {
    expect(parse.vanishedOnly('Error: No such container: abc\n')).toBe(true);
    expect(parse.vanishedOnly('permission denied while trying to connect to the Docker daemon socket')).toBe(false);
  });

  test('docker container inspect -> state, health and host port', () => {
    const text = JSON.stringify([{
      Id: 'abc', Name: '/web-1', RestartCount: 0,
      State: { Status: 'running', ExitCode: 0, Health: { Status: 'starting' } },
      NetworkSettings: { Ports: { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '49153' }] } },
    }]);
    expect(parse.inspect(text, 8080)).toEqual({ id: 'abc', name: 'web-1', status: 'running', exitCode: 0, restartCount: 0, health: 'starting', hostPort: 49153 });
    expect(parse.inspect(text, 9090).hostPort).toBeUndefined();
  });

  test('image digest: the registry digest, else the local id', () => {
    expect(parse.imageDigest(`["ghcr.io/acme/web@sha256:${'a'.repeat(64)}"] sha256:${'b'.repeat(64)}\n`)).toBe(`sha256:${'a'.repeat(64)}`);
    expect(parse.imageDigest(`[] sha256:${'b'.repeat(64)}`)).toBe(`sha256:${'b'.repeat(64)}`);
  });

  test('ss -Htln -> listening ports', () => {
    const text = 'LISTEN 0      511        127.0.0.1:80        0.0.0.0:*\nLISTEN 0 4096 [::1]:49153 [::]:*\n';
    expect([...parse.listeningPorts(text)]).toEqual([80, 49153]);
  });

  test('nginx workers shutting down are counted from ps', () => {
    const ps = 'nginx: master process /usr/sbin/nginx\nnginx: worker process\nnginx: worker process is shutting down\n';
    expect(parse.shuttingDownWorkers(ps)).toBe(1);
    expect(parse.lineCount('a\n\nb\n')).toBe(2);
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
  test('keeps the image in use and the newest others, counted by image id', () => {
    expect(imagesToPrune(images, 2, ['r/web:2']).sort()).toEqual(['r/web:1', 'r/web:3', 'r/web:3b']);
    expect(imagesToPrune(images, 3, ['r/web:4']).sort()).toEqual(['r/web:1']);
    expect(imagesToPrune(images, 10, ['r/web:4'])).toEqual([]);
  });
  test('registryOf follows docker: a first component with . or :, or localhost; else Docker Hub', () => {
    expect(registryOf('ghcr.io/acme/web:1')).toBe('ghcr.io');
    expect(registryOf('127.0.0.1:5000/hello:v1')).toBe('127.0.0.1:5000');
    expect(registryOf('localhost/web')).toBe('localhost');
    expect(registryOf('acme/web:1')).toBe('docker.io');
    expect(registryOf('nginx')).toBe('docker.io');
  });
  test('repositoryOf strips tag and digest, not a registry port', () => {
    expect(repositoryOf('127.0.0.1:5000/hello:v1')).toBe('127.0.0.1:5000/hello');
    expect(repositoryOf('127.0.0.1:5000/hello')).toBe('127.0.0.1:5000/hello');
    expect(repositoryOf(`ghcr.io/a/b@sha256:${'a'.repeat(64)}`)).toBe('ghcr.io/a/b');
  });
});

describe('ports and key values', () => {
  test('firstFreePort skips taken ports and reports an exhausted range', () => {
    expect(firstFreePort({ first: 100, last: 103 }, new Set([100, 101]))).toBe(102);
    expect(firstFreePort({ first: 100, last: 101 }, new Set([100, 101]))).toBeUndefined();
  });
  test('takenPorts: listeners, every container\'s ports and the key\'s port', () => {
    const container = { id: 'a', name: 'a', state: 'exited', labels: {}, image: 'i', hostPorts: [102] };
    expect([...takenPorts(new Set([100]), [container], 104)].sort()).toEqual([100, 102, 104]);
  });
  test('redis-value round trip', () => {
    expect(formatKeyValue('{port}', 49153)).toBe('49153');
    expect(formatKeyValue('127.0.0.1:{port}', 49153)).toBe('127.0.0.1:49153');
    expect(portFromKeyValue('127.0.0.1:{port}', '127.0.0.1:49153')).toBe(49153);
    expect(portFromKeyValue('{port}', '49153')).toBe(49153);
    expect(portFromKeyValue('{port}', '127.0.0.1:49153')).toBeUndefined();
    expect(portFromKeyValue('127.0.0.1:{port}', '10.0.0.1:49153')).toBeUndefined();
  });
});
