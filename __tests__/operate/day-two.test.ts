import { lockStatus, serverStatus, statusText, historyText, type StatusReading } from '../../src/operate/day-two.js';
import type { ContainerSummary } from '../../src/remote/docker.js';
import type { Release } from '../../src/deploy/history.js';

const KEY = '/nginx/upstream/app/port';
const container = (name: string, port: number, state = 'running', deployment = KEY): ContainerSummary => ({
  id: `id-${name}`,
  name,
  state,
  labels: { 'docker-hot-deploy.app': 'web', 'docker-hot-deploy.deployment': deployment },
  image: 'ghcr.io/acme/web:2',
  imageId: 'sha256:0123456789abcdef0123',
  hostPorts: [port],
  startedAt: '2026-12-07T04:00:00.123Z',
});
const release = (n: number): Release => ({
  time: `2026-12-0${n}T10:00:00.000Z`,
  outcome: 'deployed',
  image: `ghcr.io/acme/web:${n}`,
  digest: `sha256:${String(n).repeat(64)}`,
  imageId: 'sha256:x',
  container: `web-${n}`,
  port: 20000 + n,
  run: 'ci',
});
// A container its history does not name (0.1's, say) shows its image id instead of a digest.
const reading = (overrides: Partial<StatusReading> = {}): StatusReading => ({
  server: 'web1.example',
  redisKey: KEY,
  redisValue: '{port}',
  app: 'web',
  keyValue: '20002',
  served: { status: 200, upstream: '127.0.0.1:20002' },
  containers: [
    container('web-1', 20001, 'exited'),
    container('web-2', 20002),
    container('other', 20003, 'running', '/nginx/upstream/staging/port'),
  ],
  history: [
    { ...release(1), container: 'web-1' },
    { ...release(2), container: 'web-2' },
  ],
  locks: [],
  now: Date.UTC(2026, 11, 7, 4, 10, 0),
  ...overrides,
});

describe('status, pure', () => {
  test("the lock's age comes from the deploy's instance stamp; its expiry from PTTL", () => {
    const now = Date.UTC(2026, 11, 7, 4, 10, 0);
    expect(lockStatus('L', 'acme/web run 7 deploying web:2 [20261207040930-ab12]', 21_000, now)).toEqual({
      name: 'L',
      holder: 'acme/web run 7 deploying web:2 [20261207040930-ab12]',
      ageSeconds: 30,
      expiresInMs: 21_000,
    });
    // A lock of 0.1, or set by hand: no stamp, maybe no expiry.
    expect(lockStatus('L', 'someone', -1, now)).toEqual({
      name: 'L',
      holder: 'someone',
      ageSeconds: undefined,
      expiresInMs: undefined,
    });
  });

  test("the serving container is the one the key names and nginx reaches; only this deployment's containers; newest releases first", () => {
    const s = serverStatus(reading(), 5);
    expect(s.serving).toBe('web-2');
    expect(s.containers.map((c) => [c.name, c.serving])).toEqual([
      ['web-1', false],
      ['web-2', true],
    ]);
    expect(s.releases.map((r) => r.container)).toEqual(['web-2', 'web-1']);
    expect(serverStatus(reading(), 1).releases.map((r) => r.container)).toEqual(['web-2']);
    expect(s.findings).toEqual([]);
  });

  test('what does not add up is a finding; status writes nothing, so a repair is only named', () => {
    expect(serverStatus(reading({ keyValue: '20009' }), 5).findings).toEqual([
      `${KEY} holds "20009", but nginx serves web-2: the next deploy writes "20002" back first`,
    ]);
    const down = serverStatus(reading({ served: { status: 502 }, keyValue: '20009' }), 5);
    expect(down.serving).toBeUndefined();
    expect(down.findings).toEqual(
      expect.arrayContaining([`${KEY} names port 20009, but no running container of this deployment publishes it`]),
    );
  });

  test('the text: each server with nginx, key, lock, containers and releases; what the server said is escaped', () => {
    const text = statusText([
      serverStatus(
        reading({
          locks: [
            {
              name: 'docker-hot-deploy:lock:/k',
              holder: 'evil\n::set-output name=x::y [20261207040930-ab12]',
              ttlMs: 20_000,
            },
            { name: '/k:lock', holder: 'a 0.1 deploy', ttlMs: -1 },
          ],
        }),
        5,
      ),
    ]);
    expect(text).toContain('web1.example\n  nginx       200 from 127.0.0.1:20002 → web-2');
    expect(text).toContain(`  key         ${KEY} = 20002`);
    expect(text).toContain(
      '  lock        docker-hot-deploy:lock:/k held by evil\\x0a::set-output name=x::y [20261207040930-ab12], its deploy began 30 s ago, expires in 20 s unless renewed',
    );
    expect(text).toContain('  lock        /k:lock held by a 0.1 deploy, never expires');
    expect(text).toMatch(
      / {4}● web-2 {2}running since 2026-12-07 04:00:00Z {2}:20002 {2}ghcr\.io\/acme\/web:2 {2}sha256:222222222222 {2}\(serving\)/,
    );
    expect(statusText([serverStatus(reading({ history: [] }), 5)])).toContain(
      ':20002  ghcr.io/acme/web:2  image sha256:0123456789ab  (serving)',
    );
    expect(text).toMatch(/ {4}○ web-1 {2}exited {2}:20001/);
    expect(text).toContain('    2026-12-02 10:00:00Z  deployed    ghcr.io/acme/web:2');
    expect(text.split('\n').some((line) => line.startsWith('::'))).toBe(false);
    expect(statusText([serverStatus(reading(), 5)])).toContain('  lock        free');
    expect(historyText([serverStatus(reading({ history: [] }), 5)])).toBe('web1.example\n  (none recorded)');
  });
});
