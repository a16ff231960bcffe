// `npm run bench [-- --deploys 10 --rate 200 --sleep 5 --bake-time 0s]`: consecutive deploys of
// alternating versions under a fixed-rate load through nginx, five ways:
//   action      this action (dist/index.js under Node 24, as the runner runs it), with
//               --bake-time (default 0s: the bake apart, so the ratio compares the deploy itself)
//   action-no-reload  the same in the no-reload host setup (README: "A switch without a
//               reload"): the stack switches setups for these rows and back after them
//   bake-out    this action deploying a version whose pages answer 500 (its health path answers),
//               with a bake reading nginx's log: detection and switch back, how long users saw it
//   action-3    this action to three simulated servers at once (up.sh --servers 3),
//               the same total load split across their nginx
//   naive       ssh; docker pull; docker rm -f; docker run on the same port
//   fixed-sleep new container on another port, write the key, sleep, stop the old one
// Prints a table and writes docs/benchmarks.md.
// `npm run bench -- --compare <git-ref> [--pairs 8]`: instead, this build (dist/ as it is: run
// `npm run build` first) and the ref's (built in a
// temporary worktree) deploy in turns on the same idle stack (A B, B A, ...), and the median wall,
// switch and phases of each are printed side by side, with the per-pair ratio.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startAction, type ActionRun } from '../test/support/action.js';
import { startLoad, type Load, type LoadKind, type LoadReport } from '../test/support/load.js';
import { resetServers, serverImage, servers, serversInputs } from '../test/support/servers.js';
import { image, nginxGet, resetStack, stackInfo, stackInputs, stackScript, waitFor, type StackInfo } from '../test/support/stack.js';

const { values: args } = parseArgs({
  options: {
    deploys: { type: 'string', default: '10' },
    rate: { type: 'string', default: '200' },
    sleep: { type: 'string', default: '5' },
    methods: { type: 'string', default: 'action,action-no-reload,action-3,naive,fixed-sleep,bake-out' },
    'bake-time': { type: 'string', default: '0s' },
    compare: { type: 'string' },
    pairs: { type: 'string', default: '8' },
  },
});
const DEPLOYS = Number(args.deploys);
const RATE = Number(args.rate);
const SLEEP_S = Number(args.sleep);
const BAKE_TIME = args['bake-time'];
const NAIVE_PORT = 18080;
const stack = stackInfo();

interface DeployMeasure { bakeOut?: { switchBack: number; badAnswers: number }; wall: number; cpuSeconds?: number; switchSeconds?: number; phases?: Record<string, number>; sshConnections?: number; remoteCommands?: number; firstLogMs?: number }
interface Series { method: string; kind: LoadKind; deploys: DeployMeasure[]; load: LoadReport }

// Asynchronous: the load generator shares this process and must keep sending.
const run = promisify(execFile);
const ssh = async (command: string): Promise<string> => (await run('ssh', [
  '-p', String(stack.sshPort), '-i', stack.privateKeyPath, '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no',
  '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', `${stack.username}@${stack.host}`, command,
], { encoding: 'utf8' })).stdout.trim();
const sshdAccepted = (): number => readFileSync(`${stack.dir}/sshd.log`, 'utf8').split('\n').filter((l) => l.includes('Accepted publickey')).length;
const redisSet = (value: string): Promise<string> => ssh(`redis-cli -p ${stack.redisPort} SET ${stack.redisKey} ${value}`);

/** CPU time the whole machine spent (every core, every process: the servers' dockerd and the load too). */
function machineCpuSeconds(): number {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = ticks;
  return (user + nice + system + irq + softirq + steal) / 100;
}

/** The phase durations from the job summary's table. */
function phasesOf(summary: string): Record<string, number> {
  const phases: Record<string, number> = {};
  for (const m of summary.matchAll(/^\| ✅ (\w+) \| ([\d.]+) s \|/gm)) phases[m[1]] = Number(m[2]);
  // With several servers the stage table comes first and shares names (lock, switch): the last server's phases win.
  return phases;
}

