// `npm run bench [-- --deploys 10 --rate 200 --sleep 5]`: consecutive deploys of
// alternating versions under a fixed-rate load through nginx, three ways:
//   action      this action (dist/index.js under Node 24, as the runner runs it)
//   naive       ssh; docker pull; docker rm -f; docker run on the same port
//   fixed-sleep new container on another port, write the key, sleep, stop the old one
// Prints a table and writes docs/benchmarks.md.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { startAction, type ActionRun } from '../test/support/action.js';
import { startLoad, type LoadKind, type LoadReport } from '../test/support/load.js';
import { image, nginxGet, resetStack, stackInfo, stackInputs, waitFor } from '../test/support/stack.js';

const { values: args } = parseArgs({
  options: {
    deploys: { type: 'string', default: '10' },
    rate: { type: 'string', default: '200' },
    sleep: { type: 'string', default: '5' },
    methods: { type: 'string', default: 'action,naive,fixed-sleep' },
  },
});
const DEPLOYS = Number(args.deploys);
const RATE = Number(args.rate);
const SLEEP_S = Number(args.sleep);
const NAIVE_PORT = 18080;
const stack = stackInfo();

interface DeployMeasure { wall: number; switchSeconds?: number; phases?: Record<string, number>; sshConnections?: number; remoteCommands?: number; firstLogMs?: number }
interface Series { method: string; kind: LoadKind; deploys: DeployMeasure[]; load: LoadReport }

// Asynchronous: the load generator shares this process and must keep sending.
const run = promisify(execFile);
const ssh = async (command: string): Promise<string> => (await run('ssh', [
  '-p', String(stack.sshPort), '-i', stack.privateKeyPath, '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no',
  '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', `${stack.username}@${stack.host}`, command,
], { encoding: 'utf8' })).stdout.trim();
const sshdAccepted = (): number => readFileSync(`${stack.dir}/sshd.log`, 'utf8').split('\n').filter((l) => l.includes('Accepted publickey')).length;
const redisSet = (value: string): Promise<string> => ssh(`redis-cli -p ${stack.redisPort} SET ${stack.redisKey} ${value}`);

/** The phase durations from the job summary's table. */
function phasesOf(summary: string): Record<string, number> {
  const phases: Record<string, number> = {};
  for (const m of summary.matchAll(/^\| ✅ (\w+) \| ([\d.]+) s \|/gm)) phases[m[1]] = Number(m[2]);
  return phases;
}

async function actionDeploy(version: string): Promise<DeployMeasure> {
  const sshBefore = sshdAccepted();
  const started = Date.now();
  const running = startAction(stackInputs({ image: image(version) }), { RUNNER_DEBUG: '1' });
  let firstLogMs: number | undefined;
  running.child.stdout?.once('data', () => { firstLogMs = Date.now() - started; });
  const run: ActionRun = await running.done;
  if (run.code !== 0) throw new Error(`action deploy failed:\n${run.stdout}`);
  return {
    wall: run.wallSeconds,
    switchSeconds: Number(run.outputs['switch-seconds']),
    phases: phasesOf(run.summary),
    sshConnections: sshdAccepted() - sshBefore,
    remoteCommands: run.stdout.split('\n').filter((l) => l.startsWith('::debug::$ ')).length,
    firstLogMs,
  };
}

async function naiveDeploy(version: string): Promise<DeployMeasure> {
  const started = Date.now();
  await ssh(`docker pull -q ${image(version)} >/dev/null && docker rm -f hello-naive >/dev/null 2>&1; docker run -d --name hello-naive --label docker-hot-deploy.app=hello -p 127.0.0.1:${NAIVE_PORT}:8080 ${image(version)} >/dev/null`);
  return { wall: (Date.now() - started) / 1000 };
}

async function fixedSleepDeploy(version: string): Promise<DeployMeasure> {
  const started = Date.now();
  const old = await ssh('docker ps -q --filter label=docker-hot-deploy.app=hello');
  const id = await ssh(`docker pull -q ${image(version)} >/dev/null && docker run -d --label docker-hot-deploy.app=hello -p 127.0.0.1::8080 ${image(version)}`);
  const port = (await ssh(`docker port ${id} 8080/tcp | head -1`)).split(':').pop() ?? '';
  const written = Date.now();
  await redisSet(port);
  // Measured from outside, not by the script: when nginx first answered from the new port.
  let switchSeconds: number | undefined;
  const watch = waitFor('nginx on the new port', async () => (await nginxGet()).upstream === `127.0.0.1:${port}`, SLEEP_S * 1000)
    .then(() => { switchSeconds = (Date.now() - written) / 1000; }, () => undefined);
  await new Promise((r) => setTimeout(r, SLEEP_S * 1000));
  await watch;
  if (old) await ssh(`docker stop ${old.split('\n').join(' ')} >/dev/null && docker rm ${old.split('\n').join(' ')} >/dev/null`);
  return { wall: (Date.now() - started) / 1000, switchSeconds };
}

