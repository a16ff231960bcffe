import {
  historyPath,
  imagesToKeep,
  parseHistory,
  rollbackTarget,
  servedStack,
  type Release,
} from '../../src/deploy/history.js';

const release = (tag: string, outcome: Release['outcome'] = 'deployed'): Release => ({
  time: `2026-11-0${tag}T10:00:00.000Z`,
  outcome,
  image: `r/web:${tag}`,
  digest: `sha256:${tag}`,
  imageId: `i${tag}`,
  container: `web-${tag}`,
  run: 'r',
});

test('one file per deployment, a readable name and a hash that keeps similar keys apart', () => {
  expect(historyPath('/nginx/upstream/app/port')).toMatch(
    /^\.docker-hot-deploy\/releases\/nginx_upstream_app_port-[0-9a-f]{8}\.jsonl$/,
  );
  expect(historyPath('/a/b')).not.toBe(historyPath('/a_b'));
});

test('a line cut short by a crash, or no release at all, is skipped', () => {
  const text = `${JSON.stringify(release('1'))}\n{"time":"2026-11-02T1\n\n${JSON.stringify({ hello: 1 })}\n${JSON.stringify(release('2'))}\n`;
  expect(parseHistory(text).map((r) => r.image)).toEqual(['r/web:1', 'r/web:2']);
});

test('a rollback takes the release it left off the stack; failures do not count', () => {
  const history = [
    release('1'),
    release('2'),
    { ...release('3'), outcome: 'failed' as const },
    release('3'),
    { ...release('2'), outcome: 'rolled back' as const },
  ];
  expect(servedStack(history).map((r) => r.image)).toEqual(['r/web:1', 'r/web:2']);
  expect(rollbackTarget(history)).toEqual({ release: release('1') });
});

test('with one release, or none, there is nothing to roll back to', () => {
  expect(rollbackTarget([release('1')])).toEqual({
    refusal:
      'nothing earlier to roll back to: the history holds only r/web:1 (sha256:1), deployed 2026-11-01T10:00:00.000Z; deploy an image instead',
  });
  expect(rollbackTarget([])).toEqual({
    refusal: 'no release of this deployment is in the history on the server; deploy an image instead',
  });
});

test('a history trimmed past the release rolled back to still serves the rollback', () => {
  expect(servedStack([release('3'), { ...release('2'), outcome: 'rolled back' }]).map((r) => r.image)).toEqual([
    'r/web:2',
  ]);
});

test('the images to keep: the last keep-images releases that served, never fewer than the serving one and the rollback target', () => {
  const history = [release('1'), release('2'), release('3'), release('3')];
  expect(imagesToKeep(history, 1)).toEqual(['i3', 'i2']);
  expect(imagesToKeep(history, 3)).toEqual(['i3', 'i2', 'i1']);
});
