// `npm run bench [-- --deploys 10 --rate 20 --sleep 5 --bake-time 0s --methods ...]`: deploys under a
// fixed-rate load through nginx, six ways:
//   action      this action (dist/index.js under Node 24, as the runner runs it), with
//               --bake-time (default 0s: the bake apart, so the ratio compares the deploy itself)
//   naive       ssh; docker pull; docker rm -f; docker run on the same port
//   action-no-reload  the action in the no-reload host setup (docs/host-setup.md: "A switch without a
//               reload"): the stack switches setups for these rows and back after them
//   bake-out    this action deploying a version whose pages answer 500 (its health path answers),
//               with a bake reading nginx's log: detection and switch back, how long users saw it
//   action-3    this action to three simulated servers at once (the bed: up.sh --servers 3),
//               the same total load split across their nginx
//   fixed-sleep new container on another port, write the key, sleep, stop the old one
// What it does to tell the truth on a small machine:
// - The bed's daemons would share the cores with every row: it is stopped for the single-server
//   rows, started for the three-server rows only (run last), and left at the end as it was found.
// - Each measured deploy starts from the same state (v2 serving, deployed the method's own way, v1's
//   image cached; that setup is not measured) and deploys v1. The load's answers are counted from
//   the deploy's start until a second after it ended, its CPU time from /proc/stat minus this
//   process's (the load generator runs here).
// - action and naive take turns (A B, B A, ...) under one load: the ratio is taken per pair.
// - The load alone runs first, on the served app: at a rate this machine keeps up with, nothing fails.
// Prints a table and writes docs/benchmarks.md.
// `npm run bench -- --compare <git-ref>[,<git-ref>...] [--pairs 8]`: instead, this build (dist/ as
// it is: run `npm run build` first) and each ref's (built in a temporary worktree) deploy in turns
// on the idle stack, and the median wall, switch, phases and start of each are printed side by
// side, with the per-pair ratio, and written to docs/benchmarks-compare.md.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { NODE24, runPost, startAction, type ActionRun } from '../test/support/action.js';
import { describeLoad, startLoad, type Load, type LoadKind, type LoadReport } from '../test/support/load.js';
import { resetServers, serverImage, servers, serversInputs } from '../test/support/servers.js';
import {
  image,
  nginxGet,
  resetStack,
  stackInfo,
  stackInputs,
  stackScript,
  waitFor,
  type StackInfo,
} from '../test/support/stack.js';

