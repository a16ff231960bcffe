// What the Action's two steps share: the inputs read and masked as the runner
// gives them, and the state the main step saves for the post step.
import * as core from '@actions/core';
import { InputError, readInputs, SECRET_INPUTS, type Config } from '../config/inputs.js';

/** Registers secrets with the runner before anything can print them. */
function maskSecrets(secrets: string[]): void {
  for (const secret of secrets.filter(Boolean)) {
    core.setSecret(secret);
    // The runner masks a multi-line secret line by line.
    for (const line of secret.split(/\r?\n/))
      if (line.trim().length > 3 && line.trim() !== secret) core.setSecret(line.trim());
  }
}

/** What the Action's step does (the input `command`; the CLI's is its first argument). */
export const ACTION_COMMANDS = ['deploy', 'doctor', 'status'] as const;
export type ActionCommand = (typeof ACTION_COMMANDS)[number];

/** The command and the validated inputs, or undefined after reporting why they are not. */
export async function readConfig(): Promise<{ command: ActionCommand; config: Config } | undefined> {
  const raw = (name: string): string => core.getInput(name);
  maskSecrets(SECRET_INPUTS.map(raw));
  try {
    const commandText = raw('command').trim() || 'deploy';
    const command = ACTION_COMMANDS.find((c) => c === commandText);
    if (!command)
      throw new InputError([
        `command: ${JSON.stringify(commandText.slice(0, 80))} is not one of ${ACTION_COMMANDS.join(', ')}`,
      ]);
    // doctor and status read the servers: what a deploy starts (image, container-port) is not needed.
    const config = await readInputs(raw, { deploying: command === 'deploy' });
    maskSecrets([config.switch.redis.password ?? '', ...config.container.env.map(([, value]) => value)]);
    return { command, config };
  } catch (e) {
    core.setFailed(e instanceof InputError ? e.message : `Invalid inputs: ${(e as Error).message}`);
    return undefined;
  }
}

/** Adds to the job summary (nothing outside a runner, which gives no summary file). */
export async function writeSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary.addRaw(markdown).write();
}
