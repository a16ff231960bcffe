import { fileURLToPath as __dhdFileURLToPath } from 'node:url';
const __filename = __dhdFileURLToPath(import.meta.url);
const __dirname = __dhdFileURLToPath(new URL('.', import.meta.url));
export const id = 688;
export const ids = [688];
export const modules = {

/***/ 3688:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  operate: () => (/* binding */ operate)
});

// UNUSED EXPORTS: everyServerStatus, unreadServers

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
// EXTERNAL MODULE: ./src/remote/redis-rules.ts
var redis_rules = __webpack_require__(5499);
// EXTERNAL MODULE: ./src/remote/upstream.ts
var upstream = __webpack_require__(817);
;// CONCATENATED MODULE: ./src/operate/doctor-checks.ts
// The doctor's verdicts (CLI `doctor`, the Action's `command: doctor`): every check a deploy
// makes as it begins, and the host setup's, judged from one round of reads on a server (doctor.ts).
// Pure. A check passes, warns (a deploy goes through, but something is not as the README sets
// it up) or fails (a deploy would fail, or could not switch), and says the fix.






const GIB = 1024 ** 3;
/** Below this much free space, even a small image's layers and a container's logs do not fit. */
const MIN_FREE_BYTES = GIB / 2;
const size = (bytes) => bytes >= GIB ? `${(bytes / GIB).toFixed(1)} GiB` : `${Math.round(bytes / 1024 ** 2)} MiB`;
const pass = (check, detail) => ({ check, verdict: 'pass', detail });
const warn = (check, detail, fix) => ({ check, verdict: 'warn', detail, fix });
const fail = (check, detail, fix) => ({ check, verdict: 'fail', detail, fix });
function sshCheck(r) {
    return r.hostKeyChecked
        ? pass('ssh', `connected as ${r.username}, the server's host key checked`)
        : warn('ssh', `connected as ${r.username} without checking the server's host key (insecure-skip-host-key-check)`, 'pin it with known-hosts or host-fingerprint');
}
/** ss and ps, then Docker: what the deploy checks before anything else. */
function serverChecks(r) {
    if ('error' in r.readiness)
        return [
            fail('tools', `the check of ss, ps and docker did not run: ${r.readiness.error}`, 'check that the deploy user has a POSIX shell (sh)'),
        ];
    const { problems, dockerVersion } = r.readiness.value;
    const tools = problems.filter((p) => p.subject !== 'docker');
    const docker = problems.filter((p) => p.subject === 'docker');
    return [
        tools.length === 0
            ? pass('tools', 'ss and ps are installed')
            : fail('tools', tools.map((p) => p.problem).join('; '), tools.map((p) => p.fix).join('; ')),
        docker.length === 0
            ? pass('docker', `Docker ${dockerVersion ?? ''} answers ${r.username}`.replace('  ', ' '))
            : fail('docker', docker[0].problem, docker[0].fix),
    ];
}
function redisChecks(r, s) {
    if ('error' in r.redis) {
        return [
            fail('redis', `${r.redis.error} (keyspace notifications, persistence, the key and the lock were not checked)`, 'check redis-url as the server sees it (the deploy reaches Redis through the SSH connection) and the Redis user and password'),
        ];
    }
    const { keyValue, notifications, persistence, locks } = r.redis.value;
    const risk = persistence && (0,redis_rules/* persistenceRisk */.ji)(persistence);
    return [
        pass('redis', `answers; ${s.redisKey} ${keyValue === null ? 'is unset (the first deploy sets it)' : `= ${keyValue}`}`),
        notifications === true
            ? pass('notifications', 'keyspace notifications cover SET: confd -watch hears every switch')
            : notifications === false
                ? fail('notifications', 'Redis keyspace notifications are off (notify-keyspace-events lacks K$): confd -watch never hears a switch, and the deploy fails after switch-timeout', 'redis-cli CONFIG SET notify-keyspace-events K$g, and the same in redis.conf (examples/host/redis/keyspace-events.conf)')
                : warn('notifications', 'keyspace notifications could not be read (CONFIG is refused, as on managed Redis)', 'make sure notify-keyspace-events includes K$'),
        persistence === undefined
            ? warn('persistence', 'Redis persistence could not be read (CONFIG is refused)', 'make sure Redis keeps the key across a restart (appendonly yes)')
            : risk
                ? warn('persistence', risk.replace(/\. Set appendonly.*$/, ''), 'set appendonly yes (examples/host/redis/persistence.conf)')
                : pass('persistence', 'appendonly yes: the key survives a Redis restart'),
        locks.length === 0
            ? pass('lock', 'free: no deploy runs')
            : warn('lock', locks.map((l) => (0,day_two/* lockLine */.qy)((0,day_two/* lockStatus */.oj)(l.name, l.holder, l.ttlMs, r.now))).join('; '), 'a deploy runs, or one died holding it: if none runs, docker-hot-deploy unlock --force (or --owner HOLDER)'),
    ];
}
/** confd: running, with the Redis backend, one of them rendering the key, and how soon it would. */
function confdChecks(r, s) {
    if ('error' in r.confd)
        return [
            fail('confd', `its processes could not be listed: ${r.confd.error}`, 'check that ps works for the deploy user'),
        ];
    const state = r.confd.value;
    const startIt = `start this deployment's confd with -backend redis -watch (systemctl start confd, or confd@NAME; examples/host/systemd)`;
    if (state.processes.length === 0)
        return [fail('confd', 'no confd runs on the server: a switch is never rendered', startIt)];
    if ((0,remote_confd/* redisConfds */.Zb)(state.processes).length === 0) {
        return [fail('confd', `${state.processes.length} confd process(es) run, none with -backend redis`, startIt)];
    }
    const rendering = (0,remote_confd/* confdsRenderingKey */.zX)(state, s.redisKey);
    if (rendering === undefined) {
        return [
            warn('confd', `a confd's template resources could not be read (its -confdir ${[...state.resources.keys()].join(', ')}): whether one renders ${s.redisKey} is unknown`, 'let the deploy user read the -confdir (its conf.d/*.toml), or check by hand that a resource lists the key'),
        ];
    }
    if (rendering.length === 0) {
        return [
            fail('confd', `no running confd renders ${s.redisKey} (they read ${[...state.resources.keys()].join(', ')}; none has a template resource for it)`, startIt),
        ];
    }
    const checks = [];
    const polling = rendering.filter((p) => !p.watch);
    const slowest = Math.max(...polling.map((p) => p.intervalSeconds));
    const renders = `${rendering.length === 1 ? 'one confd renders' : `${rendering.length} confds render`} ${s.redisKey}`;
    checks.push(polling.length === 0
        ? pass('confd', `${renders} on every write (-watch)`)
        : warn('confd', `${renders}, without -watch: a switch waits for its next poll, up to ${slowest} s (-interval)` +
            `${slowest * 1000 > s.switchTimeoutMs ? ', longer than switch-timeout: a deploy may fail and switch back' : ''}`, 'run it with -watch (examples/host/systemd/confd.service), or watch = true in its confd.toml'));
    const shared = (0,remote_confd/* sharedWatchProblem */.OR)(state);
    if (shared)
        checks.push(warn('confd-resources', shared.replace(/ Run one confd.*$/, ''), 'run one confd per deployment (README: Several deployments on one server)'));
    return checks;
}
/** Whether confd's last render names the port the key holds. */
function renderCheck(r) {
    const keyValue = 'value' in r.redis ? r.redis.value.keyValue : null;
    const port = keyValue === null ? undefined : (0,upstream/* portNamedBy */.QO)(keyValue);
    if (!r.rendered || port === undefined)
        return [];
    const { resource, text } = r.rendered;
    if ('error' in text)
        return [];
    return (0,remote_confd/* namesPort */.qS)(text.value, port)
        ? [pass('render', `${resource.dest} names :${port}, as the key does`)]
        : [
            warn('render', `${resource.dest} does not name :${port}, which the key holds: confd has not rendered the key's value`, 'journalctl -u confd: its check_cmd may refuse the value (does redis-value fit the template?), or it does not hear the writes'),
        ];
}
function nginxCheck(r, s) {
    const { served } = r;
    if (served.error)
        return fail('nginx', `no answer from ${s.probeUrl}: ${served.error}`, 'start nginx, and set probe-url to its address as the server sees it');
    if (!served.upstream) {
        return fail('nginx', `${s.probeUrl} answered ${served.status} without the ${s.upstreamHeader} header: the deploy cannot prove which container serves`, `include examples/host/nginx/app-upstream-header.conf (its map gives requests from 127.0.0.1 $upstream_addr) in nginx's http block and app-proxy.conf's add_header ${s.upstreamHeader} in the site, then reload nginx`);
    }
    if ((served.status ?? 0) >= 500) {
        return warn('nginx', `${s.probeUrl} answered ${served.status} from ${served.upstream}`, 'before the first deploy nothing serves yet; otherwise check the container the key names');
    }
    return pass('nginx', `${s.probeUrl} answered ${served.status} from ${served.upstream}`);
}
/** What the next deploy would find: the container nginx serves, whether the key names it, a key to repair. */
function deploymentCheck(r, s) {
    if (!('value' in r.containers) || !('value' in r.redis))
        return [];
    const { keyValue } = r.redis.value;
    const state = (0,deployment_state/* deploymentState */.DY)({
        deployment: s.redisKey,
        app: s.app,
        redisValue: s.redisValue,
        keyValue,
        served: r.served,
        containers: r.containers.value,
    });
    const servedPort = r.served.status !== undefined && r.served.status < 500 ? (0,upstream/* upstreamPort */.$6)(r.served.upstream) : undefined;
    if (state.repair) {
        return [
            warn('deployment', `${s.redisKey} ${keyValue === null ? 'is unset' : `holds "${keyValue}"`}, but nginx serves ${state.serving?.name} on :${servedPort}`, `nothing to do: the next deploy writes "${state.repair.to}" back first`),
        ];
    }
    if (state.findings.length > 0) {
        return [
            warn('deployment', state.findings.join('; ').replace('this deploy is the repair', 'the next deploy repairs it'), 'deploy again, or roll back (status shows the releases)'),
        ];
    }
    if (state.keyPort === undefined)
        return [pass('deployment', 'nothing deployed yet: the first deploy sets the key')];
    // nginx unreachable or without the header: the nginx check says so, and nothing is known of what serves.
    if (r.served.error || !r.served.upstream)
        return [];
    if (servedPort !== state.keyPort) {
        return [
            warn('deployment', `${s.redisKey} names :${state.keyPort} (${state.serving?.name}), but nginx ${servedPort === undefined ? 'did not say what it serves' : `serves :${servedPort}`}`, "nginx did not take confd's last render: check its reload_cmd (nginx -t, then the reload_cmd by hand)"),
        ];
    }
    return [pass('deployment', `nginx serves ${state.serving?.name} on :${servedPort}, which the key names`)];
}
function portsCheck(r, s) {
    const { first, last } = s.portRange;
    if ('error' in r.listening)
        return fail('ports', `the listening ports could not be read: ${r.listening.error}`, 'check that ss works for the deploy user');
    const containers = 'value' in r.containers ? r.containers.value : undefined;
    const taken = (0,remote_docker/* takenPorts */.Iv)(r.listening.value, containers ?? [], r.reserved);
    let free = 0;
    for (let port = first; port <= last; port += 1)
        if (!taken.has(port))
            free += 1;
    const range = `port-range ${first}-${last}`;
    if (free === 0)
        return fail('ports', `no free port in ${range}: every one is listened on, published or held by a key`, 'widen port-range, or remove stopped containers that hold ports');
    return containers
        ? pass('ports', `${free} of ${last - first + 1} free in ${range}`)
        : warn('ports', `at most ${free} of ${last - first + 1} free in ${range}: the containers could not be listed, so the ports stopped ones publish are not counted`, 'give the deploy user Docker (see docker)');
}
/** Free space where Docker keeps images: failing below what nothing fits in, warning below the next image and some room. */
function diskCheck(r) {
    if ('error' in r.disk)
        return warn('disk', `free space could not be read: ${r.disk.error}`, "check the space of Docker's root directory (docker info) by hand");
    const { path, freeBytes } = r.disk.value;
    const estimate = r.image && 'estimateBytes' in r.image ? r.image.estimateBytes : 0;
    const detail = `${size(freeBytes)} free on ${path}${r.image && 'present' in r.image
        ? ' (the image is on the server already)'
        : estimate > 0
            ? ` (an earlier tag of the image is ${size(estimate)})`
            : ''}`;
    const fix = 'free space (docker image prune, docker builder prune) or grow the disk; keep-images bounds what deploys keep';
    if (freeBytes < MIN_FREE_BYTES)
        return fail('disk', `${detail}: not enough for any image and the containers' logs`, fix);
    if (freeBytes < estimate + GIB)
        return warn('disk', `${detail}: little room for the next image and the containers' logs`, fix);
    return pass('disk', detail);
}
function accessLogCheck(r) {
    if (!r.accessLog)
        return [];
    const { path, problem } = r.accessLog;
    return problem
        ? [
            fail('access-log', `${path} cannot be read by ${r.username}: ${problem}: the bake would judge by probes alone`, `let ${r.username} read it (on Debian: sudo usermod -aG adm ${r.username}, as nginx's logs belong to adm), or fix access-log`),
        ]
        : [pass('access-log', `${path} is readable: the bake counts nginx's answers`)];
}
/** Every check, in the order a deploy meets them. */
function doctorChecks(r, s) {
    return [
        sshCheck(r),
        ...serverChecks(r),
        ...redisChecks(r, s),
        ...confdChecks(r, s),
        ...renderCheck(r),
        nginxCheck(r, s),
        ...deploymentCheck(r, s),
        portsCheck(r, s),
        diskCheck(r),
        ...accessLogCheck(r),
    ];
}
/** A server that could not be reached at all: one failed check. */
const unreachable = (error) => fail('ssh', error, 'check host, port, username, the key and known-hosts (ssh -p PORT USER@HOST works from the runner?)');
const MARK = { pass: '✓', warn: '!', fail: '✗' };
const failures = (servers) => servers.reduce((n, s) => n + s.checks.filter((c) => c.verdict === 'fail').length, 0);
const warnings = (servers) => servers.reduce((n, s) => n + s.checks.filter((c) => c.verdict === 'warn').length, 0);
function doctorText(servers) {
    const width = Math.max(...servers.flatMap((s) => s.checks.map((c) => c.check.length)));
    const blocks = servers.map((s) => [
        s.server,
        ...s.checks.flatMap((c) => [
            `  ${MARK[c.verdict]} ${c.check.padEnd(width)}  ${c.detail}`,
            ...(c.fix && c.verdict !== 'pass' ? [`  ${' '.repeat(width + 2)}  fix: ${c.fix}`] : []),
        ]),
    ].join('\n'));
    return [...blocks, doctorSummary(servers)].join('\n\n');
}
function doctorSummary(servers) {
    const failed = failures(servers);
    const warned = warnings(servers);
    const on = `on ${servers.length} server${servers.length === 1 ? '' : 's'}`;
    const warnedText = warned > 0 ? `, ${warned} warning${warned === 1 ? '' : 's'}` : '';
    return failed > 0
        ? `${failed} check${failed === 1 ? '' : 's'} failed${warnedText} ${on}: a deploy fails or cannot switch until they are fixed.`
        : `Ready to deploy ${on}${warned > 0 ? ` (${warned} warning${warned === 1 ? '' : 's'})` : ''}.`;
}

