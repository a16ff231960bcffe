// ncc's ESM bundle leaves __dirname and __filename undefined, and ssh2's
// bundled wasm loader reads them at start-up: define both once, on top.
import { readFileSync, writeFileSync } from 'node:fs';

const bundles = ['../dist/index.js', '../dist/post/index.js'].map((path) => new URL(path, import.meta.url));
const banner = [
  "import { fileURLToPath as __dhdFileURLToPath } from 'node:url';",
  'const __filename = __dhdFileURLToPath(import.meta.url);',
  "const __dirname = __dhdFileURLToPath(new URL('.', import.meta.url));",
  '',
].join('\n');
for (const file of bundles) {
  const bundle = readFileSync(file, 'utf8');
  if (!bundle.startsWith(banner)) writeFileSync(file, banner + bundle);
}
