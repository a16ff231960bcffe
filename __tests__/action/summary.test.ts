import type { DeployResult } from '../../src/deploy/orchestrator.js';
import { DeployError } from '../../src/deploy/run.js';
import type { ServerResult } from '../../src/deploy/server/server-deploy.js';
import { doctorMarkdown, failureSummary, statusMarkdown, successSummary } from '../../src/action/summary.js';

const timeline = [
  { phase: 'lock' as const, ms: 3, ok: true, detail: '/k:lock' },
  { phase: 'switch' as const, ms: 180, ok: true, detail: 'a | b' },
];

function serverResult(server: string): ServerResult {
  return {
    server,
    container: 'web-2',
    containerId: 'id',
    port: 49154,
    previousPort: 49153,
    previousContainer: 'web-1',
    image: 'ghcr.io/acme/web:2',
    imageDigest: 'sha256:abc',
    switchSeconds: 0.18,
    probes: [],
    timeline,
    releases: [
      {
        time: '2026-11-27T10:00:00.000Z',
        outcome: 'deployed',
        image: 'ghcr.io/acme/web:2',
        digest: 'sha256:abcdef0123456789abcdef',
        imageId: 'i',
        container: 'web-2',
        run: 'r',
      },
    ],
  };
}
const resultOf = (servers: ServerResult[]): DeployResult => ({
  ...servers[0],
  servers,
  durationSeconds: 1.64,
  warnings: [],
  stages: [
    { stage: 'prepare', ms: 900, ok: true, detail: 'side by side' },
    { stage: 'switch', ms: 200, ok: true, detail: 'batch 1 of 1: a, b' },
  ],
});

test("several servers: a row per server, the stages, and each server's phases under its name", () => {
  const md = successSummary('ghcr.io/acme/web:2', resultOf([serverResult('a'), serverResult('b')]));
  expect(md).toContain('is live on 2 servers');
  expect(md).toContain('| a | web-1 (:49153) → **web-2** (:49154) | 0.180 s |');
  expect(md).toContain('| b | web-1 (:49153) → **web-2** (:49154) | 0.180 s |');
  expect(md).toContain('| ✅ prepare | 0.90 s | side by side |');
  expect(md).toMatch(/\*\*a\*\*\n\n\| phase/);
  expect(md).not.toMatch(/\n\n\n/);
});

test("several servers, one failed: where, what all or nothing did, and every server's phases", () => {
  const e = new DeployError('ready', 'the container exited with code 3', 'See its logs.', [], {}, 'c');
  e.stages = [{ stage: 'prepare', ms: 900, ok: false, detail: 'side by side' }];
  e.servers = [
    { server: 'a', timeline, switched: false },
    { server: 'c', timeline: [{ phase: 'ready', ms: 5, ok: false, detail: 'exited' }], switched: false },
  ];
  const md = failureSummary('web:2', e);
  expect(e.message).toBe('c: ready failed: the container exited with code 3');
  expect(md).toContain('On **c**, **ready** failed: the container exited with code 3');
  expect(md).toContain('All or nothing: no server serves the new version');
  expect(md).toContain('| ❌ ready | 0.01 s | exited |');
  expect(md).toContain('| ❌ prepare | 0.90 s | side by side |');
});

test('a success: old -> new, digest, switch and deploy seconds, the phase table, no empty sections', () => {
  const result = resultOf([serverResult('server')]);
  const md = successSummary('ghcr.io/acme/web:2', result);
  expect(md).toContain('| container | web-1 (:49153) → **web-2** (:49154) |');
  expect(md).toContain('| switch (key write → proven) | 0.180 s |');
  expect(md).toContain('| ✅ switch | 0.18 s | a \\| b |');
  expect(md).toContain('| 2026-11-27 10:00:00 | deployed | ghcr.io/acme/web:2 | `sha256:abcdef012345` | web-2 |');
  expect(md).not.toMatch(/\n\n\n/);
  expect(md).not.toContain('Warnings');
});

test('a failure: the phase, the hint, the log tail and the last probes', () => {
  const e = new DeployError(
    'switch',
    'nginx did not serve port 2',
    'Check confd.',
    [...timeline.slice(0, 1), { phase: 'switch', ms: 3000, ok: false, detail: 'nginx did not serve port 2' }],
    { logs: 'line 1\nline 2', probes: [{ status: 200, upstream: '127.0.0.1:1' }, { error: 'ECONNRESET' }] },
  );
  const md = failureSummary('web:2', e);
  expect(md).toContain('**switch** failed: nginx did not serve port 2');
  expect(md).toContain('Check confd.');
  expect(md).toContain('| ❌ switch | 3.00 s |');
  expect(md).toContain('```\nline 1\nline 2\n```');
  expect(md).toContain('- 200, upstream 127.0.0.1:1\n- error: ECONNRESET');
});

describe('day two in the job summary', () => {
  test('doctor: a table of checks per server, the fix only where one is needed, and whether a deploy would go through', () => {
    const md = doctorMarkdown([
      {
        server: 'web1',
        checks: [
          { check: 'docker', verdict: 'pass', detail: 'Docker 28.2.2 answers deploy', fix: 'unused' },
          {
            check: 'nginx',
            verdict: 'fail',
            detail: 'answered 200 without the X-Upstream header',
            fix: 'include app-upstream-header.conf | reload',
          },
          { check: 'lock', verdict: 'warn', detail: 'held by ci run 7', fix: 'docker-hot-deploy unlock --force' },
        ],
      },
    ]);
    expect(md).toContain(
      '## docker-hot-deploy doctor: 1 check failed, 1 warning on 1 server: a deploy fails or cannot switch until they are fixed.',
    );
    expect(md).toContain('| ✅ | docker | Docker 28.2.2 answers deploy |  |');
    expect(md).toContain(
      '| ❌ | nginx | answered 200 without the X-Upstream header | include app-upstream-header.conf \\| reload |',
    );
    expect(md).toContain('| ⚠️ | lock | held by ci run 7 | docker-hot-deploy unlock --force |');
    expect(md).not.toContain('**web1**');
  });

  test('status: nginx, key and lock, the containers with the serving one marked, the releases; an unread server named', () => {
    const md = statusMarkdown(
      [
        {
          server: 'web1',
          nginx: { status: 200, upstream: '127.0.0.1:49154' },
          key: { name: '/k', value: '49154' },
          serving: 'web-2',
          containers: [
            {
              name: 'web-2',
              state: 'running',
              image: 'ghcr.io/acme/web:2',
              imageId: 'sha256:i2',
              digest: 'sha256:abc',
              ports: [49154],
              startedAt: '2026-12-07T04:59:27Z',
              serving: true,
            },
          ],
          locks: [],
          releases: serverResult('web1').releases,
          findings: ['the key names :1'],
        },
      ],
      [{ server: 'web2', error: 'connect ECONNREFUSED' }],
    );
    expect(md).toContain('**web1**');
    expect(md).toContain('| nginx | 200 from 127.0.0.1:49154 → web-2 |');
    expect(md).toContain('| key | /k = 49154 |');
    expect(md).toContain('| lock | free |');
    expect(md).toContain(
      '| ● web-2  running since 2026-12-07 04:59:27Z  :49154  ghcr.io/acme/web:2  sha256:abc  (serving) |',
    );
    expect(md).toContain('⚠️ the key names :1');
    expect(md).toContain('**Last releases of this deployment**');
    expect(md).toContain('❌ **web2** could not be read: connect ECONNREFUSED');
  });
});
