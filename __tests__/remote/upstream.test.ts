import { formatKeyValue, portFromKeyValue, portNamedBy, upstreamPort } from '../../src/remote/upstream.js';

test('the upstream header names the port of the last upstream nginx tried', () => {
  expect(upstreamPort('127.0.0.1:49153')).toBe(49153);
  expect(upstreamPort('127.0.0.1:49152, 127.0.0.1:49153')).toBe(49153);
  expect(upstreamPort('[::1]:8080')).toBe(8080);
  expect(upstreamPort('app')).toBeUndefined();
  expect(upstreamPort(undefined)).toBeUndefined();
});

test('portNamedBy: the port a key value names in any form the example template accepts', () => {
  expect(portNamedBy('20001')).toBe(20001);
  expect(portNamedBy('127.0.0.1:20001')).toBe(20001);
  expect(portNamedBy('[::1]:20001')).toBe(20001);
  expect(portNamedBy('20001x')).toBeUndefined();
  expect(portNamedBy('garbage')).toBeUndefined();
});

describe('ports and key values', () => {
  test('redis-value round trip', () => {
    expect(formatKeyValue('{port}', 49153)).toBe('49153');
    expect(formatKeyValue('127.0.0.1:{port}', 49153)).toBe('127.0.0.1:49153');
    expect(portFromKeyValue('127.0.0.1:{port}', '127.0.0.1:49153')).toBe(49153);
    expect(portFromKeyValue('{port}', '49153')).toBe(49153);
    expect(portFromKeyValue('{port}', '127.0.0.1:49153')).toBeUndefined();
    expect(portFromKeyValue('127.0.0.1:{port}', '10.0.0.1:49153')).toBeUndefined();
  });
});