const METHODS: Record<string, { deploy: (v: string) => Promise<DeployMeasure>; setUp: () => Promise<void> }> = {
  action: { deploy: actionDeploy, setUp: async () => { await actionDeploy('v2'); } },
  naive: {
    deploy: naiveDeploy,
    setUp: async () => {
      await naiveDeploy('v2');
      await redisSet(String(NAIVE_PORT));
      await waitFor('nginx on the naive port', async () => (await nginxGet()).upstream === `127.0.0.1:${NAIVE_PORT}`);
    },
  },
  'fixed-sleep': { deploy: fixedSleepDeploy, setUp: async () => { await fixedSleepDeploy('v2'); } },
};

async function series(method: string, kind: LoadKind): Promise<Series> {
  await resetStack();
  await METHODS[method].setUp();
  const load = startLoad({ url: stack.nginxUrl, kind, ratePerSecond: RATE, workers: 16, maxMs: 30 * 60_000 });
  const deploys: DeployMeasure[] = [];
  for (let i = 0; i < DEPLOYS; i += 1) {
    deploys.push(await METHODS[method].deploy(i % 2 === 0 ? 'v1' : 'v2'));
    process.stdout.write('.');
  }
  await new Promise((r) => setTimeout(r, 500));
  return { method, kind, deploys, load: await load.stop() };
}

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const stats = (xs: number[]): string => (xs.length ? `${Math.min(...xs).toFixed(2)} / ${median(xs).toFixed(2)} / ${Math.max(...xs).toFixed(2)}` : 'n/a');

const results: Series[] = [];
for (const method of args.methods.split(',')) {
  for (const kind of ['new-connection', 'keep-alive'] as LoadKind[]) {
    process.stdout.write(`${method} under ${kind} load `);
    results.push(await series(method, kind));
    process.stdout.write(' done\n');
  }
}
await resetStack();

const walls = (method: string): number[] => results.filter((r) => r.method === method).flatMap((r) => r.deploys.map((d) => d.wall));
const rows = results.map((r) => {
  const switches = r.deploys.map((d) => d.switchSeconds).filter((x): x is number => x !== undefined);
  const errors = Object.entries(r.load.errorMessages).map(([k, v]) => `${k} ${v}`).join(', ');
  return `| ${r.method} | ${r.kind} | ${stats(r.deploys.map((d) => d.wall))} | ${r.method === 'naive' ? 'n/a (no switch)' : stats(switches)} | ${r.load.sent} | ${r.load.non2xx} | ${r.load.connectionErrors}${errors ? ` (${errors})` : ''} |`;
});
const actionDeploys = results.filter((r) => r.method === 'action').flatMap((r) => r.deploys);
const phaseNames = ['lock', 'inspect', 'pull', 'start', 'ready', 'switch', 'drain', 'retire'];
const phaseRows = phaseNames.map((p) => `| ${p} | ${median(actionDeploys.map((d) => d.phases?.[p] ?? 0)).toFixed(2)} s |`);
const ratio = walls('action').length && walls('naive').length ? (median(walls('action')) / median(walls('naive'))).toFixed(2) : 'n/a';
const cpu = cpus();
const report = `# Benchmarks

Produced by \`npm run bench -- --deploys ${DEPLOYS} --rate ${RATE} --sleep ${SLEEP_S}\` on ${new Date().toISOString().slice(0, 10)}:
${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, the test stack on loopback
(dockerd, registry, sshd, Redis, nginx, the confd stand-in with -watch) and its busybox test app,
which stops promptly on SIGTERM. Each row: ${DEPLOYS} consecutive deploys alternating v1/v2 with a cached
image, under a steady ${RATE} requests/s through nginx (new connection per request, or kept-alive connections).

| method | load | deploy wall s (min / median / max) | switch s (min / median / max) | requests | non-2xx | connection errors |
| --- | --- | --- | --- | ---: | ---: | ---: |
${rows.join('\n')}

Median deploy wall time, this action / naive script: **${ratio}**.

- *naive*: \`ssh; docker pull; docker rm -f; docker run\` on the same port: requests fail between
  the old process stopping and the new one listening.
- *fixed-sleep*: start on a new port, write the key, sleep ${SLEEP_S} s, stop the old container; its switch
  time is measured from outside (first nginx answer from the new port), its wall time is dominated by the sleep.
- *action*: switch = key write until ${'`probe-successes`'} fresh probes in a row named the new port.

## Where this action's time goes (median per phase)

| phase | median |
| --- | ---: |
${phaseRows.join('\n')}

## Cost of the action itself

| what | value |
| --- | ---: |
| process start to first log line | ${median(actionDeploys.map((d) => d.firstLogMs ?? 0)).toFixed(0)} ms |
| SSH connections per deploy | ${stats(actionDeploys.map((d) => d.sshConnections ?? 0))} |
| remote commands per deploy | ${stats(actionDeploys.map((d) => d.remoteCommands ?? 0))} |
| bundle size (dist/index.js) | ${(statSync(new URL('../dist/index.js', import.meta.url)).size / 2 ** 20).toFixed(2)} MiB |
`;
console.log(`\n${report}`);
mkdirSync(new URL('../docs', import.meta.url), { recursive: true });
writeFileSync(new URL('../docs/benchmarks.md', import.meta.url), report);

