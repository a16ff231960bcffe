// A fake @actions/core for the Action's unit tests: inputs and state are read from,
// and outputs, failures and log lines written to, the plain objects below.
// In a test file, before importing what uses @actions/core:
//   jest.unstable_mockModule('@actions/core', () => core);
import { TEST_KEY } from './keys.js';

export const inputs: Record<string, string> = {};
export const state: Record<string, string> = {};
export const outputs: Record<string, string> = {};
export const failed: string[] = [];
export const infos: string[] = [];

export const core = {
  getInput: (name: string) => inputs[name] ?? '',
  setSecret: () => undefined,
  setOutput: (name: string, value: string) => {
    outputs[name] = value;
  },
  setFailed: (message: string) => {
    failed.push(message);
  },
  saveState: (name: string, value: string) => {
    state[name] = value;
  },
  getState: (name: string) => state[name] ?? '',
  info: (message: string) => {
    infos.push(message);
  },
  warning: (message: string) => {
    infos.push(`warning: ${message}`);
  },
  error: () => undefined,
  debug: () => undefined,
  group: <T>(_name: string, work: () => Promise<T>) => work(),
  summary: { addRaw: () => ({ write: async () => undefined }) },
};

/** Empties inputs, state, outputs, failures and log lines, then sets the inputs given. */
export function resetCore(given: Record<string, string> = {}): void {
  for (const o of [inputs, state, outputs]) for (const k of Object.keys(o)) delete o[k];
  failed.length = 0;
  infos.length = 0;
  Object.assign(inputs, given);
}

/** The inputs of a deploy of r/web:2 to one server. */
export const DEPLOY_INPUTS: Readonly<Record<string, string>> = {
  host: 'server',
  username: 'deploy',
  'private-key': TEST_KEY,
  'host-fingerprint': `SHA256:${'A'.repeat(43)}`,
  image: 'r/web:2',
  'container-port': '8080',
  'redis-key': '/nginx/upstream/app/port',
};
