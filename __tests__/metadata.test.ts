// What a user copies and reads must agree with what the action does:
// action.yml and the workflows against the published schemas, the README's
// tables against action.yml, and the code's defaults against both.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DEFAULTS } from '../src/config/inputs.js';

const root = new URL('..', import.meta.url).pathname;
const validator = join(root, 'node_modules/.bin/action-validator');
const validate = (file: string): void => {
  execFileSync(validator, [file], { stdio: 'pipe' });
};

interface ActionYml {
  description: string;
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string; post: string };
  branding: { icon: string; color: string };
}
const actionText = readFileSync(join(root, 'action.yml'), 'utf8');
const action = parse(actionText) as ActionYml;

describe('schemas', () => {
  const workflows = [
    ...readdirSync(join(root, 'examples/workflows')).map((f) => join(root, 'examples/workflows', f)),
    ...readdirSync(join(root, '.github/workflows')).map((f) => join(root, '.github/workflows', f)),
  ];
  test.each(workflows)('%s is a valid workflow', (file) => {
    expect(() => validate(file)).not.toThrow();
  });

  test('action.yml is a valid action running on node24', () => {
    expect(action.runs.using).toBe('node24');
    expect(existsSync(join(root, action.runs.main))).toBe(true);
    expect(existsSync(join(root, action.runs.post))).toBe(true);
    // The validator's bundled schema predates node24 (it knows node12-node20):
    // check everything else against it with the runtime named as one it knows.
    const copy = join(mkdtempSync(join(tmpdir(), 'dhd-action-')), 'action.yml');
    writeFileSync(copy, actionText.replace(/^(\s+using:) node24$/m, '$1 node20'));
    expect(() => validate(copy)).not.toThrow();
  });
});

/** The rows of the markdown table under `## heading` in the README. */
function readmeTable(heading: string): string[][] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.split(`\n## ${heading}\n`)[1]?.split('\n## ')[0] ?? '';
  return section
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((l) =>
      l
        .slice(1, -1)
        .split(' | ')
        .map((c) => c.trim()),
    );
}
const unticked = (cell: string): string => cell.replace(/^`|`$/g, '');

describe('README and action.yml agree', () => {
  test('inputs: names, order, required, defaults and descriptions', () => {
    const rows = readmeTable('Inputs').map(([name, required, dflt, description]) => ({
      name: unticked(name),
      required: required === 'yes',
      default: unticked(dflt),
      description,
    }));
    const fromAction = Object.entries(action.inputs).map(([name, i]) => ({
      name,
      required: i.required === true,
      default: i.default ?? '',
      description: i.description,
    }));
    expect(rows).toEqual(fromAction);
  });

  test('outputs: names, order and descriptions', () => {
    const rows = readmeTable('Outputs').map(([name, description]) => ({ name: unticked(name), description }));
    expect(rows).toEqual(Object.entries(action.outputs).map(([name, o]) => ({ name, description: o.description })));
  });

  test('src/config/action-inputs.ts, which the code and the CLI read, is what action.yml says', () => {
    expect(() =>
      execFileSync(process.execPath, [join(root, 'scripts/generate-inputs.mjs'), '--check'], { stdio: 'pipe' }),
    ).not.toThrow();
  });

  test('the code applies the same defaults as action.yml', () => {
    const fromAction = Object.fromEntries(
      Object.entries(action.inputs)
        .filter(([, i]) => i.default !== undefined)
        .map(([n, i]) => [n, i.default]),
    );
    expect(DEFAULTS).toEqual(fromAction);
  });

  test("marketplace metadata: a description under 125 characters, branding from GitHub's lists", () => {
    expect(action.description.length).toBeLessThan(125);
    expect(action.branding).toEqual({ icon: 'refresh-cw', color: 'green' });
    // The schema the validator carries holds GitHub's colours and Feather icons: it refuses others.
    for (const [field, bad] of [
      ['icon', 'not-a-feather-icon'],
      ['color', 'teal'],
    ]) {
      const copy = join(mkdtempSync(join(tmpdir(), 'dhd-branding-')), 'action.yml');
      writeFileSync(
        copy,
        actionText
          .replace(/^(\s+using:) node24$/m, '$1 node20')
          .replace(new RegExp(`^(  ${field}:) .*$`, 'm'), `$1 ${bad}`),
      );
      expect(() => validate(copy)).toThrow();
    }
  });

  /** Runs an entry of dist/ copied alone (with its package.json), without the chunks it may import. */
  const runEntryAlone = (dir: string, env: Record<string, string>): ReturnType<typeof spawnSync> => {
    const alone = mkdtempSync(join(tmpdir(), 'dhd-entry-'));
    try {
      for (const file of ['index.js', 'package.json']) copyFileSync(join(root, dir, file), join(alone, file));
      return spawnSync(process.execPath, [join(alone, 'index.js')], {
        env: { PATH: process.env.PATH, ...env },
        encoding: 'utf8',
      });
    } finally {
      rmSync(alone, { recursive: true, force: true });
    }
  };

  test("the post step's entry is small and loads the cleanup only after a deploy that did not finish", () => {
    // Every deploy runs it: after one that finished, it decides from the saved state alone.
    expect(statSync(join(root, 'dist/post/index.js')).size).toBeLessThan(64 * 1024);
    expect(runEntryAlone('dist/post', { STATE_finished: 'true' })).toMatchObject({ status: 0, stdout: '', stderr: '' });
    // Without that state it needs the cleanup's chunk, which this copy lacks.
    expect(runEntryAlone('dist/post', {}).stderr).toMatch(/Cannot find module/);
  });

  test("the main step's entry is small: it reads the inputs, and loads a step's code only once they are valid", () => {
    // A run stopped by its inputs, and the start of every run, load this file alone (docs/architecture.md).
    expect(statSync(join(root, 'dist/index.js')).size).toBeLessThan(256 * 1024);
    const main = runEntryAlone('dist', {});
    expect(main.status).toBe(1);
    expect(main.stdout).toMatch(
      /^::error::Invalid inputs \(nothing was done on the server\):%0A {2}- private-key: is required/,
    );
  });

  test('no bundle holds undici: @actions/http-client gets the stand-in (bundle/undici-unused.js)', () => {
    const bundles = ['dist', 'dist/post', 'dist/cli'].flatMap((dir) =>
      readdirSync(join(root, dir))
        .filter((name) => name.endsWith('.js'))
        .map((name) => join(root, dir, name)),
    );
    // llhttp is undici's HTTP parser, at the heart of its client.
    expect(bundles.filter((file) => readFileSync(file, 'utf8').includes('llhttp'))).toEqual([]);
  });

  test('dist/ holds only what a Linux runner executes', () => {
    const files = (dir: string): string[] =>
      readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
      );
    // Besides each entry, the chunks ncc splits off for what only some runs load (import()).
    const chunks = /^dist\/(?:(?:cli|post)\/)?\d+\.index\.js$/;
    expect(
      files('dist')
        .filter((f) => !chunks.test(f))
        .sort(),
    ).toEqual([
      'dist/cli/index.js',
      'dist/cli/package.json',
      'dist/index.js',
      'dist/licenses.txt',
      'dist/package.json',
      'dist/post/index.js',
      'dist/post/package.json',
    ]);
  });
});