// EXTERNAL MODULE: ./src/deploy/history.ts
var deploy_history = __webpack_require__(8259);
// EXTERNAL MODULE: ./src/remote/image-ref.ts
var image_ref = __webpack_require__(6283);
// EXTERNAL MODULE: ./src/config/inputs.ts + 2 modules
var inputs = __webpack_require__(1168);
// EXTERNAL MODULE: ./src/remote/probe.ts
var probe = __webpack_require__(1112);
// EXTERNAL MODULE: ./src/remote/redis.ts
var redis = __webpack_require__(7493);
// EXTERNAL MODULE: ./src/remote/ssh/connection.ts + 2 modules
var connection = __webpack_require__(1213);
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
        return { server, checks: [unreachable(e.message)] };
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
            checks: doctorChecks(reading, {
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
const doctor = (config, debug) => Promise.all(config.servers.map((target) => doctorServer(target, config, debug).catch((e) => ({
    server: (0,connection/* serverName */.L5)(target),
    checks: [unreachable(`the doctor could not read the server: ${e.message}`)],
}))));

// EXTERNAL MODULE: ./src/remote/printable.ts
var printable = __webpack_require__(7521);
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
async function unlockLock(keys, name, request, clock, say) {
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
    const deploysLock = held.ttlMs >= 0 && held.ttlMs <= run/* LOCK_TTL_MS */.cU;
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
    const sayFailures = (results) => unreadServers(results).forEach((f) => say(`${(0,printable/* printable */.g)(f.server)}: could not be read: ${(0,printable/* printable */.g)(f.error)}`));
    if (request.command === 'doctor') {
        const servers = await doctor(config, request.verbose ? say : () => undefined);
        const ok = failures(servers) === 0;
        io.stdout(request.json ? jsonLine({ ok, servers }) : `${(0,printable/* printable */.g)(doctorText(servers))}\n`);
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
        io.stdout(`${request.command === 'history' ? (0,day_two/* historyText */.u_)(statuses) : (0,day_two/* statusText */.qS)(statuses)}\n`);
    }
    sayFailures(results);
    return statuses.length === results.length ? 0 : 1;
}
/** Both locks a deploy waits for (this version's and 0.1's), each as the request says. */
async function unlockServer(session, redisKey, request, say) {
    const [current, legacy] = (0,day_two/* lockNames */.Kr)(redisKey);
    const outcomes = [];
    for (const name of [current, legacy]) {
        // 0.1's lock is only looked at when held; this version's always answers.
        if (name === legacy && (await session.keys.lockState(name)) === null)
            continue;
        const outcome = await unlockLock(session.keys, name, request, on_servers/* realClock */.dQ, (line) => say(`${(0,printable/* printable */.g)(session.name)}: ${(0,printable/* printable */.g)(line)}`));
        say(`${(0,printable/* printable */.g)(session.name)}: ${(0,printable/* printable */.g)(outcome.message)}`);
        outcomes.push({ lock: name, ...outcome });
    }
    return outcomes;
}


/***/ })

};
