// `npm run demo`: a real hot deploy on the local stack. v1 serves, a load runs
// through nginx, the action deploys v2, and the numbers a user cares about print.
import { runAction } from '../test/support/action.js';
import { describeLoad, failures, startLoad } from '../test/support/load.js';
import { image, nginxGet, stackInfo, stackInputs } from '../test/support/stack.js';

const step = (m: string): void => console.log(`\n==> ${m}`);

async function deploy(
  version: string,
  extra: Record<string, string> = {},
): Promise<Awaited<ReturnType<typeof runAction>>> {
  const run = await runAction(stackInputs({ image: image(version), ...extra }));
  for (const line of run.stdout.split('\n')) if (line && !line.startsWith('::')) console.log(`    ${line}`);
  if (run.code !== 0) throw new Error(`the deploy of ${version} failed:\n${run.stdout}`);
  return run;
}

const before = await nginxGet();
if (before.status !== 200 || before.body !== 'v1') {
  step(`nginx serves ${before.status === 200 ? before.body : `HTTP ${before.status}`}: deploying v1 first`);
  await deploy('v1');
}
step(
  `nginx at ${stackInfo().nginxUrl} serves ${(await nginxGet()).body}; starting a load of new connections through it`,
);
const load = startLoad({ url: stackInfo().nginxUrl, kind: 'new-connection' });
await new Promise((r) => setTimeout(r, 500));
step(`deploying ${image('v2')} with dist/index.js, as the GitHub runner would, with a 5 s bake reading nginx's log`);
const run = await deploy('v2', { 'bake-time': '5s', 'access-log': stackInfo().accessLog });
await new Promise((r) => setTimeout(r, 500));
const report = await load.stop();
const after = await nginxGet();

step('the job summary');
console.log(run.summary);
step('result');
console.log(`nginx now serves:  ${after.body} (upstream ${after.upstream})`);
console.log(`requests sent:     ${report.sent}`);
console.log(`requests failed:   ${failures(report)}  (${describeLoad(report)})`);
console.log(
  `answers per version: ${Object.entries(report.bodies)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}`,
);
console.log(`switch time:       ${run.outputs['switch-seconds']} s (key write -> nginx proven on the new container)`);
console.log(`bake:              ${run.outputs.bake}`);
console.log(`deploy wall time:  ${run.outputs['duration-seconds']} s`);
if (after.body !== 'v2' || failures(report) > 0) process.exit(1);
