import { fileURLToPath as __dhdFileURLToPath } from 'node:url';
const __filename = __dhdFileURLToPath(import.meta.url);
const __dirname = __dhdFileURLToPath(new URL('.', import.meta.url));
export const id = 751;
export const ids = [751];
export const modules = {

/***/ 6384:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   AZ: () => (/* binding */ trafficReport),
/* harmony export */   Ps: () => (/* binding */ noTraffic),
/* harmony export */   SB: () => (/* binding */ probeVerdict),
/* harmony export */   XH: () => (/* binding */ parseAccessLines),
/* harmony export */   YI: () => (/* binding */ bakeLine),
/* harmony export */   tA: () => (/* binding */ bakeEvidence),
/* harmony export */   tZ: () => (/* binding */ trafficVerdict),
/* harmony export */   zv: () => (/* binding */ countTraffic)
/* harmony export */ });
/* unused harmony exports ERRORS_IN_A_ROW, PROBE_FAILURES_IN_A_ROW, percent, percentile */
/* harmony import */ var _remote_upstream_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(817);
// The bake's judgement, pure (README, "The bake"): nginx's upstream
// log lines parsed, the new version's answers counted, and the verdict on them,
// on the probes and on the container's own state. bake.ts does the watching.

/** 5xx answers in a row that fail the bake whatever their share. */
const ERRORS_IN_A_ROW = 10;
/** Probes through nginx that failed in a row: one may be a blip, three are the new version. */
const PROBE_FAILURES_IN_A_ROW = 3;
/** Failing requests kept as evidence. */
const KEPT_FAILURES = 5;
/** Answer times kept for the percentiles: enough for a busy site's 30 s, bounded. */
const KEPT_TIMES = 100_000;
/** The log lines in `text`; an unfinished last line is handed back to be read again with what follows. */
function parseAccessLines(text) {
    const lines = text.split('\n');
    const rest = lines.pop() ?? '';
    const entries = [];
    let garbage = 0;
    for (const line of lines) {
        if (!line.trim())
            continue;
        const entry = accessEntry(line);
        if (entry)
            entries.push(entry);
        else
            garbage += 1;
    }
    return { entries, garbage, rest };
}
function accessEntry(line) {
    let value;
    try {
        value = JSON.parse(line);
    }
    catch {
        return undefined;
    }
    if (typeof value !== 'object' || value === null)
        return undefined;
    const { msec, upstream, status, request_time: requestTime, request } = value;
    if (typeof msec !== 'number' ||
        typeof upstream !== 'string' ||
        !Number.isInteger(status) ||
        typeof requestTime !== 'number' ||
        typeof request !== 'string')
        return undefined;
    return { msec, upstream, status: status, requestTime, request };
}
const isServerError = (status) => status !== undefined && status >= 500;
const noTraffic = () => ({
    requests: 0,
    errors: 0,
    errorsInARow: 0,
    byStatus: {},
    firstFailures: [],
    garbage: 0,
    times: [],
});
/** Counts the entries the new version (on `port`) answered; nginx's own 502/504 for it count too. */
function countTraffic(traffic, entries, port) {
    for (const entry of entries) {
        if ((0,_remote_upstream_js__WEBPACK_IMPORTED_MODULE_0__/* .upstreamPort */ .$6)(entry.upstream) !== port)
            continue;
        traffic.requests += 1;
        traffic.byStatus[entry.status] = (traffic.byStatus[entry.status] ?? 0) + 1;
        if (traffic.times.length < KEPT_TIMES)
            traffic.times.push(entry.requestTime);
        if (!isServerError(entry.status)) {
            traffic.errorsInARow = 0;
            continue;
        }
        traffic.errors += 1;
        traffic.errorsInARow += 1;
        if (traffic.firstFailures.length < KEPT_FAILURES)
            traffic.firstFailures.push(`${requestLine(entry.request)} -> ${entry.status}`);
    }
}
/** "GET /path?q HTTP/1.1" -> "GET /path?q". */
const requestLine = (request) => request.split(' ').slice(0, 2).join(' ');
const percent = (part, whole) => (whole === 0 ? 0 : (100 * part) / whole);
/** Why the new version's answers fail the bake, or undefined. */
function trafficVerdict(traffic, limits) {
    // The rule it hit, not how many more one read of the log happened to hold.
    if (traffic.errorsInARow >= ERRORS_IN_A_ROW)
        return `the new version answered ${ERRORS_IN_A_ROW} requests in a row with 5xx (access-log)`;
    const share = percent(traffic.errors, traffic.requests);
    if (traffic.requests >= limits.minRequests && traffic.errors > 0 && share >= limits.maxErrorPercent) {
        return `${traffic.errors} of ${traffic.requests} requests the new version answered were 5xx (${share.toFixed(1)}%, bake-max-errors ${limits.maxErrorPercent}%; access-log)`;
    }
    return undefined;
}
/** Why the probes fail the bake (the last PROBE_FAILURES_IN_A_ROW all failed), or undefined. */
function probeVerdict(recent, path) {
    const last = recent.slice(-PROBE_FAILURES_IN_A_ROW);
    if (last.length < PROBE_FAILURES_IN_A_ROW || !last.every((p) => p.error !== undefined || isServerError(p.status)))
        return undefined;
    const latest = last[last.length - 1];
    const what = latest.error ?? `answered ${latest.status}${latest.upstream ? ` (upstream ${latest.upstream})` : ''}`;
    return `probe-url ${path} failed ${PROBE_FAILURES_IN_A_ROW} times in a row through nginx: ${what}`;
}
/** The p-th percentile (0-100) of `values`, or undefined when there are none. */
function percentile(values, p) {
    if (values.length === 0)
        return undefined;
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
/** The report's traffic part, percentiles computed. */
function trafficReport(traffic) {
    const { requests, errors, byStatus, firstFailures, garbage, times } = traffic;
    return { requests, errors, byStatus, firstFailures, garbage, p50: percentile(times, 50), p99: percentile(times, 99) };
}
/** A bake in a few words: "30 s, 412 requests, 0 5xx (0.0%), p50 0.004 s, p99 0.020 s". */
function bakeLine(report) {
    const parts = [`${report.seconds.toFixed(1)} s`];
    const t = report.traffic;
    if (t) {
        parts.push(`${t.requests} requests, ${t.errors} 5xx (${percent(t.errors, t.requests).toFixed(1)}%)`);
        if (t.p50 !== undefined && t.p99 !== undefined)
            parts.push(`p50 ${t.p50.toFixed(3)} s, p99 ${t.p99.toFixed(3)} s`);
    }
    else {
        parts.push(`real traffic not watched (${report.notWatched ?? 'no access-log'})`);
    }
    parts.push(`${report.probes} probes, ${report.probeFailures} failed`);
    if (report.restarts > 0)
        parts.push(`${report.restarts} restart(s)`);
    return parts.join(', ');
}
/** A failed bake's evidence, as lines: counts by status and the first failing requests. */
function bakeEvidence(report) {
    const lines = [];
    const t = report.traffic;
    if (t) {
        const statuses = Object.entries(t.byStatus)
            .map(([status, count]) => `${status}: ${count}`)
            .join(', ');
        lines.push(`The new version answered ${t.requests} requests (${statuses || 'none'}).`);
        if (t.firstFailures.length > 0)
            lines.push(`First failing requests: ${t.firstFailures.join('; ')}`);
    }
    if (report.switchBackSeconds !== undefined)
        lines.push(`From the first failing signal to nginx serving the previous version again: ${report.switchBackSeconds.toFixed(2)} s.`);
    return lines;
}


/***/ }),

/***/ 751:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  uA: () => (/* binding */ TIMEOUT_GRACE_MS),
  t$: () => (/* binding */ newIdentity),
  Yz: () => (/* binding */ outputsOf),
  dQ: () => (/* binding */ realClock),
  zt: () => (/* binding */ runDeploy)
});

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:timers/promises"
var promises_ = __webpack_require__(8500);
// EXTERNAL MODULE: ./src/deploy/run.ts
var deploy_run = __webpack_require__(114);
// EXTERNAL MODULE: ./src/config/inputs.ts + 2 modules
var inputs = __webpack_require__(1168);
// EXTERNAL MODULE: ./src/deploy/bake-rules.ts
var bake_rules = __webpack_require__(6384);
;// CONCATENATED MODULE: ./src/deploy/bake.ts
// The bake (README, "The bake"): after the switch, the new version
// is watched for bake-time while the previous container stays warm. Twice a
// second: the container's own state, what nginx logged for the new upstream
// since the switch, and (every other time) a probe through nginx. The verdicts
// are bake-rules.ts's; this module only gathers what they judge.

const TICK_MS = 500;
/** Reads of access-log that failed in a row (rotation between stat and read, a busy server) before
 * the bake stops watching real traffic and goes on with the container and the probes. */
const LOG_READ_ATTEMPTS = 3;
const PROGRESS_EVERY_MS = 10_000;
/** Watches until bake-time passed or a verdict failed; the report says which, and when it was seen (failedAt). */
async function watchBake(watch, plan) {
    const t0 = watch.now();
    const traffic = (0,bake_rules/* noTraffic */.Ps)();
    const probes = [];
    let probeFailures = 0;
    let restarts = 0;
    let position = plan.logStart && 'offset' in plan.logStart ? plan.logStart : undefined;
    let notWatched = !watch.readLog
        ? 'no access-log set'
        : plan.logStart && 'unreadable' in plan.logStart
            ? plan.logStart.unreadable
            : undefined;
    let readFailures = 0;
    const readLog = async (from) => {
        try {
            const read = await watch.readLog?.(from);
            readFailures = 0;
            return read;
        }
        catch (e) {
            readFailures += 1;
            if (readFailures < LOG_READ_ATTEMPTS)
                return undefined;
            notWatched = `access-log could not be read ${LOG_READ_ATTEMPTS} times in a row (${e.message})`;
            watch.progress(`${notWatched}: the bake goes on with the container and the probes`);
            position = undefined;
            return undefined;
        }
    };
    let lastProgress = t0;
    const report = (reason) => ({
        passed: reason === undefined,
        seconds: (watch.now() - t0) / 1000,
        reason,
        traffic: notWatched === undefined ? (0,bake_rules/* trafficReport */.AZ)(traffic) : undefined,
        notWatched,
        probes: probes.length,
        probeFailures,
        restarts,
        failedAt: reason === undefined ? undefined : watch.now(),
    });
    for (let tick = 0;; tick += 1) {
        const [container, read, probe] = await Promise.all([
            watch.container(),
            position ? readLog(position) : undefined,
            tick % 2 === 0 ? watch.probe() : undefined,
        ]);
        restarts = container.restarts;
        if (container.failure)
            return report(container.failure);
        if (read) {
            position = read.position;
            const { entries, garbage } = (0,bake_rules/* parseAccessLines */.XH)(read.text);
            traffic.garbage += garbage;
            (0,bake_rules/* countTraffic */.zv)(traffic, entries, plan.port);
            const verdict = (0,bake_rules/* trafficVerdict */.tZ)(traffic, plan.limits);
            if (verdict)
                return report(verdict);
        }
        if (probe) {
            probes.push(probe);
            if (probe.error !== undefined || (probe.status ?? 0) >= 500)
                probeFailures += 1;
            const verdict = (0,bake_rules/* probeVerdict */.SB)(probes, plan.probePath);
            if (verdict)
                return report(verdict);
        }
        const elapsed = watch.now() - t0;
        if (elapsed >= plan.timeMs)
            return report();
        if (watch.now() - lastProgress >= PROGRESS_EVERY_MS) {
            lastProgress = watch.now();
            const seen = position
                ? `${traffic.requests} requests, ${traffic.errors} 5xx`
                : `${probes.length} probes, ${probeFailures} failed`;
            watch.progress(`baking: ${Math.round(elapsed / 1000)} of ${plan.timeMs / 1000} s, ${seen}`);
        }
        await watch.pause(Math.min(TICK_MS, plan.timeMs - elapsed));
    }
}

// EXTERNAL MODULE: ./src/remote/probe-result.ts
var probe_result = __webpack_require__(4292);
// EXTERNAL MODULE: ./src/remote/confd.ts
var remote_confd = __webpack_require__(6208);
// EXTERNAL MODULE: ./src/remote/upstream.ts
var upstream = __webpack_require__(817);
;// CONCATENATED MODULE: ./src/deploy/server/hints.ts



const HINTS = {
    lock: `Another deploy of this key is running (see the holder above); raise lock-timeout or retry when it finished. A holder that died frees the lock within ${deploy_run/* LOCK_TTL_MS */.cU / 1000} s.`,
    inspect: 'Check redis-url (as seen from the server) and that the deploy user may run docker.',
    pull: 'Check the image reference, the registry credentials and that the server reaches the registry.',
    start: 'Check container-port, port-range, run-args and env-file; the previous version was not touched.',
    release: 'The release command failed: see its log lines above. Nothing was started or switched: the previous version serves. Write migrations the running version tolerates (expand, then contract).',
    ready: 'The new container never served: see its log lines above. The previous version was not touched.',
    bake: 'The bake watches the new version after the switch (bake-time) while the previous one keeps running; when it cannot go on, the deploy switches back.',
    switch: 'Check that confd runs with -watch, its check_cmd and reload_cmd, and that nginx sends the upstream header.',
    undo: 'Check confd and nginx on this server: the key names the previous container again.',
    drain: 'The switch succeeded; the old container may still hold connections.',
    retire: 'The switch succeeded; clean up the old container by hand.',
};
const INTERRUPTED_HINT = 'The deploy was asked to stop: what it changed is undone, and the previous version serves.';
function connectionLostHint(switched, containerName) {
    return switched
        ? `Check the server and the network. ${containerName} may serve; the lock expires by itself, and the next deploy retires whichever container the key does not name.`
        : 'Check the server and the network. Nothing was switched: the previous version serves; the post step (or the next deploy) removes what this one started.';
}
function lockLostHint(switched, containerName) {
    return switched
        ? `Another deploy may hold the lock now, so this one stopped. ${containerName} may serve; the previous container still runs, and the next deploy retires whichever the key does not name.`
        : 'Another deploy may hold the lock now, so this one stopped: nothing was switched, the previous version serves, and the new container was removed.';
}
/** A bake verdict: the new version failed; the deploy switches back to the previous one, which kept running. */
function bakeHint(config) {
    const release = config.container.releaseCommand.length > 0
        ? ' The release command ran before the switch: the previous version now runs against what it changed (write migrations the previous version tolerates: expand, then contract).'
        : '';
    return `The new version failed through nginx after its ready check passed: see the evidence and its log lines. The deploy switches back to the previous version, which kept running.${release}`;
}
/** What a failed switch looks like from outside, and what to check. */
function switchHint(probes, config, port, facts) {
    const header = config.switch.upstreamHeader;
    if (probes.length > 0 && probes.every((p) => p.error))
        return `nginx did not answer at probe-url ${config.switch.probeUrl.href} (${probes.at(-1)?.error}): check probe-url as seen from the server.`;
    if (probes.some((p) => p.status !== undefined) && probes.every((p) => !p.upstream)) {
        return `Responses carry no ${header} header: add \`add_header ${header} $upstream_addr always;\` for requests from 127.0.0.1 (examples/host/nginx), or set upstream-header.`;
    }
    const { confd } = facts;
    const count = confd?.processes.length;
    const running = count === undefined ? '' : ` (${count} confd process${count === 1 ? ' runs' : 'es run'})`;
    if (probes.some((p) => (0,upstream/* upstreamPort */.$6)(p.upstream) === port))
        return `nginx served the new port only some of the time: is more than one nginx or confd running${running}?`;
    if (count === 0)
        return 'nginx kept serving the old upstream and no confd process runs on the server: start confd (systemctl start confd).';
    if (confd && (0,remote_confd/* confdsRendering */.Wx)(confd, config.switch.redisKey) === 0) {
        return `nginx kept serving the old upstream: no running confd renders ${config.switch.redisKey} (the confds that run read ${[...confd.resources.keys()].join(', ')}, and none has a template resource for it). Start this deployment's confd (systemctl start confd, or confd@NAME).`;
    }
    if (facts.notifications === false)
        return 'nginx kept serving the old upstream: Redis keyspace notifications are off, so confd -watch never saw the write. Set notify-keyspace-events K$g.';
    const sharedWatch = confd && (0,remote_confd/* sharedWatchProblem */.OR)(confd);
    if (sharedWatch)
        return `nginx kept serving the old upstream: ${sharedWatch}`;
    return renderedHint(facts, port, running);
}
/** The key was rendered, or not, by the confd that should: what that says about the switch. */
function renderedHint({ resource, rendered }, port, running) {
    if (resource?.dest && rendered !== undefined) {
        if (!(0,remote_confd/* namesPort */.qS)(rendered, port)) {
            return `nginx kept serving the old upstream: confd did not render :${port} to ${resource.dest}. Its check_cmd refused the value (does redis-value fit the template?), or it did not see the write (an -interval longer than switch-timeout; journalctl -u confd).`;
        }
        return (0,remote_confd/* handsPeerToNginx */.sz)(resource)
            ? `confd rendered :${port} to ${resource.dest}, but nginx did not take it: its reload_cmd (${resource.reloadCmd}) did not reach nginx's admin socket, or nginx refused the address. Check that nginx runs with dhd-peers.conf and its Lua module (docs/host-setup.md: A switch without a reload), then run the reload_cmd as root by hand.`
            : `confd rendered :${port} to ${resource.dest}, but nginx kept the old upstream: its reload_cmd (${resource.reloadCmd ?? 'none'}) failed or signalled another nginx. Run nginx -t, then the reload_cmd as root by hand.`;
    }
    return `nginx kept serving the old upstream although confd runs${running}: its check_cmd or reload_cmd probably failed, or it polls with an -interval longer than switch-timeout (journalctl -u confd). Check that the value written renders a valid upstream (redis-value) and that nginx -t passes.`;
}

