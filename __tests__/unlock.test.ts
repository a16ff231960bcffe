import { UNLOCK_WATCH_MS, unlockLock } from '../src/unlock.js';

const LOCK = 'docker-hot-deploy:lock:/nginx/upstream/app/port';
const HOLDER = 'acme/web run 7 deploying web:2 [20261207040930-ab12]';

/** A Redis lock whose holder, while `alive`, renews it every 7.5 s to 30 s, as a deploy does. */
function world(holder: string | null, { alive = false, ttl = 30_000 } = {}) {
  const w = { now: 0, holder, expiresAt: ttl < 0 ? Infinity : ttl, alive, takenBy: undefined as string | undefined, released: false };
  const keys = {
    lockHolder: async () => w.holder,
    lockTtl: async () => (w.holder === null ? -2 : w.expiresAt === Infinity ? -1 : w.expiresAt - w.now),
    unlock: async (_: string, owner: string) => { if (w.holder !== owner) return false; w.holder = null; w.released = true; return true; },
  };
  const clock = {
    now: () => w.now,
    sleep: async (ms: number) => {
      for (const end = w.now + ms; w.now < end;) {
        w.now = Math.min(end, w.now + 2_500);
        if (w.alive && w.now % 7_500 === 0) w.expiresAt = w.now + 30_000;
        if (w.holder !== null && w.now >= w.expiresAt) w.holder = null;
        if (w.takenBy && w.now >= 5_000) { w.holder = w.takenBy; w.takenBy = undefined; }
      }
    },
  };
  return { w, keys, clock };
}

describe('unlock', () => {
  const said: string[] = [];
  const say = (line: string): void => { said.push(line); };

  test('a lock nobody holds: nothing to release, and free', async () => {
    const { keys, clock } = world(null);
    expect(await unlockLock(keys, LOCK, { force: true }, clock, say)).toEqual({ free: true, message: `${LOCK} is not held: nothing to release` });
  });

  test('--owner releases it only if that holder still has it', async () => {
    const other = world(HOLDER);
    expect(await unlockLock(other.keys, LOCK, { owner: 'someone else' }, other.clock, say)).toMatchObject({ free: false, message: expect.stringContaining('not by the --owner given') });
    expect(other.w.released).toBe(false);
    const same = world(HOLDER, { alive: true });
    expect(await unlockLock(same.keys, LOCK, { owner: HOLDER }, same.clock, say)).toMatchObject({ free: true, message: expect.stringContaining('released') });
    expect(same.w.released).toBe(true);
  });

  test('neither --owner nor --force: the holder is named, nothing released', async () => {
    const { w, keys, clock } = world(HOLDER);
    expect(await unlockLock(keys, LOCK, {}, clock, say)).toMatchObject({ free: false, message: expect.stringContaining('name it with --owner') });
    expect(w.released).toBe(false);
  });

  test('--force never releases a lock a deploy still renews', async () => {
    const { w, keys, clock } = world(HOLDER, { alive: true });
    expect(await unlockLock(keys, LOCK, { force: true }, clock, say)).toMatchObject({ free: false, message: expect.stringContaining('still renewed by its holder') });
    expect(w.released).toBe(false);
    expect(w.now).toBe(UNLOCK_WATCH_MS);
  });

  test('--force releases a lock not renewed for two renewal periods, one that never expires too', async () => {
    const dead = world(HOLDER, { ttl: 3_600_000 });
    expect(await unlockLock(dead.keys, LOCK, { force: true }, dead.clock, say)).toMatchObject({ free: true, message: expect.stringContaining('did not renew it for 15 s') });
    expect(dead.w.released).toBe(true);
    const forever = world(HOLDER, { ttl: -1 });
    expect(await unlockLock(forever.keys, LOCK, { force: true }, forever.clock, say)).toMatchObject({ free: true });
    expect(forever.w.released).toBe(true);
  });

  test('--force: a lock that expires meanwhile is free; one another deploy takes meanwhile is left to it', async () => {
    const expiring = world(HOLDER, { ttl: 10_000 });
    expect(await unlockLock(expiring.keys, LOCK, { force: true }, expiring.clock, say)).toMatchObject({ free: true, message: expect.stringContaining('expired meanwhile') });
    const taken = world(HOLDER, { ttl: 3_600_000 });
    taken.w.takenBy = 'another run [20261207041000-cd34]';
    expect(await unlockLock(taken.keys, LOCK, { force: true }, taken.clock, say)).toMatchObject({ free: false, message: expect.stringContaining('was taken meanwhile by') });
    expect(taken.w.holder).toBe('another run [20261207041000-cd34]');
  });
});
