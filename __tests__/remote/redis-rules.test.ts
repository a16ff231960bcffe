import { notificationsCoverSet } from '../../src/remote/redis-rules.js';

test('confd -watch hears a SET with K and $ (or A) in notify-keyspace-events', () => {
  expect(notificationsCoverSet('K$')).toBe(true);
  expect(notificationsCoverSet('KA')).toBe(true);
  expect(notificationsCoverSet('Kg$xe')).toBe(true);
  expect(notificationsCoverSet('E$')).toBe(false);
  expect(notificationsCoverSet('Kg')).toBe(false);
  expect(notificationsCoverSet('')).toBe(false);
});