;// CONCATENATED MODULE: ./src/deploy/server/bake.ts
// The bake (docs/architecture.md): after the switch, the new version watched under real traffic
// for bake-time while the previous container stays warm. A failure throws, and the deploy
// switches back (orchestrator.ts, undo).





/** The most of access-log one read of the bake takes (twice a second). */
const LOG_READ_BYTES = 1024 * 1024;
function bake(ctx) {
    const { docker } = ctx.server;
    const { bake: limits, container: c } = ctx.config;
    const id = ctx.containerId ?? '';
    const port = ctx.port ?? 0;
    return ctx.phase('bake', async () => {
        if (!ctx.bakes)
            return { value: undefined, detail: 'no previous version served, so none to go back to: not baked' };
        const { accessLog } = limits;
        // Bounded by the deploy's deadline too: until() ends at whichever comes first.
        const report = await watchBake({
            container: async () => {
                const state = await docker.inspect(id, c.containerPort);
                return { failure: await ctx.containerFailure(state), restarts: state.restartCount };
            },
            probe: () => ctx.probe(),
            readLog: accessLog ? (from) => docker.readLog(accessLog, from, LOG_READ_BYTES) : undefined,
            pause: (ms) => ctx.pause(ms),
            now: () => ctx.run.clock.now(),
            progress: (message) => ctx.run.log.info(ctx.said(message)),
        }, {
            timeMs: ctx.run.until(limits.timeMs, 'bake-time').end - ctx.run.clock.now(),
            limits,
            port,
            probePath: (0,probe_result/* probePath */.CR)(ctx.config.switch.probeUrl),
            logStart: ctx.logStart,
        });
        const { failedAt, ...seen } = report;
        if (seen.passed && seen.seconds * 1000 < limits.timeMs) {
            throw new deploy_run/* DeployError */.sH('bake', `timeout (the whole deploy) ended the bake after ${seen.seconds.toFixed(1)} s of bake-time ${limits.timeMs / 1000} s`, HINTS.bake, ctx.timeline, { bake: seen });
        }
        ctx.bakeReport = seen;
        if (seen.passed)
            return { value: undefined, detail: (0,bake_rules/* bakeLine */.YI)(seen) };
        ctx.bakeFailedAt = failedAt;
        throw new deploy_run/* DeployError */.sH('bake', seen.reason ?? 'failed', bakeHint(ctx.config), ctx.timeline, {
            logs: await ctx.newContainerLogs(),
            bake: seen,
        });
    });
}

// EXTERNAL MODULE: ./src/deploy/history.ts
var deploy_history = __webpack_require__(8259);
// EXTERNAL MODULE: ./src/remote/image-ref.ts
var image_ref = __webpack_require__(6283);
// EXTERNAL MODULE: ./src/remote/progress.ts
var remote_progress = __webpack_require__(7023);
// EXTERNAL MODULE: ./src/remote/redis-rules.ts
var redis_rules = __webpack_require__(5499);
// EXTERNAL MODULE: ./src/remote/ssh/connection.ts + 2 modules
var connection = __webpack_require__(1213);
;// CONCATENATED MODULE: ./src/deploy/server/checkpoints.ts
// What the cancel-safe post step (and the CLI's Ctrl-C) needs to know of one server's deploy,
// noted as it happens: the lock held, the container started, whether it may have received
// traffic, the bake to undo, the registry login and the release command's container.
/** A checkpoint as the post step's state keeps it: a string, '' once cleared (cleanup.ts reads it back). */
function encodeCheckpoint(value) {
    if (typeof value === 'boolean')
        return value ? 'true' : '';
    if (value === undefined)
        return '';
    return typeof value === 'string' ? value : JSON.stringify(value);
}

;// CONCATENATED MODULE: ./src/deploy/server/rules.ts
// The verdicts of one server's deploy that are rules, pure (table-tested): is the new
// container fit to serve, is it ready, which images must not be pruned.


/** Whether the container's own state hides its exit code: running again after a restart, it says 0
 * (Docker's events have the real one). */
const restartHidesExitCode = (container) => container.status !== 'exited' &&
    container.status !== 'dead' &&
    (container.status === 'restarting' || container.restartCount > 0) &&
    !container.exitCode;
/** Why the new container is not fit to serve by its own state (exited, restarted, unhealthy), or
 * undefined; `lastExitCode` is the code Docker's events give when its state hides it. */
function containerFailure(container, restart, lastExitCode) {
    if (container.status === 'exited' || container.status === 'dead')
        return `the container exited with code ${container.exitCode}`;
    if (container.status === 'restarting' || container.restartCount > 0) {
        const code = container.exitCode || lastExitCode;
        return `the container exited${code ? ` with code ${code}` : ''} and was restarted (restart: ${restart})`;
    }
    if (container.health === 'unhealthy')
        return 'the image HEALTHCHECK reports unhealthy';
    return undefined;
}
/** Ready once health-path answers 2xx/3xx on the new port and the image's HEALTHCHECK (if any) says healthy. */
function readiness(answer, health, healthPath) {
    if ((0,probe_result/* isHealthyStatus */._i)(answer.status) && (health === undefined || health === 'healthy')) {
        return { ready: true, detail: `${healthPath} answered ${answer.status}${health ? ', healthy' : ''}` };
    }
    return {
        ready: false,
        last: answer.error ?? `${healthPath} answered ${answer.status}${health ? `, health ${health}` : ''}`,
    };
}
/** The images pruning must not remove: the new one, the one that served, every image a container
 * uses, and the images of the last keep-images releases of every deployment with a history here. */
function protectedImages(facts) {
    return new Set([
        facts.newImageId,
        ...(facts.servingImageId ? [facts.servingImageId] : []),
        ...facts.containers.map((x) => x.imageId),
        ...facts.histories.flatMap((h) => (0,deploy_history/* imagesToKeep */.lj)(h, facts.keepImages)),
    ]);
}

;// CONCATENATED MODULE: ./src/deploy/server/context.ts
// One server's deploy: its state, and what every room of it (lock, prepare, switch, bake,
// retire; docs/architecture.md) does the same way: time a phase, say something about this
// server, note a checkpoint, wait without missing a lost lock or a stop.











/** The deploy lock is gone: whatever the deploy was doing on this server, it stops. */
class LockLost extends Error {
}
/** Another server failed while this one prepared: it stops waiting. */
class Stopped extends Error {
}
/** The deploy was asked to stop (Ctrl-C): it fails at its next step, and what it did is undone. */
class Interrupted extends Error {
}
/** How often each wait looks again. */
const POLL_MS = { lock: 250, ready: 50, switch: 5, settle: 50, drain: 50 };
/** The new container's (or the release command's) log lines a failure shows. */
const LOG_TAIL_LINES = 30;
const KEPT_PROBES = 10;
const seconds = (ms) => `${(ms / 1000).toFixed(0)} s`;
/** The state of one server's deploy: what each room learnt or did, read by the next. */
class ServerContext {
    run;
    server;
    timeline = [];
    /** Holds this deployment's lock on the server. */
    held = false;
    /** Set once the key names the new container: from then on it may serve and is never discarded blindly. */
    switched = false;
    /** nginx was proven to serve the new container: another server's failure switches this one back. */
    proven = false;
    /** The connection went away: nothing more can be done or recorded here. */
    lost = false;
    app;
    containerName;
    lock;
    /** This deployment's release history on the server (under the home directory). */
    history;
    inspection;
    /** The server's confd as the deploy began: read beside the pull, said before the switch. */
    confdAtStart;
    pulled;
    containerId;
    port;
    switchSeconds = 0;
    /** Where access-log stood before the key write: the bake counts what follows. */
    logStart;
    /** access-log checked as the deploy begins: unreadable is said then, not only at the switch. */
    logCheck;
    bakeReport;
    /** When the bake saw the new version fail: the switch back is timed from there. */
    bakeFailedAt;
    probeLog = [];
    /** env as an env file's lines, handed to docker on stdin (never in argv). */
    env;
    constructor(run, server) {
        this.run = run;
        this.server = server;
        const { config, identity } = run;
        this.lock = { name: (0,redis_rules/* lockName */.l4)(config.switch.redisKey), owner: identity.lockOwner };
        this.history = (0,deploy_history/* historyPath */.ae)(config.switch.redisKey);
        // The app names containers; a rollback without image or app takes it from the release it goes back to.
        this.app = config.container.app || 'app';
        this.containerName = `${this.app}-${identity.instance}`;
        this.env = config.container.env.map(([k, v]) => `${k}=${v}\n`).join('');
    }
    get name() {
        return this.server.name;
    }
    get config() {
        return this.run.config;
    }
    get prepared() {
        if (!this.inspection || !this.pulled)
            throw new Error('the server was not inspected');
        return { inspection: this.inspection, ...this.pulled, pinned: (0,image_ref/* pinnedRef */.I1)(this.pulled.image, this.pulled.identity) };
    }
    /** Whether this server bakes: bake-time is set and a previous version serves, to go back to. */
    get bakes() {
        return this.config.bake.timeMs > 0 && this.prepared.inspection.state.serving !== undefined;
    }
    /** What the key names once switched: redis-value with the new port. */
    get newValue() {
        return (0,upstream/* formatKeyValue */.sO)(this.config.switch.redisValue, this.port ?? 0);
    }
    /** A message about this server, naming it when there are several. */
    said(message) {
        return (0,inputs/* aboutServer */.JS)(this.name, this.run.several, message);
    }
    warn(message) {
        this.run.warn(this.said(message));
    }
    /** Where long work stands (a pull, the release command, a wait): at most every few seconds (progress.ts). */
    progress(message) {
        const { log } = this.run;
        if (log.progress)
            log.progress(this.said(message));
        else
            log.info(this.said(message));
    }
    /** For a polling wait: says `line()` when a few seconds passed since it last did (by the deploy's clock). */
    everyFewSeconds() {
        let last = this.run.clock.now();
        return (line) => {
            if (this.run.clock.now() - last < remote_progress/* PROGRESS_EVERY_MS */.Xy)
                return;
            last = this.run.clock.now();
            this.progress(line());
        };
    }
    checkpoint(name, value) {
        this.server.checkpoint?.(name, encodeCheckpoint(value));
    }
    /** Runs one phase on this server's timeline. Recorded when it starts, so the timeline keeps the
     * deploy's order even where phases overlap; a failure becomes a DeployError with its hint. */
    async phase(name, work) {
        const record = { phase: name, ms: 0, ok: false, detail: '' };
        this.timeline.push(record);
        try {
            return await (0,deploy_run/* timed */.ay)(record, this.run.clock, async () => {
                this.checkLock();
                const { value, detail } = await this.run.log.group(this.said(name), work);
                record.detail = detail;
                return value;
            });
        }
        catch (e) {
            record.detail = e instanceof deploy_run/* DeployError */.sH ? e.reason : e.message;
            throw e instanceof Stopped ? e : this.failure(name, e);
        }
    }
    failure(name, e) {
        const hint = e instanceof deploy_run/* DeployError */.sH
            ? e.hint
            : e instanceof LockLost
                ? lockLostHint(this.switched, this.containerName)
                : e instanceof connection/* ConnectionLost */.pz
                    ? connectionLostHint(this.switched, this.containerName)
                    : e instanceof Interrupted
                        ? INTERRUPTED_HINT
                        : HINTS[name];
        const reason = e instanceof deploy_run/* DeployError */.sH ? e.reason : e.message;
        const details = e instanceof deploy_run/* DeployError */.sH ? e.details : {};
        const failure = new deploy_run/* DeployError */.sH(name, reason, hint, this.timeline, details, this.run.several ? this.name : undefined);
        failure.oldServes = !this.switched;
        failure.serverLost = e instanceof connection/* ConnectionLost */.pz || (e instanceof deploy_run/* DeployError */.sH && e.serverLost);
        this.lost ||= failure.serverLost;
        return failure;
    }
    // The lock (and a request to stop) is checked at every phase and every poll: a deploy that lost it stops at once.
    checkLock() {
        const lost = this.held ? this.server.keys.lockLost(this.lock.name) : undefined;
        if (lost)
            throw new LockLost(`the deploy lock was lost: ${lost}`);
        if (this.run.interrupted)
            throw new Interrupted('the deploy was interrupted (asked to stop)');
    }
    async pause(ms) {
        await this.run.clock.sleep(ms);
        this.checkLock();
        if (this.run.stopped)
            throw new Stopped(this.run.stopped);
    }
    /** probe-url through nginx, kept for a failure's evidence. */
    async probe() {
        const result = await this.server.probes.probe();
        this.probeLog.push(result);
        if (this.probeLog.length > KEPT_PROBES)
            this.probeLog.shift();
        return result;
    }
    /** Writes the port key only while the lock is held and the key holds what this deploy last saw. */
    async writeKey(expected, value) {
        const key = this.config.switch.redisKey;
        const outcome = await this.server.keys.compareAndSet(key, expected, value, this.lock);
        if (outcome.ok)
            return;
        if (outcome.lockLost)
            throw new Error(`${this.lock.name} is no longer held by this deploy, so ${key} was not written`);
        const show = (v) => (v === null ? '(unset)' : `"${v}"`);
        throw new Error(`${key} changed meanwhile (it holds ${show(outcome.current)}, not ${show(expected)}): ` +
            'someone else wrote it, and this deploy does not overwrite that');
    }
    /** The new container's last log lines, for a failure's details. */
    newContainerLogs() {
        return this.server.docker
            .logs(this.containerId ?? this.containerName, LOG_TAIL_LINES)
            .catch(() => '(logs unavailable)');
    }
    /** Why the new container is not fit to serve by its own state: the ready check and the bake ask. */
    async containerFailure(container) {
        const code = restartHidesExitCode(container) ? await this.server.docker.lastExitCode(container) : undefined;
        return containerFailure(container, this.config.container.restart, code);
    }
    /** access-log cannot be read: said once, and the bake watches without it. */
    unreadableLog(path, e) {
        this.warn(`access-log ${path} cannot be read (${e.message}): the bake watches the container and probes only, not real traffic. ` +
            `The deploy user needs read access to it (on Debian: usermod -aG adm ${this.config.servers[0]?.username ?? 'USER'}, as nginx's logs belong to the adm group).`);
        return { unreadable: `${path} cannot be read` };
    }
}

;// CONCATENATED MODULE: ./src/deploy/server/lock.ts
// 2. Lock (docs/architecture.md): one deploy of a key at a time on a server, and 0.1's lock
// name waited for too; released in every outcome.




function acquireLock(ctx) {
    const { clock, log, config } = ctx.run;
    const { keys } = ctx.server;
    const { lock } = ctx;
    return ctx.phase('lock', async () => {
        const { end, limit } = ctx.run.until(config.timing.lockTimeoutMs, 'lock-timeout');
        const waitedFrom = clock.now();
        const legacy = (0,redis_rules/* legacyLockName */._l)(config.switch.redisKey);
        let announced = null;
        const stillWaiting = ctx.everyFewSeconds();
        for (;;) {
            // A 0.1 deploy still running holds the old name, and knows nothing of the new one.
            const [acquired, legacyHolder] = await Promise.all([
                ctx.held || keys.tryLock(lock.name, lock.owner, deploy_run/* LOCK_TTL_MS */.cU),
                keys.lockHolder(legacy),
            ]);
            if (acquired && !ctx.held) {
                ctx.held = true;
                ctx.run.locked.add(ctx.name);
                ctx.checkpoint('lock', lock.name);
            }
            const [waitingFor, holder] = ctx.held ? [legacy, legacyHolder] : [lock.name, await keys.lockHolder(lock.name)];
            // Its own owner, and another server of this deploy holds its lock: the same lock, one Redis. (Alone,
            // its own owner is its own SET whose reply was lost and resent: that expires, and is waited for.)
            if (!ctx.held && holder === lock.owner && ctx.run.locked.size > 0) {
                throw new deploy_run/* DeployError */.sH('lock', `${lock.name} is held by this same deploy through another server: the servers share one Redis`, 'Several servers of one deploy each need their own Redis (redis-url as seen from each server): with one shared key, confd on every server would follow one value.', ctx.timeline);
            }
            if (ctx.held && holder === null) {
                const waited = clock.now() - waitedFrom;
                return {
                    value: undefined,
                    detail: announced ? `waited ${(waited / 1000).toFixed(1)} s for ${announced}` : lock.name,
                };
            }
            if (holder && holder !== announced) {
                log.info(ctx.said(`Waiting for ${waitingFor}, held by ${holder}`));
                announced = holder;
            }
            else if (holder) {
                stillWaiting(() => `still waiting for ${waitingFor}, held by ${holder} (${seconds(clock.now() - waitedFrom)} so far, at most ${seconds(end - waitedFrom)}: ${limit})`);
            }
            if (clock.now() >= end)
                throw new deploy_run/* DeployError */.sH('lock', `${waitingFor} is still held by ${holder ?? announced} after ${limit}`, HINTS.lock, ctx.timeline);
            await clock.sleep(POLL_MS.lock);
        }
    });
}
async function releaseLock(ctx) {
    if (!ctx.held)
        return;
    await ctx.server.keys.unlock(ctx.lock.name, ctx.lock.owner).then(() => ctx.checkpoint('lock', ''), (e) => ctx.warn(`could not release ${ctx.lock.name} (it expires by itself): ${e.message}`));
}

