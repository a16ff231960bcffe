// The Action's post step with a faked @actions/core: what it decides to clean up
// from the state the main step saved, and what it tells the runner.
import { jest } from '@jest/globals';
import type { Leftovers } from '../../src/deploy/cleanup.js';
import { core, DEPLOY_INPUTS, infos, inputs, resetCore, state } from '../../__fixtures__/core.js';
import { LOCK, LOGIN, opened, sessionModule } from '../../__fixtures__/session.js';

jest.unstable_mockModule('@actions/core', () => core);
jest.unstable_mockModule('../../src/remote/session.js', () => sessionModule);
const { run: post } = await import('../../src/action/post.js');

const left = (servers: Record<string, Partial<Leftovers>>): string =>
  JSON.stringify(
    Object.fromEntries(
      Object.entries(servers).map(([name, l]) => [
        name,
        { lock: '', lockOwner: 'me', container: '', switching: false, dockerConfig: '', ...l },
      ]),
    ),
  );

afterEach(() => {
  process.exitCode = undefined;
});

beforeEach(() => {
  resetCore(DEPLOY_INPUTS);
  opened.length = 0;
});

describe('post', () => {
  test('after a finished deploy: nothing, not even a connection', async () => {
    Object.assign(state, { finished: 'true', servers: left({ server: { lock: LOCK, container: 'web-1' } }) });
    await post();
    expect(opened).toEqual([]);
  });

  test('after a cancel before the switch: the login, the unused container and the lock are cleaned up', async () => {
    Object.assign(state, { servers: left({ server: { lock: LOCK, container: 'web-1', dockerConfig: LOGIN } }) });
    await post();
    expect(opened).toEqual(['open server', `rm -rf ${LOGIN}`, 'discard web-1', `unlock ${LOCK} me`, 'close']);
  });

  test('a saved state that is not what a deploy writes is not acted on: no connection, a warning', async () => {
    for (const tampered of [
      { lock: 'some:other:key' },
      { container: 'web-1; rm -rf ~' },
      { dockerConfig: '/home/deploy' },
      { container: 'web-1', switching: true, baking: '{"from":1}' },
    ]) {
      infos.length = 0;
      Object.assign(state, { servers: left({ server: { lock: LOCK, ...tampered } }) });
      await post();
      expect(opened).toEqual([]);
      expect(infos).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            /^warning: The saved state is not what a deploy writes \(.+\): nothing is done on this server\.$/,
          ),
        ]),
      );
    }
  });

  test('after a cancel during the release command: its container is stopped, then the lock released', async () => {
    Object.assign(state, { servers: left({ server: { lock: LOCK, release: 'web-1-release' } }) });
    await post();
    expect(opened).toEqual(['open server', 'discard web-1-release', `unlock ${LOCK} me`, 'close']);
  });

  test('after a cancel during the switch: the container may serve and stays; the lock is released', async () => {
    Object.assign(state, { servers: left({ server: { lock: LOCK, container: 'web-1', switching: true } }) });
    await post();
    expect(opened).toEqual(['open server', `unlock ${LOCK} me`, 'close']);
    expect(infos[0]).toMatch(/web-1 may be serving and stays/);
  });

  test('several servers: only those with something left are connected to, each cleaned up', async () => {
    inputs.host = 'a\nb\nc';
    Object.assign(state, { servers: left({ a: { lock: LOCK }, b: {}, c: { lock: LOCK, container: 'web-1' } }) });
    await post();
    expect(opened.filter((o) => o.startsWith('open')).sort()).toEqual(['open a', 'open c']);
    expect(opened).toContain('discard web-1');
    expect(opened.filter((o) => o === `unlock ${LOCK} me`)).toHaveLength(2);
  });

  test('several servers: each container that may serve is said to stay, naming its server, whatever comes before it', async () => {
    inputs.host = 'a\nb';
    Object.assign(state, {
      servers: left({ a: { lock: LOCK }, b: { lock: LOCK, container: 'web-1', switching: true } }),
    });
    await post();
    expect(infos).toContainEqual(
      expect.stringMatching(/^b: The deploy stopped after writing the key: web-1 may be serving and stays/),
    );
    expect(opened).not.toContain('discard web-1');
  });

  test('nothing held, nothing started: no connection', async () => {
    await post();
    expect(opened).toEqual([]);
  });
});
