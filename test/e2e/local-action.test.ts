// GitHub's local-action (npm run local-action) runs the TypeScript source as a
// runner would run dist/: one run is one deploy, the post step runs, a failure fails.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appContainers, image, nginxGet, resetStack, stackInfo, stackInputs } from '../support/stack.js';

const root = new URL('../..', import.meta.url).pathname;
const stack = stackInfo();
/** `npx local-action run . src/action/main.ts ENV --post src/action/post.ts` with the stack's inputs in a .env file. */
function localAction(version: string): Promise<{ code: number; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'dhd-local-action-'));
  const env = join(dir, '.env');
  const lines = Object.entries(stackInputs({ image: image(version) })).map(
    ([name, value]) => `INPUT_${name.toUpperCase()}="${value}"`,
  );
  writeFileSync(env, `${lines.join('\n')}\n`);
  return new Promise((resolve) => {
    execFile(
      'npx',
      ['local-action', 'run', '.', 'src/action/main.ts', env, '--post', 'src/action/post.ts'],
      { cwd: root, timeout: 120_000, env: { PATH: process.env.PATH, HOME: process.env.HOME } },
      (error, stdout, stderr) => {
        rmSync(dir, { recursive: true, force: true });
        resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` });
      },
    );
  });
}

beforeAll(async () => {
  await resetStack();
});

test('one run is one deploy, and the post step runs after it', async () => {
  const run = await localAction('v1');
  expect(run.code).toBe(0);
  expect(run.output).toContain('Running Post Step');
  // Importing the logic does not deploy: exactly one container was started and serves.
  expect(run.output.match(/::group::start/g)).toHaveLength(1);
  const [container] = appContainers();
  expect(appContainers()).toHaveLength(1);
  expect(await nginxGet()).toMatchObject({ status: 200, body: 'v1' });
  expect(run.output).toContain(`is live on :`);
  expect(container.state).toBe('running');
  expect(run.output).not.toContain(readFileSync(stack.privateKeyPath, 'utf8').split('\n')[1]);
});

test('a failed deploy is reported as failed (exit 1), the previous version serving', async () => {
  const before = appContainers();
  const run = await localAction('crash');
  expect(run.code).toBe(1);
  expect(run.output).toContain('ready failed: the container exited with code 3');
  expect(appContainers()).toEqual(before);
  expect(await nginxGet()).toMatchObject({ status: 200, body: 'v1' });
});