// EXTERNAL MODULE: ./src/deploy/deployment-state.ts
var deployment_state = __webpack_require__(7648);
// EXTERNAL MODULE: ./src/remote/docker.ts
var remote_docker = __webpack_require__(7124);
;// CONCATENATED MODULE: ./src/deploy/server/prepare.ts
// 3-6. Prepare (docs/architecture.md), while the old version serves: inspect what serves and
// repair a lost or wrong key, pull beside it, the release phase, start on a free port, ready check.










const PORT_ATTEMPTS = 5;
/** What is kept of the release command's output for its progress line. */
const RELEASE_TAIL_CHARS = 4096;
const lastLines = (text, count) => text
    .split('\n')
    .filter((l) => l.trim())
    .slice(-count)
    .join('\n');
/** 3 + 4 (begun) + pull. Learn what serves now and repair a lost or wrong key first, while pulling. */
async function inspectAndPull(ctx) {
    const { docker } = ctx.server;
    const c = ctx.config.container;
    ctx.confdAtStart = docker.confd().catch(() => undefined);
    const { accessLog, timeMs } = ctx.config.bake;
    if (accessLog && timeMs > 0)
        ctx.logCheck = docker.logEnd(accessLog).then(() => undefined, (e) => ctx.unreadableLog(accessLog, e));
    const inspected = inspect(ctx);
    // A rollback's image is known once the history is read; any other is pulled at once.
    const pulled = ctx.phase('pull', async () => pull(ctx, c.rollback ? (await inspected).target : undefined));
    [ctx.inspection, ctx.pulled] = await Promise.all([inspected, pulled]);
    // A rollback by image id pulls "sha256:...": its app is the release's image's.
    ctx.app = (0,deployment_state/* appName */.JB)(c.app, ctx.inspection.target?.release.image ?? ctx.pulled.image);
    ctx.containerName = `${ctx.app}-${ctx.run.identity.instance}`;
    if (ctx.inspection.target)
        ctx.run.log.info(`Rolling back to ${ctx.inspection.target.release.image} (${ctx.pulled.image}), deployed ${ctx.inspection.target.release.time}`);
}
function inspect(ctx) {
    const { docker, keys, probes } = ctx.server;
    const c = ctx.config.container;
    const s = ctx.config.switch;
    const historyFile = ctx.history;
    return ctx.phase('inspect', async () => {
        // The release history is read beside it: a rollback takes its image from there.
        const [keyValue, notifications, persistence, containers, listening, served, files] = await Promise.all([
            keys.get(s.redisKey),
            keys.keyspaceNotifications(),
            keys.persistence(),
            docker.containers(),
            docker.listeningPorts(),
            probes.probe(),
            docker.readHistories(deploy_history/* HISTORY_DIR */.rE, deploy_history/* HISTORY_ENTRIES */.ai),
        ]);
        const skipped = [];
        const history = (0,deploy_history/* parseHistory */.i6)(files.get(historyFile) ?? '', (why) => skipped.push(why));
        if (skipped.length > 0)
            ctx.warn(`~/${historyFile}: ${skipped.length} line(s) are no release and were skipped (first: ${skipped[0]})`);
        const target = c.rollback ? rollbackImage(ctx, history) : undefined;
        const state = (0,deployment_state/* deploymentState */.DY)({
            deployment: s.redisKey,
            app: (0,deployment_state/* appName */.JB)(c.app, target?.release.image ?? c.image),
            redisValue: s.redisValue,
            keyValue,
            served,
            containers,
        });
        state.findings.forEach((m) => ctx.warn(m));
        if (state.repair)
            await ctx.writeKey(state.repair.from, state.repair.to);
        const risk = persistence && (0,redis_rules/* persistenceRisk */.ji)(persistence);
        if (risk)
            ctx.warn(risk);
        const neighbourHistories = [...files]
            .filter(([path]) => path !== historyFile)
            .map(([, text]) => (0,deploy_history/* parseHistory */.i6)(text));
        const neighbourKeys = await Promise.all((0,deployment_state/* neighbourDeployments */.wP)(containers, neighbourHistories, s.redisKey).map((key) => keys.get(key).catch(() => null)));
        const reserved = (0,deployment_state/* reservedPorts */.Jl)(state.keyPort, neighbourKeys, neighbourHistories);
        const detail = state.keyValue === null
            ? 'key unset: first deploy'
            : `key=${state.keyValue}${state.serving ? `, serving: ${state.serving.name}` : ''}${state.repair ? ' (repaired)' : ''}`;
        return { value: { state, containers, listening, reserved, notifications, history, files, target }, detail };
    });
}
async function pull(ctx, target) {
    const { docker } = ctx.server;
    const c = ctx.config.container;
    const image = target?.ref ?? c.image;
    const policy = target ? 'missing' : c.pull;
    const registry = c.registry ?? (0,image_ref/* registryOf */.Fv)(image);
    const progress = new remote_progress/* PullProgress */.R8();
    const onOutput = (text) => progress.feed(text);
    const t0 = ctx.run.clock.now();
    const took = () => seconds(ctx.run.clock.now() - t0);
    try {
        const pulling = c.registryUsername && c.registryPassword
            ? pullLoggedIn(ctx, { image, policy, registry, username: c.registryUsername, password: c.registryPassword }, onOutput)
            : docker.pull(image, policy, undefined, onOutput);
        const identity = await (0,remote_progress/* reportWhile */.a2)(pulling, () => `pulling ${image}: ${(0,remote_progress/* pullLine */._e)(progress.state)} (${took()})`, (line) => ctx.progress(line));
        const login = c.registryUsername ? ` (logged in to ${registry} for this pull)` : '';
        const { bytes } = progress.state;
        return {
            value: { image, identity },
            detail: `${image} ${identity.digest}${bytes > 0 ? `, ${(0,remote_progress/* megabytes */.ix)(bytes)} in ${took()}` : ''}${login}`,
        };
    }
    catch (e) {
        if (!target)
            throw e;
        throw new Error(`the release to roll back to, ${target.release.image} (${target.release.digest}, deployed ${target.release.time}), is not on the server and cannot be pulled by digest: ${e.message}`);
    }
}
/** What `rollback: true` deploys, by digest; a DeployError says why there is none. */
function rollbackImage(ctx, history) {
    const c = ctx.config.container;
    const found = (0,deploy_history/* rollbackTarget */.es)(history);
    if ('refusal' in found)
        throw new deploy_run/* DeployError */.sH('inspect', `rollback: ${found.refusal}`, 'Rollback deploys the release before the one now serving, from the history on the server.', ctx.timeline);
    const { release } = found;
    const repository = (0,image_ref/* repositoryOf */._M)(release.image);
    if (c.image && (0,image_ref/* repositoryOf */._M)(c.image) !== repository) {
        throw new deploy_run/* DeployError */.sH('inspect', `rollback: image names ${(0,image_ref/* repositoryOf */._M)(c.image)}, but the release to roll back to is ${release.image}`, 'Leave image out for a rollback, or name the repository being rolled back.', ctx.timeline);
    }
    // A digest from a registry is pulled by it; an image that never had one is run by its local id.
    return { release, ref: (0,image_ref/* pinnedRef */.I1)(release.image, { digest: release.digest, id: release.imageId }) };
}
/** The login lives in a Docker config of this deploy's own, removed right after the pull:
 * `docker login` would otherwise leave the password in ~/.docker/config.json for good. */
async function pullLoggedIn(ctx, p, onOutput) {
    const { docker } = ctx.server;
    const configDir = await docker.makePrivateDir();
    ctx.checkpoint('dockerConfig', configDir);
    try {
        await docker.login(configDir, p.registry, p.username, p.password);
        return await docker.pull(p.image, p.policy, configDir, onOutput);
    }
    finally {
        await docker.removeDir(configDir).then(() => ctx.checkpoint('dockerConfig', ''), (e) => ctx.warn(`could not remove the registry login in ${configDir}: ${e.message}`));
    }
}
/** A migration of an earlier deploy that was killed may still run: two at once could corrupt the schema. */
function refuseSecondRelease(ctx) {
    const running = ctx.prepared.inspection.containers.find((x) => x.labels[remote_docker/* LABEL_ROLE */.os] === 'release' && x.labels[remote_docker/* LABEL_DEPLOYMENT */.Zo] === ctx.config.switch.redisKey && (0,deployment_state/* isUp */.ie)(x));
    if (!running)
        return;
    throw new deploy_run/* DeployError */.sH('release', `${running.name}, the release command of an earlier deploy, still runs: this one does not start a second`, `Wait for it to finish (docker logs -f ${running.name}), or stop it if it is stuck (docker rm -f ${running.name}), then deploy again. Nothing was started or switched: the previous version serves.`, ctx.timeline);
}
/** 5a. The release phase: once, in a one-off container of the new image, before anything starts. */
function releasePhase(ctx) {
    const c = ctx.config.container;
    const { clock } = ctx.run;
    const { pinned } = ctx.prepared;
    const name = `${ctx.containerName}-release`;
    return ctx.phase('release', async () => {
        refuseSecondRelease(ctx);
        const { end, limit } = ctx.run.until(ctx.config.timing.releaseTimeoutMs, 'release-timeout');
        // Said before it starts: a deploy cancelled meanwhile has its post step stop it.
        ctx.checkpoint('release', name);
        const t0 = clock.now();
        let tail = '';
        const released = ctx.server.docker.runOnce({
            name,
            image: pinned,
            app: ctx.app,
            deployment: ctx.config.switch.redisKey,
            envFile: c.envFile,
            envOnStdin: c.env.length > 0,
            runArgs: c.runArgs,
            command: c.releaseCommand,
        }, ctx.env, Math.max(end - clock.now(), 1), (text) => {
            tail = (tail + text).slice(-RELEASE_TAIL_CHARS);
        });
        const outcome = await (0,remote_progress/* reportWhile */.a2)(released, () => {
            const last = (0,remote_progress/* lastLine */.fM)(tail);
            return `the release command runs (${seconds(clock.now() - t0)} so far, at most ${seconds(end - t0)}: ${limit})${last ? `; its last line: ${last}` : ''}`;
        }, (line) => ctx.progress(line));
        ctx.checkpoint('release', '');
        if (outcome === 'timed out')
            throw new deploy_run/* DeployError */.sH('release', `the release command did not finish within ${limit}; its container was removed`, HINTS.release, ctx.timeline);
        const logs = lastLines(outcome.output, LOG_TAIL_LINES);
        if (outcome.code !== 0)
            throw new deploy_run/* DeployError */.sH('release', `the release command exited with code ${outcome.code}`, HINTS.release, ctx.timeline, { logs });
        return { value: undefined, detail: `${c.releaseCommand.join(' ')}: exit 0` };
    });
}
/** 5 + 6. Start the new container on a free port of port-range, then check it is ready. */
async function startAndCheck(ctx) {
    ctx.containerId = await start(ctx);
    ctx.port = await ready(ctx, ctx.containerId);
}
function start(ctx) {
    const c = ctx.config.container;
    const { docker } = ctx.server;
    const { inspection, image, pinned } = ctx.prepared;
    return ctx.phase('start', async () => {
        const spec = {
            name: ctx.containerName,
            image,
            pinned,
            app: ctx.app,
            deployment: ctx.config.switch.redisKey,
            deployId: ctx.run.identity.deployId,
            bindAddress: c.bindAddress,
            hostPort: 0,
            containerPort: c.containerPort,
            restart: c.restart,
            runArgs: c.runArgs,
            envFile: c.envFile,
            envOnStdin: c.env.length > 0,
        };
        const taken = (0,remote_docker/* takenPorts */.Iv)(inspection.listening, inspection.containers, inspection.reserved);
        for (let attempt = 1;; attempt += 1) {
            const port = (0,remote_docker/* firstFreePort */.Ck)(c.portRange, taken);
            if (port === undefined)
                throw new Error(`no free port in port-range ${c.portRange.first}-${c.portRange.last}`);
            spec.hostPort = port;
            // Said before the run: a deploy cancelled while docker creates it still has it removed.
            ctx.checkpoint('container', ctx.containerName);
            try {
                const containerId = await docker.run(spec, ctx.env);
                return { value: containerId, detail: `${ctx.containerName} started on :${port}` };
            }
            catch (e) {
                await docker.discard([ctx.containerName]).then(() => ctx.checkpoint('container', ''), () => undefined);
                // Taken between the look and the run (another deployment starting, say): try the next one.
                const clash = /address already in use|port is already allocated/.test(e.message);
                if (!clash || attempt >= PORT_ATTEMPTS)
                    throw e;
                taken.add(port);
            }
        }
    });
}
/** 6. Ready check, directly on the new port (read from the container: one
 * that already exited has none, and its state says why). */
function ready(ctx, id) {
    const { docker, probes } = ctx.server;
    const c = ctx.config.container;
    return ctx.phase('ready', async () => {
        const { end, limit } = ctx.run.until(ctx.config.timing.healthTimeoutMs, 'health-timeout');
        let last = '';
        for (;;) {
            const container = await docker.inspect(id, c.containerPort);
            let failure = (await ctx.containerFailure(container)) ?? '';
            if (!failure && container.status === 'running') {
                if (container.hostPort === undefined)
                    failure = `docker published no port for ${c.containerPort}/tcp`;
                else {
                    const verdict = readiness(await probes.health(container.hostPort), container.health, ctx.config.switch.healthPath);
                    if (verdict.ready)
                        return { value: container.hostPort, detail: verdict.detail };
                    last = verdict.last;
                }
            }
            if (!failure && ctx.run.clock.now() >= end)
                failure = `not ready within ${limit} (last: ${last || container.status})`;
            if (failure)
                throw new deploy_run/* DeployError */.sH('ready', failure, HINTS.ready, ctx.timeline, { logs: await ctx.newContainerLogs() });
            await ctx.pause(POLL_MS.ready);
        }
    });
}
/** The new container goes after a failure, unless the key may name it (or the server is gone). */
async function discardNew(ctx) {
    if (ctx.switched || ctx.lost || !ctx.containerId)
        return;
    await ctx.server.docker.discard([ctx.containerId]).then(() => ctx.checkpoint('container', ''), (e) => ctx.warn(`could not remove ${ctx.containerName}: ${e.message}`));
}

;// CONCATENATED MODULE: ./src/deploy/server/record.ts
// The release history on the server (docs/architecture.md, history): every deploy that held the
// lock adds a line, deployed or failed; a rollback reads it.

async function record(ctx, release) {
    const entry = {
        time: new Date(ctx.run.clock.now()).toISOString(),
        run: ctx.run.identity.lockOwner,
        ...release,
        deployment: ctx.config.switch.redisKey,
    };
    await ctx.server.docker
        .appendHistory(ctx.history, JSON.stringify(entry), deploy_history/* HISTORY_ENTRIES */.ai)
        .catch((e) => ctx.warn(`could not record the release in ~/${ctx.history}: ${e.message}`));
}
/** A failed deploy is part of the history too (unless it never held the lock or lost the server). */
async function recordFailure(ctx, e) {
    if (!ctx.held || ctx.lost)
        return;
    const where = e.server && e.server !== ctx.name ? `${e.server}: ` : '';
    await record(ctx, {
        outcome: ctx.bakeFailedAt !== undefined ? 'baked-out' : 'failed',
        image: ctx.config.container.image,
        digest: '',
        imageId: '',
        container: ctx.containerName,
        reason: `${where}${e.phase}: ${e.reason}`,
    });
}

;// CONCATENATED MODULE: ./src/deploy/server/drain.ts
// Drain (docs/architecture.md): before a container that served goes, the requests in flight
// to it finish: no nginx worker still shutting down, no connection to its ports left.

/** Waits until no nginx worker is shutting down and no connection to `ports` is left, at most
 * drain-timeout; says what it waited for (or 'timed out', warned with `then`: what happens anyway). */
async function drain(ctx, ports, then) {
    const { clock } = ctx.run;
    const { end, limit } = ctx.run.until(ctx.config.timing.drainTimeoutMs, 'drain-timeout');
    const shown = ports.map((p) => `:${p}`).join(', ');
    const t0 = clock.now();
    const stillDraining = ctx.everyFewSeconds();
    for (;;) {
        const left = await ctx.server.docker.drainState(ports);
        if (left.shuttingDownWorkers === 0 && left.connections === 0)
            return `no connection to ${shown} left`;
        stillDraining(() => `draining ${shown}: ${left.connections} connection(s) left, ${left.shuttingDownWorkers} nginx worker(s) shutting down (${seconds(clock.now() - t0)} so far, at most ${seconds(end - t0)}: ${limit})`);
        if (clock.now() >= end) {
            ctx.warn(`${limit} passed with ${left.connections} connection(s) to ${shown} and ${left.shuttingDownWorkers} nginx worker(s) shutting down; ${then} anyway`);
            return 'timed out';
        }
        await ctx.pause(POLL_MS.drain);
    }
}

;// CONCATENATED MODULE: ./src/deploy/server/retire.ts
// 9-11. Retire (docs/architecture.md): every server serves the new version; record the release,
// drain what ran before, stop it gracefully, prune the images nothing needs. Past the proven
// switch, a failure here is a warning.







