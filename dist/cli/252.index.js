import { fileURLToPath as __dhdFileURLToPath } from 'node:url';
const __filename = __dhdFileURLToPath(import.meta.url);
const __dirname = __dhdFileURLToPath(new URL('.', import.meta.url));
export const id = 252;
export const ids = [252];
export const modules = {

/***/ 2252:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  deployCommand: () => (/* binding */ deployCommand)
});

// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: ./src/deploy/bake-rules.ts
var bake_rules = __webpack_require__(6384);
// EXTERNAL MODULE: external "node:timers/promises"
var promises_ = __webpack_require__(8500);
// EXTERNAL MODULE: ./src/config/inputs.ts + 2 modules
var inputs = __webpack_require__(1168);
// EXTERNAL MODULE: ./src/remote/probe.ts
var probe = __webpack_require__(1112);
// EXTERNAL MODULE: ./src/remote/probe-result.ts
var probe_result = __webpack_require__(4292);
// EXTERNAL MODULE: ./src/remote/redis-rules.ts
var redis_rules = __webpack_require__(5499);
// EXTERNAL MODULE: ./src/deploy/run.ts
var run = __webpack_require__(114);
// EXTERNAL MODULE: ./src/remote/session.ts
var remote_session = __webpack_require__(4622);
// EXTERNAL MODULE: ./src/remote/ssh/connection.ts + 2 modules
var connection = __webpack_require__(1213);
;// CONCATENATED MODULE: ./src/deploy/cleanup.ts
// What a deploy that stopped half way leaves to clean up, and the cleaning: the
// Action's post step and the CLI's Ctrl-C both end here.








/** Notes one checkpoint of one server. */
function noteCheckpoint(left, lockOwner, server, name, value) {
    const mine = (left[server] ??= {
        lock: '',
        lockOwner,
        container: '',
        switching: false,
        baking: '',
        dockerConfig: '',
        release: '',
    });
    if (name === 'switching')
        mine.switching = value === 'true';
    else
        mine[name] = value;
}
/** Whether there is anything to do on the server. */
function needsCleanup(left) {
    return Boolean(left.lock || (left.container && (!left.switching || left.baking)) || left.dockerConfig || left.release);
}
const SWITCH_BACK_POLL_MS = 5;
/** A deploy stopped in its bake did not finish: the previous version goes back (compare-and-set
 * from the new value, under the deployment's lock, taken again if it expired; released again by
 * cleanUp) and is proven to serve. Only then may the new container go; true when it may. */
