import { build, firstFreePort, formatKeyValue, imagesToPrune, parse, portFromKeyValue, registryOf, repositoryOf } from '../src/docker.js';

describe('argument lists', () => {
  test('docker run: detached, labelled, published on the bind address, image last', () => {
    expect(build.run({
      name: 'web-1', image: 'ghcr.io/acme/web:1', app: 'web', deployId: '42.1', bindAddress: '127.0.0.1',
      containerPort: 8080, envFiles: ['/srv/web.env', '/tmp/x.env'], runArgs: ['--memory=256m'],
    })).toEqual([
      'docker', 'run', '--detach', '--name', 'web-1',
      '--label', 'docker-hot-deploy.app=web', '--label', 'docker-hot-deploy.deploy=42.1', '--label', 'docker-hot-deploy.image=ghcr.io/acme/web:1',
      '--publish', '127.0.0.1::8080', '--env-file', '/srv/web.env', '--env-file', '/tmp/x.env', '--memory=256m', 'ghcr.io/acme/web:1',
    ]);
  });

  test('docker run: a fixed host port, and IPv6 bind addresses in brackets', () => {
    const argv = build.run({ name: 'n', image: 'i', app: 'a', deployId: 'd', bindAddress: '::1', hostPort: 49000, containerPort: 80, envFiles: [], runArgs: [] });
    expect(argv).toContain('[::1]:49000:80');
  });

  test('the registry password never is an argument', () => {
    expect(build.login('ghcr.io', 'bob')).toEqual(['docker', 'login', '--username', 'bob', '--password-stdin', 'ghcr.io']);
  });
});

describe('parsers', () => {
  test('docker ps JSON lines -> containers with their published ports', () => {
    const text = [
      JSON.stringify({ ID: 'aaa', Names: 'hello-1', State: 'running', Labels: 'docker-hot-deploy.app=hello,docker-hot-deploy.deploy=7.1', Ports: '127.0.0.1:32768->8080/tcp, [::1]:32768->8080/tcp' }),
      JSON.stringify({ ID: 'bbb', Names: 'hello-0', State: 'exited', Labels: 'docker-hot-deploy.deploy=6.1', Ports: '' }),
      '',
    ].join('\n');
    expect(parse.appContainers(text)).toEqual([
      { id: 'aaa', name: 'hello-1', state: 'running', deployId: '7.1', hostPorts: [32768] },
      { id: 'bbb', name: 'hello-0', state: 'exited', deployId: '6.1', hostPorts: [] },
    ]);
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
  test('redis-value round trip', () => {
    expect(formatKeyValue('{port}', 49153)).toBe('49153');
    expect(formatKeyValue('127.0.0.1:{port}', 49153)).toBe('127.0.0.1:49153');
    expect(portFromKeyValue('127.0.0.1:{port}', '127.0.0.1:49153')).toBe(49153);
    expect(portFromKeyValue('{port}', '49153')).toBe(49153);
    expect(portFromKeyValue('{port}', '127.0.0.1:49153')).toBeUndefined();
    expect(portFromKeyValue('127.0.0.1:{port}', '10.0.0.1:49153')).toBeUndefined();
  });
});
