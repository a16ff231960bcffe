import { expect } from '@jest/globals';
import { LOCK_TTL_MS } from '../../src/deploy/run.js';
import { UNLOCK_WATCH_MS, unlockLock } from '../../src/operate/unlock.js';

const LOCK = 'docker-hot-deploy:lock:/nginx/upstream/app/port';
const HOLDER = 'acme/web run 7 deploying web:2 [20261207040930-ab12]';

/** A Redis lock (time in steps of 250 ms); while `alive`, its holder renews it every 7.5 s to 30 s, as a deploy does. */
function world(holder: string | null, { alive = false, ttl = LOCK_TTL_MS } = {}) {
  const w = {
    now: 0,
    holder,
    expiresAt: ttl < 0 ? Infinity : ttl,
    alive,
    takenBy: undefined as string | undefined,
    takenAt: Infinity,
    released: false,
  };
  const keys = {
    lockState: async () =>
      w.holder === null ? null : { holder: w.holder, ttlMs: w.expiresAt === Infinity ? -1 : w.expiresAt - w.now },
    unlock: async (_: string, owner: string) => {
      if (w.holder !== owner) return false;
      w.holder = null;
      w.released = true;
      return true;
    },
  };
  const clock = {
    now: () => w.now,
    sleep: async (ms: number) => {
      for (const end = w.now + ms; w.now < end;) {
        w.now = Math.min(end, w.now + 250);
        if (w.alive && w.now % 7_500 === 0) w.expiresAt = w.now + LOCK_TTL_MS;
        if (w.holder !== null && w.now >= w.expiresAt) w.holder = null;
        if (w.takenBy && w.now >= w.takenAt) {
          w.holder = w.takenBy;
          w.expiresAt = w.now + LOCK_TTL_MS;
          w.takenBy = undefined;
        }
      }
    },
  };
  return { w, keys, clock };
}
const said: string[] = [];
const say = (line: string): void => {
  said.push(line);
};

test('a lock nobody holds: nothing to release, and free', async () => {
  const { keys, clock } = world(null);
  expect(await unlockLock(keys, LOCK, { force: true }, clock, say)).toEqual({
    free: true,
    message: `${LOCK} is not held: nothing to release`,
  });
});

test('--owner releases it at once, only if that holder still has it', async () => {
  const other = world(HOLDER);
  expect(await unlockLock(other.keys, LOCK, { owner: 'someone else' }, other.clock, say)).toMatchObject({
    free: false,
    message: expect.stringContaining('not by the --owner given'),
  });
  expect(other.w.released).toBe(false);
  const same = world(HOLDER);
  expect(await unlockLock(same.keys, LOCK, { owner: HOLDER }, same.clock, say)).toMatchObject({
    free: true,
    message: expect.stringContaining('released'),
  });
  expect(same.w.released).toBe(true);
});

test('neither --owner nor --force: the holder is named, nothing released', async () => {
  const { w, keys, clock } = world(HOLDER);
  expect(await unlockLock(keys, LOCK, {}, clock, say)).toMatchObject({
    free: false,
    message: expect.stringContaining('name it with --owner'),
  });
  expect(w.released).toBe(false);
});

test("--force never deletes a lock with a deploy's time to live: renewed, it refuses; not renewed, it waits for it to expire", async () => {
  const live = world(HOLDER, { alive: true });
  expect(await unlockLock(live.keys, LOCK, { force: true }, live.clock, say)).toMatchObject({
    free: false,
    message: expect.stringContaining('still renewed by its holder'),
  });
  expect(live.w.released).toBe(false);
  // Its deploy's renewals failing for up to three quarters of the TTL: still never deleted, it expires.
  const dead = world(HOLDER, { ttl: 20_000 });
  expect(await unlockLock(dead.keys, LOCK, { force: true }, dead.clock, say)).toEqual({
    free: true,
    message: `${LOCK} expired: its holder was gone`,
  });
  expect(dead.w.released).toBe(false);
  expect(dead.w.now).toBe(20_000);
});

test("--force releases a lock no deploy would leave (no expiry, or longer than a deploy's) once nobody renewed it for two renewal periods", async () => {
  const long = world(HOLDER, { ttl: 3_600_000 });
  expect(await unlockLock(long.keys, LOCK, { force: true }, long.clock, say)).toMatchObject({
    free: true,
    message: expect.stringContaining('did not renew it for 15 s'),
  });
  expect(long.w).toMatchObject({ released: true, now: UNLOCK_WATCH_MS });
  const forever = world(HOLDER, { ttl: -1 });
  expect(await unlockLock(forever.keys, LOCK, { force: true }, forever.clock, say)).toMatchObject({ free: true });
  expect(forever.w.released).toBe(true);
});

test('--force: a lock another deploy takes meanwhile is left to it, and the lock is not free', async () => {
  const taken = world(HOLDER, { ttl: 3_600_000 });
  Object.assign(taken.w, { takenBy: 'another run [20261207041000-cd34]', takenAt: 5_000 });
  expect(await unlockLock(taken.keys, LOCK, { force: true }, taken.clock, say)).toMatchObject({
    free: false,
    message: expect.stringContaining('was taken meanwhile by'),
  });
  expect(taken.w.holder).toBe('another run [20261207041000-cd34]');
});