const { values: args } = parseArgs({
  options: {
    deploys: { type: 'string', default: '10' },
    // 200 requests/s saturate two cores (the baseline times out): the rows would measure the load.
    rate: { type: 'string', default: '20' },
    sleep: { type: 'string', default: '5' },
    methods: { type: 'string', default: 'action,naive,action-no-reload,action-3,fixed-sleep,bake-out' },
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
const BED_SIZE = 3;
const BASELINE_MS = 10_000;
/** After a deploy: the answers in flight come back, and a naive deploy's app starts listening. */
const SETTLE_MS = 1000;
const STARTUP_RUNS = 10;
const KINDS: LoadKind[] = ['new-connection', 'keep-alive'];
const PHASES = ['lock', 'inspect', 'pull', 'start', 'ready', 'switch', 'bake', 'drain', 'retire'];
const stack = stackInfo();

type LoadCounts = Pick<LoadReport, 'sent' | 'non2xx' | 'connectionErrors' | 'errorMessages'>;
interface DeployMeasure {
  wall: number;
  switchSeconds?: number;
  phases?: Record<string, number>;
  sshConnections?: number;
  remoteCommands?: number;
  /** From the process's start to its first remote command: the bundle loaded, the inputs read, SSH connected. */
  firstCommandMs?: number;
  switchBack?: number;
}
/** A deploy of a row: with the machine's CPU time, without the load's, and what the load got while it ran. */
interface MeasuredDeploy extends DeployMeasure {
  cpuSeconds: number;
  load: LoadCounts;
}
interface Row {
  method: string;
  kind: LoadKind;
  deploys: MeasuredDeploy[];
}

// Asynchronous: the load generator shares this process and must keep sending.
const run = promisify(execFile);
const ssh = async (command: string): Promise<string> =>
  (
    await run(
      'ssh',
      [
        '-p',
        String(stack.sshPort),
        '-i',
        stack.privateKeyPath,
        '-o',
        'BatchMode=yes',
        '-o',
        'StrictHostKeyChecking=no',
        '-o',
        'UserKnownHostsFile=/dev/null',
        '-o',
        'LogLevel=ERROR',
        `${stack.username}@${stack.host}`,
        command,
      ],
      { encoding: 'utf8' },
    )
  ).stdout.trim();
const sshdAccepted = (): number =>
  readFileSync(`${stack.dir}/sshd.log`, 'utf8')
    .split('\n')
    .filter((l) => l.includes('Accepted publickey')).length;
const redisSet = (value: string): Promise<string> =>
  ssh(`redis-cli -p ${stack.redisPort} SET ${stack.redisKey} ${value}`);

/** CPU time the whole machine spent (every core, every process: the servers' dockerd and the load too). */
function machineCpuSeconds(): number {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = ticks;
  return (user + nice + system + irq + softirq + steal) / 100;
}

/** The machine's CPU time but this process's: the load generator runs here, and its cost is not the deploy's. */
function cpuSecondsWithoutLoad(): number {
  const own = process.cpuUsage();
  return machineCpuSeconds() - (own.user + own.system) / 1e6;
}

/** The phase durations from the job summary's table. */
function phasesOf(summary: string): Record<string, number> {
  const phases: Record<string, number> = {};
  for (const m of summary.matchAll(/^\| ✅ (\w+) \| ([\d.]+) s \|/gm)) phases[m[1]] = Number(m[2]);
  // With several servers the stage table comes first and shares names (lock, switch): the last server's phases win.
  return phases;
}

/** How the action prints each remote command with RUNNER_DEBUG set. */
const isRemoteCommand = (line: string): boolean => line.startsWith('::debug::$ ');

async function actionDeploy(version: string, several = false, main?: string): Promise<DeployMeasure> {
  const sshBefore = sshdAccepted();
  const started = Date.now();
  const bake = { 'bake-time': BAKE_TIME, 'access-log': stack.accessLog };
  const inputs = several
    ? serversInputs({ image: serverImage(version), ...bake })
    : stackInputs({ image: image(version), ...bake });
  const running = startAction(inputs, { RUNNER_DEBUG: '1' }, main);
  let firstCommandMs: number | undefined;
  let printed = '';
  running.child.stdout?.on('data', (chunk: Buffer) => {
    if (firstCommandMs !== undefined) return;
    printed += chunk.toString();
    if (printed.split('\n').some(isRemoteCommand)) firstCommandMs = Date.now() - started;
  });
  const run: ActionRun = await running.done;
  if (run.code !== 0) throw new Error(`action deploy failed:\n${run.stdout}`);
  return {
    wall: run.wallSeconds,
    switchSeconds: Number(run.outputs['switch-seconds']),
    phases: phasesOf(run.summary),
    sshConnections: several ? undefined : sshdAccepted() - sshBefore,
    remoteCommands: run.stdout.split('\n').filter(isRemoteCommand).length,
    firstCommandMs,
  };
}

/** The broken version, baked for 30 s: it must be switched back, and how fast (users' bad answers: the deploy's load). */
async function bakeOutDeploy(): Promise<DeployMeasure> {
  const run = await startAction(
    stackInputs({
      image: image('broken'),
      'bake-time': '30s',
      'access-log': stack.accessLog,
      'health-path': '/cgi-bin/health',
      'probe-url': 'http://127.0.0.1/cgi-bin/health',
    }),
  ).done;
  const switchBack = /From the first failing signal to nginx serving the previous version again: ([\d.]+) s/.exec(
    run.stdout,
  )?.[1];
  if (run.code === 0 || switchBack === undefined)
    throw new Error(`the broken version was not baked out:\n${run.stdout}`);
  return { wall: run.wallSeconds, switchBack: Number(switchBack) };
}

async function naiveDeploy(version: string): Promise<DeployMeasure> {
  const started = Date.now();
  await ssh(
    `docker pull -q ${image(version)} >/dev/null && docker rm -f hello-naive >/dev/null 2>&1; docker run -d --name hello-naive --label docker-hot-deploy.app=hello -p 127.0.0.1:${NAIVE_PORT}:8080 ${image(version)} >/dev/null`,
  );
  return { wall: (Date.now() - started) / 1000 };
}

async function fixedSleepDeploy(version: string): Promise<DeployMeasure> {
  const started = Date.now();
  const old = await ssh('docker ps -q --filter label=docker-hot-deploy.app=hello');
  const id = await ssh(
    `docker pull -q ${image(version)} >/dev/null && docker run -d --label docker-hot-deploy.app=hello -p 127.0.0.1::8080 ${image(version)}`,
  );
  const port = (await ssh(`docker port ${id} 8080/tcp | head -1`)).split(':').pop() ?? '';
  const written = Date.now();
  await redisSet(port);
  // Measured from outside, not by the script: when nginx first answered from the new port.
  let switchSeconds: number | undefined;
  const watch = waitFor(
    'nginx on the new port',
    async () => (await nginxGet()).upstream === `127.0.0.1:${port}`,
    SLEEP_S * 1000,
  ).then(
    () => {
      switchSeconds = (Date.now() - written) / 1000;
    },
    () => undefined,
  );
  await sleep(SLEEP_S * 1000);
  await watch;
  if (old)
    await ssh(
      `docker stop ${old.split('\n').join(' ')} >/dev/null && docker rm ${old.split('\n').join(' ')} >/dev/null`,
    );
  return { wall: (Date.now() - started) / 1000, switchSeconds };
}

/** v2 serving after v1, both deployed by this action (to the bed's servers if `several`): as between consecutive
 * deploys, v1 is a release whose image the action keeps. After a reset, one deploy would prune v1's image (no release
 * has it) and the next deploy of v1 would pull it. */
async function v2Serving(several = false): Promise<void> {
  if (several) await resetServers();
  else await resetStack();
  await actionDeploy('v1', several);
  await actionDeploy('v2', several);
}

/** The stack's nginx in `setup` (up.sh switches it, leaving the rest running, and says what it changed or why it failed). */
function useNginxSetup(setup: StackInfo['nginxSetup']): void {
  if (stackInfo().nginxSetup === setup) return;
  stackScript('up.sh', [], setup, 'inherit');
}
const setupAtStart = stack.nginxSetup;

/** How many simulated servers run (the bed: servers.json, which up.sh writes and stop_servers removes). */
function bedSize(): number {
  try {
    return servers().length;
  } catch {
    return 0;
  }
}
const bedAtStart = bedSize();

/** The bed with `size` servers, or none: what down.sh stops of it (servers.sh's stop_servers), then up.sh's `--servers`. */
function useBed(size: number): void {
  if (bedSize() === size) return;
  const stackDir = new URL('../test/stack', import.meta.url).pathname;
  execFileSync('bash', ['-c', 'source "$0/lib.sh" && source "$0/servers.sh" && need_root && stop_servers', stackDir], {
    env: { ...process.env, DHD_NGINX: stackInfo().nginxSetup },
    stdio: 'inherit',
  });
  if (size > 0) stackScript('up.sh', ['--servers', String(size)], undefined, 'inherit');
}

interface Method {
  deploy: (version: string) => Promise<DeployMeasure>;
  /** v2 serving, deployed this method's way, v1's image cached: each measured deploy starts there. */
  setUp: () => Promise<void>;
  nginxSetup?: StackInfo['nginxSetup'];
  onBed?: boolean;
}
const METHODS: Record<string, Method> = {
  action: { deploy: (v) => actionDeploy(v), setUp: () => v2Serving() },
  naive: {
    deploy: naiveDeploy,
    setUp: async () => {
      await resetStack();
      await naiveDeploy('v2');
      await redisSet(String(NAIVE_PORT));
      await waitFor('nginx on the naive port', async () => (await nginxGet()).upstream === `127.0.0.1:${NAIVE_PORT}`);
    },
  },
  'action-no-reload': { deploy: (v) => actionDeploy(v), setUp: () => v2Serving(), nginxSetup: 'no-reload' },
  'action-3': { deploy: (v) => actionDeploy(v, true), setUp: () => v2Serving(true), onBed: true },
  'fixed-sleep': {
    deploy: fixedSleepDeploy,
    setUp: async () => {
      await resetStack();
      await fixedSleepDeploy('v2');
    },
  },
  'bake-out': { deploy: bakeOutDeploy, setUp: () => v2Serving() },
};
/** Measured in turns under one load: the headline ratio is theirs, per pair. */
const PAIR = ['action', 'naive'];

/** Load counts added up, across loads or (scaled by -1) to take an earlier count away. */
function total(counts: LoadCounts[]): LoadCounts {
  const sum = (f: (c: LoadCounts) => number): number => counts.reduce((n, c) => n + f(c), 0);
  const errorMessages: Record<string, number> = {};
  for (const c of counts)
    for (const [k, v] of Object.entries(c.errorMessages)) errorMessages[k] = (errorMessages[k] ?? 0) + v;
  for (const [k, v] of Object.entries(errorMessages)) if (v === 0) delete errorMessages[k];
  return {
    sent: sum((c) => c.sent),
    non2xx: sum((c) => c.non2xx),
    connectionErrors: sum((c) => c.connectionErrors),
    errorMessages,
  };
}
const scaled = (c: LoadCounts, k: number): LoadCounts => ({
  sent: c.sent * k,
  non2xx: c.non2xx * k,
  connectionErrors: c.connectionErrors * k,
  errorMessages: Object.fromEntries(Object.entries(c.errorMessages).map(([m, n]) => [m, n * k])),
});
const countsNow = (loads: Load[]): LoadCounts => total(loads.map((l) => l.report()));
const failed = (c: LoadCounts): number => c.non2xx + c.connectionErrors;

/** The load on `urls`: the same total rate split across them (several servers' nginx). */
const startLoads = (urls: string[], kind: LoadKind): Load[] =>
  urls.map((url) =>
    startLoad({
      url,
      kind,
      ratePerSecond: RATE / urls.length,
      workers: Math.ceil(16 / urls.length),
      maxMs: 30 * 60_000,
    }),
  );

/** One deploy of v1 from v2 serving, with what the machine and the load went through while it ran. */
async function measuredDeploy(method: string, loads: Load[]): Promise<MeasuredDeploy> {
  await METHODS[method].setUp();
  const loadBefore = countsNow(loads);
  const cpuBefore = cpuSecondsWithoutLoad();
  const measure = await METHODS[method].deploy('v1');
  const cpuSeconds = cpuSecondsWithoutLoad() - cpuBefore;
  await sleep(SETTLE_MS);
  return { ...measure, cpuSeconds, load: total([countsNow(loads), scaled(loadBefore, -1)]) };
}

/** A B, then B A, ...: neither always runs right after the other. */
const turn = <T>(round: number, items: readonly T[]): T[] => (round % 2 === 0 ? [...items] : [...items].reverse());

/** The rows of methods measured in turns under one load of `kind`. */
async function measuredInTurns(group: string[], kind: LoadKind): Promise<Row[]> {
  const { nginxSetup, onBed } = METHODS[group[0]];
  useNginxSetup(nginxSetup ?? setupAtStart);
  useBed(onBed ? BED_SIZE : 0);
  const loads = startLoads(onBed ? servers().map((s) => s.nginxUrl) : [stack.nginxUrl], kind);
  const rows = group.map((method): Row => ({ method, kind, deploys: [] }));
  try {
    for (let i = 0; i < DEPLOYS; i += 1) {
      for (const row of turn(i, rows)) row.deploys.push(await measuredDeploy(row.method, loads));
      process.stdout.write('.');
    }
  } finally {
    await Promise.all(loads.map((l) => l.stop()));
  }
  return rows;
}

/** The methods asked for, as groups measured together: action and naive in turns, each other alone;
 * the bed's last, so that it starts once and nothing else runs beside the single-server rows. */
function groupsOf(methods: string[]): string[][] {
  const unknown = methods.filter((m) => !METHODS[m]);
  if (unknown.length)
    throw new Error(`unknown methods: ${unknown.join(', ')} (known: ${Object.keys(METHODS).join(', ')})`);
  const paired = PAIR.every((m) => methods.includes(m));
  const groups = [...(paired ? [PAIR] : []), ...methods.filter((m) => !(paired && PAIR.includes(m))).map((m) => [m])];
  return [...groups.filter((g) => !METHODS[g[0]].onBed), ...groups.filter((g) => METHODS[g[0]].onBed)];
}

/** The load alone for a while, on the served app: what it costs the machine by itself. */
async function baseline(kind: LoadKind): Promise<LoadReport> {
  const [load] = startLoads([stack.nginxUrl], kind);
  await sleep(BASELINE_MS);
  return load.stop();
}

/** The q-quantile, interpolated between the two nearest values. */
function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const at = (s.length - 1) * q;
  const below = Math.floor(at);
  return s[below] + (s[Math.min(below + 1, s.length - 1)] - s[below]) * (at - below);
}
const median = (xs: number[]): number => quantile(xs, 0.5);
const stats = (xs: number[]): string =>
  xs.length ? `${Math.min(...xs).toFixed(2)} / ${median(xs).toFixed(2)} / ${Math.max(...xs).toFixed(2)}` : 'n/a';
/** Per-pair ratios: the median, the middle half and the extremes. */
function ratioSpread(ratios: number[]): string {
  const at = (q: number): string => quantile(ratios, q).toFixed(3);
  return `median **${at(0.5)}** over ${ratios.length} pairs (middle half ${at(0.25)} to ${at(0.75)}, all from ${at(0)} to ${at(1)})`;
}

/** How long a step takes to start, find nothing to do and exit: node's start and what the bundle loads (main without
 * inputs: to its input error; post after a deploy that finished, as after most deploys: STATE_finished). */
async function idleExitMs(step: () => Promise<ActionRun>, code: number): Promise<number> {
  const done = await step();
  if (done.code !== code) throw new Error(`the step exited ${done.code}, not ${code}:\n${done.stdout}`);
  return done.wallSeconds * 1000;
}
const mainWithoutInputs = (main?: string): Promise<number> => idleExitMs(() => startAction({}, {}, main).done, 1);
const postAfterFinishedDeploy = (): Promise<number> => idleExitMs(() => runPost({}, { finished: 'true' }), 0);
/** Node itself, for scale: what no bundle can go below. */
async function nodeAloneMs(): Promise<number> {
  const started = Date.now();
  await run(NODE24, ['-e', '0']);
  return Date.now() - started;
}

async function medianMs(once: () => Promise<number>): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < STARTUP_RUNS; i += 1) ms.push(await once());
  return median(ms);
}