/** History entries the summary shows. */
const SUMMARY_RELEASES = 5;
async function retire(ctx) {
    const { inspection, image, identity } = ctx.prepared;
    const { state } = inspection;
    const port = ctx.port ?? 0;
    const thisRelease = {
        time: new Date(ctx.run.clock.now()).toISOString(),
        run: ctx.run.identity.lockOwner,
        outcome: ctx.config.container.rollback ? 'rolled back' : 'deployed',
        image,
        digest: identity.digest,
        imageId: identity.id,
        container: ctx.containerName,
        port,
    };
    const releases = [...inspection.history, thisRelease];
    // Every bake passed: from here the new version stays, whatever happens to the deploy.
    if (ctx.bakes)
        ctx.checkpoint('baking', undefined);
    const recorded = record(ctx, thisRelease);
    // Everything of this deployment that ran before: drained, then stopped gracefully.
    const retiring = (0,deployment_state/* retirees */.mv)(state, ctx.containerId ?? '');
    const oldPorts = [...new Set(retiring.stop.flatMap((x) => x.hostPorts))].filter((p) => p !== port);
    if (oldPorts.length > 0)
        await ctx.phase('drain', async () => ({ value: undefined, detail: await drain(ctx, oldPorts, 'retiring') }));
    // Old containers stop side by side; images are pruned once they are gone.
    await ctx.phase('retire', async () => {
        const done = [];
        const stopped = Promise.all([
            ...retiring.stop.map((old) => stopOne(ctx, old, done)),
            removeLeftovers(ctx, retiring, done),
        ]);
        await Promise.all([stopped, pruneImages(ctx, releases, retiring, stopped, done), recorded]);
        return { value: undefined, detail: done.join('; ') || 'nothing to retire' };
    });
    return {
        server: ctx.name,
        container: ctx.containerName,
        containerId: ctx.containerId ?? '',
        port,
        previousPort: state.keyPort,
        previousContainer: state.serving?.name,
        image,
        previousImage: state.serving?.image,
        imageDigest: identity.digest,
        switchSeconds: ctx.switchSeconds,
        probes: ctx.probeLog,
        timeline: ctx.timeline,
        releases: (0,deploy_history/* latest */.IW)(releases, SUMMARY_RELEASES),
        bake: ctx.bakeReport,
    };
}
async function stopOne(ctx, old, done) {
    const { docker } = ctx.server;
    try {
        await docker.stop(old.id, Math.ceil(ctx.config.timing.stopTimeoutMs / 1000));
        await docker.remove([old.id]);
        done.push(`stopped ${old.name}`);
    }
    catch (e) {
        ctx.warn(`could not stop or remove ${old.name}: ${e.message}`);
    }
}
async function removeLeftovers(ctx, retiring, done) {
    if (retiring.remove.length === 0)
        return;
    await ctx.server.docker.remove(retiring.remove.map((x) => x.id)).then(() => done.push(`removed ${retiring.remove.length} stopped container(s)`), (e) => ctx.warn(`could not remove stopped containers of this deployment: ${e.message}`));
}
// Listed while the old containers stop; pruned once they are gone, so their images can go too.
// Kept whatever keep-images says (rules.ts, protectedImages); the containers and the histories
// are read again once the old containers are gone (when anything is to be pruned), as
// neighbouring deployments may have started or released meanwhile.
async function pruneImages(ctx, releases, retiring, stopped, done) {
    const { docker } = ctx.server;
    const { inspection, image, identity } = ctx.prepared;
    const kept = (containers, files) => protectedImages({
        newImageId: identity.id,
        servingImageId: inspection.state.serving?.imageId,
        containers,
        keepImages: ctx.config.keepImages,
        histories: [
            releases,
            ...[...files].filter(([path]) => path !== ctx.history).map(([, text]) => (0,deploy_history/* parseHistory */.i6)(text)),
        ],
    });
    try {
        const images = await docker.images((0,image_ref/* repositoryOf */._M)(image));
        await stopped;
        // The inspection's look without the containers retired here: if it prunes nothing, the fresh
        // look is not taken (~0.1 s). It could only differ by what neighbours changed since: what
        // they started or released is kept either way; what they let go is pruned next time.
        const gone = new Set([...retiring.stop, ...retiring.remove].map((x) => x.id));
        if ((0,remote_docker/* imagesToPrune */.Y_)(images, kept(inspection.containers.filter((x) => !gone.has(x.id)), inspection.files)).length === 0)
            return;
        // Asked before the look: a neighbour not deploying now has started what it pulled.
        if (await neighbourDeploying(ctx, done))
            return;
        const [containers, files] = await Promise.all([
            docker.containers(),
            docker.readHistories(deploy_history/* HISTORY_DIR */.rE, deploy_history/* HISTORY_ENTRIES */.ai),
        ]);
        const prune = (0,remote_docker/* imagesToPrune */.Y_)(images, kept(containers, files));
        if (prune.length === 0 || (await neighbourDeploying(ctx, done)))
            return;
        await docker.removeImages(prune);
        done.push(`pruned ${prune.join(', ')}`);
    }
    catch (e) {
        ctx.warn(`could not prune old images: ${e.message}`);
    }
}
// A neighbour deploying now may have pulled an image it has not started yet: listed before the
// old containers stopped, so its lock is already held (a deploy pulls under its lock). Pruned
// next time; asked again right before the removal, to leave the smallest window.
async function neighbourDeploying(ctx, done) {
    const deploying = (await ctx.server.keys.deploying()).filter((key) => key !== ctx.config.switch.redisKey);
    if (deploying.length > 0)
        done.push(`old images kept this time: ${deploying.join(', ')} is deploying on this server`);
    return deploying.length > 0;
}

;// CONCATENATED MODULE: ./src/deploy/server/switch.ts
// 7 + 8. Switch (docs/architecture.md): write the key, prove nginx serves the new port; on
// failure write the old value back and wait until nginx has settled on the old upstream.
// Undo: another server failed after this one switched, so it switches back.








/** Each wait for nginx to serve a port (the switch, the way back) gets switch-timeout, within the deploy's. */
const switchDeadline = (ctx) => ctx.run.until(ctx.config.timing.switchTimeoutMs, 'switch-timeout');
/** 'proven' once probe-successes probes in a row are answered by `expectPort`; a 5xx that
 * `failFastPort` answered ends it at once (that answer is returned): only an nginx still on
 * the old upstream is waited for. */
function proveServing(ctx, expectPort, end, failFastPort) {
    return (0,probe_result/* proveServed */.uE)(() => ctx.probe(), expectPort, ctx.config.switch.probeSuccesses, async () => {
        if (ctx.run.clock.now() >= end)
            return false;
        await ctx.pause(POLL_MS.switch);
        return true;
    }, (result) => failFastPort !== undefined && (0,upstream/* upstreamPort */.$6)(result.upstream) === failFastPort && (result.status ?? 0) >= 500);
}
// After a write-back, a render of the new value may still be in flight (a slow check_cmd, an
// -interval poll): the new container may go only once the old upstream has served without a
// break for as long as a render was given (switch-timeout). Bounded by the deploy's timeout.
async function settledOn(ctx, oldPort, newPort) {
    const { clock } = ctx.run;
    let since;
    for (;;) {
        const result = await ctx.probe();
        const served = (0,upstream/* upstreamPort */.$6)(result.upstream);
        if (served === newPort || !(0,probe_result/* isHealthyStatus */._i)(result.status) || served !== oldPort)
            since = undefined;
        else
            since ??= clock.now();
        if (since !== undefined && clock.now() - since >= ctx.config.timing.switchTimeoutMs)
            return true;
        if (clock.now() >= ctx.run.deadline)
            return false;
        await ctx.pause(POLL_MS.settle);
    }
}
/** Said before the write: what might keep confd from rendering it, and where the bake's log starts. */
async function beforeTheWrite(ctx) {
    const { notifications } = ctx.prepared.inspection;
    if (notifications === false) {
        ctx.warn('Redis keyspace notifications are off (notify-keyspace-events lacks K$): confd -watch will not see this write; only its -interval poll will');
    }
    else if (notifications === undefined) {
        ctx.run.log.info('Could not check Redis keyspace notifications (CONFIG is refused, as on managed Redis): make sure notify-keyspace-events includes K$');
    }
    const confdAtStart = await ctx.confdAtStart;
    const sharedWatch = confdAtStart && (0,remote_confd/* sharedWatchProblem */.OR)(confdAtStart);
    if (sharedWatch)
        ctx.warn(sharedWatch);
    const accessLog = ctx.config.bake.accessLog;
    if (ctx.bakes && accessLog)
        ctx.logStart =
            (await ctx.logCheck) ??
                (await ctx.server.docker.logEnd(accessLog).catch((e) => ctx.unreadableLog(accessLog, e)));
}
function switchTo(ctx) {
    const { redisKey, probeSuccesses } = ctx.config.switch;
    const { state } = ctx.prepared.inspection;
    const port = ctx.port ?? 0;
    const newValue = ctx.newValue;
    return ctx.phase('switch', async () => {
        await beforeTheWrite(ctx);
        const t0 = ctx.run.clock.now();
        // Said before the write: a deploy killed in between keeps a container the key may name.
        ctx.checkpoint('switching', true);
        await ctx.writeKey(state.keyValue, newValue);
        ctx.switched = true;
        const { end, limit } = switchDeadline(ctx);
        const outcome = await proveServing(ctx, port, end, port);
        if (outcome !== 'proven')
            throw await switchFailed(ctx, outcome, limit);
        ctx.proven = true;
        ctx.switchSeconds = (ctx.run.clock.now() - t0) / 1000;
        if (ctx.bakes && state.keyPort !== undefined) {
            const baking = { from: newValue, to: state.keyValue, port: state.keyPort };
            ctx.checkpoint('baking', baking);
        }
        return {
            value: undefined,
            detail: `${redisKey}=${newValue}; ${probeSuccesses} probes in a row answered by :${port} after ${ctx.switchSeconds.toFixed(3)} s`,
        };
    });
}
/** nginx did not serve the new port (or it answered 5xx): the old value goes back, and once nginx
 * is back on the old upstream, the failure to throw. */
async function switchFailed(ctx, outcome, limit) {
    const { redisKey, healthPath, probeUrl } = ctx.config.switch;
    const { state, notifications } = ctx.prepared.inspection;
    const port = ctx.port ?? 0;
    const failedProbes = [...ctx.probeLog];
    const badAnswer = outcome === 'timed out' ? undefined : outcome;
    const notServed = badAnswer
        ? `the new version answered ${badAnswer.status} on ${(0,probe_result/* probePath */.CR)(probeUrl)} through nginx`
        : `nginx did not serve port ${port} within ${limit}`;
    // Read again, not taken from the start: confd may have stopped since.
    const hint = badAnswer
        ? `The new version fails through nginx although its ready check passed (health-path ${healthPath} may not cover the pages that fail): see its log lines.`
        : switchHint(failedProbes, ctx.config, port, await switchFacts(ctx, notifications));
    const logs = badAnswer ? await ctx.newContainerLogs() : undefined;
    try {
        await ctx.writeKey(ctx.newValue, state.keyValue);
    }
    catch (e) {
        return new deploy_run/* DeployError */.sH('switch', `${notServed}, and ${redisKey} could not be set back: ${e.message}`, `${ctx.containerName} stays running on :${port}, since the key may name it. Check what ${redisKey} holds and which container nginx serves.`, ctx.timeline, { probes: failedProbes, logs });
    }
    const setBack = `${notServed}; ${redisKey} was set back to ${state.keyValue ?? '(unset)'}`;
    // Written back: the old version serves again once nginx is back on it (proven below).
    // A bad answer means confd already rendered the new value: no render of it is left in flight,
    // so nginx proven back on the old upstream is enough.
    const settled = state.keyPort === undefined ||
        (badAnswer
            ? (await proveServing(ctx, state.keyPort, switchDeadline(ctx).end)) === 'proven'
            : await settledOn(ctx, state.keyPort, port));
    if (!settled) {
        const serves = (0,upstream/* upstreamPort */.$6)(ctx.probeLog.at(-1)?.upstream);
        return new deploy_run/* DeployError */.sH('switch', `${setBack}, but by the deploy's timeout nginx had not served :${state.keyPort} without a break for ${ctx.config.timing.switchTimeoutMs / 1000} s (it serves ${serves ? `:${serves}` : 'neither'} now)`, `${ctx.containerName} stays running on :${port}: a slow confd may still point nginx at it. Once nginx serves :${state.keyPort} steadily, remove it (docker rm -f ${ctx.containerName}); otherwise the next deploy retires it. ${hint}`, ctx.timeline, { probes: failedProbes, logs });
    }
    ctx.switched = false;
    ctx.checkpoint('switching', false);
    return new deploy_run/* DeployError */.sH('switch', setBack, hint, ctx.timeline, { probes: failedProbes, logs });
}
/** What a failed switch can learn on the server: its confds now, and what they rendered for the key. */
async function switchFacts(ctx, notifications) {
    const { docker } = ctx.server;
    const confd = await docker.confd().catch(() => undefined);
    const resource = confd && (0,remote_confd/* resourceRendering */.tH)(confd, ctx.config.switch.redisKey);
    const rendered = resource?.dest
        ? await docker.readFile(resource.dest, remote_docker/* FILE_READ_BYTES */.yU).catch(() => undefined)
        : undefined;
    return { confd, notifications, resource, rendered };
}
/** Another server failed after this one switched: the old value goes back, and nginx is proven to serve it again. */
function switchBack(ctx) {
    const { redisKey } = ctx.config.switch;
    const { state } = ctx.prepared.inspection;
    return ctx.phase('undo', async () => {
        await ctx.writeKey(ctx.newValue, state.keyValue);
        let detail = `${redisKey} unset again (nothing served before this deploy)`;
        if (state.keyPort !== undefined) {
            const { end, limit } = switchDeadline(ctx);
            if ((await proveServing(ctx, state.keyPort, end)) !== 'proven') {
                throw new deploy_run/* DeployError */.sH('undo', `${redisKey} was set back to ${state.keyValue}, but nginx did not serve :${state.keyPort} again within ${limit}`, `${ctx.containerName} stays running on :${ctx.port}, since nginx may still serve it. Check confd on this server; the next deploy retires whichever container the key does not name.`, ctx.timeline);
            }
            detail = `${redisKey}=${state.keyValue}; ${ctx.config.switch.probeSuccesses} probes in a row answered by :${state.keyPort}`;
            // It served (a bake, or batches after it): requests in flight to it finish before it goes.
            detail += `; ${await drain(ctx, [ctx.port ?? 0], 'removing it')}`;
        }
        ctx.switched = false;
        ctx.proven = false;
        if (ctx.bakes)
            ctx.checkpoint('baking', undefined);
        ctx.checkpoint('switching', false);
        if (ctx.bakeReport && ctx.bakeFailedAt !== undefined)
            ctx.bakeReport.switchBackSeconds = (ctx.run.clock.now() - ctx.bakeFailedAt) / 1000;
        return { value: undefined, detail };
    });
}

;// CONCATENATED MODULE: ./src/deploy/server/server-deploy.ts








/** What the orchestrator drives on one server; what each step does is in its room. */
class ServerDeploy {
    ctx;
    constructor(run, server) {
        this.ctx = new ServerContext(run, server);
    }
    get name() {
        return this.ctx.name;
    }
    get timeline() {
        return this.ctx.timeline;
    }
    /** The key may name the new container: it may serve, and is never discarded blindly. */
    get switched() {
        return this.ctx.switched;
    }
    /** nginx was proven to serve the new container: another server's failure switches this one back. */
    get proven() {
        return this.ctx.proven;
    }
    /** The connection went away: nothing more can be done or recorded here. */
    get lost() {
        return this.ctx.lost;
    }
    /** What was pulled here: the image, its digest, and whether that is only a local image id (no registry digest). */
    get pulledImage() {
        const { pulled } = this.ctx;
        return (pulled && {
            image: pulled.image,
            digest: pulled.identity.digest,
            local: pulled.identity.digest === pulled.identity.id,
        });
    }
    /** What a rollback goes back to here, once inspected. */
    get rollbackRelease() {
        return this.ctx.inspection?.target?.release;
    }
    acquireLock = () => acquireLock(this.ctx);
    unlock = () => releaseLock(this.ctx);
    inspectAndPull = () => inspectAndPull(this.ctx);
    releasePhase = () => releasePhase(this.ctx);
    startAndCheck = () => startAndCheck(this.ctx);
    switchTo = () => switchTo(this.ctx);
    bake = () => bake(this.ctx);
    switchBack = () => switchBack(this.ctx);
    retire = () => retire(this.ctx);
    recordFailure = (e) => recordFailure(this.ctx, e);
    discardNew = () => discardNew(this.ctx);
}

;// CONCATENATED MODULE: ./src/deploy/orchestrator.ts
// One deploy across one or more servers, all or nothing (docs/architecture.md, the deploy step by step):
// lock every server, prepare the new version everywhere while
// the old one serves, switch in batches (undone everywhere if any server
// fails), and only then retire the old version everywhere. One server is the
// same sequence with one element. Written against small interfaces so unit
// tests drive it with fakes.



