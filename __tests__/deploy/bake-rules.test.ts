// The bake's judgement: nginx's dhd_upstream lines parsed, the new version's answers counted, the verdicts.
import {
  bakeEvidence,
  bakeLine,
  countTraffic,
  ERRORS_IN_A_ROW,
  noTraffic,
  parseAccessLines,
  percentile,
  probeVerdict,
  trafficVerdict,
  type AccessEntry,
} from '../../src/deploy/bake-rules.js';

const entry = (port: number, status: number, request = 'GET / HTTP/1.1'): AccessEntry => ({
  msec: 1.5,
  upstream: `127.0.0.1:${port}`,
  status,
  requestTime: 0.01,
  request,
});
const line = (e: AccessEntry): string =>
  JSON.stringify({
    msec: e.msec,
    upstream: e.upstream,
    status: e.status,
    request_time: e.requestTime,
    request: e.request,
  });

describe('parseAccessLines', () => {
  test('JSON lines in the dhd_upstream format; an unfinished last line is handed back', () => {
    const text = `${line(entry(20001, 200))}\n${line(entry(20001, 502))}\n{"msec":1.7,"upstr`;
    const { entries, garbage, rest } = parseAccessLines(text);
    expect(entries).toEqual([entry(20001, 200), entry(20001, 502)]);
    expect(garbage).toBe(0);
    expect(rest).toBe('{"msec":1.7,"upstr');
  });

  test('garbage lines are counted and skipped: another format, missing or mistyped fields', () => {
    const text = [
      '127.0.0.1 - - [01/Dec/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 3',
      '{"msec":1,"upstream":"127.0.0.1:20001","status":"200","request_time":0.1,"request":"GET /"}',
      '{"msec":1,"upstream":"127.0.0.1:20001","request_time":0.1,"request":"GET /"}',
      'null',
      line(entry(20001, 404)),
      '',
    ].join('\n');
    expect(parseAccessLines(text)).toEqual({ entries: [entry(20001, 404)], garbage: 4, rest: '' });
  });
});

describe('countTraffic and trafficVerdict', () => {
  const limits = { maxErrorPercent: 5, minRequests: 20 };

  test('only the new upstream counts; nginx retries name it last', () => {
    const traffic = noTraffic();
    countTraffic(
      traffic,
      [entry(20000, 500), entry(20001, 200), { ...entry(20001, 502), upstream: '127.0.0.1:20000, 127.0.0.1:20001' }],
      20001,
    );
    expect(traffic).toMatchObject({
      requests: 2,
      errors: 1,
      byStatus: { 200: 1, 502: 1 },
      firstFailures: ['GET / -> 502'],
    });
  });

  test.each([
    ['no requests', 0, 0, undefined],
    ['under the minimum, all failing', 19, 9, undefined],
    ['at the minimum, under the share', 100, 4, undefined],
    [
      'at the share, once the minimum was answered',
      100,
      5,
      /^5 of 100 requests the new version answered were 5xx \(5\.0%, bake-max-errors 5%/,
    ],
    ['above the share', 40, 10, /^10 of 40 /],
  ])('%s: %i requests, %i 5xx', (_name, requests, errors, verdict) => {
    const traffic = noTraffic();
    // Errors spread out, never many in a row.
    const failing = new Set(Array.from({ length: errors }, (_, k) => Math.floor((k * requests) / errors)));
    const entries = Array.from({ length: requests }, (_, i) => entry(20001, failing.has(i) ? 500 : 200));
    countTraffic(traffic, entries, 20001);
    expect(traffic.errors).toBe(errors);
    const outcome = trafficVerdict(traffic, limits);
    if (verdict) expect(outcome).toMatch(verdict);
    else expect(outcome).toBeUndefined();
  });

  test(`${ERRORS_IN_A_ROW} 5xx in a row fail it at once, below the minimum; a success in between resets the run`, () => {
    const traffic = noTraffic();
    countTraffic(
      traffic,
      [
        ...Array.from({ length: ERRORS_IN_A_ROW - 1 }, () => entry(20001, 503)),
        entry(20001, 200),
        ...Array.from({ length: ERRORS_IN_A_ROW - 1 }, () => entry(20001, 503)),
      ],
      20001,
    );
    expect(trafficVerdict(traffic, { maxErrorPercent: 100, minRequests: 1000 })).toBeUndefined();
    countTraffic(traffic, [entry(20001, 504)], 20001);
    expect(trafficVerdict(traffic, { maxErrorPercent: 100, minRequests: 1000 })).toBe(
      `the new version answered ${ERRORS_IN_A_ROW} requests in a row with 5xx (access-log)`,
    );
  });

  test('the evidence keeps the first five failing requests, method and path only', () => {
    const traffic = noTraffic();
    countTraffic(
      traffic,
      Array.from({ length: 8 }, (_, i) => entry(20001, 500, `POST /orders/${i} HTTP/1.1`)),
      20001,
    );
    expect(traffic.firstFailures).toEqual([
      'POST /orders/0 -> 500',
      'POST /orders/1 -> 500',
      'POST /orders/2 -> 500',
      'POST /orders/3 -> 500',
      'POST /orders/4 -> 500',
    ]);
  });
});

describe('probeVerdict', () => {
  test.each([
    ['two failures', [{ status: 500 }, { status: 500 }], undefined],
    [
      'three 5xx in a row',
      [{ status: 200 }, { status: 500 }, { status: 502, upstream: '127.0.0.1:20001' }, { error: 'socket hang up' }],
      /failed 3 times in a row through nginx: socket hang up$/,
    ],
    [
      'three in a row with a success between',
      [{ status: 500 }, { status: 200 }, { status: 500 }, { status: 500 }],
      undefined,
    ],
    ['4xx is an answer, not a failure', [{ status: 404 }, { status: 404 }, { status: 404 }], undefined],
  ])('%s', (_name, probes, verdict) => {
    const outcome = probeVerdict(probes, '/');
    if (verdict) expect(outcome).toMatch(verdict);
    else expect(outcome).toBeUndefined();
  });
});

test('percentile: nearest rank', () => {
  expect(percentile([], 50)).toBeUndefined();
  expect(percentile([0.3, 0.1, 0.2, 0.4], 50)).toBe(0.2);
  expect(
    percentile(
      Array.from({ length: 100 }, (_, i) => i + 1),
      99,
    ),
  ).toBe(99);
});

test("a report in a line, and a failure's evidence", () => {
  const report = {
    passed: false,
    seconds: 2.04,
    reason: 'x',
    probes: 3,
    probeFailures: 0,
    restarts: 0,
    switchBackSeconds: 0.31,
    traffic: {
      requests: 12,
      errors: 10,
      byStatus: { 200: 2, 500: 10 },
      firstFailures: ['GET / -> 500'],
      garbage: 0,
      p50: 0.002,
      p99: 0.01,
    },
  };
  expect(bakeLine(report)).toBe('2.0 s, 12 requests, 10 5xx (83.3%), p50 0.002 s, p99 0.010 s, 3 probes, 0 failed');
  expect(bakeEvidence(report)).toEqual([
    'The new version answered 12 requests (200: 2, 500: 10).',
    'First failing requests: GET / -> 500',
    'From the first failing signal to nginx serving the previous version again: 0.31 s.',
  ]);
  expect(bakeLine({ ...report, traffic: undefined, notWatched: 'no access-log set' })).toBe(
    '2.0 s, real traffic not watched (no access-log set), 3 probes, 0 failed',
  );
});
