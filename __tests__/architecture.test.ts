// The folders hold as layers (docs/architecture.md): each imports only from the layers below it.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const src = resolve(import.meta.dirname, '../src');
const LAYERS = ['entries', 'action|cli', 'operate', 'deploy', 'config', 'remote'];
const layerOf = (file: string): number => {
  const folder = relative(src, file).split('/')[0];
  return LAYERS.findIndex((layer) => layer.split('|').includes(folder));
};
const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
const importsOf = (file: string): string[] =>
  [...readFileSync(file, 'utf8').matchAll(/(?:from|import\(?)\s*'(\.{1,2}\/[^']+)\.js'/g)].map((m) =>
    resolve(dirname(file), `${m[1]}.ts`),
  );

describe('the layers', () => {
  const files = sources(src);

  test('every source file is in a layer', () => {
    expect(files.filter((f) => layerOf(f) < 0).map((f) => relative(src, f))).toEqual([]);
  });

  test('nothing imports from a layer above it, nor from a door beside it', () => {
    const upward = files.flatMap((file) =>
      importsOf(file)
        .filter((target) => {
          const [from, to] = [layerOf(file), layerOf(target)];
          const otherDoor = from === to && relative(src, file).split('/')[0] !== relative(src, target).split('/')[0];
          return to < from || otherDoor;
        })
        .map((target) => `${relative(src, file)} -> ${relative(src, target)}`),
    );
    expect(upward).toEqual([]);
  });
});