/** The servers in batches of `count`, in the order given. */
const inBatches = (items, count) => Array.from({ length: Math.ceil(items.length / count) }, (_, i) => items.slice(i * count, (i + 1) * count));
async function deploy(config, deps, identity) {
    const run = new deploy_run/* DeployRun */.jQ(config, identity, deps.clock, deps.log, deps.signal);
    const servers = deps.servers.map((server) => new ServerDeploy(run, server));
    const stages = [];
    async function stage(name, detail, work) {
        const record = { stage: name, ms: 0, ok: false, detail };
        stages.push(record);
        return (0,deploy_run/* timed */.ay)(record, run.clock, work);
    }
    try {
        await stage('lock', 'every server, in a fixed order', () => acquireLocks(servers));
        await stage('prepare', 'inspect, pull, release, start and ready check, side by side', () => prepare(run, servers));
        const batches = inBatches(servers, (0,inputs/* batchCount */.oW)(servers.length, config.batchSize));
        for (const [i, batch] of batches.entries()) {
            const names = `batch ${i + 1} of ${batches.length}: ${batch.map((s) => s.name).join(', ')}`;
            await stage('switch', names, () => everyOne(batch, (s) => s.switchTo()));
            // Each batch bakes before the next switches: with batch-size 1, the first server is a canary.
            if (config.bake.timeMs > 0)
                await stage('bake', `${names}, for bake-time`, () => everyOne(batch, (s) => s.bake(), run));
        }
        // Every bake passed: from here on the new version stays, whatever interrupts.
        run.interruptible = false;
        const results = await stage('retire', 'drain and retire, side by side', () => Promise.all(servers.map((s) => s.retire())));
        return { ...results[0], servers: results, stages, durationSeconds: run.seconds(), warnings: run.warnings };
    }
    catch (e) {
        run.interruptible = false;
        throw await undo(e, servers, stages, stage);
    }
    finally {
        await Promise.all(servers.map((s) => s.unlock()));
    }
}
/** 2. One server after the other, in the order of their names: two deploys of the same servers cannot deadlock. */
async function acquireLocks(servers) {
    // By code unit, not localeCompare: two runners with other locales must take them in the same order.
    for (const server of [...servers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)))
        await server.acquireLock();
}
/** 3-6 on every server while the old version serves: inspect and pull side by side, the
 * release phase once (on the first server), then start and ready check side by side. */
async function prepare(run, servers) {
    await everyOne(servers, (s) => s.inspectAndPull(), run);
    sameRollbackTarget(servers);
    sameBuild(servers);
    if (run.config.container.releaseCommand.length > 0)
        await servers[0].releasePhase();
    await everyOne(servers, (s) => s.startAndCheck(), run);
}
/** Runs `work` on every server side by side and waits for all of them; the first failure is
 * thrown. While preparing (`run` given), one failure stops the others' waits. */
async function everyOne(servers, work, run) {
    // Boxed: a rejection with a falsy value (undefined, 0) is a failure too.
    let first;
    await Promise.all(servers.map((s) => work(s).catch((e) => {
        if (e instanceof Stopped)
            return;
        first ??= { error: e };
        if (run)
            run.stopped = `${s.name} failed`;
    })));
    if (run)
        run.stopped = undefined;
    if (first)
        throw first.error;
}
/** One build everywhere: a tag pushed again while the servers pulled would leave them running different code.
 * Images built on each server (no registry digest) have ids of their own and are not compared. */
function sameBuild(servers) {
    const digests = new Set(servers.filter((s) => !s.pulledImage?.local).map((s) => s.pulledImage?.digest));
    if (digests.size <= 1)
        return;
    const list = servers.map((s) => `${s.name}: ${s.pulledImage?.digest}`).join('; ');
    throw new deploy_run/* DeployError */.sH('pull', `the servers pulled different builds of ${servers[0].pulledImage?.image} (${list})`, 'The tag was pushed again while the servers pulled it (or a server has its own image under that name). Deploy by digest (image@sha256:...), or again once the tag settled.', [], {}, servers[0].name);
}
/** A rollback goes back to one release everywhere, or nowhere. */
function sameRollbackTarget(servers) {
    const targets = new Map(servers.map((s) => [s.name, s.rollbackRelease]));
    const digests = new Set([...targets.values()].map((r) => r?.digest));
    if (digests.size <= 1)
        return;
    const list = [...targets].map(([name, r]) => `${name}: ${r?.image} (${r?.digest})`).join('; ');
    throw new deploy_run/* DeployError */.sH('inspect', `rollback: the servers would go back to different releases (${list})`, 'Their histories differ (a server deployed on its own?). Deploy the image wanted by name instead of rolling back.', [], {}, servers[0].name);
}
/** All or nothing: every server that switched is switched back (and proven), every
 * new container that never served is removed, and the failure is recorded everywhere. */
async function undo(e, servers, stages, stage) {
    if (!(e instanceof deploy_run/* DeployError */.sH))
        return e;
    // The server that failed its own switch has already written its key back.
    const switched = servers.filter((s) => s.proven && !s.lost);
    const undoFailures = [];
    if (switched.length > 0) {
        await stage('undo', `switch back ${switched.map((s) => s.name).join(', ')}`, async () => {
            await Promise.all(switched.map((s) => s.switchBack().catch((u) => {
                undoFailures.push(u);
            })));
            if (undoFailures.length > 0)
                throw undoFailures[0];
        }).catch(() => undefined);
    }
    await Promise.all(servers.map(async (s) => {
        await s.discardNew();
        await s.recordFailure(e);
    }));
    const failure = undoFailures.length === 0
        ? e
        : new deploy_run/* DeployError */.sH(e.phase, `${e.reason}; switching back failed on ${undoFailures.map((u) => u.server ?? 'the server').join(', ')}: ${undoFailures.map((u) => u.reason).join('; ')}`, `${undoFailures.map((u) => u.hint).join(' ')} ${e.hint}`, e.timeline, e.details, e.server);
    failure.oldServes = servers.every((s) => !s.switched);
    failure.serverLost = servers.some((s) => s.lost);
    failure.stages = stages;
    failure.servers = servers.map((s) => ({ server: s.name, timeline: s.timeline, switched: s.switched }));
    return failure;
}

// EXTERNAL MODULE: ./src/remote/probe.ts
var probe = __webpack_require__(1112);
// EXTERNAL MODULE: ./src/remote/session.ts
var session = __webpack_require__(4622);
;// CONCATENATED MODULE: ./src/deploy/on-servers.ts
// One deploy as every door runs it: the SSH session and its probes opened, the
// deploy run against them with real time, everything closed again. The doors
// (the Action, the CLI) bring their own log, checkpoints and identity.






/** Past `timeout`, the time the deploy's own deadline checks get before a door gives up on it (a hung command). */
const TIMEOUT_GRACE_MS = 30_000;
/** Time as it passes: what every door gives the deploy and the day-two commands. */
const realClock = { now: () => Date.now(), sleep: (ms) => (0,promises_.setTimeout)(ms).then(() => undefined) };
function newIdentity(config, who) {
    const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
    const instance = `${stamp}-${(0,external_node_crypto_.randomBytes)(2).toString('hex')}`;
    const what = config.container.rollback ? 'rolling back' : `deploying ${config.container.image}`;
    return {
        deployId: who.deployId ?? `manual-${stamp}`,
        instance,
        lockOwner: `${who.description} ${what} [${instance}]`,
    };
}
const runDeploy = async (config, identity, hooks) => {
    const sessions = await (0,session/* openSessions */.w)(config.servers, config.switch.redis, hooks.log, true);
    const probes = sessions.map((session) => (0,probe/* forwardedProbes */.M)(session.shell, (0,inputs/* probeTargets */.$F)(config)));
    try {
        return await deploy(config, {
            servers: sessions.map((session, i) => ({
                name: session.name,
                docker: session.docker,
                keys: session.keys,
                probes: probes[i],
                checkpoint: (name, value) => hooks.checkpoint(session.name, name, value),
            })),
            clock: realClock,
            log: hooks.log,
            signal: hooks.signal,
        }, identity);
    }
    finally {
        await Promise.all(probes.map((p) => p.close().catch(() => undefined)));
        await Promise.all(sessions.map((session) => session.close().catch(() => undefined)));
    }
};
/** The `bake` output: what a user's next step may act on. */
function bakeOutput(report) {
    if (!report)
        return undefined;
    const { passed, seconds, traffic, probes, probeFailures, restarts } = report;
    return {
        passed,
        seconds: Number(seconds.toFixed(1)),
        requests: traffic?.requests ?? null,
        errors: traffic?.errors ?? null,
        probes,
        'probe-failures': probeFailures,
        restarts,
    };
}
/** One server's outputs, by the names action.yml gives them. */
function serverOutputs(result) {
    return {
        container: result.container,
        'container-id': result.containerId,
        port: String(result.port),
        'previous-port': result.previousPort === undefined ? '' : String(result.previousPort),
        'previous-container': result.previousContainer ?? '',
        image: result.image,
        'previous-image': result.previousImage ?? '',
        'image-digest': result.imageDigest,
        'switch-seconds': result.switchSeconds.toFixed(3),
    };
}
/** The outputs of a deploy: the first server's, the duration, and every server's in `servers`. */
function outputsOf(result) {
    return {
        ...serverOutputs(result),
        bake: result.bake ? JSON.stringify(bakeOutput(result.bake)) : '',
        'duration-seconds': result.durationSeconds.toFixed(2),
        servers: JSON.stringify(result.servers.map((r) => ({ server: r.server, ...serverOutputs(r), bake: bakeOutput(r.bake) ?? null }))),
    };
}


/***/ }),

/***/ 114:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   ay: () => (/* binding */ timed),
/* harmony export */   cU: () => (/* binding */ LOCK_TTL_MS),
/* harmony export */   jQ: () => (/* binding */ DeployRun),
/* harmony export */   sH: () => (/* binding */ DeployError)
/* harmony export */ });
/** Runs `work` as `record`: its time, and ok once it returned. */
async function timed(record, clock, work) {
    const t0 = clock.now();
    try {
        const value = await work();
        record.ok = true;
        return value;
    }
    finally {
        record.ms = clock.now() - t0;
    }
}
/** Renewed every quarter of it while held: a deploy whose runner died frees the lock this long after.
 * Above the time SSH keepalives take to declare a connection dead (see remote/ssh/connection.ts). */
const LOCK_TTL_MS = 30_000;
class DeployError extends Error {
    phase;
    reason;
    hint;
    timeline;
    details;
    server;
    /** False once a key may name a new container: what serves is then for the user to check. */
    oldServes = true;
    /** An SSH connection went away: nothing more can be done or recorded on that server. */
    serverLost = false;
    /** With several servers: the stages and every server's phases. */
    stages = [];
    servers = [];
    constructor(phase, reason, hint, timeline, details = {}, 
    /** The server that failed, named when there are several. */
    server) {
        super(`${server ? `${server}: ` : ''}${phase} failed: ${reason}`);
        this.phase = phase;
        this.reason = reason;
        this.hint = hint;
        this.timeline = timeline;
        this.details = details;
        this.server = server;
    }
}
/** The deploy's shared state: created once, handed to every server's phases. */
class DeployRun {
    config;
    identity;
    clock;
    log;
    signal;
    started;
    deadline;
    warnings = [];
    /** Set while preparing, once a server failed: the others stop waiting. */
    stopped;
    /** The servers whose lock this deploy holds: one of them holding the lock another waits for means they share one Redis. */
    locked = new Set();
    /** False once the deploy is undoing a failure or retiring after every bake passed: an interrupt then waits. */
    interruptible = true;
    constructor(config, identity, clock, log, 
    /** Aborted when the deploy is asked to stop (the CLI's Ctrl-C): it undoes what it did, as a failure does. */
    signal) {
        this.config = config;
        this.identity = identity;
        this.clock = clock;
        this.log = log;
        this.signal = signal;
        this.started = clock.now();
        this.deadline = this.started + config.timing.timeoutMs;
        config.deprecations.forEach((m) => this.warn(m));
    }
    get interrupted() {
        return this.interruptible && this.signal?.aborted === true;
    }
    get several() {
        return this.config.servers.length > 1;
    }
    warn(message) {
        this.warnings.push(message);
        this.log.warning(message);
    }
    /** A phase waits for its own limit or the whole deploy's, whichever ends first, and names the one that did. */
    until(phaseMs, input) {
        const own = this.clock.now() + phaseMs;
        return own <= this.deadline
            ? { end: own, limit: input }
            : { end: this.deadline, limit: 'timeout (the whole deploy)' };
    }
    seconds() {
        return (this.clock.now() - this.started) / 1000;
    }
}


/***/ }),

/***/ 6208:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   D: () => (/* binding */ readConfigFiles),
/* harmony export */   F3: () => (/* binding */ resourcesOf),
/* harmony export */   Iw: () => (/* binding */ confdConfigFiles),
/* harmony export */   Mq: () => (/* binding */ readResources),
/* harmony export */   OR: () => (/* binding */ sharedWatchProblem),
/* harmony export */   Wx: () => (/* binding */ confdsRendering),
/* harmony export */   Zb: () => (/* binding */ redisConfds),
/* harmony export */   eH: () => (/* binding */ confdProcesses),
/* harmony export */   qS: () => (/* binding */ namesPort),
/* harmony export */   sz: () => (/* binding */ handsPeerToNginx),
/* harmony export */   tH: () => (/* binding */ resourceRendering),
/* harmony export */   zX: () => (/* binding */ confdsRenderingKey)
/* harmony export */ });
/* unused harmony export resourcesRendering */
/* harmony import */ var smol_toml__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3292);
/* harmony import */ var _docker_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7124);
// What a deploy can learn about the server's confd from outside: its processes' command lines
// and the template resources in their -confdir. Pure: the commands run in docker-host.ts.


/** confd's defaults, as its flag package has them. */
const DEFAULT_CONFDIR = '/etc/confd';
const DEFAULT_BACKEND = 'etcd';
const DEFAULT_INTERVAL_SECONDS = 600;
/** Where confd reads its settings when -config-file does not say; flags override them. */
const DEFAULT_CONFIG_FILE = '/etc/confd/confd.toml';
/** More template resources than a host setup has: the rest are not read. */
const MAX_RESOURCES = 100;
/** A Go flag's value on a command line: `-name value`, `-name=value`, and the same with `--`. */
function flagValue(words, name) {
    for (let i = 0; i < words.length; i += 1) {
        const m = new RegExp(`^--?${name}(?:=(.*))?$`).exec(words[i]);
        if (m)
            return m[1] ?? words[i + 1];
    }
    return undefined;
}
/** A Go boolean flag: `-name` or `-name=true` sets it (`-name false` does not: Go takes no separate value); undefined: not given. */
function boolFlag(words, name) {
    const found = words
        .map((w) => new RegExp(`^--?${name}(?:=(.*))?$`).exec(w))
        .filter((m) => m !== null)
        .at(-1);
    return found === undefined ? undefined : ['', undefined, 'true', '1', 't', 'T', 'TRUE', 'True'].includes(found[1]);
}
/** The command lines of confd processes (the executable is confd, whatever else names it), as words. */
const confdCommands = (commandLines) => commandLines.map((line) => line.trim().split(/\s+/)).filter((words) => /(?:^|\/)confd$/.test(words[0] ?? ''));
const configFileOf = (words) => flagValue(words, 'config-file') ?? DEFAULT_CONFIG_FILE;
/** The settings files these confds read (confd.toml), to read before their processes are judged. */
const confdConfigFiles = (commandLines) => [
    ...new Set(confdCommands(commandLines).map(configFileOf)),
];
/** What a confd.toml sets of what the deploy needs to know (an unreadable or broken file: nothing). */
function configFileSettings(text) {
    try {
        const t = (0,smol_toml__WEBPACK_IMPORTED_MODULE_0__/* .parse */ .qg)(text ?? '');
        const str = (value) => (typeof value === 'string' ? value : undefined);
        return {
            confdir: str(t.confdir),
            backend: str(t.backend),
            prefix: str(t.prefix),
            watch: typeof t.watch === 'boolean' ? t.watch : undefined,
            interval: typeof t.interval === 'number' ? t.interval : undefined,
        };
    }
    catch {
        return {};
    }
}
/** The confd processes among command lines, with their settings: each flag, else its config file's (`configFiles`
 * by path, as confdConfigFiles names them), else confd's default. */
function confdProcesses(commandLines, configFiles = new Map()) {
    return confdCommands(commandLines).map((words) => {
        const file = configFileSettings(configFiles.get(configFileOf(words)));
        return {
            confdir: flagValue(words, 'confdir') ?? file.confdir ?? DEFAULT_CONFDIR,
            backend: flagValue(words, 'backend') ?? file.backend ?? DEFAULT_BACKEND,
            prefix: flagValue(words, 'prefix') ?? file.prefix ?? '',
            watch: boolFlag(words, 'watch') ?? file.watch ?? false,
            intervalSeconds: Number(flagValue(words, 'interval') ?? file.interval ?? DEFAULT_INTERVAL_SECONDS) || DEFAULT_INTERVAL_SECONDS,
        };
    });
}
/** Each file's start after a `==> PATH` line (parse.files), the unreadable ones left out: confd's settings files. */
const readConfigFiles = (paths) => [
    'sh',
    '-c',
    `for f in "$@"; do [ -r "$f" ] && printf "\\n==> %s\\n" "$f" && head -c ${_docker_js__WEBPACK_IMPORTED_MODULE_1__/* .FILE_READ_BYTES */ .yU} "$f"; done; true`,
    'sh',
    ...paths,
];
/** The confds with the Redis backend: the ones whose resources a deploy's key writes re-render. */
const redisConfds = (processes) => processes.filter((p) => p.backend === 'redis');
/** Every template resource (conf.d/**\/*.toml, as confd finds them) in these confds' -confdir, each
 * file after a `==> PATH` line (parse.files); bounded, as what is read comes from the server. */
