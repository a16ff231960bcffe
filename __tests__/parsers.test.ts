import { isHealthyStatus } from '../src/remote/probe-result.js';
import { portNamedBy, upstreamPort } from '../src/remote/upstream.js';
import { notificationsCoverSet } from '../src/remote/redis.js';

test('the upstream header names the port of the last upstream nginx tried', () => {
  expect(upstreamPort('127.0.0.1:49153')).toBe(49153);
  expect(upstreamPort('127.0.0.1:49152, 127.0.0.1:49153')).toBe(49153);
  expect(upstreamPort('[::1]:8080')).toBe(8080);
  expect(upstreamPort('app')).toBeUndefined();
  expect(upstreamPort(undefined)).toBeUndefined();
});

test('healthy answers are 2xx and 3xx', () => {
  expect([200, 204, 301, 399].every(isHealthyStatus)).toBe(true);
  expect([undefined, 199, 400, 404, 500, 502].some(isHealthyStatus)).toBe(false);
});

test('confd -watch hears a SET with K and $ (or A) in notify-keyspace-events', () => {
  expect(notificationsCoverSet('K$')).toBe(true);
  expect(notificationsCoverSet('KA')).toBe(true);
  expect(notificationsCoverSet('Kg$xe')).toBe(true);
  expect(notificationsCoverSet('E$')).toBe(false);
  expect(notificationsCoverSet('Kg')).toBe(false);
  expect(notificationsCoverSet('')).toBe(false);
});

test('portNamedBy: the port a key value names in any form the example template accepts', () => {
  expect(portNamedBy('20001')).toBe(20001);
  expect(portNamedBy('127.0.0.1:20001')).toBe(20001);
  expect(portNamedBy('[::1]:20001')).toBe(20001);
  expect(portNamedBy('20001x')).toBeUndefined();
  expect(portNamedBy('garbage')).toBeUndefined();
});
