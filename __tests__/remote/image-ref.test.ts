// One grammar for image references: what the image input accepts, and the parts a deploy uses.
import { appFromImage, parseImageRef, registryOf, repositoryOf } from '../../src/remote/image-ref.js';

describe('image references', () => {
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
  test('parseImageRef: the parts, or undefined for what Docker would refuse', () => {
    expect(parseImageRef('ghcr.io/acme/web:1.4.2')).toEqual({
      registry: 'ghcr.io',
      repository: 'ghcr.io/acme/web',
      name: 'web',
      tag: '1.4.2',
      digest: undefined,
    });
    expect(parseImageRef('acme/web')).toEqual({
      registry: 'docker.io',
      repository: 'acme/web',
      name: 'web',
      tag: undefined,
      digest: undefined,
    });
    for (const bad of ['Acme/web', 'web:', 'a b', '-web', 'ghcr.io/Web']) expect(parseImageRef(bad)).toBeUndefined();
  });
});

test('appFromImage takes the last path component', () => {
  expect(appFromImage('ghcr.io/acme/web:1.4.2')).toBe('web');
  expect(appFromImage('127.0.0.1:5000/hello:v1')).toBe('hello');
  expect(appFromImage('nginx')).toBe('nginx');
  expect(appFromImage('registry:5000/team/api@sha256:' + 'a'.repeat(64))).toBe('api');
});