/** Runs `work`, then leaves the stack as found: its nginx setup, the bed (up or not), nothing deployed. */
async function leavingStackAsFound(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } finally {
    useNginxSetup(setupAtStart);
    await resetStack();
    useBed(bedAtStart);
    if (bedAtStart) await resetServers();
  }
}

/** The ref's dist/, built in a temporary worktree that shares this clone's node_modules. */
function buildRef(ref: string): { main: string; remove: () => void } {
  const repo = new URL('..', import.meta.url).pathname;
  const dir = mkdtempSync(join(tmpdir(), 'dhd-compare-'));
  execFileSync('git', ['worktree', 'add', '--detach', dir, ref], { cwd: repo, stdio: 'ignore' });
  const remove = (): void => {
    execFileSync('git', ['worktree', 'remove', '--force', dir], { cwd: repo, stdio: 'ignore' });
  };
  try {
    symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'));
    execFileSync('npm', ['run', 'build'], { cwd: dir, stdio: 'ignore' });
  } catch (e) {
    remove();
    throw e;
  }
  return { main: join(dir, 'dist/index.js'), remove };
}

async function compare(ref: string, pairs: number): Promise<string> {
  const other = buildRef(ref);
  const mainOf = (which: 'this' | 'ref'): string | undefined => (which === 'ref' ? other.main : undefined);
  const measured: Record<'this' | 'ref', DeployMeasure[]> = { this: [], ref: [] };
  const startMs: Record<'this' | 'ref', number[]> = { this: [], ref: [] };
  const ratios: number[] = [];
  try {
    useBed(0);
    useNginxSetup(setupAtStart);
    for (let i = 0; i < STARTUP_RUNS; i += 1) {
      for (const which of turn(i, ['this', 'ref'] as const))
        startMs[which].push(await mainWithoutInputs(mainOf(which)));
    }
    await v2Serving();
    let deploys = 0;
    for (let i = 0; i < pairs; i += 1) {
      const pair: Partial<Record<'this' | 'ref', DeployMeasure>> = {};
      for (const which of turn(i, ['this', 'ref'] as const)) {
        deploys += 1;
        pair[which] = await actionDeploy(deploys % 2 === 0 ? 'v2' : 'v1', false, mainOf(which));
        measured[which].push(pair[which]);
      }
      ratios.push((pair.this as DeployMeasure).wall / (pair.ref as DeployMeasure).wall);
      process.stdout.write('.');
    }
  } finally {
    other.remove();
  }
  const med = (which: 'this' | 'ref', f: (d: DeployMeasure) => number | undefined): string =>
    median(measured[which].map((d) => f(d) ?? 0)).toFixed(2);
  const lines = [
    ['deploy wall s (median)', (d: DeployMeasure) => d.wall],
    ['switch s (median)', (d: DeployMeasure) => d.switchSeconds],
    ['start to first remote command s (median)', (d: DeployMeasure) => (d.firstCommandMs ?? 0) / 1000],
    ...PHASES.map((p) => [`phase ${p} s`, (d: DeployMeasure) => d.phases?.[p]] as const),
  ] as const;
  const startMedian = (which: 'this' | 'ref'): string => median(startMs[which]).toFixed(0);
  const subject = execFileSync('git', ['log', '-1', '--format=%s', ref], { encoding: 'utf8' }).trim().slice(0, 100);
  return [
    `## Against ${ref}`,
    '',
    `${ref}: ${subject}…`,
    '',
    `${pairs} pairs, deploys taking turns on the idle stack (${stackInfo().nginxSetup} setup, bake-time ${BAKE_TIME}, ` +
      'no load, no simulated servers).',
    '',
    `| what | this build | ${ref} |`,
    '| --- | ---: | ---: |',
    ...lines.map(([what, f]) => `| ${what} | ${med('this', f)} | ${med('ref', f)} |`),
    `| dist/index.js without inputs: start to exit ms (median of ${STARTUP_RUNS}) | ${startMedian('this')} | ${startMedian('ref')} |`,
    '',
    `Wall time, this build / ${ref}, per pair: ${ratioSpread(ratios)}`,
    '',
  ].join('\n');
}