describe("the README's host setup fits the example files", () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  // The host setup the README's quick start links to.
  const setup = readFileSync(join(root, 'docs/host-setup.md'), 'utf8')
    .split('# Host setup (Debian/Ubuntu)')[1]
    .split('```sh')[1]
    .split('```')[0];
  // `cp examples/host/X DEST/` and `install -m 755 examples/host/X DEST/` lines: where each file lands.
  const placed = new Map<string, string>();
  for (const m of setup.matchAll(/^(?:cp|install -m \d+) (examples\/host\/\S+) (\S+)$/gm)) {
    const dest = m[2].endsWith('/') ? `${m[2]}${m[1].split('/').pop()}` : m[2];
    placed.set(m[1].replace('examples/host/', ''), dest);
  }
  const example = (path: string): string => readFileSync(join(root, 'examples/host', path), 'utf8');

  test('every file it copies exists, and every example file is placed', () => {
    const files = [
      'confd/conf.d/app.toml',
      'confd/templates/app-upstream.conf.tmpl',
      'bin/dhd-check-upstream',
      'systemd/confd.service',
      'nginx/app-upstream.conf',
      'nginx/app-upstream-header.conf',
      'nginx/app-upstream-log.conf',
      'nginx/app-proxy.conf',
      'nginx/app-site.conf',
      'redis/keyspace-events.conf',
      'redis/persistence.conf',
    ];
    expect([...placed.keys()].sort()).toEqual(files.sort());
    for (const file of placed.keys()) expect(existsSync(join(root, 'examples/host', file))).toBe(true);
  });

  test('the paths the files name are where the setup puts them', () => {
    const toml = example('confd/conf.d/app.toml');
    expect(toml).toContain(`check_cmd = "${placed.get('bin/dhd-check-upstream')} {{.src}}"`);
    expect(toml).toMatch(/^dest = "\/etc\/nginx\/conf\.d\/[^"]+\.conf"$/m); // Debian's nginx.conf includes conf.d/*.conf
    expect(placed.get('confd/templates/app-upstream.conf.tmpl')).toBe('/etc/confd/templates/app-upstream.conf.tmpl');
    expect(placed.get('confd/conf.d/app.toml')).toBe('/etc/confd/conf.d/app.toml');
    expect(example('systemd/confd.service')).toMatch(/-confdir \/etc\/confd -watch/);
    expect(example('nginx/app-site.conf')).toContain(`include ${placed.get('nginx/app-proxy.conf')};`);
    expect(setup).toContain(`include ${placed.get('redis/keyspace-events.conf')}`);
    expect(setup).toContain(`include ${placed.get('redis/persistence.conf')}`);
    // The placeholder is the file confd later renders.
    expect(toml).toContain(`dest = "${placed.get('nginx/app-upstream.conf')}"`);
  });

  test('a second deployment gets a confd of its own, reading the directory its resource is put in', () => {
    const recipe = readme.split('**Several deployments on one server**')[1].split('```sh')[1].split('```')[0];
    const instance = /systemctl enable --now confd@(\S+)/.exec(recipe)?.[1];
    expect(instance).toBe('staging');
    const confdir = /-confdir (\S+)/.exec(example('systemd/confd@.service'))?.[1].replace('%i', instance ?? '');
    expect(confdir).toBe('/etc/confd-staging');
    expect(recipe).toContain(`> ${confdir}/conf.d/staging.toml`);
    expect(recipe).toContain(`> ${confdir}/templates/staging-upstream.conf.tmpl`);
    expect(recipe).not.toMatch(/\/etc\/confd\/(conf\.d|templates)/);
  });
});