async function switchBack(left, server, config, log) {
    const baking = JSON.parse(left.baking);
    const key = config.switch.redisKey;
    const lock = { name: (0,redis_rules/* lockName */.l4)(key), owner: left.lockOwner };
    let outcome = await server.keys.compareAndSet(key, baking.from, baking.to, lock);
    if (!outcome.ok && outcome.lockLost && (await server.keys.tryLock(lock.name, lock.owner, run/* LOCK_TTL_MS */.cU))) {
        left.lock = lock.name;
        outcome = await server.keys.compareAndSet(key, baking.from, baking.to, lock);
    }
    const stays = `${left.container} (:${baking.from}) and the previous container (:${baking.port}) both stay`;
    // The deploy's own undo may have written it back already and only failed to prove it.
    const alreadyBack = !outcome.ok && !outcome.lockLost && outcome.current === baking.to;
    if (!outcome.ok && !alreadyBack) {
        const why = outcome.lockLost
            ? `another deploy holds ${lock.name}`
            : `${key} holds ${outcome.current ?? '(unset)'} now`;
        log.warning(`The deploy stopped during its bake, and ${key} could not be set back (${why}): ${stays}; nginx serves what ${key} names.`);
        return false;
    }
    const end = Date.now() + config.timing.switchTimeoutMs;
    const proof = await (0,probe_result/* proveServed */.uE)(() => server.probes.probe(), baking.port, config.switch.probeSuccesses, async () => {
        await (0,promises_.setTimeout)(SWITCH_BACK_POLL_MS);
        return Date.now() < end;
    });
    if (proof !== 'proven') {
        log.warning(`The deploy stopped during its bake: ${key} was set back to ${baking.to}, but nginx did not serve :${baking.port} within switch-timeout: ${stays}.`);
        return false;
    }
    log.info(`The deploy stopped during its bake: nginx serves the previous version again (${key}=${baking.to}).`);
    return true;
}
/** Removes the registry login and a container that never received traffic, then releases the lock. */
async function cleanUp(left, server, config, log) {
    if (left.release) {
        // A migration stopped half way: the next deploy's runs it again from the start (migrations are transactional, or idempotent).
        await server.docker.discard([left.release]).then(() => log.info(`Stopped ${left.release}, the release command that was still running.`), (e) => log.warning(`Could not stop the release command's container ${left.release}: ${e.message}`));
    }
    if (left.dockerConfig) {
        await server.docker.removeDir(left.dockerConfig).then(() => log.info(`Removed the registry login in ${left.dockerConfig}.`), (e) => log.warning(`Could not remove the registry login in ${left.dockerConfig}: ${e.message}`));
    }
    const unserved = !left.switching ||
        (left.baking &&
            (await switchBack(left, server, config, log).catch((e) => {
                log.warning(`Could not switch back after the bake: ${e.message}`);
                return false;
            })));
    if (left.container && unserved) {
        await server.docker.discard([left.container]).then(() => log.info(left.baking
            ? `Removed ${left.container}, which served during the bake.`
            : `Removed ${left.container}, which never received traffic.`), (e) => log.warning(`Could not remove ${left.container}: ${e.message}`));
    }
    if (left.lock) {
        const released = await server.keys.unlock(left.lock, left.lockOwner);
        log.info(released ? `Released ${left.lock}.` : `${left.lock} was no longer held by this run.`);
    }
}
const CONTAINER_NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;
/** What makePrivateDir gives: mktemp -d -t docker-hot-deploy.XXXXXXXXXX, under any TMPDIR. */
const DOCKER_CONFIG_RE = /^\/(?:[^\s/]+\/)*docker-hot-deploy\.[A-Za-z0-9]{10}$/;
/** Why what the post step read is not what a main step of this deployment writes (the state file is
 * the runner's, but nothing read is acted on unchecked), or undefined. */
function leftoversProblem(left, config) {
    if (left.lock && left.lock !== (0,redis_rules/* lockName */.l4)(config.switch.redisKey))
        return `the lock ${JSON.stringify(left.lock)} is not this deployment's`;
    for (const name of [left.container, left.release])
        if (name && !CONTAINER_NAME_RE.test(name))
            return `${JSON.stringify(name)} is not a container name`;
    if (left.dockerConfig && !DOCKER_CONFIG_RE.test(left.dockerConfig))
        return `${JSON.stringify(left.dockerConfig)} is not a registry login directory of the deploy's`;
    if (left.baking) {
        let baking;
        try {
            baking = JSON.parse(left.baking);
        }
        catch {
            baking = undefined;
        }
        if (typeof baking?.from !== 'string' ||
            (baking.to !== null && typeof baking.to !== 'string') ||
            !Number.isInteger(baking.port))
            return 'the bake checkpoint is not one';
    }
    return undefined;
}
/** Cleans up on every server that has something left, side by side, each over its own connection
 * (anythingLeft has said what stays); a server whose leftovers are not what a deploy writes is left alone. */