// Each ref in turn against this tree; written to docs/benchmarks-compare.md.
if (args.compare) {
  const refs = args.compare.split(',');
  const sections: string[] = [];
  await leavingStackAsFound(async () => {
    for (const ref of refs) sections.push(await compare(ref, Number(args.pairs)));
  });
  const report = `# This build against earlier ones\n\nProduced by \`npm run bench -- --compare ${args.compare} --pairs ${args.pairs}\` on ${new Date().toISOString().slice(0, 10)}, on the machine docs/benchmarks.md describes.\n\n${sections.join('\n')}`;
  console.log(`\n${report}`);
  writeFileSync(new URL('../docs/benchmarks-compare.md', import.meta.url), report);
  process.exit(0);
}

const groups = groupsOf(args.methods.split(','));
const results: Row[] = [];
const baselines: LoadReport[] = [];
const idleExit = { main: 0, post: 0, node: 0 };
await leavingStackAsFound(async () => {
  useBed(0);
  useNginxSetup(setupAtStart);
  // On the idle machine, before any load.
  idleExit.main = await medianMs(() => mainWithoutInputs());
  idleExit.post = await medianMs(postAfterFinishedDeploy);
  idleExit.node = await medianMs(nodeAloneMs);
  await v2Serving();
  for (const kind of KINDS) {
    process.stdout.write(`the load alone for ${BASELINE_MS / 1000} s: `);
    baselines.push(await baseline(kind));
    console.log(describeLoad(baselines[baselines.length - 1]));
  }
  for (const group of groups) {
    const groupRows: Row[] = [];
    for (const kind of KINDS) {
      process.stdout.write(`${group.join(' and ')} under ${kind} load `);
      groupRows.push(...(await measuredInTurns(group, kind)));
      process.stdout.write(' done\n');
    }
    // A method's rows together in the table.
    results.push(...group.flatMap((method) => groupRows.filter((r) => r.method === method)));
  }
});