const readResources = (confds) => [
    'sh',
    '-c',
    `find "$@" -type f -name "*.toml" 2>/dev/null | head -n ${MAX_RESOURCES} | while IFS= read -r f; do printf "\\n==> %s\\n" "$f"; head -c ${_docker_js__WEBPACK_IMPORTED_MODULE_1__/* .FILE_READ_BYTES */ .yU} "$f"; done; true`,
    'sh',
    ...new Set(confds.map((p) => `${p.confdir}/conf.d`)),
];
/** confd's prefix joining: "/" + the trimmed global and resource prefixes, then the key. */
function joinedKey(globalPrefix, own, key) {
    return `/${[globalPrefix, own, key]
        .map((p) => p.replace(/^\/+|\/+$/g, ''))
        .filter(Boolean)
        .join('/')}`;
}
/** A template resource's file as TOML: its keys (prefixes joined), dest and reload_cmd. */
function resource(text, globalPrefix) {
    try {
        const t = (0,smol_toml__WEBPACK_IMPORTED_MODULE_0__/* .parse */ .qg)(text).template;
        if (!t)
            return {};
        const str = (value) => (typeof value === 'string' ? value : undefined);
        return {
            keys: Array.isArray(t.keys)
                ? t.keys.map((k) => joinedKey(globalPrefix, str(t.prefix) ?? '', String(k)))
                : undefined,
            dest: str(t.dest),
            reloadCmd: str(t.reload_cmd),
        };
    }
    catch {
        return {};
    }
}
/** Each confd's resources, from readResources' files by path. */
function resourcesOf(confds, files) {
    const found = new Map();
    for (const p of confds) {
        found.set(p.confdir, [...files]
            .filter(([path]) => path.startsWith(`${p.confdir}/conf.d/`))
            .map(([path, text]) => ({ file: path.slice(path.lastIndexOf('/') + 1), ...resource(text, p.prefix) })));
    }
    return found;
}
/** Whether confd re-renders a resource from `key`: one of its keys is the key or a path above it. */
const renders = (resource, key) => resource.keys === undefined || resource.keys.some((k) => k === '/' || key === k || key.startsWith(`${k}/`));
/** The resources of running Redis confds that render from `key`. */
const resourcesRendering = (state, key) => [...state.resources.values()].flat().filter((r) => renders(r, key));
/** The resource whose rendered file tells what confd did with `key`: one with a dest, preferring one
 * whose keys name it over one whose keys could not be read (counted as rendering every key). */
const resourceRendering = (state, key) => {
    const rendering = resourcesRendering(state, key).filter((r) => r.dest);
    return rendering.find((r) => r.keys !== undefined) ?? rendering[0];
};
/** The no-reload setup: confd hands the address to nginx's admin socket (examples/host/bin/dhd-peer). */
const handsPeerToNginx = (r) => /\bdhd-peer\s+set\b/.test(r.reloadCmd ?? '');
/** Whether a rendered file (an upstream block, or the no-reload setup's peer file) names `port`. */
const namesPort = (rendered, port) => new RegExp(`:${port}(?!\\d)`).test(rendered);
/** How many Redis confds have a resource that renders from `key` (undefined: a -confdir showed no
 * resources, unreadable perhaps, so nobody can tell). */
function confdsRendering(state, key) {
    const dirs = [...state.resources.values()];
    if (dirs.length === 0 || dirs.some((resources) => resources.length === 0))
        return undefined;
    return dirs.filter((resources) => resources.some((r) => renders(r, key))).length;
}
/** Said when a confd with the Redis backend has several template resources: its one watch wakes
 * only one of them per write (confd 0.16), so a switch of either deployment may never render. */
function sharedWatchProblem(state) {
    const shared = [...state.resources].filter(([, resources]) => resources.length > 1);
    if (shared.length === 0)
        return undefined;
    const which = shared
        .map(([dir, resources]) => `confd -confdir ${dir} has ${resources.length} template resources (${resources
        .map((r) => r.file)
        .sort()
        .join(', ')})`)
        .join('; ');
    return `${which}: confd's Redis backend wakes only one of a process's resources per write, so nginx may keep the old upstream. Run one confd per deployment (README: Several deployments on one server).`;
}
/** The Redis confds with a resource that renders from `key` (undefined: as confdsRendering, nobody can tell). */
function confdsRenderingKey(state, key) {
    if (confdsRendering(state, key) === undefined)
        return undefined;
    return redisConfds(state.processes).filter((p) => (state.resources.get(p.confdir) ?? []).some((r) => renders(r, key)));
}


/***/ }),

/***/ 587:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   r: () => (/* binding */ remoteDockerHost)
/* harmony export */ });
/* unused harmony export RemoteCommandError */
/* harmony import */ var node_timers_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8500);
/* harmony import */ var node_timers_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_timers_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _docker_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7124);
/* harmony import */ var _image_ref_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6283);
/* harmony import */ var _progress_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(7023);
/* harmony import */ var _confd_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(6208);
/* harmony import */ var _ssh_connection_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(1213);
// The server as the deploy sees it: docker and host facts, executed over the
// remote shell. Argument lists come from docker.ts; this file only runs them.






class RemoteCommandError extends Error {
    argv;
    result;
    constructor(argv, result) {
        const lines = (result.stderr || result.stdout)
            .split('\n')
            .map((l) => l.trim())
            .filter(Boolean);
        super(`${argv.slice(0, 3).join(' ')} failed (exit ${result.code}): ${lines.slice(-5).join(' | ')}`);
        this.argv = argv;
        this.result = result;
    }
}
const PULL_TIMEOUT_MS = 10 * 60_000;
const COMMAND_TIMEOUT_MS = 60_000;
const DISCARD_ATTEMPTS = 3;
const DISCARD_RETRY_MS = 500;
/** What is kept of a release command's output and a container's log: the end, where the error is. */
const KEPT_OUTPUT_BYTES = 64 * 1024;
/** ssh2's error when sshd refuses a pseudo-terminal (PermitTTY no, or the key's no-pty). */
const TERMINAL_REFUSED = /pseudo-terminal/;
function remoteDockerHost(shell) {
    // Asked once: a server that refused a terminal refuses it again.
    let terminalRefused = false;
    const ok = async (argv, options = {}) => {
        const result = await shell.run(argv, { timeoutMs: COMMAND_TIMEOUT_MS, ...options });
        if (result.code !== 0)
            throw new RemoteCommandError(argv, result);
        return result.stdout;
    };
    const identityOf = async (image) => {
        const argv = _docker_js__WEBPACK_IMPORTED_MODULE_1__/* .build */ .jq.imageIdentity(image);
        const result = await shell.run(argv, { timeoutMs: COMMAND_TIMEOUT_MS });
        if (result.code === 0)
            return _docker_js__WEBPACK_IMPORTED_MODULE_1__/* .parse */ .qg.imageIdentity(result.stdout, (0,_image_ref_js__WEBPACK_IMPORTED_MODULE_2__/* .repositoryOf */ ._M)(image));
        if (/no such image/i.test(result.stderr))
            return undefined;
        throw new RemoteCommandError(argv, result);
    };
    const readiness = async (username) => {
        const result = await shell.run(_docker_js__WEBPACK_IMPORTED_MODULE_1__/* .build */ .jq.serverCheck(), { timeoutMs: COMMAND_TIMEOUT_MS });
        const text = `${result.stdout}${result.stderr}`;
        return { problems: _docker_js__WEBPACK_IMPORTED_MODULE_1__/* .parse */ .qg.serverProblems(text, username), dockerVersion: _docker_js__WEBPACK_IMPORTED_MODULE_1__/* .parse */ .qg.dockerVersion(text) };
    };
    return {
        makePrivateDir: async () => (await ok(_docker_js__WEBPACK_IMPORTED_MODULE_1__/* .build */ .jq.makePrivateDir())).trim(),
        async removeDir(dir) {
            await ok(_docker_js__WEBPACK_IMPORTED_MODULE_1__/* .build */ .jq.removeDir(dir));
        },
        async login(configDir, registry, username, password) {
            await ok(_docker_js__WEBPACK_IMPORTED_MODULE_1__/* .build */ .jq.login(configDir, registry, username), { stdin: `${password}\n` });
        },
        async pull(image, policy, configDir, onOutput) {
            if (policy !== 'always') {
                const present = await identityOf(image);
                if (present)
                    return present;
                if (policy === 'never')
                    throw new Error(`image ${image} is not on the server and pull is "never"`);
            }
            if (onOutput) {
                // On a terminal docker redraws its progress: only the end is kept, and the error is its last lines.
                // Without one (a key restricted with no-pty) it still names each layer as it completes.
                const argv = _docker_js__WEBPACK_IMPORTED_MODULE_1__/* .build */ .jq.pull(image, configDir, true);
                const options = { timeoutMs: PULL_TIMEOUT_MS, onOutput, keepBytes: KEPT_OUTPUT_BYTES };
                const onTerminal = terminalRefused
                    ? undefined
                    : await shell.run(argv, { ...options, terminal: true }).catch((e) => {
                        if (!TERMINAL_REFUSED.test(e.message))
                            throw e;
                        terminalRefused = true;
                        return undefined;
                    });
                const result = onTerminal ?? (await shell.run(argv, options));
                if (result.code !== 0)
                    throw new RemoteCommandError(argv, {
                        ...result,
                        stdout: '',
                        stderr: (0,_progress_js__WEBPACK_IMPORTED_MODULE_3__/* .withoutRedraws */ .HX)(`${result.stdout}\n${result.stderr}`),
                    });
            }
            else {
                await ok(_docker_js__WEBPACK_IMPORTED_MODULE_1__/* .build */ .jq.pull(image, configDir), { timeoutMs: PULL_TIMEOUT_MS });
            }
            const identity = await identityOf(image);
            if (!identity)
                throw new Error(`image ${image} is missing right after docker pull`);
            return identity;
        },
        async runOnce(spec, env, timeoutMs, onOutput) {
            try {
                const result = await shell.run(_docker_js__WEBPACK_IMPORTED_MODULE_1__/* .build */ .jq.runOnce(spec), {
                    stdin: env,
                    timeoutMs,
                    keepBytes: KEPT_OUTPUT_BYTES,
                    onOutput,
                });
                return { code: result.code, output: `${result.stdout}${result.stderr}` };
            }
            catch (e) {
                if (!(e instanceof _ssh_connection_js__WEBPACK_IMPORTED_MODULE_5__/* .CommandTimedOut */ .Ff))
                    throw e;
                // The docker CLI went with the channel; the container did not.
                await ok(_docker_js__WEBPACK_IMPORTED_MODULE_1__/* .build */ .jq.discard([spec.name])).catch(() => undefined);
                return 'timed out';
            }
        },
        readHistories: async (dir, entries) => _docker_js__WEBPACK_IMPORTED_MODULE_1__/* .parse */ .qg.files(await ok(_docker_js__WEBPACK_IMPORTED_MODULE_1__/* .build */ .jq.readHistories(dir, entries))),
        async appendHistory(path, line, keep) {
            await ok(_docker_js__WEBPACK_IMPORTED_MODULE_1__/* .build */ .jq.appendHistory(path, keep), { stdin: `${line}\n` });
        },
        readiness,
        async checkServer(username) {
            const { problems } = await readiness(username);
            if (problems.length > 0)
                throw new Error(`The server is not ready for deploys: ${problems.map((p) => `${p.problem}: ${p.fix}`).join('; ')}.`);
        },
        async containers() {
            const argv = _docker_js__WEBPACK_IMPORTED_MODULE_1__/* .build */ .jq.containers();
            const result = await shell.run(argv, { timeoutMs: COMMAND_TIMEOUT_MS });
            if (result.code !== 0 && !(result.stdout && _docker_js__WEBPACK_IMPORTED_MODULE_1__/* .parse */ .qg.vanishedOnly(result.stderr)))
                throw new RemoteCommandError(argv, result);
            return _docker_js__WEBPACK_IMPORTED_MODULE_1__/* .parse */ .qg.containers(result.stdout);
        },
        listeningPorts: async () => _docker_js__WEBPACK_IMPORTED_MODULE_1__/* .parse */ .qg.listeningPorts(await ok(_docker_js__WEBPACK_IMPORTED_MODULE_1__/* .build */ .jq.listeningPorts())),
        diskFree: async () => _docker_js__WEBPACK_IMPORTED_MODULE_1__/* .parse */ .qg.diskFree(await ok(_docker_js__WEBPACK_IMPORTED_MODULE_1__/* .build */ .jq.diskFree())),
        async imageSize(image) {
            const result = await shell.run(_docker_js__WEBPACK_IMPORTED_MODULE_1__/* .build */ .jq.imageSize(image), { timeoutMs: COMMAND_TIMEOUT_MS });
            return result.code === 0 ? Number(result.stdout.trim()) : undefined;
        },
        run: async (spec, env) => (await ok(_docker_js__WEBPACK_IMPORTED_MODULE_1__/* .build */ .jq.run(spec), { stdin: env })).trim(),
        inspect: async (id, containerPort) => _docker_js__WEBPACK_IMPORTED_MODULE_1__/* .parse */ .qg.inspect(await ok(_docker_js__WEBPACK_IMPORTED_MODULE_1__/* .build */ .jq.inspect(id)), containerPort),
        async logs(id, lines) {
            const result = await shell.run(_docker_js__WEBPACK_IMPORTED_MODULE_1__/* .build */ .jq.logs(id, lines), {
                timeoutMs: COMMAND_TIMEOUT_MS,
                keepBytes: KEPT_OUTPUT_BYTES,
            });
            return `${result.stdout}${result.stderr}`.trimEnd();
        },
        async lastExitCode(container) {
            const result = await shell.run(_docker_js__WEBPACK_IMPORTED_MODULE_1__/* .build */ .jq.exitCodes(container.id, container.createdAt), {
                timeoutMs: COMMAND_TIMEOUT_MS,
            });
            return result.code === 0 ? _docker_js__WEBPACK_IMPORTED_MODULE_1__/* .parse */ .qg.lastExitCode(result.stdout) : undefined;
        },
        async stop(id, seconds) {
            await ok(_docker_js__WEBPACK_IMPORTED_MODULE_1__/* .build */ .jq.stop(id, seconds), { timeoutMs: (seconds + 30) * 1000 });
        },
        async remove(ids) {
            if (ids.length > 0)
                await ok(_docker_js__WEBPACK_IMPORTED_MODULE_1__/* .build */ .jq.remove(ids));
        },
        async discard(ids) {
            if (ids.length === 0)
                return;
            // Docker refuses to force-remove a container its restart policy is between exit and restart
            // ("Could not kill running container ..., cannot remove - ... is not running"): once more, shortly after.
            for (let attempt = 1;; attempt += 1) {
                try {
                    await ok(_docker_js__WEBPACK_IMPORTED_MODULE_1__/* .build */ .jq.discard(ids));
                    return;
                }
                catch (e) {
                    if (attempt >= DISCARD_ATTEMPTS || !/is not running|is restarting/.test(e.message))
                        throw e;
                    await (0,node_timers_promises__WEBPACK_IMPORTED_MODULE_0__.setTimeout)(DISCARD_RETRY_MS);
                }
            }
        },
        images: async (repository) => _docker_js__WEBPACK_IMPORTED_MODULE_1__/* .parse */ .qg.images(await ok(_docker_js__WEBPACK_IMPORTED_MODULE_1__/* .build */ .jq.images(repository))),
        async removeImages(refs) {
            if (refs.length === 0)
                return;
            const argv = _docker_js__WEBPACK_IMPORTED_MODULE_1__/* .build */ .jq.removeImages(refs);
            const result = await shell.run(argv, { timeoutMs: COMMAND_TIMEOUT_MS });
            if (_docker_js__WEBPACK_IMPORTED_MODULE_1__/* .parse */ .qg.imageRemovalProblems(result.stderr).length > 0)
                throw new RemoteCommandError(argv, result);
        },
        async drainState(ports) {
            const [ps, ...ss] = await Promise.all([
                ok(_docker_js__WEBPACK_IMPORTED_MODULE_1__/* .build */ .jq.processes()),
                ...ports.map((port) => ok(_docker_js__WEBPACK_IMPORTED_MODULE_1__/* .build */ .jq.connectionsTo(port))),
            ]);
            return {
                shuttingDownWorkers: _docker_js__WEBPACK_IMPORTED_MODULE_1__/* .parse */ .qg.shuttingDownWorkers(_docker_js__WEBPACK_IMPORTED_MODULE_1__/* .parse */ .qg.processes(ps)),
                connections: ss.reduce((sum, text) => sum + _docker_js__WEBPACK_IMPORTED_MODULE_1__/* .parse */ .qg.lineCount(text), 0),
            };
        },
        readFile: (path, maxBytes) => ok(_docker_js__WEBPACK_IMPORTED_MODULE_1__/* .build */ .jq.readFile(path, maxBytes)),
        logEnd: async (path) => _docker_js__WEBPACK_IMPORTED_MODULE_1__/* .parse */ .qg.logEnd(await ok(_docker_js__WEBPACK_IMPORTED_MODULE_1__/* .build */ .jq.logEnd(path))),
        async readLog(path, from, maxBytes) {
            const argv = _docker_js__WEBPACK_IMPORTED_MODULE_1__/* .build */ .jq.readLog(path, from, maxBytes);
            const result = await shell.run(argv, { timeoutMs: COMMAND_TIMEOUT_MS, bytes: true });
            if (result.code !== 0)
                throw new RemoteCommandError(argv, result);
            return _docker_js__WEBPACK_IMPORTED_MODULE_1__/* .parse */ .qg.logRead(result.stdoutBytes ?? Buffer.from(result.stdout));
        },
        async confd() {
            const commandLines = _docker_js__WEBPACK_IMPORTED_MODULE_1__/* .parse */ .qg.processes(await ok(_docker_js__WEBPACK_IMPORTED_MODULE_1__/* .build */ .jq.processes()));
            const settingsFiles = (0,_confd_js__WEBPACK_IMPORTED_MODULE_4__/* .confdConfigFiles */ .Iw)(commandLines);
            const processes = (0,_confd_js__WEBPACK_IMPORTED_MODULE_4__/* .confdProcesses */ .eH)(commandLines, settingsFiles.length > 0 ? _docker_js__WEBPACK_IMPORTED_MODULE_1__/* .parse */ .qg.files(await ok((0,_confd_js__WEBPACK_IMPORTED_MODULE_4__/* .readConfigFiles */ .D)(settingsFiles))) : undefined);
            const redis = (0,_confd_js__WEBPACK_IMPORTED_MODULE_4__/* .redisConfds */ .Zb)(processes);
            if (redis.length === 0)
                return { processes, resources: new Map() };
            return { processes, resources: (0,_confd_js__WEBPACK_IMPORTED_MODULE_4__/* .resourcesOf */ .F3)(redis, _docker_js__WEBPACK_IMPORTED_MODULE_1__/* .parse */ .qg.files(await ok((0,_confd_js__WEBPACK_IMPORTED_MODULE_4__/* .readResources */ .Mq)(redis)))) };
        },
    };
}


