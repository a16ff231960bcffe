import { isHealthyStatus } from '../../src/remote/probe-result.js';

test('healthy answers are 2xx and 3xx', () => {
  expect([200, 204, 301, 399].every(isHealthyStatus)).toBe(true);
  expect([undefined, 199, 400, 404, 500, 502].some(isHealthyStatus)).toBe(false);
});