const rowsOf = (method: string): Row[] => results.filter((r) => r.method === method);
const deploysOf = (method: string): MeasuredDeploy[] => rowsOf(method).flatMap((r) => r.deploys);
const loadOf = (r: Row): LoadCounts => total(r.deploys.map((d) => d.load));
const rows = results
  .filter((r) => r.method !== 'bake-out')
  .map((r) => {
    const switches = r.deploys.map((d) => d.switchSeconds).filter((x): x is number => x !== undefined);
    const load = loadOf(r);
    const errors = Object.entries(load.errorMessages)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    return (
      `| ${r.method} | ${r.kind} | ${stats(r.deploys.map((d) => d.wall))} | ${median(r.deploys.map((d) => d.cpuSeconds)).toFixed(2)} ` +
      `| ${r.method === 'naive' ? 'n/a (no switch)' : stats(switches)} | ${load.sent} | ${load.non2xx} ` +
      `| ${load.connectionErrors}${errors ? ` (${errors})` : ''} |`
    );
  });
const baselineRows = baselines.map((b) => {
  const ms = b.answers.map((a) => a.ms);
  return `| ${b.kind} | ${b.sent} | ${b.non2xx} | ${b.connectionErrors} | ${quantile(ms, 0.5).toFixed(1)} | ${quantile(ms, 0.99).toFixed(1)} |`;
});
const baselineFailures = baselines.reduce((n, b) => n + failed(b), 0);
// The two rows of a load kind were measured in turns: deploy i of each is pair i.
const pairRatios = rowsOf('action').flatMap((a) => {
  const naive = rowsOf('naive').find((n) => n.kind === a.kind);
  return naive ? a.deploys.map((d, i) => d.wall / naive.deploys[i].wall) : [];
});
const actionDeploys = deploysOf('action');
const fleetDeploys = deploysOf('action-3');
const phaseMedian = (deploys: DeployMeasure[], p: string): string =>
  deploys.length ? `${median(deploys.map((d) => d.phases?.[p] ?? 0)).toFixed(2)} s` : 'n/a';