/***/ }),

/***/ 4292:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CR: () => (/* binding */ probePath),
/* harmony export */   _i: () => (/* binding */ isHealthyStatus),
/* harmony export */   uE: () => (/* binding */ proveServed)
/* harmony export */ });
/* harmony import */ var _upstream_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(817);
// What a probe answers and the rules read from it, pure: the deploy's verdicts and the
// day-two commands take these without loading HTTP (the probes themselves are probe.ts).

/** What the probes request through nginx: probe-url's path and query. */
const probePath = (url) => `${url.pathname}${url.search}`;
function isHealthyStatus(status) {
    return status !== undefined && status >= 200 && status < 400;
}
/** Probes until `successes` probes in a row are answered (2xx/3xx) by `port`: 'proven'. A probe
 * `failFast` picks ends it at once and is returned; 'timed out' once `next` (which waits) says stop. */
async function proveServed(probe, port, successes, next, failFast = () => false) {
    let inARow = 0;
    for (;;) {
        const result = await probe();
        if (failFast(result))
            return result;
        inARow = isHealthyStatus(result.status) && (0,_upstream_js__WEBPACK_IMPORTED_MODULE_0__/* .upstreamPort */ .$6)(result.upstream) === port ? inARow + 1 : 0;
        if (inARow >= successes)
            return 'proven';
        if (!(await next()))
            return 'timed out';
    }
}


/***/ }),

/***/ 1112:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   M: () => (/* binding */ forwardedProbes)
/* harmony export */ });
/* unused harmony export httpGet */
/* harmony import */ var node_http__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7067);
/* harmony import */ var node_http__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_http__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_https__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4708);
/* harmony import */ var node_https__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_https__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _docker_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7124);
/* harmony import */ var _probe_result_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4292);
// HTTP through an SSH forward, a fresh TCP connection per request: a kept-alive
// connection may still be served by an old nginx worker after a reload.




const PROBE_TIMEOUT_MS = 5_000;
function httpGet(target) {
    const request = target.https ? node_https__WEBPACK_IMPORTED_MODULE_1__.request : node_http__WEBPACK_IMPORTED_MODULE_0__.request;
    return new Promise((resolve) => {
        const req = request({
            socketPath: target.socketPath,
            path: target.path,
            method: 'GET',
            agent: false,
            headers: { Host: target.hostHeader, Connection: 'close', 'User-Agent': 'docker-hot-deploy-probe' },
            timeout: target.timeoutMs,
            // The tunnel already proved the server's identity; this probe checks routing.
            rejectUnauthorized: false,
            servername: target.hostHeader.replace(/:\d+$/, ''),
        }, (res) => {
            const header = target.upstreamHeader ? res.headers[target.upstreamHeader.toLowerCase()] : undefined;
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode, upstream: Array.isArray(header) ? header.join(', ') : header }));
            res.on('error', (e) => resolve({ status: res.statusCode, error: e.message }));
        });
        req.on('timeout', () => req.destroy(new Error(`no answer within ${target.timeoutMs} ms`)));
        req.on('error', (e) => resolve({ error: e.message || e.code || 'connection failed' }));
        req.end();
    });
}
/** The deploy's probes over the SSH connection: one forward per target, a fresh TCP connection per request. */
function forwardedProbes(shell, targets) {
    const forwards = new Map();
    const forwardTo = (host, port) => {
        const key = `${host}:${port}`;
        if (!forwards.has(key))
            forwards.set(key, shell.forward(host, port));
        return forwards.get(key);
    };
    const url = targets.probeUrl;
    const https = url.protocol === 'https:';
    const urlPort = Number(url.port) || (https ? 443 : 80);
    const urlHost = url.hostname.replace(/^\[|\]$/g, '');
    return {
        async health(port) {
            const forward = await forwardTo(targets.bindAddress, port);
            return httpGet({
                socketPath: forward.path,
                https: false,
                path: targets.healthPath,
                hostHeader: `${(0,_docker_js__WEBPACK_IMPORTED_MODULE_2__/* .bracketed */ .Em)(targets.bindAddress)}:${port}`,
                timeoutMs: PROBE_TIMEOUT_MS,
            });
        },
        async probe() {
            const forward = await forwardTo(urlHost, urlPort);
            return httpGet({
                socketPath: forward.path,
                https,
                path: (0,_probe_result_js__WEBPACK_IMPORTED_MODULE_3__/* .probePath */ .CR)(url),
                hostHeader: targets.probeHost ?? url.host,
                upstreamHeader: targets.upstreamHeader,
                timeoutMs: PROBE_TIMEOUT_MS,
            });
        },
        async close() {
            await Promise.all([...forwards.values()].map(async (f) => (await f).close()));
        },
    };
}


/***/ }),

/***/ 7023:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   HX: () => (/* binding */ withoutRedraws),
/* harmony export */   R8: () => (/* binding */ PullProgress),
/* harmony export */   Xy: () => (/* binding */ PROGRESS_EVERY_MS),
/* harmony export */   _e: () => (/* binding */ pullLine),
/* harmony export */   a2: () => (/* binding */ reportWhile),
/* harmony export */   fM: () => (/* binding */ lastLine),
/* harmony export */   ix: () => (/* binding */ megabytes)
/* harmony export */ });
// Progress of long work (a pull, a release command, waits on a lock or a drain), pure: what
// `docker pull` prints on a terminal read into layers and bytes, and a line at most every
// few seconds. The log folds plain lines; the CLI on a terminal rewrites one.
/** How often a long piece of work says where it stands (the first time after as long). */
const PROGRESS_EVERY_MS = 3_000;
/** Docker's sizes (units.HumanSize: decimal, "12.58MB", "1.049kB", "512B"). */
const UNITS = { B: 1, kB: 1e3, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12 };
const SIZE = String.raw `([\d.]+)\s*(B|kB|KB|MB|GB|TB)`;
const PROGRESS = new RegExp(`${SIZE}/${SIZE}`);
const bytesOf = (value, unit) => Math.round(Number(value) * (UNITS[unit] ?? 1));
/** Cursor moves and line clears of a terminal's output. */
// eslint-disable-next-line no-control-regex -- a terminal's escape sequences start with ESC
const ESCAPES = /\x1b\[[0-9;?]*[A-Za-z]/g;
/** What `docker pull` on a terminal printed so far, by layer: it redraws one line per layer
 * ("<id>: Downloading [==>  ] 12.58MB/104.2MB", "<id>: Pull complete", "<id>: Already exists"). */
class PullProgress {
    layers = new Map();
    rest = '';
    /** Output as it comes; a line cut between two chunks waits for its end. */
    feed(text) {
        const lines = (this.rest + text).replace(ESCAPES, '').split(/\r\n|\r|\n/);
        this.rest = lines.pop() ?? '';
        for (const line of lines)
            this.line(line.trim());
    }
    line(line) {
        const m = /^([0-9a-f]{12}): (.+)$/.exec(line);
        // "<tag>: Pulling from <repository>" names the image, not a layer (a tag may look like a layer id).
        if (!m || m[2].startsWith('Pulling from '))
            return;
        const layer = this.layers.get(m[1]) ?? { current: 0, downloaded: false, done: false };
        this.layers.set(m[1], layer);
        const status = m[2];
        const sizes = PROGRESS.exec(status);
        if (status.startsWith('Downloading') && sizes) {
            layer.current = bytesOf(sizes[1], sizes[2]);
            layer.total = bytesOf(sizes[3], sizes[4]);
        }
        else if (/^(Download complete|Verifying Checksum|Extracting)/.test(status)) {
            layer.downloaded = true;
        }
        else if (/^(Pull complete|Already exists)/.test(status)) {
            Object.assign(layer, { downloaded: true, done: true });
        }
    }
    get state() {
        const all = [...this.layers.values()];
        const sized = all.filter((l) => l.total !== undefined);
        return {
            layers: all.length,
            done: all.filter((l) => l.done).length,
            bytes: sized.reduce((sum, l) => sum + (l.downloaded ? l.total : l.current), 0),
            totalBytes: sized.reduce((sum, l) => sum + l.total, 0),
        };
    }
}
const megabytes = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
/** "3/7 layers, 45.2 MB of 210.0 MB": as much as Docker told. */
function pullLine(s) {
    const layers = s.layers > 0 ? `${s.done}/${s.layers} layers` : 'waiting for the registry';
    return s.totalBytes > 0 ? `${layers}, ${megabytes(s.bytes)} of ${megabytes(s.totalBytes)}` : layers;
}
/** A terminal's output as lines: its cursor moves and blank lines gone. */
const withoutRedraws = (text) => text
    .replace(ESCAPES, '')
    .split(/\r\n|\r|\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .join('\n');
/** The last line a command printed that says something. */
const lastLine = (text) => withoutRedraws(text).split('\n').at(-1) || undefined;
/** Calls `say` with `line()` every `everyMs` while the work runs (nothing for work quicker than that). */
function reportWhile(work, line, say, everyMs = PROGRESS_EVERY_MS) {
    const timer = setInterval(() => say(line()), everyMs);
    timer.unref();
    return work.finally(() => clearInterval(timer));
}


/***/ }),

