// What the Action's two steps share: the inputs read and masked as the runner
// gives them, and the state the main step saves for the post step.
import * as core from '@actions/core';
import { InputError, parseInputs, SECRET_INPUTS, type Config } from './inputs.js';

/** Registers secrets with the runner before anything can print them. */
function maskSecrets(secrets: string[]): void {
  for (const secret of secrets.filter(Boolean)) {
    core.setSecret(secret);
    // The runner masks a multi-line secret line by line.
    for (const line of secret.split(/\r?\n/)) if (line.trim().length > 3 && line.trim() !== secret) core.setSecret(line.trim());
  }
}

/** The validated inputs, or undefined after reporting why they are not. */
export function readConfig(): Config | undefined {
  const raw = (name: string): string => core.getInput(name);
  maskSecrets(SECRET_INPUTS.map(raw));
  try {
    const config = parseInputs(raw);
    maskSecrets([config.switch.redis.password ?? '', ...config.container.env.map(([, value]) => value)]);
    return config;
  } catch (e) {
    core.setFailed(e instanceof InputError ? e.message : `Invalid inputs: ${(e as Error).message}`);
    return undefined;
  }
}

/** Names of the state the main step saves for the post step: `servers` holds each server's leftovers (cleanup.ts) as JSON. */
export const STATE = { servers: 'servers', finished: 'finished' } as const;