const phaseRows = PHASES.map((p) => `| ${p} | ${phaseMedian(actionDeploys, p)} | ${phaseMedian(fleetDeploys, p)} |`);
const walls = (method: string): number[] => deploysOf(method).map((d) => d.wall);
const ratioOf = (a: string, b: string): string =>
  walls(a).length && walls(b).length ? (median(walls(a)) / median(walls(b))).toFixed(2) : 'n/a';
const switchesOf = (method: string): number[] => deploysOf(method).map((d) => d.switchSeconds ?? 0);
const resetsOf = (method: string): number =>
  rowsOf(method)
    .filter((r) => r.kind === 'keep-alive')
    .reduce((n, r) => n + loadOf(r).connectionErrors, 0);
const bakeOutRows = rowsOf('bake-out').map(
  (r) =>
    `| ${r.kind} | ${r.deploys.length} | ${stats(r.deploys.map((d) => d.switchBack ?? 0))} ` +
    `| ${stats(r.deploys.map((d) => failed(d.load)))} | ${stats(r.deploys.map((d) => d.wall))} |`,
);
const cpu = cpus();
const report = `# Benchmarks

Produced by \`npm run bench -- --deploys ${DEPLOYS} --rate ${RATE} --sleep ${SLEEP_S} --bake-time ${BAKE_TIME} --methods ${args.methods}\` on ${new Date().toISOString().slice(0, 10)}:
${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, the test stack on loopback
(dockerd, registry, sshd, Redis, nginx, the confd stand-in with -watch) and its busybox test app,
which stops promptly on SIGTERM. The simulated servers run only for the three-server rows: for the others
they are stopped. The load is a steady ${RATE} requests/s through nginx (new connection per
request, or kept-alive connections), generated inside the benchmark's own process.

Each row: ${DEPLOYS} deploys of v1, each from v2 serving with v1's image cached, as between consecutive deploys
(set up the row's own way, not measured: for the action, a deploy of v1 then v2, as after a reset one deploy
alone would prune v1's image). A deploy's requests and failures are the load's answers from its start until
${SETTLE_MS / 1000} s after it ended; its CPU time is the machine's (/proc/stat: every core, every process)
minus the benchmark process's own, which is the load generator's.${
  pairRatios.length
    ? ` The action and naive rows were