/***/ 7493:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   v: () => (/* binding */ openKeyStore)
/* harmony export */ });
/* harmony import */ var ioredis__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7796);
/* harmony import */ var ioredis__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(ioredis__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _redis_rules_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(5499);
// The Redis key confd watches, reached through an SSH forward (Redis may be
// reachable only from the server's network, never from the runner).


// Compare-and-act in one step, so a lock that expired and was taken by another
// deploy is never renewed or deleted by the old holder.
const RENEW_IF_OWNER = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end";
const DELETE_IF_OWNER = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";
// KEYS: the port key, the lock. ARGV: lock owner, '1' if a value is expected, the expected value,
// '1' to set (else delete), the new value. Answers {'ok'}, {'lock'} or {'changed', current}
// (no second element: the key is unset).
const COMPARE_AND_SET = `
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return {'lock'} end
local current = redis.call('GET', KEYS[1])
if (ARGV[2] == '1' and current ~= ARGV[3]) or (ARGV[2] ~= '1' and current) then return {'changed', current} end
if ARGV[4] == '1' then redis.call('SET', KEYS[1], ARGV[5]) else redis.call('DEL', KEYS[1]) end
return {'ok'}`;
/** The names of the locks deploys took (a member stays after its lock expired: the lock itself says
 * whether it is held). What neighbours read before pruning, without scanning the keyspace. */
const LOCKS_TAKEN = 'docker-hot-deploy:locks';
/** CONFIG GET's answer: RESP2 [name, value], RESP3 a map. */
function configValue(reply, name) {
    return Array.isArray(reply) ? String(reply[1] ?? '') : String(reply[name] ?? '');
}
/** Each Redis command, and the connection through the forward, answer within this or fail. */
const COMMAND_TIMEOUT_MS = 5_000;
const CONNECT_TIMEOUT_MS = 10_000;
async function openKeyStore(shell, target) {
    const forward = await shell.forward(target.host, target.port);
    const redis = new ioredis__WEBPACK_IMPORTED_MODULE_0__.Redis({
        path: forward.path,
        username: target.username,
        password: target.password,
        db: target.db,
        // TLS runs end to end through the forward: verify the name the server has.
        tls: target.tls ? { servername: target.host } : undefined,
        lazyConnect: true,
        maxRetriesPerRequest: 2,
        connectTimeout: CONNECT_TIMEOUT_MS,
        commandTimeout: COMMAND_TIMEOUT_MS,
        retryStrategy: (times) => (times > 3 ? null : 200 * times),
    });
    // Errors surface through the command that fails; the first says why (WRONGPASS, TLS...).
    let firstError;
    redis.on('error', (e) => {
        firstError ??= e;
    });
    // The local end of the forward accepts at once; a Redis host that never answers
    // (blackholed) shows only as a missing reply, so the whole handshake is bounded.
    let timer;
    try {
        await Promise.race([
            redis.connect().then(() => redis.ping()),
            new Promise((_, reject) => {
                timer = setTimeout(() => reject(new Error(`no answer within ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS);
            }),
        ]);
    }
    catch (e) {
        redis.disconnect();
        await forward.close();
        // ioredis says "Command timed out" when its ready check got no reply: say what that means here.
        const why = (firstError ?? e).message.replace(/^Command timed out$/, `no answer within ${COMMAND_TIMEOUT_MS / 1000} s`);
        throw new Error(`Redis at ${target.shown} (redis-url, as seen from the server) did not answer: ${why}`);
    }
    finally {
        clearTimeout(timer);
    }
    // Through a lost SSH connection every command would wait for its timeout: fail them at once.
    // (Not again after close: ioredis would wait 2 s for a stream that already closed.)
    let closed = false;
    shell.onLost(() => {
        if (!closed)
            redis.disconnect();
    });
    const config = (name) => redis.config('GET', name).then((reply) => configValue(reply, name), () => undefined);
    const held = new Map();
    const stopRenewing = (name) => {
        clearInterval(held.get(name)?.timer);
        held.delete(name);
    };
    return {
        get: (key) => redis.get(key),
        async compareAndSet(key, expected, value, lock) {
            const reply = (await redis.eval(COMPARE_AND_SET, 2, key, lock.name, lock.owner, expected === null ? '0' : '1', expected ?? '', value === null ? '0' : '1', value ?? ''));
            if (reply[0] === 'ok')
                return { ok: true };
            if (reply[0] === 'lock')
                return { ok: false, lockLost: true };
            return { ok: false, lockLost: false, current: reply[1] ?? null };
        },
        async keyspaceNotifications() {
            const flags = await config('notify-keyspace-events');
            return flags === undefined ? undefined : (0,_redis_rules_js__WEBPACK_IMPORTED_MODULE_1__/* .notificationsCoverSet */ .k4)(flags);
        },
        async persistence() {
            const [appendonly, save] = await Promise.all([config('appendonly'), config('save')]);
            return appendonly === undefined || save === undefined ? undefined : { appendonly: appendonly === 'yes', save };
        },
        async tryLock(name, owner, ttlMs) {
            if ((await redis.set(name, owner, 'PX', ttlMs, 'NX')) !== 'OK')
                return false;
            // Only for neighbours' pruning: a Redis user not allowed it still deploys.
            await redis.sadd(LOCKS_TAKEN, name).catch(() => undefined);
            let renewedAt = Date.now();
            const lock = {
                timer: setInterval(() => {
                    redis.eval(RENEW_IF_OWNER, 1, name, owner, ttlMs).then((renewed) => {
                        if (renewed === 1)
                            renewedAt = Date.now();
                        else
                            lock.lost ??= `${name} was deleted or taken over by someone else`;
                    }, (e) => {
                        // Past three quarters of the TTL another deploy may take it any moment.
                        if (Date.now() - renewedAt > (ttlMs * 3) / 4)
                            lock.lost ??= `${name} could not be renewed for ${Math.round((Date.now() - renewedAt) / 1000)} s (${e.message})`;
                    });
                }, Math.floor(ttlMs / 4)),
            };
            lock.timer.unref();
            held.set(name, lock);
            return true;
        },
        lockLost: (name) => held.get(name)?.lost,
        lockHolder: (name) => redis.get(name),
        async lockState(name) {
            const [[, holder], [, ttlMs]] = (await redis.multi().get(name).pttl(name).exec());
            return holder === null ? null : { holder, ttlMs };
        },
        async unlock(name, owner) {
            stopRenewing(name);
            return (await redis.eval(DELETE_IF_OWNER, 1, name, owner)) === 1;
        },
        async deploying() {
            const names = (await redis.smembers(LOCKS_TAKEN)).filter((name) => (0,_redis_rules_js__WEBPACK_IMPORTED_MODULE_1__/* .lockedDeployment */ .Er)(name) !== undefined);
            if (names.length === 0)
                return [];
            const holders = await redis.mget(names);
            return names.filter((_, i) => holders[i] !== null).flatMap((name) => (0,_redis_rules_js__WEBPACK_IMPORTED_MODULE_1__/* .lockedDeployment */ .Er)(name) ?? []);
        },
        async close() {
            closed = true;
            [...held.keys()].forEach(stopRenewing);
            redis.disconnect();
            await forward.close();
        },
    };
}


/***/ }),

/***/ 4622:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   f: () => (/* binding */ openSession),
/* harmony export */   w: () => (/* binding */ openSessions)
/* harmony export */ });
/* harmony import */ var _docker_host_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(587);
/* harmony import */ var _redis_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7493);
/* harmony import */ var _ssh_connection_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1213);
// The SSH connection to one server, with the docker host and the Redis key
// store on it: what every door (the Action's steps, the CLI) opens, once per server.



/** One server's connection and what runs on it; `checkServer` checks Docker access, ss and ps first. */
async function openSession(target, redis, log, checkServer = false) {
    const name = (0,_ssh_connection_js__WEBPACK_IMPORTED_MODULE_2__/* .serverName */ .L5)(target);
    const shell = await (0,_ssh_connection_js__WEBPACK_IMPORTED_MODULE_2__/* .connect */ .Ng)(target, log.debug);
    if (target.insecureSkipHostKeyCheck)
        log.warning(`insecure-skip-host-key-check is true: the identity of ${name} was not checked. Pin it with known-hosts or host-fingerprint.`);
    const docker = (0,_docker_host_js__WEBPACK_IMPORTED_MODULE_0__/* .remoteDockerHost */ .r)(shell);
    let keys;
    try {
        // The server check runs beside the Redis handshake: it costs the deploy no time.
        [keys] = await Promise.all([
            (0,_redis_js__WEBPACK_IMPORTED_MODULE_1__/* .openKeyStore */ .v)(shell, redis),
            checkServer ? docker.checkServer(target.username) : undefined,
        ]);
    }
    catch (e) {
        await shell.close();
        throw e;
    }
    return {
        name,
        shell,
        docker,
        keys,
        async close() {
            await keys.close().catch(() => undefined);
            await shell.close();
        },
    };
}
/** A session to every server, side by side; if one cannot be opened, the others are closed
 * again and the error names that server (when there are several): nothing was changed anywhere. */
async function openSessions(servers, redis, log, checkServer = false) {
    const opening = servers.map((target) => openSession(target, redis, log, checkServer));
    const settled = await Promise.allSettled(opening);
    const failed = settled.findIndex((s) => s.status === 'rejected');
    if (failed < 0)
        return settled.map((s) => s.value);
    await Promise.all(settled.map((s) => (s.status === 'fulfilled' ? s.value.close().catch(() => undefined) : Promise.resolve())));
    const reason = settled[failed].reason;
    if (servers.length === 1)
        throw reason;
    const refused = settled.filter((s) => s.status === 'rejected').length;
    throw new Error(`${(0,_ssh_connection_js__WEBPACK_IMPORTED_MODULE_2__/* .serverName */ .L5)(servers[failed])}: ${reason.message}${refused > 1 ? ` (and ${refused - 1} more server(s) could not be reached)` : ''}. Nothing was changed on any server.`);
}


/***/ }),

/***/ 1213:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  Ff: () => (/* binding */ CommandTimedOut),
  pz: () => (/* binding */ ConnectionLost),
  Ng: () => (/* binding */ connect),
  L5: () => (/* binding */ serverName)
});

// UNUSED EXPORTS: HostKeyError

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(7030);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./node_modules/node-ssh/lib/esm/index.mjs + 2 modules
var esm = __webpack_require__(9487);
// EXTERNAL MODULE: ./node_modules/shell-quote/index.js
var shell_quote = __webpack_require__(6591);
;// CONCATENATED MODULE: ./src/remote/shell.ts
// The one place a remote command line is made: an argument list, each element
// quoted so the server's shell passes it on as one literal argument.

function shellCommand(argv) {
    if (argv.length === 0)
        throw new Error('empty command');
    return (0,shell_quote.quote)([...argv]);
}

;// CONCATENATED MODULE: ./src/remote/ssh/kept-output.ts
// What a command's output keeps on the runner: at most `limit` bytes of a stream,
// the last ones. node-ssh keeps all of it, and a chatty release command (or a
// huge file on the server) could run the runner out of memory mid-deploy.
class KeptOutput {
    limit;
    chunks = [];
    size = 0;
    dropped = 0;
    constructor(limit) {
        this.limit = limit;
    }
    push(chunk) {
        this.chunks.push(chunk);
        this.size += chunk.length;
        // Whole chunks go while the rest still holds `limit` bytes; bytes() cuts what remains over it.
        while (this.chunks.length > 1 && this.size - this.chunks[0].length >= this.limit) {
            const first = this.chunks.shift();
            this.size -= first.length;
            this.dropped += first.length;
        }
    }
    /** The bytes that came and are not kept (from the start of the stream). */
    get cut() {
        return this.dropped + Math.max(this.size - this.limit, 0);
    }
    /** The last `limit` bytes. */
    bytes() {
        const all = Buffer.concat(this.chunks);
        return all.subarray(Math.max(all.length - this.limit, 0));
    }
}

// EXTERNAL MODULE: ./src/remote/ssh/hostkey.ts
var hostkey = __webpack_require__(9578);
;// CONCATENATED MODULE: ./src/remote/ssh/connection.ts
// The one SSH connection of a deploy: host key pinned before authentication,
// commands as exec channels (argument lists quoted by shellCommand), and local
// forwards through the same connection for Redis and HTTP, on Unix sockets of the runner's user only.








/** Wide enough that docker draws its progress in full. */
const TERMINAL = { cols: 200, rows: 50, term: 'xterm' };
/** How a server is named in logs, errors and outputs: as ssh would name it. */
const serverName = (server) => (0,hostkey/* hostName */.Sm)(server.host, server.port);
class HostKeyError extends Error {
}
/** The connection went away under the deploy: nothing more can be done on the server from here. */
class ConnectionLost extends Error {
}
/** A command outlived its timeoutMs (it may still run on the server: the caller deals with that). */
class CommandTimedOut extends Error {
}
/** A dead connection is noticed after KEEPALIVE_COUNT unanswered keepalives: ~15 s, below the lock's TTL. */
const KEEPALIVE_MS = 5_000;
const KEEPALIVE_COUNT = 3;
const READY_TIMEOUT_MS = 20_000;
/** The most output of one stream a command may print for the deploy to read (its largest, the
 * inspect of every container of a busy server, is well below). */
const OUTPUT_LIMIT_BYTES = 16 * 1024 * 1024;
/** One SSH hop, its host key checked before authentication; `sock` is the
 * transport (TCP, or a bastion's forward). Errors name the inputs to fix. */
async function openHop(hop, role, sock) {
    const ssh = new esm/* NodeSSH */.H();
    let refusal;
    const name = (0,hostkey/* hostName */.Sm)(hop.host, hop.port);
    try {
        await ssh.connect({
            host: hop.host,
            port: hop.port,
            sock,
            username: hop.username,
            privateKey: hop.privateKey,
            passphrase: hop.passphrase,
            keepaliveInterval: KEEPALIVE_MS,
            keepaliveCountMax: KEEPALIVE_COUNT,
            readyTimeout: READY_TIMEOUT_MS,
            ...hostKeyAlgorithms(hop),
            // ssh2 hands over the raw key blob when no hostHash is set.
            hostVerifier: (key) => {
                if (hop.insecureSkipHostKeyCheck)
                    return true;
                const pinned = hop.pins.knownHosts.length > 0 || hop.pins.fingerprints.length > 0;
                const verdict = pinned
                    ? (0,hostkey/* verifyHostKey */.Hj)(hop.pins, hop.host, hop.port, key)
                    : { ok: false, reason: 'neither known-hosts nor host-fingerprint is set' };
                if (!verdict.ok) {
                    const fix = role === 'server'
                        ? `set the input host-fingerprint: ${(0,hostkey/* fingerprintOf */.ax)(key)}`
                        : `add its line to jump-known-hosts (ssh-keyscan -p ${hop.port} ${hop.host})`;
                    refusal =
                        `Refusing the ${role} ${name}: ${verdict.reason}. It offered ${(0,hostkey/* fingerprintOf */.ax)(key)}; ` +
                            `if that is its key, ${fix} (check it there with: ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub).`;
                }
                return verdict.ok;
            },
        });
    }
    catch (e) {
        ssh.dispose();
        if (refusal)
            throw new HostKeyError(refusal);
        const message = e.message;
        if (/authentication methods failed/i.test(message)) {
            throw new Error(`The ${role} ${name} refused the key for ${hop.username}: add its public half to ~${hop.username}/.ssh/authorized_keys there (${role === 'server' ? 'private-key' : 'jump-private-key'}).`);
        }
        throw new Error(`SSH to the ${role} ${hop.username}@${name} failed: ${message} (${role === 'server' ? 'host, port' : 'jump-host, jump-port'})`);
    }
    return ssh;
}
async function connect(target, debug) {
    let bastion;
    let ssh;
    if (target.jump) {
        const jump = { ...target.jump, insecureSkipHostKeyCheck: false };
        bastion = await openHop(jump, 'jump host', await openTcp(jump.host, jump.port));
        try {
            const tunnel = await bastion.forwardOut('127.0.0.1', 0, target.host, target.port);
            ssh = await openHop(target, 'server', tunnel);
        }
        catch (e) {
            bastion.dispose();
            throw e;
        }
    }
    else {
        ssh = await openHop(target, 'server', await openTcp(target.host, target.port));
    }
    // node-ssh drops its error listener after connecting: without one a reset crashes the process.
    // The bastion's connection carries the server's, so losing either loses both; commands in
    // flight fail at once rather than at the next keepalive.
    let lostWith;
    /** Called once with the loss: the commands in flight (to reject them) and onLost listeners. */
    const onLoss = new Set();
    const lose = (why) => {
        if (lostWith)
            return;
        lostWith = new ConnectionLost(`the SSH connection to the server was lost (${why})`);
        onLoss.forEach((notify) => notify(lostWith));
    };
    for (const hop of [ssh, bastion]) {
        hop?.connection?.on('error', (e) => {
            debug(`ssh connection error: ${e.message}`);
            lose(e.message);
        });
        hop?.connection?.on('close', () => lose('the server closed it'));
    }
    const forwards = new Set();
    let closing = false;
    return {
        async run(argv, options = {}) {
            const command = shellCommand(argv);
            const what = argv.slice(0, 3).join(' ');
            debug(`$ ${command}`);
            if (lostWith)
                throw lostWith;
            const client = ssh.connection;
            if (!client)
                throw new ConnectionLost('the SSH connection to the server is closed');
            // A terminal echoes what it is given: stdin (a password, env values) would come back as output.
            if (options.terminal && options.stdin !== undefined)
                throw new Error(`${what}: stdin is never sent to a terminal`);
            const limit = options.keepBytes ?? OUTPUT_LIMIT_BYTES;
            // Progress only: whatever its listener does, the command's own output and outcome stay as they are.
            const tell = (chunk) => {
                try {
                    options.onOutput?.(chunk.toString('utf8'));
                }
                catch (e) {
                    debug(`the output listener of ${what} failed: ${e.message}`);
                }
            };
            const stdout = new KeptOutput(limit);
            const stderr = new KeptOutput(limit);
            let channel;
            let waiting = true;
            let timer;
            // Lost connection, timeout and too much output end the wait at once: a command that ignores
            // its closed channel (an attached `docker run`, say) may run on, and its caller deals with that.
            let stop = () => undefined;
            const stopped = new Promise((_, reject) => {
                stop = reject;
            });
            onLoss.add(stop);
            // The time counts from the request: a server that never opens the channel (sshd at its
            // MaxSessions, say) ends the wait as well.
            if (options.timeoutMs) {
                timer = setTimeout(() => {
                    channel?.close();
                    stop(new CommandTimedOut(`timed out after ${options.timeoutMs} ms: ${what}`));
                }, options.timeoutMs);
            }
            try {
                const ended = new Promise((resolve, reject) => {
                    client.exec(command, options.terminal ? { pty: TERMINAL } : {}, (err, opened) => {
                        if (err)
                            return reject(err);
                        // The wait already ended (a timeout before the channel opened): hang up on what started.
                        if (!waiting)
                            return opened.close();
                        channel = opened;
                        let code = null;
                        let signal = null;
                        opened.on('data', (chunk) => {
                            stdout.push(chunk);
                            tell(chunk);
                            // What is parsed must be whole: past the limit it is an error, not a cut.
                            if (stdout.cut > 0 && !options.keepBytes) {
                                opened.close();
                                stop(new Error(`${what} printed more than ${limit / 1024 / 1024} MB on the server; nothing of it was used`));
                            }
                        });
                        opened.stderr.on('data', (chunk) => {
                            stderr.push(chunk);
                            tell(chunk);
                        });
                        opened.on('exit', (exitCode, exitSignal) => {
                            code = exitCode ?? null;
                            signal = exitSignal ?? null;
                        });
                        opened.on('close', () => resolve({ code, signal }));
                        opened.end(options.stdin);
                    });
                });
                const result = await Promise.race([stopped, ended]);
                // No exit status and no signal: the channel closed under the command (a dropped connection).
                if (result.code === null && !result.signal)
                    throw new ConnectionLost(`the SSH connection closed before ${what} reported how it ended`);
                const text = (kept) => {
                    const decoded = kept.bytes().toString('utf8');
                    return kept.cut > 0 ? `[${kept.cut} bytes before this were not kept]\n${decoded}` : decoded;
                };
                return {
                    code: result.code ?? 128,
                    // Trimmed, as the parsers read them, unless the bytes are asked for.
                    stdout: options.bytes ? text(stdout) : text(stdout).trim(),
                    stderr: text(stderr).trim(),
                    ...(options.bytes ? { stdoutBytes: stdout.bytes() } : {}),
                };
            }
            catch (e) {
                if (e instanceof ConnectionLost && !closing)
                    throw new ConnectionLost(`${e.message}, running ${what}`);
                throw e;
            }
            finally {
                waiting = false;
                onLoss.delete(stop);
                clearTimeout(timer);
            }
        },
        async forward(host, port) {
            const sockets = new Set();
            const server = await listenLocally((socket) => {
                sockets.add(socket);
                socket.on('close', () => sockets.delete(socket));
                // node-ssh throws at once (not a rejection) once the connection is gone.
                Promise.resolve()
                    .then(() => ssh.forwardOut('127.0.0.1', 0, host, port))
                    .then((channel) => {
                    socket.pipe(channel).pipe(socket);
                    channel.on('error', () => socket.destroy());
                    socket.on('error', () => channel.destroy());
                    socket.on('close', () => channel.destroy());
                }, (e) => {
                    debug(`forward to ${host}:${port} refused: ${e.message}`);
                    socket.destroy();
                });
            });
            const forward = {
                path: server.address(),
                close: () => new Promise((resolve) => {
                    forwards.delete(forward);
                    server.close(() => {
                        removeNow((0,external_node_path_.dirname)(forward.path));
                        resolve();
                    });
                    sockets.forEach((s) => s.destroy());
                }),
            };
            forwards.add(forward);
            return forward;
        },
        onLost(listener) {
            onLoss.add(listener);
        },
        async close() {
            closing = true;
            await Promise.all([...forwards].map((f) => f.close()));
            ssh.dispose();
            bastion?.dispose();
        },
    };
}
/** SSH is small request/response exchanges: without TCP_NODELAY, Nagle's
 * algorithm and delayed ACKs add ~40 ms to each round trip of the handshake. */
function openTcp(host, port) {
    return new Promise((resolve, reject) => {
        const socket = (0,external_node_net_.connect)({ host, port, noDelay: true, timeout: READY_TIMEOUT_MS });
        socket.once('connect', () => {
            socket.setTimeout(0);
            resolve(socket);
        });
        socket.once('timeout', () => socket.destroy(new Error(`no TCP connection within ${READY_TIMEOUT_MS / 1000} s`)));
        socket.once('error', (e) => reject(new Error(`could not reach ${host}:${port}: ${e.message}`)));
    });
}
/** Offer the pinned key types first, as OpenSSH does, so the server presents a pinned key. */
function hostKeyAlgorithms(target) {
    const preferred = (0,hostkey/* preferredHostKeyAlgorithms */.$x)(target.pins, target.host, target.port);
    return preferred ? { algorithms: { serverHostKey: preferred } } : {};
}
/** A Unix socket path holds at most 107 bytes: a long TMPDIR (a self-hosted runner's) falls back to /tmp. */
const SOCKET_PATH_MAX = 107;
/** The forwards' directories still in place: removed when the process exits, however it exits
 * but by a signal's default action (the doors turn SIGINT and SIGTERM into an exit). */
const forwardDirs = new Set();
let removeOnExit = false;
function removeLater(dir) {
    forwardDirs.add(dir);
    if (removeOnExit)
        return;
    removeOnExit = true;
    process.once('exit', () => forwardDirs.forEach((d) => (0,external_node_fs_.rmSync)(d, { recursive: true, force: true })));
}
function removeNow(dir) {
    (0,external_node_fs_.rmSync)(dir, { recursive: true, force: true });
    forwardDirs.delete(dir);
}
/** A Unix socket in a fresh directory of mode 0700 (mkdtemp makes it so). */
function listenLocally(onConnection) {
    const base = (0,external_node_path_.join)((0,external_node_os_.tmpdir)(), 'docker-hot-deploy-XXXXXX', 'forward.sock').length <= SOCKET_PATH_MAX ? (0,external_node_os_.tmpdir)() : '/tmp';
    const dir = (0,external_node_fs_.mkdtempSync)((0,external_node_path_.join)(base, 'docker-hot-deploy-'));
    removeLater(dir);
    return new Promise((resolve, reject) => {
        const server = (0,external_node_net_.createServer)(onConnection);
        server.once('error', (e) => {
            removeNow(dir);
            reject(e);
        });
        server.listen((0,external_node_path_.join)(dir, 'forward.sock'), () => resolve(server));
    });
}


/***/ })

};
