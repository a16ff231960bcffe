import { fileURLToPath as __dhdFileURLToPath } from 'node:url';
const __filename = __dhdFileURLToPath(import.meta.url);
const __dirname = __dhdFileURLToPath(new URL('.', import.meta.url));
export const id = 382;
export const ids = [382];
export const modules = {

/***/ 5382:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  operateStep: () => (/* binding */ operateStep)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 16 modules
var core = __webpack_require__(5334);
// EXTERNAL MODULE: ./src/action/config.ts
var action_config = __webpack_require__(8374);
// EXTERNAL MODULE: ./src/action/state.ts
var state = __webpack_require__(3175);
// EXTERNAL MODULE: ./src/operate/day-two.ts
var day_two = __webpack_require__(5673);
// EXTERNAL MODULE: ./src/remote/confd.ts
var remote_confd = __webpack_require__(6208);
// EXTERNAL MODULE: ./src/deploy/deployment-state.ts
var deployment_state = __webpack_require__(7648);
// EXTERNAL MODULE: ./src/remote/docker-host.ts
var docker_host = __webpack_require__(587);
// EXTERNAL MODULE: ./src/remote/docker.ts
var remote_docker = __webpack_require__(7124);
// EXTERNAL MODULE: ./src/operate/doctor-checks.ts
var doctor_checks = __webpack_require__(2131);
// EXTERNAL MODULE: ./src/deploy/history.ts
var deploy_history = __webpack_require__(8259);
// EXTERNAL MODULE: ./src/remote/image-ref.ts
var image_ref = __webpack_require__(6283);
// EXTERNAL MODULE: ./src/config/inputs.ts + 3 modules
var inputs = __webpack_require__(779);
// EXTERNAL MODULE: ./src/remote/probe.ts
var probe = __webpack_require__(1112);
// EXTERNAL MODULE: ./src/remote/redis.ts
var redis = __webpack_require__(7493);
// EXTERNAL MODULE: ./src/remote/ssh/connection.ts + 2 modules
var connection = __webpack_require__(1213);
// EXTERNAL MODULE: ./src/remote/upstream.ts
var upstream = __webpack_require__(817);
;// CONCATENATED MODULE: ./src/operate/doctor.ts
// The doctor (CLI `doctor`, the Action's `command: doctor`): each server read in one round of
// commands side by side, every read on its own (one that fails is a finding, not the end), then
// judged by doctor-checks.ts. It only reads: no lock is taken, no key or container touched.













const read = (work) => work.then((value) => ({ value }), (e) => ({ error: e.message }));
async function redisFacts(keys, redisKey) {
    const names = (0,day_two/* lockNames */.Kr)(redisKey);
    const [keyValue, notifications, persistence, ...held] = await Promise.all([
        keys.get(redisKey),
        keys.keyspaceNotifications(),
        keys.persistence(),
        ...names.map((name) => keys.lockState(name)),
    ]);
    const locks = names.flatMap((name, i) => {
        const state = held[i];
        return state ? [{ name, ...state }] : [];
    });
    return { keyValue, notifications, persistence, locks };
}
/** Whether the image is on the server already, else the size of the newest image of its repository there (a new tag is about as large). */
async function imageOnServer(docker, image) {
    if (!image)
        return undefined;
    if ((await docker.imageSize(image).catch(() => undefined)) !== undefined)
        return { present: true };
    const [newest] = await docker.images((0,image_ref/* repositoryOf */._M)(image)).catch(() => []);
    const estimate = newest ? await docker.imageSize(newest.id).catch(() => undefined) : undefined;
    return estimate !== undefined && Number.isFinite(estimate) ? { estimateBytes: estimate } : undefined;
}
/** Every check on one server; a server that cannot be reached is one failed check. */
async function doctorServer(target, config, debug) {
    const server = (0,connection/* serverName */.L5)(target);
    let shell;
    try {
        shell = await (0,connection/* connect */.Ng)(target, debug);
    }
    catch (e) {
        return { server, checks: [(0,doctor_checks/* unreachable */.HB)(e.message)] };
    }
    const docker = (0,docker_host/* remoteDockerHost */.r)(shell);
    const probes = (0,probe/* forwardedProbes */.M)(shell, (0,inputs/* probeTargets */.$F)(config));
    const { redisKey } = config.switch;
    const opening = read((0,redis/* openKeyStore */.v)(shell, config.switch.redis));
    try {
        const [readiness, confd, served, containers, listening, histories, disk, store, accessLogProblem] = await Promise.all([
            read(docker.readiness(target.username)),
            read(docker.confd()),
            probes.probe(),
            read(docker.containers()),
            read(docker.listeningPorts()),
            docker.readHistories(deploy_history/* HISTORY_DIR */.rE, deploy_history/* HISTORY_ENTRIES */.ai).catch(() => new Map()),
            read(docker.diskFree()),
            opening,
            config.bake.accessLog
                ? docker.logEnd(config.bake.accessLog).then(() => undefined, (e) => e.message)
                : undefined,
        ]);
        const history = (0,deploy_history/* parseHistory */.i6)(histories.get((0,deploy_history/* historyPath */.ae)(redisKey)) ?? '');
        const image = config.container.image || history.at(-1)?.image || '';
        const neighbourHistories = [...histories]
            .filter(([path]) => path !== (0,deploy_history/* historyPath */.ae)(redisKey))
            .map(([, text]) => (0,deploy_history/* parseHistory */.i6)(text));
        const neighbours = (0,deployment_state/* neighbourDeployments */.wP)('value' in containers ? containers.value : [], neighbourHistories, redisKey);
        const resource = 'value' in confd ? (0,remote_confd/* resourceRendering */.tH)(confd.value, redisKey) : undefined;
        const [redis, neighbourKeys, imageState, rendered] = await Promise.all([
            'value' in store ? read(redisFacts(store.value, redisKey)) : store,
            'value' in store ? Promise.all(neighbours.map((key) => store.value.get(key).catch(() => null))) : [],
            imageOnServer(docker, image),
            resource?.dest ? read(docker.readFile(resource.dest, remote_docker/* FILE_READ_BYTES */.yU)) : undefined,
        ]);
        const keyValue = 'value' in redis ? redis.value.keyValue : null;
        const keyPort = keyValue === null ? undefined : (0,upstream/* portNamedBy */.QO)(keyValue);
        const reading = {
            username: target.username,
            hostKeyChecked: !target.insecureSkipHostKeyCheck,
            readiness,
            redis,
            confd,
            served,
            containers,
            listening,
            reserved: (0,deployment_state/* reservedPorts */.Jl)(keyPort, neighbourKeys, neighbourHistories),
            disk,
            image: imageState,
            now: Date.now(),
            rendered: resource && rendered ? { resource, text: rendered } : undefined,
            accessLog: config.bake.accessLog ? { path: config.bake.accessLog, problem: accessLogProblem } : undefined,
        };
        const s = config.switch;
        return {
            server,
            checks: (0,doctor_checks/* doctorChecks */.zq)(reading, {
                redisKey,
                redisValue: s.redisValue,
                upstreamHeader: s.upstreamHeader,
                probeUrl: s.probeUrl.href,
                portRange: config.container.portRange,
                app: (0,deployment_state/* appName */.JB)(config.container.app, image),
                switchTimeoutMs: config.timing.switchTimeoutMs,
            }),
        };
    }
    finally {
        await probes.close().catch(() => undefined);
        const store = await opening;
        if ('value' in store)
            await store.value.close().catch(() => undefined);
        await shell.close();
    }
}
/** Every server side by side; one the doctor could not finish with is a failed check, the others still shown. */
const doctor_doctor = (config, debug) => Promise.all(config.servers.map((target) => doctorServer(target, config, debug).catch((e) => ({
    server: (0,connection/* serverName */.L5)(target),
    checks: [(0,doctor_checks/* unreachable */.HB)(`the doctor could not read the server: ${e.message}`)],
}))));

// EXTERNAL MODULE: ./src/deploy/on-servers.ts + 14 modules
var on_servers = __webpack_require__(751);
// EXTERNAL MODULE: ./src/remote/session.ts
var remote_session = __webpack_require__(4622);
// EXTERNAL MODULE: ./src/deploy/run.ts
var run = __webpack_require__(114);
;// CONCATENATED MODULE: ./src/operate/unlock.ts

/** Two renewal periods: a live deploy renews at least once in that time. */
const UNLOCK_WATCH_MS = run/* LOCK_TTL_MS */.cU / 2;
const POLL_MS = 1_000;
/** Slack for the round trips between two reads of a lock's time to live. */
const RENEWAL_SLACK_MS = 1_000;
const quoted = (holder) => JSON.stringify(holder);
/** Deletes the lock if `holder` still has it; free only if nobody holds it afterwards. */
async function release(keys, name, holder, why) {
    await keys.unlock(name, holder);
    const after = await keys.lockState(name);
    if (after === null)
        return { free: true, message: `${name} released: ${why}` };
    return { free: false, message: `${name} was taken meanwhile by ${quoted(after.holder)}: nothing released` };
}
async function unlock_unlockLock(keys, name, request, clock, say) {
    const held = await keys.lockState(name);
    if (held === null)
        return { free: true, message: `${name} is not held: nothing to release` };
    const { holder } = held;
    if ('owner' in request) {
        if (request.owner !== holder)
            return {
                free: false,
                message: `${name} is held by ${quoted(holder)}, not by the --owner given: nothing released`,
            };
        return release(keys, name, holder, `it was held by ${quoted(holder)}`);
    }
    if (!('force' in request)) {
        return {
            free: false,
            message: `${name} is held by ${quoted(holder)}: name it with --owner to release it, or give --force to release it once no deploy renews it`,
        };
    }
    const deploysLock = held.ttlMs >= 0 && held.ttlMs <= LOCK_TTL_MS;
    const watchMs = deploysLock ? held.ttlMs + RENEWAL_SLACK_MS : UNLOCK_WATCH_MS;
    say(deploysLock
        ? `${name} is held by ${quoted(holder)} with a deploy's time to live: a deploy that died frees it within ${Math.ceil(held.ttlMs / 1000)} s; waiting for that (it is never deleted while a deploy may run)`
        : `${name} is held by ${quoted(holder)} and ${held.ttlMs < 0 ? 'never expires' : `expires in ${Math.ceil(held.ttlMs / 1000)} s`}: watching it for ${UNLOCK_WATCH_MS / 1000} s (a running deploy renews it in that time)`);
    let last = { ...held, at: clock.now() };
    const end = last.at + watchMs;
    while (clock.now() < end) {
        await clock.sleep(Math.min(POLL_MS, end - clock.now()));
        const now = await keys.lockState(name);
        if (now === null)
            return { free: true, message: `${name} expired: its holder was gone` };
        if (now.holder !== holder)
            return { free: false, message: `${name} was taken meanwhile by ${quoted(now.holder)}: nothing released` };
        const at = clock.now();
        const renewed = last.ttlMs < 0 ? now.ttlMs >= 0 : now.ttlMs > last.ttlMs - (at - last.at) + RENEWAL_SLACK_MS;
        if (renewed)
            return {
                free: false,
                message: `${name} is still renewed by its holder: a deploy is running. Nothing released; wait for it, or stop it`,
            };
        last = { ...now, at };
    }
    if (deploysLock)
        return { free: false, message: `${name} is still held by ${quoted(holder)}: nothing released` };
    return release(keys, name, holder, `it was held by ${quoted(holder)}, which did not renew it for ${UNLOCK_WATCH_MS / 1000} s`);
}

;// CONCATENATED MODULE: ./src/operate/commands.ts
// The CLI's day-two commands: status and history read every server side by side, unlock
// releases a lock its deploy left behind. Nothing else on a server changes. Each server
// answers for itself: one that cannot be read is named, the others are still shown.










/** JSON for stdout: one line, and no "##[" a workflow log would take for a command (printable.ts). */
const jsonLine = (value) => `${JSON.stringify(value).replace(/##\[/g, '##\\u005b')}\n`;
/** `work` on each server side by side, its session closed again whatever happens; every server's outcome. */
function onEveryServer(config, say, verbose, work) {
    return Promise.all(config.servers.map(async (target) => {
        const server = (0,connection/* serverName */.L5)(target);
        try {
            const session = await (0,remote_session/* openSession */.f)(target, config.switch.redis, {
                debug: verbose ? say : () => undefined,
                warning: (m) => say(`warning: ${m}`),
            });
            try {
                return { server: session.name, ok: true, value: await work(session) };
            }
            finally {
                await session.close().catch(() => undefined);
            }
        }
        catch (e) {
            return { server, ok: false, error: e.message };
        }
    }));
}
/** Every server's status (CLI status and history, the Action's `command: status`). */
function everyServerStatus(config, say, verbose, releases) {
    return onEveryServer(config, say, verbose, async (session) => {
        const probes = (0,probe/* forwardedProbes */.M)(session.shell, (0,inputs/* probeTargets */.$F)(config));
        try {
            return await (0,day_two/* readServerStatus */.Q3)(session, probes, config, releases);
        }
        finally {
            await probes.close().catch(() => undefined);
        }
    });
}
/** The servers that could not be read, and why. */
const unreadServers = (results) => results.flatMap((r) => (r.ok ? [] : [{ server: r.server, error: r.error }]));
async function operate(request, config, io) {
    const say = (line) => io.stderr(`${line}\n`);
    const sayFailures = (results) => unreadServers(results).forEach((f) => say(`${printable(f.server)}: could not be read: ${printable(f.error)}`));
    if (request.command === 'doctor') {
        const servers = await doctor(config, request.verbose ? say : () => undefined);
        const ok = failures(servers) === 0;
        io.stdout(request.json ? jsonLine({ ok, servers }) : `${printable(doctorText(servers))}\n`);
        return ok ? 0 : 1;
    }
    if (request.command === 'unlock') {
        const results = await onEveryServer(config, say, request.verbose, (session) => unlockServer(session, config.switch.redisKey, request.unlock, say));
        sayFailures(results);
        const free = results.every((r) => r.ok && r.value.every((o) => o.free));
        if (request.json)
            io.stdout(jsonLine({ ok: free, servers: results.map((r) => (r.ok ? { server: r.server, locks: r.value } : r)) }));
        return free ? 0 : 1;
    }
    const results = await everyServerStatus(config, say, request.verbose, request.limit);
    const statuses = results.flatMap((r) => (r.ok ? [r.value] : []));
    if (request.json) {
        const shown = request.command === 'history' ? statuses.map((s) => ({ server: s.server, releases: s.releases })) : statuses;
        io.stdout(jsonLine({ ok: statuses.length === results.length, servers: shown, failed: unreadServers(results) }));
    }
    else if (statuses.length > 0) {
        io.stdout(`${request.command === 'history' ? historyText(statuses) : statusText(statuses)}\n`);
    }
    sayFailures(results);
    return statuses.length === results.length ? 0 : 1;
}
/** Both locks a deploy waits for (this version's and 0.1's), each as the request says. */
async function unlockServer(session, redisKey, request, say) {
    const [current, legacy] = lockNames(redisKey);
    const outcomes = [];
    for (const name of [current, legacy]) {
        // 0.1's lock is only looked at when held; this version's always answers.
        if (name === legacy && (await session.keys.lockState(name)) === null)
            continue;
        const outcome = await unlockLock(session.keys, name, request, realClock, (line) => say(`${printable(session.name)}: ${printable(line)}`));
        say(`${printable(session.name)}: ${printable(outcome.message)}`);
        outcomes.push({ lock: name, ...outcome });
    }
    return outcomes;
}

// EXTERNAL MODULE: ./src/remote/printable.ts
var remote_printable = __webpack_require__(7521);
// EXTERNAL MODULE: ./src/action/summary.ts
var summary = __webpack_require__(8770);
;// CONCATENATED MODULE: ./src/action/operate.ts
// The Action's `command: doctor` and `command: status`: the CLI's reads of every server,
// shown in the log as the CLI shows them, in the job summary as tables, and as the report output.









async function operateStep(command, config) {
    // They change nothing: the post step has nothing to clean up, and need not load what would.
    core/* saveState */.LZ(state/* STATE */.c.finished, 'true');
    if (command === 'doctor') {
        const servers = await doctor_doctor(config, core/* debug */.Yz);
        const ok = (0,doctor_checks/* failures */.e9)(servers) === 0;
        core/* info */.pq((0,remote_printable/* printable */.g)((0,doctor_checks/* doctorText */.lW)(servers)));
        core/* setOutput */.uH('report', JSON.stringify({ ok, servers }));
        await (0,action_config/* writeSummary */.Sy)((0,summary/* doctorMarkdown */.tJ)(servers));
        if (!ok) {
            process.exitCode = 1;
            core/* setFailed */.C1((0,doctor_checks/* doctorSummary */.Ot)(servers));
        }
        return;
    }
    const results = await everyServerStatus(config, (line) => core/* info */.pq((0,remote_printable/* printable */.g)(line)), core/* isDebug */._o(), day_two/* STATUS_RELEASES */.Ys);
    const statuses = results.flatMap((r) => (r.ok ? [r.value] : []));
    const unread = unreadServers(results);
    if (statuses.length > 0)
        core/* info */.pq((0,remote_printable/* printable */.g)((0,day_two/* statusText */.qS)(statuses)));
    core/* setOutput */.uH('report', JSON.stringify({ ok: unread.length === 0, servers: statuses, failed: unread }));
    await (0,action_config/* writeSummary */.Sy)((0,summary/* statusMarkdown */.KZ)(statuses, unread));
    if (unread.length > 0) {
        process.exitCode = 1;
        core/* setFailed */.C1(unread.map((u) => `${u.server}: could not be read: ${u.error}`).join('\n'));
    }
}


/***/ })

};