measured in turns (action, naive, then naive, action, ...) under one load, so that each pair saw the same machine.`
    : ''
}

This build against earlier ones, deploys in turns on the idle stack: [benchmarks-compare.md](benchmarks-compare.md)
(\`npm run bench -- --compare <git-ref>\`).

## The load alone

${BASELINE_MS / 1000} s of the load with v2 serving and no deploy: what the machine answers when nothing else happens.

| load | requests | non-2xx | connection errors | latency p50 ms | latency p99 ms |
| --- | ---: | ---: | ---: | ---: | ---: |
${baselineRows.join('\n')}
${
  baselineFailures
    ? `
**The load alone failed ${baselineFailures} requests: this machine does not keep up with ${RATE} requests/s, and the rows below measure that, not the deploys.**
`
    : ''
}
## Deploys

| method | load | deploy wall s (min / median / max) | machine CPU s per deploy, without the load (median) | switch s (min / median / max) | requests | non-2xx | connection errors |
| --- | --- | --- | ---: | --- | ---: | ---: | ---: |
${rows.join('\n')}

${
  pairRatios.length
    ? `Deploy wall time, this action / naive script, per pair: ${ratioSpread(pairRatios)}.
`
    : ''
}${
  switchesOf('action').length && switchesOf('action-no-reload').length
    ? `Median switch, ${setupAtStart} setup / no-reload setup: **${median(switchesOf('action')).toFixed(2)} s / ${median(switchesOf('action-no-reload')).toFixed(2)} s**;
