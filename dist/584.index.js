import { fileURLToPath as __dhdFileURLToPath } from 'node:url';
const __filename = __dhdFileURLToPath(import.meta.url);
const __dirname = __dhdFileURLToPath(new URL('.', import.meta.url));
export const id = 584;
export const ids = [584];
export const modules = {

/***/ 2584:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  deployStep: () => (/* binding */ deployStep)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 16 modules
var core = __webpack_require__(5334);
// EXTERNAL MODULE: ./src/deploy/bake-rules.ts
var bake_rules = __webpack_require__(6384);
// EXTERNAL MODULE: ./src/remote/printable.ts
var printable = __webpack_require__(7521);
// EXTERNAL MODULE: external "node:timers/promises"
var promises_ = __webpack_require__(8500);
// EXTERNAL MODULE: ./src/config/inputs.ts + 3 modules
var inputs = __webpack_require__(779);
// EXTERNAL MODULE: ./src/remote/probe.ts
var probe = __webpack_require__(1112);
// EXTERNAL MODULE: ./src/deploy/run.ts
var run = __webpack_require__(114);
// EXTERNAL MODULE: ./src/remote/session.ts
var session = __webpack_require__(4622);
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
    const lock = { name: lockName(key), owner: left.lockOwner };
    let outcome = await server.keys.compareAndSet(key, baking.from, baking.to, lock);
    if (!outcome.ok && outcome.lockLost && (await server.keys.tryLock(lock.name, lock.owner, LOCK_TTL_MS))) {
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
    const proof = await proveServed(() => server.probes.probe(), baking.port, config.switch.probeSuccesses, async () => {
        await sleep(SWITCH_BACK_POLL_MS);
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
    if (left.lock && left.lock !== lockName(config.switch.redisKey))
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
        const name = serverName(target);
        const mine = left[name];
        if (!mine || !needsCleanup(mine))
            return;
        const several = config.servers.length > 1;
        const serverLog = {
            info: (m) => log.info(aboutServer(name, several, m)),
            warning: (m) => log.warning(aboutServer(name, several, m)),
        };
        const problem = leftoversProblem(mine, config);
        if (problem) {
            serverLog.warning(`The saved state is not what a deploy writes (${problem}): nothing is done on this server.`);
            return;
        }
        try {
            const session = await openSession(target, config.switch.redis, {
                debug: log.debug ?? (() => undefined),
                warning: serverLog.warning,
            });
            const probes = forwardedProbes(session.shell, probeTargets(config));
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
        log.info(aboutServer(server, entries.length > 1, `The deploy stopped after writing the key: ${mine.container} may be serving and stays; the next deploy retires whichever container the key does not name.`));
    }
    return Object.values(left).some(needsCleanup);
}
/** A registry login a deploy could not remove (its directory holds the password): the post step tries again,
 * even after a deploy that went through. */
const registryLoginLeft = (left) => Object.values(left).some((mine) => mine.dockerConfig);

// EXTERNAL MODULE: ./src/deploy/on-servers.ts + 14 modules
var on_servers = __webpack_require__(751);
// EXTERNAL MODULE: ./src/action/config.ts
var action_config = __webpack_require__(8374);
// EXTERNAL MODULE: ./src/action/state.ts
var state = __webpack_require__(3175);
// EXTERNAL MODULE: ./src/action/summary.ts
var summary = __webpack_require__(8770);
;// CONCATENATED MODULE: ./src/action/deploy.ts
// The Action's `command: deploy` (the default): one deploy over SSH -> outputs, summary, state for the post step.









/** Who runs the deploy, as a GitHub workflow run names itself. */
function githubRun() {
    const env = process.env;
    if (!env.GITHUB_RUN_ID)
        return { description: `${env.GITHUB_REPOSITORY ?? 'local'} a run outside GitHub Actions` };
    const attempt = env.GITHUB_RUN_ATTEMPT ?? '1';
    return {
        deployId: `${env.GITHUB_RUN_ID}.${attempt}`,
        description: `${env.GITHUB_REPOSITORY} ${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID} (attempt ${attempt})`,
    };
}
/** The deploy step; `deployWith` is the deploy itself (unit tests give a fake). */
async function deployStep(config, deployWith = on_servers/* runDeploy */.zt) {
    const identity = (0,on_servers/* newIdentity */.t$)(config, githubRun());
    // The deploy bounds its own waits by `timeout`; this is the backstop for a hung
    // command. The post step then releases the lock and removes an unused container.
    const backstop = setTimeout(() => {
        core/* setFailed */.C1(`The deploy did not finish within timeout (${config.timing.timeoutMs / 1000} s)`);
        process.exit(1);
    }, config.timing.timeoutMs + on_servers/* TIMEOUT_GRACE_MS */.uA);
    backstop.unref();
    const left = {};
    try {
        const result = await deployWith(config, identity, {
            // core.info writes its line as it is: a value from the server in it must not become a workflow command.
            log: {
                info: (m) => core/* info */.pq((0,printable/* printable */.g)(m)),
                warning: (m) => core/* warning */.$e(m),
                debug: core/* debug */.Yz,
                group: core/* group */.Os,
            },
            checkpoint: (server, name, value) => {
                noteCheckpoint(left, identity.lockOwner, server, name, value);
                core/* saveState */.LZ(state/* STATE */.c.servers, JSON.stringify(left));
            },
        });
        if (!registryLoginLeft(left))
            core/* saveState */.LZ(state/* STATE */.c.finished, 'true');
        for (const [name, value] of Object.entries((0,on_servers/* outputsOf */.Yz)(result)))
            core/* setOutput */.uH(name, value);
        await (0,action_config/* writeSummary */.Sy)((0,summary/* successSummary */.iG)(result.image, result));
        core/* info */.pq(`${result.image} is live on :${result.port} (switch ${result.switchSeconds.toFixed(3)} s, deploy ${result.durationSeconds.toFixed(2)} s)`);
    }
    catch (e) {
        // setFailed sets it on the runner; tools that stand in for @actions/core (local-action) may not.
        process.exitCode = 1;
        if (e instanceof run/* DeployError */.sH) {
            // What the deploy could not undo (a dropped connection, say) is still in the checkpoints: post finishes it.
            const evidence = e.details.bake
                ? (0,bake_rules/* bakeEvidence */.tA)(e.details.bake)
                    .map((l) => `\n${l}`)
                    .join('')
                : '';
            core/* error */.z3(`${e.message}\n${e.hint}${evidence}${e.details.logs ? `\nLast log lines:\n${e.details.logs}` : ''}`, {
                title: `docker-hot-deploy: ${e.phase} failed`,
            });
            await (0,action_config/* writeSummary */.Sy)((0,summary/* failureSummary */.jg)(config.container.image || 'the rollback', e));
            core/* setFailed */.C1(`${e.message}. ${e.hint}`);
        }
        else {
            core/* setFailed */.C1(e.message);
        }
    }
    finally {
        clearTimeout(backstop);
    }
}


/***/ })

};
