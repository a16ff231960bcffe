// action.yml is the one list of inputs: this writes it as src/config/action-inputs.ts,
// which the code (defaults, the CLI's flags and --help) reads. `--check` fails
// when the file is not what action.yml says (a test runs that).
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';

const root = new URL('..', import.meta.url);
const action = parse(readFileSync(new URL('action.yml', root), 'utf8'));
const inputs = Object.entries(action.inputs).map(([name, i]) => ({
  name,
  description: i.description,
  required: i.required === true,
  ...(i.default === undefined ? {} : { default: String(i.default) }),
}));
const text = `// Generated from action.yml by scripts/generate-inputs.mjs (npm run build): do not edit.

export interface ActionInput {
  name: string;
  description: string;
  required: boolean;
  default?: string;
}

export const ACTION_INPUTS: readonly ActionInput[] = ${JSON.stringify(inputs, null, 2)};
`;
const target = new URL('src/config/action-inputs.ts', root);
if (process.argv.includes('--check')) {
  if (readFileSync(target, 'utf8') !== text) {
    console.error('src/config/action-inputs.ts does not match action.yml: run npm run build');
    process.exit(1);
  }
} else {
  writeFileSync(target, text);
}