kept-alive requests lost: **${resetsOf('action')} / ${resetsOf('action-no-reload')}**.
`
    : ''
}${
  fleetDeploys.length
    ? `Median deploy wall time, three servers / one server: **${ratioOf('action-3', 'action')}**.
The three simulated servers share this machine's ${cpu.length} cores: a deploy's CPU time (most of it Docker's:
dockerd, containerd, runc and the docker CLI, per server) bounds how fast three can go side by side here.
Three servers' median CPU time over ${cpu.length} cores is **${(median(fleetDeploys.map((d) => d.cpuSeconds)) / cpu.length).toFixed(2)} s**:
no deploy of three servers can take less wall time on this machine. On three real servers each has its own cores.
`
    : ''
}
- *naive*: \`ssh; docker pull; docker rm -f; docker run\` on the same port: requests fail between
  the old process stopping and the new one listening.
- *fixed-sleep*: start on a new port, write the key, sleep ${SLEEP_S} s, stop the old container; its switch
  time is measured from outside (first nginx answer from the new port), its wall time is dominated by the sleep.
- *action*: switch = key write until ${'`probe-successes`'} fresh probes in a row named the new port.
- *action-no-reload*: the same deploy in the no-reload host setup (confd hands the address to nginx's
  Lua balancer through its admin socket; nginx is not reloaded).
- *action-3*: the same deploy to three simulated servers (network namespaces, each with its own dockerd,
  sshd, Redis, nginx and confd, on this machine's ${cpu.length} cores, started for these rows only), batch-size 1,
  the load split across their nginx; its switch is the first server's. Prepare and retire run side by side;
  the switches one after the other.

${
  bakeOutRows.length
    ? `## A broken release baked out

The version answers 500 on \`/\` while its health path answers; \`bake-time 30s\` with \`access-log\` (nginx's
dhd_upstream log). Switch back: from the first failing signal the bake saw until nginx was proven on the old
container again (the deploy's own figure). Bad answers: non-2xx and connection errors the load got during the deploy.

| load | deploys | switch back s (min / median / max) | bad answers per deploy (min / median / max) | deploy wall s |
| --- | ---: | --- | --- | --- |
${bakeOutRows.join('\n')}

`
    : ''
}## Where this action's time goes (median per phase)

| phase | one server | three servers (last server's) |
| --- | ---: | ---: |
${phaseRows.join('\n')}

## Cost of the action itself

Start to exit: on the idle machine, median of ${STARTUP_RUNS} runs under Node 24 as the runner starts a step.

| what | value |
| --- | ---: |
| dist/index.js without inputs: start to its input error and exit | ${idleExit.main.toFixed(0)} ms |
| dist/post/index.js after a deploy that finished: start to exit | ${idleExit.post.toFixed(0)} ms |
| Node 24 alone (node -e 0), for scale | ${idleExit.node.toFixed(0)} ms |
| a deploy under load: process start to its first remote command (bundle, inputs, SSH connection) | ${median(actionDeploys.map((d) => d.firstCommandMs ?? 0)).toFixed(0)} ms |
| SSH connections per deploy | ${stats(actionDeploys.map((d) => d.sshConnections ?? 0))} |
| remote commands per deploy | ${stats(actionDeploys.map((d) => d.remoteCommands ?? 0))} |
| bundle size (dist/index.js) | ${(statSync(new URL('../dist/index.js', import.meta.url)).size / 2 ** 20).toFixed(2)} MiB |
`;
console.log(`\n${report}`);
mkdirSync(new URL('../docs', import.meta.url), { recursive: true });
writeFileSync(new URL('../docs/benchmarks.md', import.meta.url), report);
