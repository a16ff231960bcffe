// What a user copies and reads must agree with what the action does:
// action.yml and the workflows against the published schemas, the README's
// tables against action.yml, and the code's defaults against both.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DEFAULTS } from '../src/inputs.js';

const root = new URL('..', import.meta.url).pathname;
const validator = join(root, 'node_modules/.bin/action-validator');
const validate = (file: string): void => { execFileSync(validator, [file], { stdio: 'pipe' }); };

interface ActionYml {
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
  return section.split('\n').filter((l) => l.startsWith('| `')).map((l) => l.slice(1, -1).split(' | ').map((c) => c.trim()));
}
const unticked = (cell: string): string => cell.replace(/^`|`$/g, '');

describe('README and action.yml agree', () => {
  test('inputs: names, order, required, defaults and descriptions', () => {
    const rows = readmeTable('Inputs').map(([name, required, dflt, description]) => ({ name: unticked(name), required: required === 'yes', default: unticked(dflt), description }));
    const fromAction = Object.entries(action.inputs).map(([name, i]) => ({ name, required: i.required === true, default: i.default ?? '', description: i.description }));
    expect(rows).toEqual(fromAction);
  });

  test('outputs: names, order and descriptions', () => {
    const rows = readmeTable('Outputs').map(([name, description]) => ({ name: unticked(name), description }));
    expect(rows).toEqual(Object.entries(action.outputs).map(([name, o]) => ({ name, description: o.description })));
  });

  test('the code applies the same defaults as action.yml', () => {
    const fromAction = Object.fromEntries(Object.entries(action.inputs).filter(([, i]) => i.default !== undefined).map(([n, i]) => [n, i.default]));
    expect(DEFAULTS).toEqual(fromAction);
  });

  test('marketplace metadata', () => {
    expect(action.branding).toEqual({ icon: expect.any(String), color: expect.any(String) });
  });
});
