// What a user checks after a deploy that failed or was stopped: the same version
// serves through nginx from the same container, the key and the containers as they
// were, and no lock left behind.
import { appContainers, keyValue, lockValue, nginxGet } from './stack.js';

export interface Baseline {
  body: string;
  upstream?: string;
  key: string | null;
  containers: Array<{ name: string; state: string }>;
}

export async function baseline(): Promise<Baseline> {
  const answer = await nginxGet();
  expect(answer.status).toBe(200);
  return { body: answer.body, upstream: answer.upstream, key: await keyValue(), containers: appContainers() };
}

export async function expectUntouched(before: Baseline): Promise<void> {
  const answer = await nginxGet();
  expect({ status: answer.status, body: answer.body, upstream: answer.upstream }).toEqual({
    status: 200,
    body: before.body,
    upstream: before.upstream,
  });
  expect(await keyValue()).toBe(before.key);
  expect(await lockValue()).toBeNull();
  expect(appContainers()).toEqual(before.containers);
}