async function cleanUpServers(left, config, log) {
    await Promise.all(config.servers.map(async (target) => {
        const name = (0,connection/* serverName */.L5)(target);
        const mine = left[name];
        if (!mine || !needsCleanup(mine))
            return;
        const several = config.servers.length > 1;
        const serverLog = {
            info: (m) => log.info((0,inputs/* aboutServer */.JS)(name, several, m)),
            warning: (m) => log.warning((0,inputs/* aboutServer */.JS)(name, several, m)),
        };
        const problem = leftoversProblem(mine, config);
        if (problem) {
            serverLog.warning(`The saved state is not what a deploy writes (${problem}): nothing is done on this server.`);
            return;
        }
        try {
            const session = await (0,remote_session/* openSession */.f)(target, config.switch.redis, {
                debug: log.debug ?? (() => undefined),
                warning: serverLog.warning,
            });
            const probes = (0,probe/* forwardedProbes */.M)(session.shell, (0,inputs/* probeTargets */.$F)(config));
            await cleanUp(mine, { ...session, probes }, config, serverLog).finally(async () => {
                await probes.close().catch(() => undefined);
                await session.close();
            });
        }
        catch (e) {
            serverLog.warning(`Cleanup failed: ${e.message}`);
        }
    }));
}
/** How long a cleanup may take: it holds the job (and its concurrency group), or the terminal. */
const CLEANUP_TIMEOUT_MS = 120_000;
/** cleanUpServers, given up after `ms`. */
async function cleanUpWithin(left, config, log, ms = CLEANUP_TIMEOUT_MS) {
    let timer;
    const gaveUp = new Promise((resolve) => {
        timer = setTimeout(() => {
            log.warning(`Cleanup did not finish within ${ms / 1000} s; the lock expires by itself and the next deploy retires what is left.`);
            resolve();
        }, ms);
    });
    const cleaning = cleanUpServers(left, config, log).catch((e) => log.warning(`Cleanup failed: ${e.message}`));
    await Promise.race([cleaning, gaveUp]);
    clearTimeout(timer);
}
/** Whether any server has something left to clean up; says which containers stay because the key may name them. */
function anythingLeft(left, log) {
    const entries = Object.entries(left);
    for (const [server, mine] of entries) {
        if (!mine.container || !mine.switching || mine.baking)
            continue;
        log.info((0,inputs/* aboutServer */.JS)(server, entries.length > 1, `The deploy stopped after writing the key: ${mine.container} may be serving and stays; the next deploy retires whichever container the key does not name.`));
    }
    return Object.values(left).some(needsCleanup);
}
/** A registry login a deploy could not remove (its directory holds the password): the post step tries again,
 * even after a deploy that went through. */
const registryLoginLeft = (left) => Object.values(left).some((mine) => mine.dockerConfig);

// EXTERNAL MODULE: ./src/deploy/on-servers.ts + 14 modules
var on_servers = __webpack_require__(751);
// EXTERNAL MODULE: ./src/cli/output.ts
var output = __webpack_require__(6657);
;// CONCATENATED MODULE: ./src/cli/deploy.ts
// The CLI's deploy: the same deploy as the Action's, its timeline and result on the terminal (and
// as JSON), Ctrl-C and the timeout undone and cleaned up as a cancelled run's post step would.