async function actionDeploy(version: string, several = false, main?: string): Promise<DeployMeasure> {
  const sshBefore = sshdAccepted();
  const started = Date.now();
  const bake = { 'bake-time': BAKE_TIME, 'access-log': stack.accessLog };
  const inputs = several ? serversInputs({ image: serverImage(version), ...bake }) : stackInputs({ image: image(version), ...bake });
  const running = startAction(inputs, { RUNNER_DEBUG: '1' }, main);
  let firstLogMs: number | undefined;
  running.child.stdout?.once('data', () => { firstLogMs = Date.now() - started; });
  const run: ActionRun = await running.done;
  if (run.code !== 0) throw new Error(`action deploy failed:\n${run.stdout}`);
  return {
    wall: run.wallSeconds,
    switchSeconds: Number(run.outputs['switch-seconds']),
    phases: phasesOf(run.summary),
    sshConnections: several ? undefined : sshdAccepted() - sshBefore,
    remoteCommands: run.stdout.split('\n').filter((l) => l.startsWith('::debug::$ ')).length,
    firstLogMs,
  };
}

/** The broken version, baked for 30 s: it must be switched back; how fast, and how many answers users got from it. */
async function bakeOutDeploy(load: () => LoadReport): Promise<DeployMeasure> {
  const before = load().non2xx + load().connectionErrors;
  const run = await startAction(stackInputs({
    image: image('broken'), 'bake-time': '30s', 'access-log': stack.accessLog, 'health-path': '/cgi-bin/health', 'probe-url': 'http://127.0.0.1/cgi-bin/health',
  })).done;
  const switchBack = /From the first failing signal to nginx serving the previous version again: ([\d.]+) s/.exec(run.stdout)?.[1];
  if (run.code === 0 || switchBack === undefined) throw new Error(`the broken version was not baked out:\n${run.stdout}`);
  // Let the load's answers in flight come back before counting.
  await new Promise((r) => setTimeout(r, 300));
  return { wall: run.wallSeconds, bakeOut: { switchBack: Number(switchBack), badAnswers: load().non2xx + load().connectionErrors - before } };
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

/** The load of the series running now (bake-out counts what users got during each deploy). */
let currentLoad: Load | undefined;

/** Nothing deployed but v2, by this action: where the action's series start. */
async function v2Serving(): Promise<void> {
  await resetStack();
  await actionDeploy('v2');
}

/** The stack's nginx in `setup` (up.sh switches it, leaving the rest running). */
function useNginxSetup(setup: StackInfo['nginxSetup']): void {
  if (stackInfo().nginxSetup === setup) return;
  stackScript('up.sh', [], setup);
}
const setupAtStart = stack.nginxSetup;

const METHODS: Record<string, { deploy: (v: string) => Promise<DeployMeasure>; setUp: () => Promise<void>; nginxSetup?: StackInfo['nginxSetup'] }> = {
  'bake-out': { deploy: () => bakeOutDeploy(() => (currentLoad as Load).report()), setUp: v2Serving },
  action: { deploy: (v) => actionDeploy(v), setUp: v2Serving },
  'action-no-reload': { deploy: (v) => actionDeploy(v), setUp: v2Serving, nginxSetup: 'no-reload' },
  'action-3': { deploy: (v) => actionDeploy(v, true), setUp: async () => { await resetServers(); await actionDeploy('v2', true); } },
  naive: {
    deploy: naiveDeploy,
    setUp: async () => {
      await resetStack();
      await naiveDeploy('v2');
      await redisSet(String(NAIVE_PORT));
      await waitFor('nginx on the naive port', async () => (await nginxGet()).upstream === `127.0.0.1:${NAIVE_PORT}`);
    },
  },
  'fixed-sleep': { deploy: fixedSleepDeploy, setUp: async () => { await resetStack(); await fixedSleepDeploy('v2'); } },
};

/** One report for the loads through several servers' nginx. */
function merged(reports: LoadReport[]): LoadReport {
  const sum = (f: (r: LoadReport) => number): number => reports.reduce((n, r) => n + f(r), 0);
  const errorMessages: Record<string, number> = {};
  for (const r of reports) for (const [k, v] of Object.entries(r.errorMessages)) errorMessages[k] = (errorMessages[k] ?? 0) + v;
  return { ...reports[0], sent: sum((r) => r.sent), ok: sum((r) => r.ok), non2xx: sum((r) => r.non2xx), connectionErrors: sum((r) => r.connectionErrors), errorMessages };
}

async function series(method: string, kind: LoadKind): Promise<Series> {
  useNginxSetup(METHODS[method].nginxSetup ?? setupAtStart);
  await METHODS[method].setUp();
  // The same total rate, split across the servers' nginx.
  const urls = method === 'action-3' ? servers().map((s) => s.nginxUrl) : [stack.nginxUrl];
  const loads = urls.map((url) => startLoad({ url, kind, ratePerSecond: RATE / urls.length, workers: Math.ceil(16 / urls.length), maxMs: 30 * 60_000 }));
  [currentLoad] = loads;
  const deploys: DeployMeasure[] = [];
  for (let i = 0; i < DEPLOYS; i += 1) {
    const cpuBefore = machineCpuSeconds();
    const measure = await METHODS[method].deploy(i % 2 === 0 ? 'v1' : 'v2');
    deploys.push({ ...measure, cpuSeconds: machineCpuSeconds() - cpuBefore });
    process.stdout.write('.');
  }
  await new Promise((r) => setTimeout(r, 500));
  return { method, kind, deploys, load: merged(await Promise.all(loads.map((l) => l.stop()))) };
}

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const stats = (xs: number[]): string => (xs.length ? `${Math.min(...xs).toFixed(2)} / ${median(xs).toFixed(2)} / ${Math.max(...xs).toFixed(2)}` : 'n/a');

/** The ref's dist/, built in a temporary worktree that shares this clone's node_modules. */
function buildRef(ref: string): { main: string; remove: () => void } {
  const repo = new URL('..', import.meta.url).pathname;
  const dir = mkdtempSync(join(tmpdir(), 'dhd-compare-'));
  execFileSync('git', ['worktree', 'add', '--detach', dir, ref], { cwd: repo, stdio: 'ignore' });
  const remove = (): void => { execFileSync('git', ['worktree', 'remove', '--force', dir], { cwd: repo, stdio: 'ignore' }); };
  try {
    symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'));
    execFileSync('npm', ['run', 'build'], { cwd: dir, stdio: 'ignore' });
  } catch (e) {
    remove();
    throw e;
  }
  return { main: join(dir, 'dist/index.js'), remove };
}

async function compare(ref: string, pairs: number): Promise<void> {
  const other = buildRef(ref);
  const measured: Record<'this' | 'ref', DeployMeasure[]> = { this: [], ref: [] };
  const ratios: number[] = [];
  try {
    useNginxSetup(setupAtStart);
    await v2Serving();
    let deploys = 0;
    for (let i = 0; i < pairs; i += 1) {
      // Turns: A B, then B A, so neither always runs right after the other's retire.
      const order: Array<'this' | 'ref'> = i % 2 === 0 ? ['this', 'ref'] : ['ref', 'this'];
      const pair: Partial<Record<'this' | 'ref', DeployMeasure>> = {};
      for (const which of order) {
        deploys += 1;
        pair[which] = await actionDeploy(deploys % 2 === 0 ? 'v2' : 'v1', false, which === 'ref' ? other.main : undefined);
        measured[which].push(pair[which] as DeployMeasure);
      }
      ratios.push((pair.this as DeployMeasure).wall / (pair.ref as DeployMeasure).wall);
      process.stdout.write('.');
    }
  } finally {
    try {
      other.remove();
    } finally {
      await resetStack();
    }
  }
  const med = (which: 'this' | 'ref', f: (d: DeployMeasure) => number | undefined): string => median(measured[which].map((d) => f(d) ?? 0)).toFixed(2);
  const rows = [
    ['deploy wall s (median)', (d: DeployMeasure) => d.wall],
    ['switch s (median)', (d: DeployMeasure) => d.switchSeconds],
    ...['lock', 'inspect', 'pull', 'start', 'ready', 'switch', 'bake', 'drain', 'retire'].map((p) => [`phase ${p} s`, (d: DeployMeasure) => d.phases?.[p]] as const),
  ] as const;
  console.log(`\n${pairs} pairs, deploys taking turns on the idle stack (${stackInfo().nginxSetup} setup, bake-time ${BAKE_TIME}, no load)\n`);
  console.log(`| what | this build | ${ref} |\n| --- | ---: | ---: |`);
  for (const [what, f] of rows) console.log(`| ${what} | ${med('this', f)} | ${med('ref', f)} |`);
  console.log(`\nWall time, this build / ${ref}, per pair: median **${median(ratios).toFixed(3)}** (from ${Math.min(...ratios).toFixed(3)} to ${Math.max(...ratios).toFixed(3)})`);
}

if (args.compare) {
  await compare(args.compare, Number(args.pairs));
  process.exit(0);
}

const results: Series[] = [];
for (const method of args.methods.split(',')) {
  for (const kind of ['new-connection', 'keep-alive'] as LoadKind[]) {
    process.stdout.write(`${method} under ${kind} load `);
    results.push(await series(method, kind));
    process.stdout.write(' done\n');
  }
}
useNginxSetup(setupAtStart);
await resetStack();
if (args.methods.includes('action-3')) await resetServers();

const walls = (method: string): number[] => results.filter((r) => r.method === method).flatMap((r) => r.deploys.map((d) => d.wall));
const rows = results.filter((r) => r.method !== 'bake-out').map((r) => {
  const switches = r.deploys.map((d) => d.switchSeconds).filter((x): x is number => x !== undefined);
  const errors = Object.entries(r.load.errorMessages).map(([k, v]) => `${k} ${v}`).join(', ');
  return `| ${r.method} | ${r.kind} | ${stats(r.deploys.map((d) => d.wall))} | ${median(r.deploys.map((d) => d.cpuSeconds ?? 0)).toFixed(1)} | ${r.method === 'naive' ? 'n/a (no switch)' : stats(switches)} | ${r.load.sent} | ${r.load.non2xx} | ${r.load.connectionErrors}${errors ? ` (${errors})` : ''} |`;
});
const actionDeploys = results.filter((r) => r.method === 'action').flatMap((r) => r.deploys);
const fleetDeploys = results.filter((r) => r.method === 'action-3').flatMap((r) => r.deploys);
const phaseNames = ['lock', 'inspect', 'pull', 'start', 'ready', 'switch', 'bake', 'drain', 'retire'];
const phaseMedian = (deploys: DeployMeasure[], p: string): string => (deploys.length ? `${median(deploys.map((d) => d.phases?.[p] ?? 0)).toFixed(2)} s` : 'n/a');
const phaseRows = phaseNames.map((p) => `| ${p} | ${phaseMedian(actionDeploys, p)} | ${phaseMedian(fleetDeploys, p)} |`);
const ratioOf = (a: string, b: string): string => (walls(a).length && walls(b).length ? (median(walls(a)) / median(walls(b))).toFixed(2) : 'n/a');
const ratio = ratioOf('action', 'naive');
const switchesOf = (method: string): number[] => results.filter((r) => r.method === method).flatMap((r) => r.deploys.map((d) => d.switchSeconds ?? 0));
const resetsOf = (method: string): number => results.filter((r) => r.method === method && r.kind === 'keep-alive').reduce((n, r) => n + r.load.connectionErrors, 0);
const bakeOuts = results.filter((r) => r.method === 'bake-out').flatMap((r) => r.deploys.map((d) => ({ kind: r.kind, ...d })));
const bakeOutRows = ['new-connection', 'keep-alive'].map((kind) => {
  const ds = bakeOuts.filter((d) => d.kind === kind);
  return ds.length ? `| ${kind} | ${ds.length} | ${stats(ds.map((d) => d.bakeOut?.switchBack ?? 0))} | ${stats(ds.map((d) => d.bakeOut?.badAnswers ?? 0))} | ${stats(ds.map((d) => d.wall))} |` : '';
}).filter(Boolean);
const cpu = cpus();
const report = `# Benchmarks

Produced by \`npm run bench -- --deploys ${DEPLOYS} --rate ${RATE} --sleep ${SLEEP_S} --bake-time ${BAKE_TIME} --methods ${args.methods}\` on ${new Date().toISOString().slice(0, 10)}:
${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, the test stack on loopback
(dockerd, registry, sshd, Redis, nginx, the confd stand-in with -watch) and its busybox test app,
which stops promptly on SIGTERM. Each row: ${DEPLOYS} consecutive deploys alternating v1/v2 with a cached
image, under a steady ${RATE} requests/s through nginx (new connection per request, or kept-alive connections).

| method | load | deploy wall s (min / median / max) | machine CPU s per deploy (median) | switch s (min / median / max) | requests | non-2xx | connection errors |
| --- | --- | --- | ---: | --- | ---: | ---: | ---: |
${rows.join('\n')}

Median deploy wall time, this action / naive script: **${ratio}**.
${switchesOf('action').length && switchesOf('action-no-reload').length ? `Median switch, ${setupAtStart} setup / no-reload setup: **${median(switchesOf('action')).toFixed(2)} s / ${median(switchesOf('action-no-reload')).toFixed(2)} s**;
kept-alive requests lost: **${resetsOf('action')} / ${resetsOf('action-no-reload')}**.
` : ''}${fleetDeploys.length ? `Median deploy wall time, three servers / one server: **${ratioOf('action-3', 'action')}**.
The three simulated servers share this machine's ${cpu.length} cores: a deploy's CPU time (most of it Docker's:
dockerd, containerd, runc and the docker CLI, per server) bounds how fast three can go side by side here.
Three servers' median CPU time over ${cpu.length} cores is **${(median(fleetDeploys.map((d) => d.cpuSeconds ?? 0)) / cpu.length).toFixed(2)} s**:
no deploy of three servers can take less wall time on this machine. On three real servers each has its own cores.
` : ''}
- *naive*: \`ssh; docker pull; docker rm -f; docker run\` on the same port: requests fail between
  the old process stopping and the new one listening.
- *fixed-sleep*: start on a new port, write the key, sleep ${SLEEP_S} s, stop the old container; its switch
  time is measured from outside (first nginx answer from the new port), its wall time is dominated by the sleep.
- *action*: switch = key write until ${'`probe-successes`'} fresh probes in a row named the new port.
- *action-no-reload*: the same deploy in the no-reload host setup (confd hands the address to nginx's
  Lua balancer through its admin socket; nginx is not reloaded).
- *action-3*: the same deploy to three simulated servers (network namespaces, each with its own dockerd,
  sshd, Redis, nginx and confd, on this machine's ${cpu.length} cores), batch-size 1, the load split across
  their nginx; its switch is the first server's. Prepare and retire run side by side; the switches one
  after the other.

${bakeOutRows.length ? `## A broken release baked out

The version answers 500 on \`/\` while its health path answers; \`bake-time 30s\` with \`access-log\` (nginx's
dhd_upstream log). Switch back: from the first failing signal the bake saw until nginx was proven on the old
container again (the deploy's own figure). Bad answers: non-2xx and connection errors the load got during the deploy.

| load | deploys | switch back s (min / median / max) | bad answers per deploy (min / median / max) | deploy wall s |
| --- | ---: | --- | --- | --- |
${bakeOutRows.join('\n')}

` : ''}## Where this action's time goes (median per phase)

| phase | one server | three servers (last server's) |
| --- | ---: | ---: |
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

