import { DeployError, type DeployResult } from '../src/deploy.js';
import { failureSummary, successSummary } from '../src/summary.js';

const timeline = [
  { phase: 'lock' as const, ms: 3, ok: true, detail: '/k:lock' },
  { phase: 'switch' as const, ms: 180, ok: true, detail: 'a | b' },
];

test('a success: old -> new, digest, switch and deploy seconds, the phase table, no empty sections', () => {
  const result: DeployResult = {
    container: 'web-2', containerId: 'id', port: 49154, previousPort: 49153, previousContainer: 'web-1', image: 'ghcr.io/acme/web:2', imageDigest: 'sha256:abc',
    switchSeconds: 0.18, durationSeconds: 1.64, probes: [], timeline, warnings: [],
    releases: [{ time: '2026-11-27T10:00:00.000Z', outcome: 'deployed', image: 'ghcr.io/acme/web:2', digest: 'sha256:abcdef0123456789abcdef', imageId: 'i', container: 'web-2', run: 'r' }],
  };
  const md = successSummary('ghcr.io/acme/web:2', result);
  expect(md).toContain('| container | web-1 (:49153) → **web-2** (:49154) |');
  expect(md).toContain('| switch (key write → proven) | 0.180 s |');
  expect(md).toContain('| ✅ switch | 0.18 s | a \\| b |');
  expect(md).toContain('| 2026-11-27 10:00:00 | deployed | ghcr.io/acme/web:2 | `sha256:abcdef012345` | web-2 |');
  expect(md).not.toMatch(/\n\n\n/);
  expect(md).not.toContain('Warnings');
});

test('a failure: the phase, the hint, the log tail and the last probes', () => {
  const e = new DeployError('switch', 'nginx did not serve port 2', 'Check confd.', [...timeline.slice(0, 1), { phase: 'switch', ms: 3000, ok: false, detail: 'nginx did not serve port 2' }],
    { logs: 'line 1\nline 2', probes: [{ status: 200, upstream: '127.0.0.1:1' }, { error: 'ECONNRESET' }] });
  const md = failureSummary('web:2', e);
  expect(md).toContain('**switch** failed: nginx did not serve port 2');
  expect(md).toContain('Check confd.');
  expect(md).toContain('| ❌ switch | 3.00 s |');
  expect(md).toContain('```\nline 1\nline 2\n```');
  expect(md).toContain('- 200, upstream 127.0.0.1:1\n- error: ECONNRESET');
});