/** Who deploys, as the CI at hand names it (GitLab CI, Buildkite, Jenkins), else the user and machine. */
function deployer(env) {
    if (env.CI_JOB_URL)
        return { deployId: env.CI_JOB_ID, description: `${env.CI_PROJECT_PATH ?? 'gitlab'} ${env.CI_JOB_URL}` };
    if (env.BUILDKITE_BUILD_URL)
        return {
            deployId: env.BUILDKITE_BUILD_ID,
            description: `${env.BUILDKITE_PIPELINE_SLUG ?? 'buildkite'} ${env.BUILDKITE_BUILD_URL}`,
        };
    if (env.BUILD_URL)
        return { deployId: env.BUILD_TAG, description: `${env.JOB_NAME ?? 'jenkins'} ${env.BUILD_URL}` };
    return { description: `${(0,external_node_os_.userInfo)().username}@${(0,external_node_os_.hostname)()} (docker-hot-deploy CLI)` };
}
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
/** One phase or stage: whether it went through, its name, how long, what it did. */
const stepLine = (ok, name, ms, detail) => `  ${ok ? '✓' : '✗'} ${name.padEnd(8)} ${seconds(ms).padStart(8)}  ${detail}`;
const timelineText = (timeline) => timeline.map((p) => stepLine(p.ok, p.phase, p.ms, p.detail)).join('\n');
/** Each server's phases (named when there are several), then the stages across them. */
function timelinesText(servers, stages) {
    if (servers.length <= 1)
        return timelineText(servers[0]?.timeline ?? []);
    const perServer = servers.map((s) => `${s.server}:\n${timelineText(s.timeline)}`);
    const stageLines = stages.map((s) => stepLine(s.ok, s.stage, s.ms, s.detail));
    return [...perServer, `stages:\n${stageLines.join('\n')}`].join('\n');
}
/** The deploy; returns the exit status. `deployWith` is the deploy itself (tests may give a fake). */
async function deployCommand({ json, verbose }, config, env, { io, out: { say, progress } }, deployWith = on_servers/* runDeploy */.zt) {
    const log = {
        info: say,
        progress,
        warning: (m) => say(`warning: ${m}`),
        debug: verbose ? say : () => undefined,
        async group(name, work) {
            say(`… ${name}`);
            return work();
        },
    };
    const identity = (0,on_servers/* newIdentity */.t$)(config, deployer(env));
    // What a failed or interrupted deploy leaves to clean up: its checkpoints, kept here as the Action keeps its state.
    const left = {};
    // The first Ctrl-C asks the deploy to stop: it undoes what it did at its next step (a bake is
    // switched back). A second one cleans up at once from the checkpoints, as a cancelled run's post step.
    const stop = new AbortController();
    // Once, for whichever asks first: a failure, the backstop, a second Ctrl-C.
    let cleaning;
    // The cleanup's SSH sessions say nothing, even with --verbose: only the deploy's commands are shown.
    const cleanupLog = { info: log.info, warning: log.warning };
    const cleanUpNow = () => (cleaning ??= anythingLeft(left, log) ? cleanUpWithin(left, config, cleanupLog) : Promise.resolve());
    let timedOut = false;
    const onInterrupt = () => {
        if (!stop.signal.aborted) {
            say('Interrupted: stopping the deploy at its next step and undoing what it did (Ctrl-C again to clean up and exit at once).');
            stop.abort();
            process.once('SIGINT', onInterrupt);
            process.once('SIGTERM', onInterrupt);
            return;
        }
        say('Interrupted again: cleaning up as a cancelled run does.');
        void cleanUpNow().finally(() => process.exit(output/* EXIT */.d.interrupted));
    };
    process.once('SIGINT', onInterrupt);
    process.once('SIGTERM', onInterrupt);
    // The deploy bounds its own waits by `timeout`; this is the backstop for a hung command, as the Action has.
    const backstop = setTimeout(() => {
        timedOut = true;
        say(`The deploy did not finish within timeout (${config.timing.timeoutMs / 1000} s): stopping it and cleaning up as a cancelled run does.`);
        stop.abort();
        void cleanUpNow().finally(() => process.exit(output/* EXIT */.d.failed));
    }, config.timing.timeoutMs + on_servers/* TIMEOUT_GRACE_MS */.uA);
    backstop.unref();
    try {
        const result = await deployWith(config, identity, {
            log,
            checkpoint: (server, name, value) => noteCheckpoint(left, identity.lockOwner, server, name, value),
            signal: stop.signal,
        });
        say(timelinesText(result.servers, result.stages));
        say(`${result.image} is live on :${result.port} (switch ${result.switchSeconds.toFixed(3)} s, deploy ${result.durationSeconds.toFixed(2)} s)`);
        if (result.bake)
            say(`bake: ${(0,bake_rules/* bakeLine */.YI)(result.bake)}`);
        if (json)
            io.stdout(`${JSON.stringify({ ok: true, outputs: (0,on_servers/* outputsOf */.Yz)(result), timeline: result.timeline, stages: result.stages, warnings: result.warnings, releases: result.releases })}\n`);
        return output/* EXIT */.d.deployed;
    }
    catch (e) {
        clearTimeout(backstop);
        if (!(e instanceof run/* DeployError */.sH)) {
            say(`docker-hot-deploy: ${e.message}`);
            if (json)
                io.stdout(`${JSON.stringify({ ok: false, error: e.message })}\n`);
            await cleanUpNow();
            return output/* EXIT */.d.failed;
        }
        say(e.servers.length > 0 ? timelinesText(e.servers, e.stages) : timelineText(e.timeline));
        if (e.details.bake)
            (0,bake_rules/* bakeEvidence */.tA)(e.details.bake).forEach(say);
        if (e.details.logs)
            say(`Last log lines:\n${e.details.logs}`);
        say(`${e.message}. ${e.hint}`);
        if (json)
            io.stdout(`${JSON.stringify({ ok: false, server: e.server, phase: e.phase, reason: e.reason, hint: e.hint, oldServes: e.oldServes, timeline: e.timeline, stages: e.stages, servers: e.servers, logs: e.details.logs, bake: e.details.bake })}\n`);
        // What the undo could not reach (a server lost meanwhile, a registry login left) is still in
        // the checkpoints: cleaned up as the Action's post step would.
        await cleanUpNow();
        if (stop.signal.aborted && !timedOut)
            return output/* EXIT */.d.interrupted;
        return e.oldServes && !timedOut ? output/* EXIT */.d.oldServes : output/* EXIT */.d.failed;
    }
    finally {
        clearTimeout(backstop);
        process.removeListener('SIGINT', onInterrupt);
        process.removeListener('SIGTERM', onInterrupt);
    }
}


/***/ })

};
