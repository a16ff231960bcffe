// After ncc: ncc's ESM bundle leaves __dirname and __filename undefined, and
// ssh2's bundled wasm loader reads them at start-up: define both once, on top.
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

// Every entry and every chunk ncc split off (import()): what ssh2 needs may be in either.
const dirs = ['../dist/', '../dist/post/', '../dist/cli/'].map((dir) => new URL(dir, import.meta.url));
const bundles = dirs.flatMap((dir) =>
  readdirSync(dir)
    .filter((name) => name.endsWith('.js'))
    .map((name) => new URL(name, dir)),
);
const banner = [
  "import { fileURLToPath as __dhdFileURLToPath } from 'node:url';",
  'const __filename = __dhdFileURLToPath(import.meta.url);',
  "const __dirname = __dhdFileURLToPath(new URL('.', import.meta.url));",
  '',
].join('\n');
for (const file of bundles) {
  const bundle = readFileSync(file, 'utf8');
  // The CLI's `#!/usr/bin/env node` must stay the first line.
  const shebang = bundle.startsWith('#!') ? bundle.slice(0, bundle.indexOf('\n') + 1) : '';
  if (!bundle.slice(shebang.length).startsWith(banner))
    writeFileSync(file, shebang + banner + bundle.slice(shebang.length));
}
chmodSync(new URL('../dist/cli/index.js', import.meta.url), 0o755);

// ncc copies ssh2's Pageant helper, a Windows executable only ssh2's agent code on
// Windows would start: a Linux runner never does.
for (const exe of ['../dist/pagent.exe', '../dist/post/pagent.exe', '../dist/cli/pagent.exe'])
  rmSync(new URL(exe, import.meta.url), { force: true });
