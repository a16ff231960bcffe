#!/usr/bin/env node
import { fileURLToPath as __dhdFileURLToPath } from 'node:url';
const __filename = __dhdFileURLToPath(import.meta.url);
const __dirname = __dhdFileURLToPath(new URL('.', import.meta.url));
import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 744:
/***/ ((module) => {

/**
 * Helpers.
 */

var s = 1000;
var m = s * 60;
var h = m * 60;
var d = h * 24;
var w = d * 7;
var y = d * 365.25;

/**
 * Parse or format the given `val`.
 *
 * Options:
 *
 *  - `long` verbose formatting [false]
 *
 * @param {String|Number} val
 * @param {Object} [options]
 * @throws {Error} throw an error if val is not a non-empty string or a number
 * @return {String|Number}
 * @api public
 */

module.exports = function (val, options) {
  options = options || {};
  var type = typeof val;
  if (type === 'string' && val.length > 0) {
    return parse(val);
  } else if (type === 'number' && isFinite(val)) {
    return options.long ? fmtLong(val) : fmtShort(val);
  }
  throw new Error(
    'val is not a non-empty string or a valid number. val=' +
      JSON.stringify(val)
  );
};

/**
 * Parse the given `str` and return milliseconds.
 *
 * @param {String} str
 * @return {Number}
 * @api private
 */

function parse(str) {
  str = String(str);
  if (str.length > 100) {
    return;
  }
  var match = /^(-?(?:\d+)?\.?\d+) *(milliseconds?|msecs?|ms|seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|w|years?|yrs?|y)?$/i.exec(
    str
  );
  if (!match) {
    return;
  }
  var n = parseFloat(match[1]);
  var type = (match[2] || 'ms').toLowerCase();
  switch (type) {
    case 'years':
    case 'year':
    case 'yrs':
    case 'yr':
    case 'y':
      return n * y;
    case 'weeks':
    case 'week':
    case 'w':
      return n * w;
    case 'days':
    case 'day':
    case 'd':
      return n * d;
    case 'hours':
    case 'hour':
    case 'hrs':
    case 'hr':
    case 'h':
      return n * h;
    case 'minutes':
    case 'minute':
    case 'mins':
    case 'min':
    case 'm':
      return n * m;
    case 'seconds':
    case 'second':
    case 'secs':
    case 'sec':
    case 's':
      return n * s;
    case 'milliseconds':
    case 'millisecond':
    case 'msecs':
    case 'msec':
    case 'ms':
      return n;
    default:
      return undefined;
  }
}

/**
 * Short format for `ms`.
 *
 * @param {Number} ms
 * @return {String}
 * @api private
 */

function fmtShort(ms) {
  var msAbs = Math.abs(ms);
  if (msAbs >= d) {
    return Math.round(ms / d) + 'd';
  }
  if (msAbs >= h) {
    return Math.round(ms / h) + 'h';
  }
  if (msAbs >= m) {
    return Math.round(ms / m) + 'm';
  }
  if (msAbs >= s) {
    return Math.round(ms / s) + 's';
  }
  return ms + 'ms';
}

/**
 * Long format for `ms`.
 *
 * @param {Number} ms
 * @return {String}
 * @api private
 */

function fmtLong(ms) {
  var msAbs = Math.abs(ms);
  if (msAbs >= d) {
    return plural(ms, msAbs, d, 'day');
  }
  if (msAbs >= h) {
    return plural(ms, msAbs, h, 'hour');
  }
  if (msAbs >= m) {
    return plural(ms, msAbs, m, 'minute');
  }
  if (msAbs >= s) {
    return plural(ms, msAbs, s, 'second');
  }
  return ms + ' ms';
}

/**
 * Pluralization helper.
 */

function plural(ms, msAbs, n, name) {
  var isPlural = msAbs >= n * 1.5;
  return Math.round(ms / n) + ' ' + name + (isPlural ? 's' : '');
}


/***/ }),

/***/ 9797:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  iW: () => (/* binding */ main)
});

// UNUSED EXPORTS: COMMANDS, envName, readInvocation, usage

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(3024);
;// CONCATENATED MODULE: external "node:util"
const external_node_util_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");
// EXTERNAL MODULE: ./src/config/action-inputs.ts
var action_inputs = __nccwpck_require__(3478);
// EXTERNAL MODULE: ./src/config/inputs.ts + 2 modules
var config_inputs = __nccwpck_require__(1168);
// EXTERNAL MODULE: ./src/operate/day-two.ts
var day_two = __nccwpck_require__(5673);
// EXTERNAL MODULE: ./src/cli/output.ts
var output = __nccwpck_require__(6657);
;// CONCATENATED MODULE: ./src/cli/cli.ts
// The CLI door, for any CI or a laptop: `docker-hot-deploy deploy --host ... --image ...`.
// The same inputs as action.yml (names, defaults, validation), as flags or DHD_*
// variables (so secrets need not be flags); never INPUT_*.
// A command's code is loaded only once its inputs are valid, and only that command's
// (docs/architecture.md, "Start-up").






/** The inputs as flags: all of action.yml's but `command`, which is the CLI's first argument. */
const CLI_INPUTS = action_inputs/* ACTION_INPUTS */.b.filter((i) => i.name !== 'command');
/** Inputs that --NAME-file and DHD_NAME_FILE can read from a file: all but `env`, whose
 * --env-file and DHD_ENV_FILE are the input env-file (a path on the server). */
const READ_FROM_FILE = new Set(CLI_INPUTS.map((i) => i.name).filter((name) => !CLI_INPUTS.some((other) => other.name === `${name}-file`)));
/** Inputs that take one item a line. */
const MULTI_LINE_INPUTS = new Set(['host', 'env', 'run-args', 'release-command', 'known-hosts']);
const BOOLEAN_INPUTS = new Set(CLI_INPUTS.filter((i) => i.default === 'true' || i.default === 'false').map((i) => i.name));
const envName = (input) => `DHD_${input.toUpperCase().replace(/-/g, '_')}`;
function usage() {
    const rows = CLI_INPUTS.map((i) => {
        const flag = BOOLEAN_INPUTS.has(i.name) ? `--${i.name}` : `--${i.name} VALUE`;
        const marks = [i.required ? 'required' : '', i.default !== undefined ? `default ${i.default}` : '']
            .filter(Boolean)
            .join(', ');
        return `  ${flag}\n      ${i.description}${marks ? ` (${marks})` : ''}\n      env: ${envName(i.name)}`;
    });
    return [
        'Usage: docker-hot-deploy deploy [--INPUT VALUE ...] [--json] [--verbose]',
        '       docker-hot-deploy status  [--INPUT VALUE ...] [--limit N] [--json]',
        '       docker-hot-deploy history [--INPUT VALUE ...] [--limit N] [--json]',
        '       docker-hot-deploy unlock  [--INPUT VALUE ...] (--owner HOLDER | --force) [--json]',
        '       docker-hot-deploy doctor  [--INPUT VALUE ...] [--json]',
        '',
        'deploy hot-deploys a Docker web app to one or more servers over SSH with zero dropped requests:',
        'the same deploy as the GitHub Action, with the same inputs. status shows, per server, what',
        "nginx serves, the key, this deployment's containers, the lock and the last releases; history",
        'the last releases; unlock releases a lock left by a deploy that died (with --owner, if that',
        'holder still has it; with --force, never one a deploy may still hold); doctor checks each server',
        'for everything a deploy needs (Docker, Redis, confd, nginx, ports, disk), each with its fix.',
        'They change nothing else and need no image or container-port. Each input is a flag or an',
        'environment variable DHD_<INPUT> (DHD_<INPUT>_FILE or --<input>-file reads it from a',
        'file; not for env, whose --env-file is the env-file input): keep secrets (private-key,',
        'passphrase, registry-password) out of flags. --host, --env, --run-args, --release-command',
        'and --known-hosts may be repeated, a line each.',
        '',
        'Exit status: 0 deployed; 2 bad input (nothing was done); 3 the deploy failed and the',
        'previous version serves; 130 interrupted (cleaned up as a cancelled run is); 1 anything else.',
        'status and history: 0 read, 1 a server could not be read. unlock: 0 the lock is free, 1 not.',
        'doctor: 0 nothing failed (warnings allowed), 1 a check failed.',
        '',
        'Inputs:',
        ...rows,
        '',
        'Options:',
        '  --json       print the result (outputs, phases, warnings) as JSON on stdout',
        '  --verbose    print each remote command',
        '  --limit N    status and history: releases shown per server (1-50; default 5, history 10)',
        '  --owner H    unlock: release the lock only if H (its value, as status shows it) holds it',
        "  --force      unlock: wait out a deploy's lock (30 s at most) unless it is renewed; release",
        "               one without a deploy's time to live once nobody renewed it for 15 s",
        '  --help       this text',
        '',
    ].join('\n');
}
/** What the CLI does: deploy, or read (status, history, doctor) and release a lock (unlock) for the on-call person. */
const COMMANDS = ['deploy', 'status', 'history', 'unlock', 'doctor'];
/** Flags and DHD_* variables -> raw inputs; a flag wins over a variable. Throws on a usage error. */
function readInvocation(args, env) {
    const options = {
        json: { type: 'boolean' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean' },
        limit: { type: 'string' },
        owner: { type: 'string' },
        force: { type: 'boolean' },
    };
    for (const input of CLI_INPUTS) {
        // Collected, so that a repeated flag is seen: a line each for multi-line inputs, an error for the others.
        options[input.name] = BOOLEAN_INPUTS.has(input.name) ? { type: 'boolean' } : { type: 'string', multiple: true };
        if (READ_FROM_FILE.has(input.name))
            options[`${input.name}-file`] = { type: 'string' };
    }
    const { values, positionals } = (0,external_node_util_namespaceObject.parseArgs)({ args, options, allowPositionals: true, strict: true });
    if (values.help || positionals.length === 0)
        return 'help';
    const command = COMMANDS.find((c) => c === positionals[0]);
    if (!command || positionals.length > 1)
        throw new Error(`unknown command "${positionals.join(' ')}": the commands are ${COMMANDS.join(', ')}`);
    const only = (option, commands) => {
        if (values[option] !== undefined && !commands.includes(command))
            throw new Error(`--${option} is an option of ${commands.join(' and ')}, not of ${command}`);
    };
    only('limit', ['status', 'history']);
    only('owner', ['unlock']);
    only('force', ['unlock']);
    const limitText = values.limit;
    if (limitText !== undefined && !/^(?:[1-9]|[1-4]\d|50)$/.test(limitText))
        throw new Error(`--limit: ${JSON.stringify(limitText)} is not a whole number from 1 to 50`);
    const owner = values.owner;
    if (owner !== undefined && values.force)
        throw new Error('--owner and --force: give one (--owner releases the lock if that holder still has it; --force once no deploy renews it)');
    const unlock = owner !== undefined ? { owner } : values.force ? { force: true } : {};
    const read = (path, from) => {
        try {
            return (0,external_node_fs_.readFileSync)(path, 'utf8');
        }
        catch (e) {
            throw new Error(`${from}: cannot read ${path}: ${e.code ?? e.message}`);
        }
    };
    const inputs = {};
    for (const input of CLI_INPUTS) {
        const flag = values[input.name];
        const fromFile = READ_FROM_FILE.has(input.name);
        const flagFile = fromFile ? values[`${input.name}-file`] : undefined;
        const variable = env[envName(input.name)];
        const variableFile = fromFile ? env[`${envName(input.name)}_FILE`] : undefined;
        if (Array.isArray(flag) && flag.length > 1 && !MULTI_LINE_INPUTS.has(input.name))
            throw new Error(`--${input.name} is given ${flag.length} times: it takes one value`);
        const value = flag !== undefined
            ? Array.isArray(flag)
                ? flag.join('\n')
                : String(flag)
            : flagFile !== undefined
                ? read(flagFile, `--${input.name}-file`)
                : variable !== undefined
                    ? variable
                    : variableFile !== undefined
                        ? read(variableFile, `${envName(input.name)}_FILE`)
                        : undefined;
        if (value !== undefined)
            inputs[input.name] = value;
    }
    // Secrets, env (its values are masked in the Action) and a redis-url with a password: every local user sees argv.
    const secret = (name) => config_inputs/* SECRET_INPUTS */.pH.includes(name) ||
        name === 'env' ||
        (name === 'redis-url' && (0,config_inputs/* redactUrl */.BO)(inputs[name] ?? '') !== inputs[name]);
    const secretFlags = CLI_INPUTS.map((i) => i.name)
        .filter((name) => values[name] !== undefined && secret(name))
        .map((name) => `--${name}`);
    return {
        command,
        inputs,
        json: values.json === true,
        verbose: values.verbose === true,
        limit: Number(limitText ?? (command === 'history' ? 10 : day_two/* STATUS_RELEASES */.Ys)),
        unlock,
        secretFlags,
    };
}
/** Runs the CLI; returns the exit status. `deployWith` is the deploy itself (tests may give a fake). */
async function main(args, env, io, deployWith) {
    let invocation;
    try {
        invocation = readInvocation(args, env);
    }
    catch (e) {
        io.stderr(`docker-hot-deploy: ${e.message}\nRun docker-hot-deploy --help for the inputs.\n`);
        return output/* EXIT */.d.badInput;
    }
    if (invocation === 'help') {
        io.stdout(usage());
        return output/* EXIT */.d.deployed;
    }
    let config;
    try {
        config = await (0,config_inputs/* readInputs */.Ko)((name) => invocation.inputs[name] ?? '', { deploying: invocation.command === 'deploy' });
    }
    catch (e) {
        if (!(e instanceof config_inputs/* InputError */.dz))
            throw e;
        io.stderr(`${e.message}\n`);
        if (invocation.json)
            io.stdout(`${JSON.stringify({ ok: false, badInput: e.problems })}\n`);
        return output/* EXIT */.d.badInput;
    }
    const out = (0,output/* terminal */.F)(io);
    for (const flag of invocation.secretFlags) {
        // env-file is an input of its own (a file on the server): env has no --env-file flag.
        const instead = READ_FROM_FILE.has(flag.slice(2))
            ? `${envName(flag.slice(2))} or ${flag}-file`
            : envName(flag.slice(2));
        out.say(`warning: ${flag} is visible to every user of this machine in the process list: use ${instead} instead`);
    }
    if (invocation.command !== 'deploy') {
        const { operate } = await Promise.all(/* import() */[__nccwpck_require__.e(472), __nccwpck_require__.e(473), __nccwpck_require__.e(751), __nccwpck_require__.e(688)]).then(__nccwpck_require__.bind(__nccwpck_require__, 3688));
        return operate({ ...invocation, command: invocation.command }, config, io);
    }
    const { deployCommand } = await Promise.all(/* import() */[__nccwpck_require__.e(472), __nccwpck_require__.e(473), __nccwpck_require__.e(751), __nccwpck_require__.e(252)]).then(__nccwpck_require__.bind(__nccwpck_require__, 2252));
    return deployCommand(invocation, config, env, { io, out }, deployWith);
}


/***/ }),

/***/ 6657:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   F: () => (/* binding */ terminal),
/* harmony export */   d: () => (/* binding */ EXIT)
/* harmony export */ });
/* harmony import */ var _remote_printable_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(7521);
// What the CLI says and what it exits with: lines on stderr, on a terminal one progress line
// rewritten in place; the exit statuses scripts test.

/** What the exit status says. */
const EXIT = { deployed: 0, failed: 1, badInput: 2, oldServes: 3, interrupted: 130 };
/** Back to the start of the line, and the line erased. */
const CLEAR_LINE = '\r\x1b[2K';
function terminal(io) {
    // On a terminal the progress line is rewritten in place, and cleared before anything else is said.
    let progressShown = false;
    const say = (line) => {
        io.stderr(`${progressShown ? CLEAR_LINE : ''}${line}\n`);
        progressShown = false;
    };
    const progress = (line) => {
        if (!io.columns)
            return say(line);
        // Shorter than the terminal: a wrapped line would not be rewritten. What a server printed is shown, never obeyed.
        const shown = (0,_remote_printable_js__WEBPACK_IMPORTED_MODULE_0__/* .printable */ .g)(line).replace(/\s+/g, ' ');
        io.stderr(`${CLEAR_LINE}${shown.length >= io.columns ? `${shown.slice(0, io.columns - 2)}…` : shown}`);
        progressShown = true;
    };
    return { say, progress };
}


/***/ }),

/***/ 3478:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   b: () => (/* binding */ ACTION_INPUTS)
/* harmony export */ });
// Generated from action.yml by scripts/generate-inputs.mjs (npm run build): do not edit.
const ACTION_INPUTS = [
    {
        "name": "command",
        "description": "What the step does: deploy (hot-deploys image), doctor (checks every server for what a deploy needs, each finding with its fix; the step fails if a check fails) or status (what each server serves, its containers, the lock and the last releases). doctor and status change nothing and need no image or container-port.",
        "required": false,
        "default": "deploy"
    },
    {
        "name": "host",
        "description": "The server's host name or IP address; for several identical servers, one a line (name, name:port or [IPv6]:port). They deploy all or nothing: every server switches, or none stays switched.",
        "required": true
    },
    {
        "name": "port",
        "description": "The SSH port of every server whose host line names none.",
        "required": false,
        "default": "22"
    },
    {
        "name": "username",
        "description": "The deploy user on the server (in the docker group; no sudo needed).",
        "required": true
    },
    {
        "name": "private-key",
        "description": "The deploy user's private key (OpenSSH or PEM format). Use a secret.",
        "required": true
    },
    {
        "name": "passphrase",
        "description": "The private key's passphrase, if it has one. Use a secret.",
        "required": false
    },
    {
        "name": "known-hosts",
        "description": "OpenSSH known_hosts lines for the server(s) (plain or hashed, any key type), e.g. the output of ssh-keyscan. This or host-fingerprint is required.",
        "required": false
    },
    {
        "name": "host-fingerprint",
        "description": "The host key fingerprint(s), SHA256:... as ssh-keygen -lf prints them; with several servers, each server's key must be one of them. This or known-hosts is required.",
        "required": false
    },
    {
        "name": "insecure-skip-host-key-check",
        "description": "Set to true to skip the host key check (not recommended; warns on every run).",
        "required": false,
        "default": "false"
    },
    {
        "name": "jump-host",
        "description": "A bastion to reach the server(s) through (its SSH port forward); each host key is pinned separately.",
        "required": false
    },
    {
        "name": "jump-port",
        "description": "The bastion's SSH port.",
        "required": false,
        "default": "22"
    },
    {
        "name": "jump-username",
        "description": "The user on the bastion (defaults to username).",
        "required": false
    },
    {
        "name": "jump-private-key",
        "description": "The key for the bastion (defaults to private-key). Use a secret.",
        "required": false
    },
    {
        "name": "jump-known-hosts",
        "description": "OpenSSH known_hosts lines for the bastion; required with jump-host.",
        "required": false
    },
    {
        "name": "image",
        "description": "The image to deploy, e.g. ghcr.io/acme/web:1.4.2. Required unless rollback is true.",
        "required": false
    },
    {
        "name": "app",
        "description": "The app's display name, used in container names. Defaults to the image name without registry and tag. Containers belong to their deployment (the redis-key), not to the app.",
        "required": false
    },
    {
        "name": "container-port",
        "description": "The port the app listens on inside the container.",
        "required": true
    },
    {
        "name": "bind-address",
        "description": "The host address the new container's port is published on.",
        "required": false,
        "default": "127.0.0.1"
    },
    {
        "name": "port-range",
        "description": "The host ports the new container may be published on; the first one no process, container or deployment uses is taken. Keep it below the kernel's ephemeral range (32768+).",
        "required": false,
        "default": "20000-20999"
    },
    {
        "name": "env",
        "description": "Environment for the container, NAME=value a line. Values are masked and reach docker run on stdin, never argv or a file.",
        "required": false
    },
    {
        "name": "env-file",
        "description": "A path on the server to an env file for docker run --env-file.",
        "required": false
    },
    {
        "name": "run-args",
        "description": "Extra docker run arguments, one argument a line (--memory=512m, or -v then /data:/data). Trusted like the docker group; options the deploy owns are refused. Without --log-driver or --log-opt, logs rotate (json-file, 3 x 10 MB).",
        "required": false
    },
    {
        "name": "restart",
        "description": "The container's restart policy (no, on-failure, on-failure:N, always or unless-stopped), so a crash, a Docker restart or a reboot brings it back on its port.",
        "required": false,
        "default": "unless-stopped"
    },
    {
        "name": "registry",
        "description": "The registry to log in to (defaults to the image's registry).",
        "required": false
    },
    {
        "name": "registry-username",
        "description": "Registry user name; with registry-password the server logs in before pulling.",
        "required": false
    },
    {
        "name": "registry-password",
        "description": "Registry password or token, passed to docker login on stdin, in a Docker config removed right after the pull. Use a secret.",
        "required": false
    },
    {
        "name": "pull",
        "description": "When to pull the image (always, missing or never).",
        "required": false,
        "default": "always"
    },
    {
        "name": "release-command",
        "description": "A command run once before the new container starts (e.g. migrations), one argument a line, in a one-off container of the new image with the same env, env-file and run-args. A failure stops the deploy; the old version keeps serving.",
        "required": false
    },
    {
        "name": "release-timeout",
        "description": "How long the release command may run.",
        "required": false,
        "default": "600s"
    },
    {
        "name": "rollback",
        "description": "Set to true to deploy the release before the one now serving, by digest, from the history on the server; image may then be left out (if given, it must name the same repository).",
        "required": false,
        "default": "false"
    },
    {
        "name": "redis-url",
        "description": "The Redis confd watches, as seen from the server (redis:// or rediss://, password allowed). Reached through the SSH connection.",
        "required": false,
        "default": "redis://127.0.0.1:6379"
    },
    {
        "name": "redis-key",
        "description": "The Redis key confd renders nginx's upstream from, e.g. /nginx/upstream/app/port.",
        "required": true
    },
    {
        "name": "redis-value",
        "description": "What to write to the key; {port} becomes the new container's host port (e.g. {port} or 127.0.0.1:{port}).",
        "required": false,
        "default": "{port}"
    },
    {
        "name": "probe-url",
        "description": "A URL served by nginx, as seen from the server, probed to prove the switch.",
        "required": false,
        "default": "http://127.0.0.1/"
    },
    {
        "name": "probe-host",
        "description": "The Host header for the probes (defaults to probe-url's host).",
        "required": false
    },
    {
        "name": "upstream-header",
        "description": "The response header in which nginx names the upstream that answered ($upstream_addr).",
        "required": false,
        "default": "X-Upstream"
    },
    {
        "name": "probe-successes",
        "description": "How many healthy probes in a row, each naming the new port, prove the switch.",
        "required": false,
        "default": "3"
    },
    {
        "name": "batch-size",
        "description": "With several servers, how many switch at a time, once every server runs the new version and passed its ready check; a number (1) or a percentage of the servers (50%).",
        "required": false,
        "default": "1"
    },
    {
        "name": "health-path",
        "description": "The path the ready check requests on the new container's own port; 2xx or 3xx is ready.",
        "required": false,
        "default": "/"
    },
    {
        "name": "bake-time",
        "description": "How long the new version is watched under real traffic after the switch while the previous container stays running; a failing bake switches back by itself. 0s turns it off.",
        "required": false,
        "default": "30s"
    },
    {
        "name": "access-log",
        "description": "An nginx access log on the server in the dhd_upstream format (README, examples/host/nginx); the bake counts the new version's answers in it. Without it, the bake watches the container and probes only.",
        "required": false
    },
    {
        "name": "bake-max-errors",
        "description": "The share of 5xx answers of the new version (in access-log) that fails the bake, once bake-min-requests were answered.",
        "required": false,
        "default": "5%"
    },
    {
        "name": "bake-min-requests",
        "description": "How many answers of the new version (in access-log) the share of 5xx needs before it can fail the bake.",
        "required": false,
        "default": "20"
    },
    {
        "name": "health-timeout",
        "description": "How long the new container has to become ready.",
        "required": false,
        "default": "60s"
    },
    {
        "name": "switch-timeout",
        "description": "How long nginx has to serve the new container after the key is written.",
        "required": false,
        "default": "60s"
    },
    {
        "name": "drain-timeout",
        "description": "How long to wait for connections to the old container to finish.",
        "required": false,
        "default": "30s"
    },
    {
        "name": "stop-timeout",
        "description": "How long the old container has to stop after SIGTERM before it is killed.",
        "required": false,
        "default": "30s"
    },
    {
        "name": "lock-timeout",
        "description": "How long to wait for another deploy of the same redis-key to finish before failing.",
        "required": false,
        "default": "300s"
    },
    {
        "name": "timeout",
        "description": "The bound on the whole deploy.",
        "required": false,
        "default": "900s"
    },
    {
        "name": "keep-images",
        "description": "How many of this deployment's last releases keep their images on the server (the rollback target always among them); other images of the repository no container uses are pruned.",
        "required": false,
        "default": "3"
    }
];


/***/ }),

/***/ 1168:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  dz: () => (/* binding */ InputError),
  pH: () => (/* binding */ SECRET_INPUTS),
  JS: () => (/* binding */ aboutServer),
  oW: () => (/* binding */ batchCount),
  $F: () => (/* binding */ probeTargets),
  Ko: () => (/* binding */ readInputs),
  BO: () => (/* binding */ redactUrl)
});

// UNUSED EXPORTS: DEFAULTS, parseDuration, parseInputs

// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __nccwpck_require__(7030);
// EXTERNAL MODULE: ./node_modules/ms/index.js
var ms = __nccwpck_require__(744);
var ms_default = /*#__PURE__*/__nccwpck_require__.n(ms);
// EXTERNAL MODULE: ./src/config/action-inputs.ts
var action_inputs = __nccwpck_require__(3478);
// EXTERNAL MODULE: ./src/remote/image-ref.ts
var image_ref = __nccwpck_require__(6283);
;// CONCATENATED MODULE: ./src/config/run-args.ts
// The grammar of the run-args input, pure: extra `docker run` options, one
// argument a line, that may neither override what the deploy sets itself nor
// smuggle in a word docker would take as the image.
/** Options the action sets or that would break the deploy: the port it publishes, its name and labels, detached and not interactive. */
const MANAGED = {
    '--detach': 'the container always runs detached',
    '-d': 'the container always runs detached',
    '--publish': 'the action publishes container-port on a port of port-range itself',
    '-p': 'the action publishes container-port on a port of port-range itself',
    '--publish-all': 'the action publishes container-port on a port of port-range itself',
    '-P': 'the action publishes container-port on a port of port-range itself',
    '--name': 'the action names each container',
    '--rm': 'a retired container is stopped and removed by the action',
    '--interactive': 'the container runs without a terminal',
    '-i': 'the container runs without a terminal',
    '--tty': 'the container runs without a terminal',
    '-t': 'the container runs without a terminal',
    '--attach': 'the container runs detached',
    '-a': 'the container runs detached',
    '--env-file': 'use the env-file input',
    '--restart': 'use the restart input',
    '--help': 'docker run --help prints its help and runs nothing (a release command would "succeed" without running)',
};
/** docker run options that take no value. */
const FLAGS = new Set([
    '--detach',
    '-d',
    '--init',
    '--interactive',
    '-i',
    '--tty',
    '-t',
    '--privileged',
    '--read-only',
    '--rm',
    '--no-healthcheck',
    '--oom-kill-disable',
    '--publish-all',
    '-P',
    '--quiet',
    '-q',
    '--sig-proxy',
    '--disable-content-trust',
    '--use-api-socket',
    '--help',
]);
/** Short options that take a value, glued (-v/data:/data) or on the next line. */
const SHORT_WITH_VALUE = new Set(['-a', '-c', '-e', '-h', '-l', '-m', '-p', '-u', '-v', '-w']);
const OWN_LABEL = /^docker-hot-deploy\./;
const HOST_NETWORK = /^(?:--network|--net)=host$/;
/** Splits lines into options; a line that is no option and no option's value is a problem. */
function options(lines, problems) {
    const found = [];
    for (let i = 0; i < lines.length; i += 1) {
        const line = lines[i];
        if (!line.startsWith('-') || line === '-' || line === '--') {
            problems.push(`${JSON.stringify(line)} is neither an option nor the value of the option before it`);
            continue;
        }
        const eq = line.indexOf('=');
        if (line.startsWith('--')) {
            const name = eq > 0 ? line.slice(0, eq) : line;
            const value = eq > 0 ? line.slice(eq + 1) : undefined;
            // --restart keeps 0.1's two-line form; every other long option with a value needs `=`.
            if (value === undefined && name === '--restart' && i + 1 < lines.length)
                found.push({ name, value: lines[i + 1], text: line, lines: [i, ++i] });
            else if (value === undefined && !FLAGS.has(name)) {
                problems.push(`${JSON.stringify(line)} takes a value: write ${name}=VALUE on one line`);
                if (i + 1 < lines.length && !lines[i + 1].startsWith('-'))
                    i += 1; // the value meant for it, said once
            }
            else
                found.push({ name, value, text: line, lines: [i] });
            continue;
        }
        // Short options, possibly glued: -dit, -v/data:/data, -p8080:80.
        for (let k = 1; k < line.length; k += 1) {
            const name = `-${line[k]}`;
            if (SHORT_WITH_VALUE.has(name)) {
                const glued = line.slice(k + 1).replace(/^=/, '');
                if (glued)
                    found.push({ name, value: glued, text: line, lines: [i] });
                else if (i + 1 < lines.length && !lines[i + 1].startsWith('-'))
                    found.push({ name, value: lines[i + 1], text: line, lines: [i, ++i] });
                else
                    problems.push(`${JSON.stringify(line)} takes a value: put it after ${name} or on the next line`);
                break;
            }
            if (!FLAGS.has(name)) {
                problems.push(`${JSON.stringify(line)} is not a docker run option this action knows: write long options as --name=VALUE`);
                break;
            }
            found.push({ name, text: line, lines: [i] });
        }
    }
    return found;
}
/** run-args checked, without a --restart policy (returned on its own). */
function parseRunArgs(lines) {
    const problems = [];
    let restart;
    const removed = new Set();
    const refused = new Set();
    const refuse = (option, why) => {
        if (!refused.has(option.lines[0]))
            problems.push(`${JSON.stringify(option.text)} is not accepted: ${why}`);
        refused.add(option.lines[0]);
    };
    for (const option of options(lines, problems)) {
        const managed = MANAGED[option.name];
        if (option.name === '--restart') {
            restart = option.value ?? '';
            option.lines.forEach((i) => removed.add(i));
        }
        else if (managed)
            refuse(option, managed);
        else if ((option.name === '--label' || option.name === '-l') && OWN_LABEL.test(option.value ?? ''))
            refuse(option, "docker-hot-deploy.* labels are the action's own");
        else if (HOST_NETWORK.test(option.text))
            refuse(option, 'with the host network nothing is published on port-range');
    }
    return { runArgs: lines.filter((_, i) => !removed.has(i)), restart, problems };
}

// EXTERNAL MODULE: ./src/remote/ssh/hostkey.ts
var hostkey = __nccwpck_require__(9578);
;// CONCATENATED MODULE: ./src/remote/ssh/private-key.ts
async function loadKeyParser() {
    // ssh2 is CommonJS: a named import works only once bundled, the default one everywhere (tsx too).
    const { default: ssh2 } = await __nccwpck_require__.e(/* import() */ 472).then(__nccwpck_require__.t.bind(__nccwpck_require__, 5472, 23));
    return (key, passphrase) => ssh2.utils.parseKey(key, passphrase);
}

;// CONCATENATED MODULE: ./src/config/inputs.ts
// Raw action inputs -> one validated, typed config. Pure: the caller supplies
// the inputs; every problem is reported at once, naming the input, the bad value
// (unless it is secret) and what is accepted.







/** How many servers switch at a time. */
function batchCount(total, size) {
    const count = 'servers' in size ? size.servers : Math.ceil((total * size.percent) / 100);
    return Math.min(total, Math.max(1, count));
}
/** The action.yml defaults, so a bare `node dist/index.js` (and the CLI) behaves as the runner does. */
const DEFAULTS = Object.fromEntries(action_inputs/* ACTION_INPUTS */.b.filter((i) => i.default !== undefined).map((i) => [i.name, i.default]));
/** Inputs whose values never appear in logs or errors. */
const SECRET_INPUTS = ['private-key', 'passphrase', 'jump-private-key', 'registry-password'];
class InputError extends Error {
    problems;
    constructor(problems) {
        super(`Invalid inputs (nothing was done on the server):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
        this.problems = problems;
    }
}
const HOSTNAME_RE = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const APP_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;
const USER_RE = /^[a-zA-Z_][a-zA-Z0-9_.-]{0,31}$/;
const FINGERPRINT_RE = /^SHA256:[A-Za-z0-9+/]{43}$/;
const HEADER_RE = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESTART_RE = /^(?:no|always|unless-stopped|on-failure(?::\d{1,4})?)$/;
const RESTART_ACCEPTED = 'one of no, on-failure (or on-failure:N), always, unless-stopped';
/** The longest duration an input takes: Node's timers overflow past about 24.8 days, and a deploy
 * that waits longer than a day is a value in milliseconds by mistake. */
const MAX_DURATION_MS = 24 * 3_600_000;
/** One non-negative duration: `90`, `90s`, `2m`, `1500ms`. */
function parseDuration(value) {
    const text = value.trim();
    if (/^\d+$/.test(text))
        return Number(text) * 1000;
    if (!/^\d+(?:\.\d+)?\s*(?:ms|s|m|h)$/.test(text))
        return undefined;
    return ms_default()(text);
}
/** A URL as it may appear in a log or an error: its password replaced (up to the authority's last @,
 * as URL parsers read it: a password may hold an @). */
function redactUrl(text) {
    return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^/?#\s]*@/i, '$1:***@');
}
/** One line of `host`: `name`, `name:port`, `[v6]:port` or a bare IPv6 address. */
function parseHostLine(line, defaultPort) {
    const m = /^\[([0-9A-Fa-f:.]+)\](?::(\d{1,5}))?$/.exec(line) ??
        ((0,external_node_net_.isIP)(line) === 6 ? null : /^([^:\s]+)(?::(\d{1,5}))?$/.exec(line));
    const [host, port] = m ? [m[1], m[2] ? Number(m[2]) : defaultPort] : [line, defaultPort];
    if (m?.[2] && (port < 1 || port > 65535))
        return undefined;
    return isHostAddress(host) && (!line.startsWith('[') || (0,external_node_net_.isIP)(host) === 6) ? { host, port } : undefined;
}
/** Where the deploy's probes go on a server: probe-url through nginx, health-path on the new port. */
const probeTargets = (config) => ({
    probeUrl: config.switch.probeUrl,
    probeHost: config.switch.probeHost,
    upstreamHeader: config.switch.upstreamHeader,
    healthPath: config.switch.healthPath,
    bindAddress: config.container.bindAddress,
});
/** A message about one server: it names the server when the deploy has several. */
const aboutServer = (name, several, message) => several ? `${name}: ${message}` : message;
function isHostAddress(value) {
    return HOSTNAME_RE.test(value) || (0,external_node_net_.isIP)(value) !== 0;
}
/** The inputs as the Action and the CLI read them: ssh2's key parser is loaded only when a key is
 * given, so that a run stopped by its inputs loads little (docs/architecture.md, "Start-up"). */
async function readInputs(raw, { deploying = true } = {}) {
    const keyGiven = KEY_INPUTS.some((name) => inputValue(raw, name));
    return parseInputs(raw, { deploying, parseKey: keyGiven ? await loadKeyParser() : noKeyToParse });
}
const KEY_INPUTS = ['private-key', 'jump-private-key'];
// Without a key, privateKeyInput reports the missing input and never parses: if it ever did, this
// fails loudly rather than calling a good key unreadable.
const noKeyToParse = () => {
    throw new Error('readInputs: a key was read without loading the key parser');
};
/** An input as given, trimmed, else action.yml's default, else empty. */
const inputValue = (raw, name) => (raw(name) ?? '').trim() || DEFAULTS[name] || '';
function inputReader(raw) {
    const problems = [];
    const get = (name) => inputValue(raw, name);
    const fail = (name, message, fallback) => {
        problems.push(`${name}: ${message}`);
        return fallback;
    };
    const shown = (name, value) => {
        if (SECRET_INPUTS.includes(name))
            return '(secret)';
        const redacted = redactUrl(value);
        return JSON.stringify(redacted.length > 80 ? `${redacted.slice(0, 80)}...` : redacted);
    };
    return {
        problems,
        raw: (name) => raw(name) ?? '',
        get,
        fail,
        shown,
        required: (name) => get(name) || fail(name, 'is required', ''),
        integer(name, min, max) {
            const value = get(name);
            if (/^\d+$/.test(value) && Number(value) >= min && Number(value) <= max)
                return Number(value);
            return fail(name, `${shown(name, value)} is not a whole number from ${min} to ${max}`, min);
        },
        duration(name, { zero = false } = {}) {
            const value = get(name);
            const parsed = parseDuration(value);
            if (parsed !== undefined && parsed > MAX_DURATION_MS)
                return fail(name, `${shown(name, value)} is longer than 24h (seconds are meant: 90 is 90 s; or use 90s, 2m, 1h)`, 1000);
            if (parsed !== undefined && (parsed > 0 || zero))
                return parsed;
            return fail(name, `${shown(name, value)} is not a duration: use seconds (90), or a number with s, m or h (90s, 2m)${zero ? '; 0s turns it off' : ''}`, 1000);
        },
        matching: (name, re, accepted, value = get(name)) => !value || re.test(value) ? value : fail(name, `${shown(name, value)} is not ${accepted}`, ''),
        hostInput: (name, value) => !value || isHostAddress(value) ? value : fail(name, `${shown(name, value)} is not a host name or IP address`, ''),
    };
}
const optional = (value) => value || undefined;
function parseInputs(raw, { deploying = true, parseKey }) {
    const r = inputReader(raw);
    const { get, fail, integer, duration, matching, problems, shown } = r;
    // The sections in action.yml's order; what the config below reads last is reported last.
    const servers = sshTargets(r, parseKey);
    const batchSize = batchSizeInput(r);
    const { deprecations, ...container } = containerInputs(r, deploying);
    const switching = switchInputs(r);
    const config = {
        servers,
        batchSize,
        container: {
            ...container,
            containerPort: get('container-port')
                ? integer('container-port', 1, 65535)
                : deploying
                    ? fail('container-port', 'is required (the port the app listens on inside the container)', 0)
                    : 0,
            registryUsername: optional(matching('registry-username', /^[^\s]{1,255}$/, 'a user name without spaces')),
            registryPassword: optional(r.raw('registry-password')),
            releaseCommand: get('release-command')
                .split(/\r?\n/)
                .map((a) => a.trim())
                .filter(Boolean),
        },
        switch: { ...switching.switch, probeSuccesses: integer('probe-successes', 1, 100) },
        timing: {
            healthTimeoutMs: duration('health-timeout'),
            releaseTimeoutMs: duration('release-timeout'),
            switchTimeoutMs: duration('switch-timeout'),
            drainTimeoutMs: duration('drain-timeout'),
            stopTimeoutMs: duration('stop-timeout'),
            lockTimeoutMs: duration('lock-timeout'),
            timeoutMs: duration('timeout'),
        },
        bake: { ...switching.bake, minRequests: integer('bake-min-requests', 1, 1_000_000) },
        keepImages: integer('keep-images', 1, 100),
        deprecations,
    };
    // Each batch bakes in turn: all of them must fit in timeout, with room for the rest of the deploy.
    const batches = servers.length === 0 ? 1 : Math.ceil(servers.length / batchCount(servers.length, batchSize));
    const timingValid = !problems.some((p) => p.startsWith('timeout:') || p.startsWith('bake-time:'));
    if (timingValid && batches * config.bake.timeMs >= config.timing.timeoutMs) {
        const times = batches > 1 ? ` (${batches} batches bake one after the other)` : '';
        problems.push(`bake-time: ${shown('bake-time', get('bake-time'))}${times} leaves nothing of timeout (${shown('timeout', get('timeout'))}) for the rest of the deploy: shorten it, raise batch-size or raise timeout`);
    }
    if (Boolean(get('registry-username')) !== Boolean(r.raw('registry-password'))) {
        problems.push('registry-username, registry-password: give both or neither');
    }
    if (problems.length > 0)
        throw new InputError(problems);
    return config;
}
/** host (a server a line), username, the key, the host key pins, and the jump host if any. */
function sshTargets(r, parseKey) {
    const { get, fail, shown, required, integer, matching, hostInput } = r;
    const privateKey = privateKeyInput('private-key', required('private-key'), r.raw('passphrase'), parseKey, fail);
    const knownHosts = knownHostsInput('known-hosts', get('known-hosts'), fail);
    const fingerprints = get('host-fingerprint')
        .split(/[\s,]+/)
        .filter(Boolean);
    for (const fp of fingerprints)
        matching('host-fingerprint', FINGERPRINT_RE, 'an OpenSSH SHA256 fingerprint such as SHA256:+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU', fp);
    const insecure = matching('insecure-skip-host-key-check', /^(?:true|false)$/, 'true or false') === 'true';
    const username = matching('username', USER_RE, 'a Unix user name', required('username'));
    const passphrase = optional(r.raw('passphrase'));
    let jump;
    const jumpHost = get('jump-host');
    if (jumpHost) {
        jump = {
            host: hostInput('jump-host', jumpHost),
            port: integer('jump-port', 1, 65535),
            username: matching('jump-username', USER_RE, 'a Unix user name', get('jump-username') || get('username')),
            // The jump key is unencrypted or shares `passphrase` with the server's key.
            privateKey: privateKeyInput('jump-private-key', get('jump-private-key') || privateKey, r.raw('passphrase'), parseKey, fail),
            passphrase,
            pins: { knownHosts: knownHostsInput('jump-known-hosts', required('jump-known-hosts'), fail), fingerprints: [] },
        };
    }
    const defaultPort = integer('port', 1, 65535);
    const pins = { knownHosts, fingerprints };
    const servers = [];
    for (const line of required('host')
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter(Boolean)) {
        const address = parseHostLine(line, defaultPort);
        if (!address) {
            fail('host', `${shown('host', line)} is not a server: accepted, one a line: a host name or IP address, name:port, or [IPv6]:port`, undefined);
        }
        else if (servers.some((x) => x.host === address.host && x.port === address.port)) {
            fail('host', `${shown('host', line)} is given twice`, undefined);
        }
        else {
            servers.push({ ...address, username, privateKey, passphrase, pins, insecureSkipHostKeyCheck: insecure, jump });
        }
    }
    return servers;
}
function batchSizeInput({ get, fail, shown }) {
    const batchText = get('batch-size');
    const batchMatch = /^(\d{1,3})(%?)$/.exec(batchText);
    return batchMatch && Number(batchMatch[1]) >= 1 && (!batchMatch[2] || Number(batchMatch[1]) <= 100)
        ? batchMatch[2]
            ? { percent: Number(batchMatch[1]) }
            : { servers: Number(batchMatch[1]) }
        : fail('batch-size', `${shown('batch-size', batchText)} is not a number of servers (such as 1 or 2) or a percentage of them (such as 50%)`, { servers: 1 });
}
/** What the new container is: its image and name, where it listens, its environment and docker options. */
function containerInputs(r, deploying) {
    const { get, fail, shown, required, matching } = r;
    const rollback = matching('rollback', /^(?:true|false)$/, 'true or false') === 'true';
    // A rollback finds its image in the history; `image`, if given, names the repository it expects.
    const imageText = rollback || !deploying ? get('image') : required('image');
    const image = !imageText || (0,image_ref/* parseImageRef */.Q)(imageText)
        ? imageText
        : fail('image', `${shown('image', imageText)} is not a Docker image reference such as ghcr.io/acme/web:1.4.2`, '');
    const app = matching('app', APP_RE, 'a name of letters, digits, ".", "_" and "-" (at most 63, starting with a letter or digit)', get('app') || (0,image_ref/* appFromImage */.lu)(image));
    const bindAddress = get('bind-address');
    if ((0,external_node_net_.isIP)(bindAddress) === 0)
        fail('bind-address', `${shown('bind-address', bindAddress)} is not an IPv4 or IPv6 address (such as 127.0.0.1 or ::1)`, '');
    const portRange = portRangeInput(r);
    const env = envInput(r);
    const envFile = matching('env-file', /^\/[^\0\n\r]*$/, 'an absolute path on the server');
    const { runArgs, restart, deprecations } = runArgsInputs(r);
    const registry = matching('registry', image_ref/* REGISTRY_RE */.kk, 'a registry host such as ghcr.io or registry.example.com:5000');
    const pull = matching('pull', /^(?:always|missing|never)$/, 'one of always, missing, never');
    return {
        rollback,
        image,
        app,
        bindAddress,
        portRange,
        env,
        envFile: optional(envFile),
        runArgs,
        restart,
        deprecations,
        registry: optional(registry),
        pull,
    };
}
function portRangeInput({ get, fail, shown }) {
    const rangeText = get('port-range');
    const rangeMatch = /^(\d{1,5})-(\d{1,5})$/.exec(rangeText);
    return rangeMatch &&
        Number(rangeMatch[1]) >= 1 &&
        Number(rangeMatch[1]) <= Number(rangeMatch[2]) &&
        Number(rangeMatch[2]) <= 65535
        ? { first: Number(rangeMatch[1]), last: Number(rangeMatch[2]) }
        : fail('port-range', `${shown('port-range', rangeText)} is not a range of ports such as 20000-20999`, {
            first: 1,
            last: 1,
        });
}
/** env: NAME=value a line; blank lines and # comments skipped. */
function envInput({ get, fail }) {
    const env = [];
    get('env')
        .split(/\r?\n/)
        .forEach((line, i) => {
        if (!line.trim() || line.trim().startsWith('#'))
            return;
        const eq = line.indexOf('=');
        const name = eq > 0 ? line.slice(0, eq).trim() : '';
        if (!ENV_NAME_RE.test(name))
            fail('env', `line ${i + 1} is not NAME=value (NAME of letters, digits and _, not starting with a digit)`, undefined);
        else
            env.push([name, line.slice(eq + 1)]);
    });
    return env;
}
/** run-args, and the restart policy: the input's, or (deprecated) a --restart in run-args. */
function runArgsInputs({ get, fail, matching }) {
    const deprecations = [];
    const { runArgs, restart: restartArg, problems: runArgProblems, } = parseRunArgs(get('run-args')
        .split(/\r?\n/)
        .map((a) => a.trim())
        .filter(Boolean));
    for (const problem of runArgProblems)
        fail('run-args', `${redactUrl(problem)}; accepted: docker run options, one argument a line (--memory=512m, or -v then /data:/data); run-args is trusted like membership of the docker group`, undefined);
    let restart = matching('restart', RESTART_RE, RESTART_ACCEPTED);
    if (restartArg !== undefined) {
        // 0.1 had no restart input: its users put the policy in run-args.
        restart = matching('run-args', RESTART_RE, `a restart policy (${RESTART_ACCEPTED})`, restartArg) && restartArg;
        deprecations.push(`run-args: --restart is deprecated; set the input restart: ${restartArg} instead (run-args' policy is used this time)`);
    }
    return { runArgs, restart, deprecations };
}
/** How the switch is made and proven (Redis, the key, the probe through nginx) and how the bake judges. */
function switchInputs(r) {
    const { get, fail, shown, required, duration, matching } = r;
    const redis = parseRedisUrl(get('redis-url'), (m) => fail('redis-url', m, undefined));
    const redisKey = matching('redis-key', /^[^\s\0]{1,512}$/, 'a Redis key without spaces (such as /nginx/upstream/app/port)', required('redis-key'));
    const redisValue = matching('redis-value', /^[^\s{}]*\{port\}[^\s{}]*$/, 'a value containing {port} once, such as {port} or 127.0.0.1:{port}');
    let probeUrl = new URL('http://127.0.0.1/');
    try {
        probeUrl = new URL(get('probe-url'));
        if (!/^https?:$/.test(probeUrl.protocol) || probeUrl.username || probeUrl.password)
            throw new Error('scheme');
    }
    catch {
        fail('probe-url', `${shown('probe-url', get('probe-url'))} is not an http:// or https:// URL (as seen from the server)`, undefined);
    }
    const probeHost = matching('probe-host', /^[A-Za-z0-9.-]+(?::\d{1,5})?$/, 'a host name for the Host header');
    const upstreamHeader = matching('upstream-header', HEADER_RE, 'an HTTP header name');
    const bakeTime = duration('bake-time', { zero: true });
    const accessLog = matching('access-log', /^\/[^\0\n\r]*$/, "an absolute path on the server (nginx's dhd_upstream log, such as /var/log/nginx/app-upstream.log)");
    const maxErrorsText = get('bake-max-errors');
    const maxErrorsMatch = /^(\d{1,3}(?:\.\d{1,2})?)%?$/.exec(maxErrorsText);
    const maxErrorPercent = maxErrorsMatch && Number(maxErrorsMatch[1]) > 0 && Number(maxErrorsMatch[1]) <= 100
        ? Number(maxErrorsMatch[1])
        : fail('bake-max-errors', `${shown('bake-max-errors', maxErrorsText)} is not a share of requests above 0 and at most 100% (such as 5% or 0.5%)`, 100);
    const healthPath = matching('health-path', /^\/[^\s]*$/, 'a path starting with / and without spaces');
    return {
        switch: {
            redis: redis ?? { shown: '', host: '127.0.0.1', port: 6379, tls: false, db: 0 },
            redisKey,
            redisValue,
            probeUrl,
            probeHost: optional(probeHost),
            upstreamHeader,
            healthPath,
        },
        bake: { timeMs: bakeTime, accessLog: optional(accessLog), maxErrorPercent },
    };
}
/** A key ssh2 can read (and decrypt), checked before connecting. */
function privateKeyInput(name, key, passphrase, parseKey, fail) {
    if (!key)
        return key;
    if (/-----BEGIN (?:ENCRYPTED )?PRIVATE KEY-----/.test(key)) {
        return fail(name, 'is a PKCS#8 key, which the SSH library cannot read: convert it with `ssh-keygen -p -f KEY` (OpenSSH format) and store that', '');
    }
    const parsed = parseKey(key, passphrase || undefined);
    if (!(parsed instanceof Error))
        return key;
    if (/no passphrase given/.test(parsed.message))
        return fail(name, 'is encrypted: set the passphrase input', '');
    if (/passphrase|decrypt/i.test(parsed.message))
        return fail(name, 'could not be decrypted with the passphrase input (wrong passphrase?)', '');
    return fail(name, 'is not a private key ssh can read; accepted: OpenSSH ("BEGIN OPENSSH PRIVATE KEY") or PEM RSA/ECDSA keys', '');
}
function knownHostsInput(name, text, fail) {
    try {
        return (0,hostkey/* parseKnownHosts */.uJ)(text);
    }
    catch (e) {
        if (!(e instanceof hostkey/* KnownHostsError */.jc))
            throw e;
        return fail(name, `${e.message}; accepted: OpenSSH known_hosts lines (ssh-keyscan output)`, []);
    }
}
/** A percent-encoded URL part; one that does not decode (a bare %) is taken as written. */
function decoded(part) {
    try {
        return decodeURIComponent(part);
    }
    catch {
        return part;
    }
}
function parseRedisUrl(text, fail) {
    const accepted = 'a redis:// or rediss:// URL as seen from the server, such as redis://127.0.0.1:6379 or rediss://:PASSWORD@cache.internal:6380/2';
    let url;
    try {
        url = new URL(text);
    }
    catch {
        return fail(`is not ${accepted}`);
    }
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
        return fail(`has scheme ${url.protocol}; accepted: ${accepted}`);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (!isHostAddress(host))
        return fail(`has no valid host; accepted: ${accepted}`);
    const db = url.pathname.replace(/^\//, '') || '0';
    if (!/^\d{1,2}$/.test(db))
        return fail(`database "${db}" is not a number; accepted: ${accepted}`);
    return {
        shown: redactUrl(text),
        host,
        port: url.port ? Number(url.port) : 6379,
        tls: url.protocol === 'rediss:',
        username: url.username ? decoded(url.username) : undefined,
        password: url.password ? decoded(url.password) : undefined,
        db: Number(db),
    };
}


/***/ }),

/***/ 7648:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   DY: () => (/* binding */ deploymentState),
/* harmony export */   JB: () => (/* binding */ appName),
/* harmony export */   Jl: () => (/* binding */ reservedPorts),
/* harmony export */   ie: () => (/* binding */ isUp),
/* harmony export */   mv: () => (/* binding */ retirees),
/* harmony export */   wP: () => (/* binding */ neighbourDeployments)
/* harmony export */ });
/* harmony import */ var _remote_docker_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(7124);
/* harmony import */ var _history_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(8259);
/* harmony import */ var _remote_image_ref_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(6283);
/* harmony import */ var _remote_upstream_js__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(817);
// What one deployment (a redis-key on a server) has there before a deploy
// writes anything, pure: its containers, the one nginx serves, and whether the
// key must first be put back in line with what nginx serves (a lost or wrong key).




/** The app a deployment's containers are labelled with: the `app` input, else the image's name. */
const appName = (app, image) => app || (0,_remote_image_ref_js__WEBPACK_IMPORTED_MODULE_2__/* .appFromImage */ .lu)(image) || 'app';
/** States in which a container holds (or is about to hold again) its port. */
const isUp = (c) => ['running', 'restarting', 'paused'].includes(c.state);
/** nginx's own failures (no answer from the upstream) say nothing about what serves. */
const NGINX_UPSTREAM_FAILURE = new Set([502, 504]);
function deploymentState(o) {
    const mine = o.containers.filter((c) => c.labels[_remote_docker_js__WEBPACK_IMPORTED_MODULE_0__/* .LABEL_DEPLOYMENT */ .Zo] === o.deployment);
    // 0.1 labelled containers by app only: one of this app's is this deployment's only if it publishes the port in use.
    const legacy = o.containers.filter((c) => c.labels[_remote_docker_js__WEBPACK_IMPORTED_MODULE_0__/* .LABEL_APP */ .hq] === o.app && c.labels[_remote_docker_js__WEBPACK_IMPORTED_MODULE_0__/* .LABEL_DEPLOYMENT */ .Zo] === undefined);
    const liveOn = (port) => port === undefined
        ? undefined
        : [...mine, ...legacy].find((c) => c.state === 'running' && c.hostPorts.includes(port));
    const withLegacy = (c) => c && !mine.includes(c) ? [...mine, c] : mine;
    const fits = o.keyValue === null || (0,_remote_upstream_js__WEBPACK_IMPORTED_MODULE_3__/* .portFromKeyValue */ .Sz)(o.redisValue, o.keyValue) !== undefined;
    // A value in another form than redis-value still names its port: that is a redis-value problem, not a lost key.
    const keyPort = o.keyValue === null ? undefined : (0,_remote_upstream_js__WEBPACK_IMPORTED_MODULE_3__/* .portNamedBy */ .QO)(o.keyValue);
    const servedPort = o.served.status !== undefined && !NGINX_UPSTREAM_FAILURE.has(o.served.status)
        ? (0,_remote_upstream_js__WEBPACK_IMPORTED_MODULE_3__/* .upstreamPort */ .$6)(o.served.upstream)
        : undefined;
    const keyContainer = liveOn(keyPort);
    const servedContainer = liveOn(servedPort);
    const shown = o.keyValue === null ? 'is unset' : `holds "${o.keyValue}"`;
    if (servedContainer && servedPort !== undefined && servedPort !== keyPort) {
        const to = (0,_remote_upstream_js__WEBPACK_IMPORTED_MODULE_3__/* .formatKeyValue */ .sO)(o.redisValue, servedPort);
        return {
            keyValue: to,
            keyPort: servedPort,
            serving: servedContainer,
            own: withLegacy(servedContainer),
            repair: { from: o.keyValue, to },
            findings: [
                `${o.deployment} ${shown}, but nginx serves ${servedContainer.name} on :${servedPort}: writing "${to}" back first (confd renders what nginx already serves)`,
            ],
        };
    }
    const findings = [];
    if (!fits)
        findings.push(`${o.deployment} holds "${o.keyValue}", which does not fit redis-value ${o.redisValue}`);
    if (keyPort !== undefined && !keyContainer) {
        findings.push(`${o.deployment} names port ${keyPort}, but no running container of this deployment publishes it`);
    }
    if (!keyContainer && mine.some(isUp)) {
        findings.push('nginx serves no running container of this deployment: the site is down, and this deploy is the repair');
    }
    return { keyValue: o.keyValue, keyPort, serving: keyContainer, own: withLegacy(keyContainer), findings };
}
/** Containers of the deployment other than `keep`: the ones up are stopped gracefully, the rest removed. */
function retirees(state, keep) {
    const others = state.own.filter((c) => c.id !== keep);
    return { stop: others.filter(isUp), remove: others.filter((c) => !isUp(c)) };
}
/** The other deployments on the server, from their containers and their histories: their redis keys. */
const neighbourDeployments = (containers, histories, own) => [
    ...new Set([
        ...containers.map((c) => c.labels[_remote_docker_js__WEBPACK_IMPORTED_MODULE_0__/* .LABEL_DEPLOYMENT */ .Zo]),
        ...histories.flatMap((h) => h.map((r) => r.deployment)),
    ]),
].filter((d) => Boolean(d) && d !== own);
/** Ports no new container may take though nothing may listen on them now: the one this deployment's
 * key names, the ones its neighbours' keys name (their container restarting, or gone while nginx
 * still points there: taking the port would make that site serve this app), and the ports their
 * histories last released on. */
function reservedPorts(ownKeyPort, neighbourKeyValues, neighbourHistories) {
    const named = neighbourKeyValues.map((value) => (value === null ? undefined : (0,_remote_upstream_js__WEBPACK_IMPORTED_MODULE_3__/* .portNamedBy */ .QO)(value)));
    const released = neighbourHistories.map((history) => (0,_history_js__WEBPACK_IMPORTED_MODULE_1__/* .servedStack */ .Yr)(history).at(-1)?.port);
    return [...new Set([ownKeyPort, ...named, ...released].filter((p) => p !== undefined))];
}


/***/ }),

/***/ 8259:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   IW: () => (/* binding */ latest),
/* harmony export */   Yr: () => (/* binding */ servedStack),
/* harmony export */   ae: () => (/* binding */ historyPath),
/* harmony export */   ai: () => (/* binding */ HISTORY_ENTRIES),
/* harmony export */   es: () => (/* binding */ rollbackTarget),
/* harmony export */   i6: () => (/* binding */ parseHistory),
/* harmony export */   lj: () => (/* binding */ imagesToKeep),
/* harmony export */   rE: () => (/* binding */ HISTORY_DIR)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
// A deployment's release history, pure: what is kept on the server (one JSON line
// a release, in a file of the deploy user's own), what a rollback goes back to,
// and which images the last releases need.

/** Entries a history keeps: enough to go back several releases, bounded so the file stays small. */
const HISTORY_ENTRIES = 50;
/** Where the histories live, relative to the deploy user's home (a deploy's commands start there). */
const HISTORY_DIR = '.docker-hot-deploy/releases';
/** One file per deployment: its redis-key made a file name, and a hash that keeps two keys apart. */
function historyPath(deployment) {
    const readable = deployment
        .replace(/[^A-Za-z0-9_.-]+/g, '_')
        .replace(/^[._]+/, '')
        .slice(0, 80);
    const hash = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(deployment).digest('hex').slice(0, 8);
    return `${HISTORY_DIR}/${readable}-${hash}.jsonl`;
}
const OUTCOMES = ['deployed', 'rolled back', 'failed', 'baked-out'];
/** Image references, digests, ids and container names: no spaces, no control characters. */
const REFERENCE_RE = /^[\w.:@/+[\]-]*$/;
const TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;
/** One history line as a release, or why it is none: the file is the server's, so every field is checked. */
function release(line) {
    let entry;
    try {
        entry = JSON.parse(line);
    }
    catch {
        return 'not JSON (a line cut short by a crash?)';
    }
    if (typeof entry !== 'object' || entry === null)
        return 'not an object';
    const e = entry;
    const text = (name, re) => typeof e[name] === 'string' && (!re || re.test(e[name]));
    if (!text('time', TIME_RE))
        return 'no time';
    if (!OUTCOMES.includes(e.outcome))
        return `outcome ${JSON.stringify(e.outcome)}`;
    for (const name of ['image', 'digest', 'imageId', 'container'])
        if (!text(name, REFERENCE_RE))
            return `${name} is missing or not a reference`;
    if (!text('run'))
        return 'no run';
    if (e.port !== undefined && !(Number.isInteger(e.port) && e.port >= 1 && e.port <= 65535))
        return 'port is not a port';
    if (e.reason !== undefined && typeof e.reason !== 'string')
        return 'reason is not text';
    if (e.deployment !== undefined && typeof e.deployment !== 'string')
        return 'deployment is not text';
    return e;
}
/** The releases of a history file; a line that is no release is skipped, and `skipped` is told why. */
function parseHistory(text, skipped = () => undefined) {
    const releases = [];
    for (const line of text.split('\n')) {
        if (!line.trim())
            continue;
        const entry = release(line);
        if (typeof entry === 'string')
            skipped(entry);
        else
            releases.push(entry);
    }
    return releases;
}
/** The releases that served, oldest first: a rollback takes the one it rolled back from off the top. */
function servedStack(history) {
    const stack = [];
    for (const release of history) {
        if (release.outcome === 'deployed')
            stack.push(release);
        else if (release.outcome === 'rolled back') {
            stack.pop();
            // The release rolled back to is the new top; after a trimmed history it may be missing.
            if (stack.at(-1)?.digest !== release.digest)
                stack.push(release);
        }
    }
    return stack;
}
/** What `rollback: true` deploys: the release before the one now serving, or why there is none. */
function rollbackTarget(history) {
    const stack = servedStack(history);
    if (stack.length >= 2)
        return { release: stack[stack.length - 2] };
    const serving = stack.at(-1);
    return {
        refusal: serving
            ? `nothing earlier to roll back to: the history holds only ${serving.image} (${serving.digest}), deployed ${serving.time}; deploy an image instead`
            : 'no release of this deployment is in the history on the server; deploy an image instead',
    };
}
/** The images the last `keep` releases that served need, the rollback target always among them. */
function imagesToKeep(history, keep) {
    const stack = servedStack(history);
    const ids = [];
    for (const release of [...stack].reverse()) {
        if (ids.length >= Math.max(keep, 2))
            break;
        if (release.imageId && !ids.includes(release.imageId))
            ids.push(release.imageId);
    }
    return ids;
}
/** The last few entries, newest first, for the summary. */
const latest = (history, count) => history.slice(-count).reverse();


/***/ }),

/***/ 3546:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _cli_cli_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(9797);
// The CLI, as `npx docker-hot-deploy` or `node dist/cli/index.js` starts it (package.json bin).

const code = await (0,_cli_cli_js__WEBPACK_IMPORTED_MODULE_0__/* .main */ .iW)(process.argv.slice(2), process.env, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    columns: process.stderr.isTTY ? process.stderr.columns || 80 : undefined,
});
process.exitCode = code;
// A cleanup that gave up (main returned) may still hold a connection open: it must not keep the CLI.
setTimeout(() => process.exit(code), 1000).unref();

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 5673:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Kr: () => (/* binding */ lockNames),
/* harmony export */   Q3: () => (/* binding */ readServerStatus),
/* harmony export */   Ys: () => (/* binding */ STATUS_RELEASES),
/* harmony export */   oj: () => (/* binding */ lockStatus),
/* harmony export */   qS: () => (/* binding */ statusText),
/* harmony export */   qy: () => (/* binding */ lockLine),
/* harmony export */   u_: () => (/* binding */ historyText)
/* harmony export */ });
/* unused harmony exports serverStatus, releaseLine, containerLine, nginxLine */
/* harmony import */ var _deploy_deployment_state_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(7648);
/* harmony import */ var _deploy_history_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(8259);
/* harmony import */ var _remote_printable_js__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(7521);
/* harmony import */ var _remote_redis_rules_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(5499);
// What runs on a server right now, for the on-call person (CLI `status` and `history`):
// what nginx serves, the key, this deployment's containers, the lock and the last
// releases. Read only; the view is pure, the reading is one round of commands.




/** The deploy's instance stamp at the end of a lock's value: `[YYYYMMDDHHMMSS-xxxx]` (run-deploy.ts newIdentity). */
const INSTANCE_STAMP = /\[(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})-[0-9a-f]{4}\]$/;
function lockStatus(name, holder, ttlMs, now) {
    const m = INSTANCE_STAMP.exec(holder);
    const taken = m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : undefined;
    return {
        name,
        holder,
        ageSeconds: taken === undefined ? undefined : Math.max(0, Math.round((now - taken) / 1000)),
        expiresInMs: ttlMs >= 0 ? ttlMs : undefined,
    };
}
function serverStatus(r, releases) {
    const state = (0,_deploy_deployment_state_js__WEBPACK_IMPORTED_MODULE_0__/* .deploymentState */ .DY)({
        deployment: r.redisKey,
        app: r.app,
        redisValue: r.redisValue,
        keyValue: r.keyValue,
        served: r.served,
        containers: r.containers,
    });
    // Status writes nothing: a repair the next deploy would make is a finding here.
    const findings = state.repair
        ? [
            `${r.redisKey} ${r.keyValue === null ? 'is unset' : `holds "${r.keyValue}"`}, but nginx serves ${state.serving?.name}: the next deploy writes "${state.repair.to}" back first`,
        ]
        : state.findings.map((f) => f.replace('this deploy is the repair', 'the next deploy repairs it'));
    return {
        server: r.server,
        nginx: r.served,
        key: { name: r.redisKey, value: r.keyValue },
        serving: state.serving?.name,
        containers: state.own.map((c) => ({
            name: c.name,
            state: c.state,
            image: c.image,
            imageId: c.imageId,
            digest: r.history.findLast((release) => release.container === c.name)?.digest,
            ports: c.hostPorts,
            startedAt: c.startedAt,
            serving: c === state.serving,
        })),
        locks: r.locks.map((l) => lockStatus(l.name, l.holder, l.ttlMs, r.now)),
        releases: (0,_deploy_history_js__WEBPACK_IMPORTED_MODULE_1__/* .latest */ .IW)(r.history, releases),
        findings,
    };
}
/** Releases a server's status shows unless asked for more or fewer (CLI --limit, the Action's status). */
const STATUS_RELEASES = 5;
/** A deployment's lock, and the one 0.1 took (deploys wait for it too). */
const lockNames = (redisKey) => [(0,_remote_redis_rules_js__WEBPACK_IMPORTED_MODULE_2__/* .lockName */ .l4)(redisKey), (0,_remote_redis_rules_js__WEBPACK_IMPORTED_MODULE_2__/* .legacyLockName */ ._l)(redisKey)];
/** One server's status, read in one round of commands beside each other. */
async function readServerStatus(session, probes, config, releases) {
    const { redisKey, redisValue } = config.switch;
    const names = lockNames(redisKey);
    const [keyValue, served, containers, files, ...lockStates] = await Promise.all([
        session.keys.get(redisKey),
        probes.probe(),
        session.docker.containers(),
        session.docker.readHistories(_deploy_history_js__WEBPACK_IMPORTED_MODULE_1__/* .HISTORY_DIR */ .rE, _deploy_history_js__WEBPACK_IMPORTED_MODULE_1__/* .HISTORY_ENTRIES */ .ai),
        ...names.map((name) => session.keys.lockState(name)),
    ]);
    const locks = names.flatMap((name, i) => {
        const held = lockStates[i];
        return held ? [{ name, ...held }] : [];
    });
    const history = (0,_deploy_history_js__WEBPACK_IMPORTED_MODULE_1__/* .parseHistory */ .i6)(files.get((0,_deploy_history_js__WEBPACK_IMPORTED_MODULE_1__/* .historyPath */ .ae)(redisKey)) ?? '');
    const app = (0,_deploy_deployment_state_js__WEBPACK_IMPORTED_MODULE_0__/* .appName */ .JB)(config.container.app, config.container.image || history.at(-1)?.image || '');
    return serverStatus({ server: session.name, redisKey, redisValue, app, keyValue, served, containers, history, locks, now: Date.now() }, releases);
}
/** A value from the server on one line of its own: escaped, a newline too. */
const field = (text) => (0,_remote_printable_js__WEBPACK_IMPORTED_MODULE_3__/* .printable */ .g)(text.replace(/\n/g, '\\x0a'));
const ago = (seconds) => seconds < 120
    ? `${seconds} s`
    : seconds < 7200
        ? `${Math.round(seconds / 60)} min`
        : `${Math.round(seconds / 3600)} h`;
function lockLine(lock) {
    const age = lock.ageSeconds === undefined ? '' : `, its deploy began ${ago(lock.ageSeconds)} ago`;
    const expiry = lock.expiresInMs === undefined
        ? ', never expires'
        : `, expires in ${Math.ceil(lock.expiresInMs / 1000)} s unless renewed`;
    return `${field(lock.name)} held by ${field(lock.holder)}${age}${expiry}`;
}
const releaseLine = (r) => field(`${r.time.replace('T', ' ').slice(0, 19)}Z  ${r.outcome.padEnd(11)} ${r.image}  ${r.digest.slice(0, 19)}  ${r.container}${r.port ? ` :${r.port}` : ''}${r.reason ? `  (${r.reason})` : ''}`);
function containerLine(c) {
    const since = c.startedAt && (0,_deploy_deployment_state_js__WEBPACK_IMPORTED_MODULE_0__/* .isUp */ .ie)(c) ? ` since ${c.startedAt.replace('T', ' ').slice(0, 19)}Z` : '';
    return field(`${c.serving ? '●' : '○'} ${c.name}  ${c.state}${since}  ${c.ports.map((p) => `:${p}`).join(' ') || '(no port)'}  ${c.image}  ${c.digest ? c.digest.slice(0, 19) : `image ${c.imageId.slice(0, 19)}`}${c.serving ? '  (serving)' : ''}`);
}
function nginxLine(s) {
    if (s.nginx.error)
        return `no answer: ${field(s.nginx.error)}`;
    return `${s.nginx.status}${s.nginx.upstream ? ` from ${field(s.nginx.upstream)}` : ' (no upstream header)'}${s.serving ? ` → ${field(s.serving)}` : ''}`;
}
function statusText(statuses) {
    return statuses
        .map((s) => [
        field(s.server),
        `  nginx       ${nginxLine(s)}`,
        `  key         ${field(s.key.name)} = ${s.key.value === null ? '(unset)' : field(s.key.value)}`,
        ...(s.locks.length === 0 ? ['  lock        free'] : s.locks.map((l) => `  lock        ${lockLine(l)}`)),
        `  containers${s.containers.length === 0 ? '  (none)' : ''}`,
        ...s.containers.map((c) => `    ${containerLine(c)}`),
        `  releases${s.releases.length === 0 ? '    (none recorded)' : ''}`,
        ...s.releases.map((r) => `    ${releaseLine(r)}`),
        ...s.findings.map((f) => `  ! ${field(f)}`),
    ].join('\n'))
        .join('\n\n');
}
const historyText = (statuses) => statuses
    .map((s) => [
    field(s.server),
    ...(s.releases.length === 0 ? ['  (none recorded)'] : s.releases.map((r) => `  ${releaseLine(r)}`)),
].join('\n'))
    .join('\n\n');


/***/ }),

/***/ 7124:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Ck: () => (/* binding */ firstFreePort),
/* harmony export */   Em: () => (/* binding */ bracketed),
/* harmony export */   Iv: () => (/* binding */ takenPorts),
/* harmony export */   Y_: () => (/* binding */ imagesToPrune),
/* harmony export */   Zo: () => (/* binding */ LABEL_DEPLOYMENT),
/* harmony export */   hq: () => (/* binding */ LABEL_APP),
/* harmony export */   jq: () => (/* binding */ build),
/* harmony export */   os: () => (/* binding */ LABEL_ROLE),
/* harmony export */   qg: () => (/* binding */ parse),
/* harmony export */   yU: () => (/* binding */ FILE_READ_BYTES)
/* harmony export */ });
/* unused harmony exports LABEL_DEPLOY, LABEL_IMAGE, BOUNDED_LOGS */
const LABEL_APP = 'docker-hot-deploy.app';
/** The deployment a container belongs to: its redis-key, the deployment's identity on a server. */
const LABEL_DEPLOYMENT = 'docker-hot-deploy.deployment';
const LABEL_DEPLOY = 'docker-hot-deploy.deploy';
const LABEL_IMAGE = 'docker-hot-deploy.image';
/** Set on a release command's one-off container. */
const LABEL_ROLE = 'docker-hot-deploy.role';
/** Every container a deploy starts is named and labelled with its app and deployment. */
const nameAndLabels = (spec) => [
    '--name',
    spec.name,
    '--label',
    `${LABEL_APP}=${spec.app}`,
    '--label',
    `${LABEL_DEPLOYMENT}=${spec.deployment}`,
];
/** Log rotation unless run-args chooses the logging: an unbounded json-file log fills the disk. */
const BOUNDED_LOGS = ['--log-driver', 'json-file', '--log-opt', 'max-size=10m', '--log-opt', 'max-file=3'];
const LOGGING_OPTIONS = /^--log-(?:driver|opt)(?:=|$)/;
/** The most of one file a deploy reads (a history, a confd resource): they are small, unless something is wrong. */
const FILE_READ_BYTES = 256 * 1024;
/** One line per container, a JSON array: docker inspect's template, parsed by parse.containers. */
const CONTAINER_FORMAT = '[{{json .Id}},{{json .Name}},{{json .State.Status}},{{json .Config.Labels}},{{json .Config.Image}},{{json .Image}},{{json .HostConfig.PortBindings}},{{json .NetworkSettings.Ports}},{{json .State.StartedAt}}]';
/** The env a container gets: the env-file on the server, then the env values on stdin. */
const envArgs = (spec) => [
    ...(spec.envFile ? ['--env-file', spec.envFile] : []),
    ...(spec.envOnStdin ? ['--env-file', '/dev/stdin'] : []),
];
/** An address as it stands before `:port`: IPv6 in brackets. */
const bracketed = (address) => (address.includes(':') ? `[${address}]` : address);
const build = {
    /** A 0700 directory of the deploy user's own, for a Docker config that lives only as long as the pull. */
    makePrivateDir: () => ['mktemp', '-d', '-t', 'docker-hot-deploy.XXXXXXXXXX'],
    /** Removes a registry-login directory, once no docker command uses it: a login the dropped
     * connection left hanging (an unanswering registry) would write the credentials back when it ends.
     * Killed (a docker CLI may catch SIGTERM) and awaited, 5 s at most; the path matched literally. */
    removeDir: (dir) => [
        'sh',
        '-c',
        String.raw `p="docker --config $(printf %s "$1" | sed 's/[][\.*^$+?(){}|]/\\&/g') "
pkill -KILL -f -- "$p"
i=0; while pgrep -f -- "$p" >/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
rm -rf -- "$1"`,
        'sh',
        dir,
    ],
    login: (configDir, registry, username) => [
        'docker',
        '--config',
        configDir,
        'login',
        '--username',
        username,
        '--password-stdin',
        registry,
    ],
    /** With `progress`, docker prints each layer's progress (on a terminal: with its bytes) instead of only the image's name. */
    pull: (image, configDir, progress = false) => [
        'docker',
        ...(configDir ? ['--config', configDir] : []),
        'pull',
        ...(progress ? [] : ['--quiet']),
        image,
    ],
    imageIdentity: (image) => [
        'docker',
        'image',
        'inspect',
        '--format',
        '{{json .RepoDigests}} {{.Id}}',
        image,
    ],
    /** Every deployment's release history of this deploy user (its last `entries` lines, the newest
     * kept if they are too long), each file after a `==> PATH` line that begins a line of its own. */
    readHistories: (dir, entries) => [
        'sh',
        '-c',
        `for f in "$1"/*.jsonl; do [ -f "$f" ] && printf "\\n==> %s\\n" "$f" && tail -n "$2" "$f" | tail -c ${FILE_READ_BYTES}; done; true`,
        'sh',
        dir,
        String(entries),
    ],
    /** Appends stdin's line to a history, keeping its last `keep` lines: written aside, then renamed, 0600. */
    appendHistory: (path, keep) => [
        'sh',
        '-c',
        'umask 077 && mkdir -p "${1%/*}" && { tail -n "$2" "$1" 2>/dev/null; cat; } > "$1.new" && mv "$1.new" "$1"',
        'sh',
        path,
        String(keep - 1),
    ],
    /** A one-off container of the new image, attached, removed when it ends: the release command. */
    runOnce(spec) {
        return [
            'docker',
            'run',
            '--rm',
            ...nameAndLabels(spec),
            '--label',
            `${LABEL_ROLE}=release`,
            ...envArgs(spec),
            ...spec.runArgs,
            spec.image,
            ...spec.command,
        ];
    },
    /** Every container on the server, stopped ones too: their ports come back with them. A container
     * removed between the listing and the inspect is reported on stderr (see parse.vanishedOnly). */
    containers: () => [
        'sh',
        '-c',
        'ids=$(docker ps --all --quiet --no-trunc) || exit 1; [ -z "$ids" ] && exit 0; exec docker container inspect --format "$1" $ids',
        'sh',
        CONTAINER_FORMAT,
    ],
    run(spec) {
        return [
            'docker',
            'run',
            '--detach',
            ...nameAndLabels(spec),
            '--label',
            `${LABEL_DEPLOY}=${spec.deployId}`,
            '--label',
            `${LABEL_IMAGE}=${spec.image}`,
            // An explicit host port: Docker would pick another ephemeral one on every restart.
            '--publish',
            `${bracketed(spec.bindAddress)}:${spec.hostPort}:${spec.containerPort}`,
            '--restart',
            spec.restart,
            ...(spec.runArgs.some((a) => LOGGING_OPTIONS.test(a)) ? [] : BOUNDED_LOGS),
            ...envArgs(spec),
            ...spec.runArgs,
            spec.pinned,
        ];
    },
    inspect: (id) => ['docker', 'container', 'inspect', id],
    logs: (id, lines) => ['docker', 'logs', '--tail', String(lines), id],
    /** The exit codes of a container's deaths since `since`, oldest first: a restarted container's
     * own state says 0, Docker's events keep the code it died with. `--until 0s` makes it return. */
    exitCodes: (id, since) => [
        'docker',
        'events',
        '--since',
        since,
        '--until',
        '0s',
        '--filter',
        `container=${id}`,
        '--filter',
        'event=die',
        '--format',
        '{{.Actor.Attributes.exitCode}}',
    ],
    stop: (id, seconds) => ['docker', 'stop', '--time', String(seconds), id],
    /** Force-removes: for containers that never served (their anonymous volumes go too). */
    discard: (ids) => ['docker', 'rm', '--force', '--volumes', ...ids],
    /** Removes stopped containers, keeping their volumes. */
    remove: (ids) => ['docker', 'rm', ...ids],
    images: (repository) => ['docker', 'image', 'ls', '--no-trunc', '--format', '{{json .}}', repository],
    removeImages: (refs) => ['docker', 'image', 'rm', ...refs],
    /** What a deploy needs of the server, checked once: ss, ps and a Docker the user may use. */
    serverCheck: () => [
        'sh',
        '-c',
        'for t in ss ps docker; do command -v "$t" >/dev/null || echo "missing $t"; done; docker version --format "docker {{.Server.Version}}" 2>&1',
    ],
    listeningPorts: () => ['ss', '-Htln'],
    /** Docker's root directory (where images go; /var/lib/docker when Docker does not say), then its free space. */
    diskFree: () => [
        'sh',
        '-c',
        'd=$(docker info --format "{{.DockerRootDir}}" 2>/dev/null) && [ -d "$d" ] || d=/var/lib/docker; [ -d "$d" ] || d=/; echo "$d"; exec df -Pk -- "$d"',
    ],
    /** An image's size in bytes, if the server has it. */
    imageSize: (image) => ['docker', 'image', 'inspect', '--format', '{{.Size}}', image],
    /** The start of a file, at most `maxBytes` (what confd rendered, say). */
    readFile: (path, maxBytes) => ['head', '-c', String(maxBytes), '--', path],
    /** Where a log ends now: its inode and size; fails when the deploy user cannot read it (stat alone would not). */
    logEnd: (path) => ['sh', '-c', 'head -c 0 -- "$1" && exec stat -L -c "%i %s" -- "$1"', 'sh', path],
    /** At most `maxBytes` of a log from `from` on, after an `INODE START` line. A log that was rotated
     * (another inode) or truncated (shorter than the offset) is read from its start. */
    readLog: (path, from, maxBytes) => [
        'sh',
        '-c',
        'st=$(stat -L -c "%i %s" -- "$1") || exit 1; ino=${st% *}; start=$3; { [ "$ino" != "$2" ] || [ "${st#* }" -lt "$3" ]; } && start=0; ' +
            'echo "$ino $start"; tail -c +"$((start + 1))" -- "$1" | head -c "$4"',
        'sh',
        path,
        from.inode,
        String(from.offset),
        String(maxBytes),
    ],
    connectionsTo: (port) => ['ss', '-Htn', 'state', 'established', 'dport', '=', `:${port}`],
    /** Every process's pid, parent, owner and command line, after the deploy user's uid and the pids
     * of processes in nested PID namespaces (containers, or servers nested on this one): their nginx
     * and confd are not this server's. */
    processes: () => [
        'sh',
        '-c',
        'echo "me $(id -u)"; cat /proc/[0-9]*/status 2>/dev/null | awk \'$1 == "Pid:" { pid = $2 } $1 == "NSpid:" && NF > 2 { print "nested", pid }\'; exec ps -eo pid=,ppid=,uid=,args=',
    ],
};
function jsonLines(text) {
    return text
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l));
}
/** The host ports of docker's port maps (configured and current), without duplicates or unset ones. */
function hostPortsOf(...maps) {
    const ports = maps.flatMap((map) => Object.values(map ?? {}).flatMap((bindings) => (bindings ?? []).map((b) => Number(b.HostPort))));
    return [...new Set(ports.filter((p) => Number.isInteger(p) && p > 0))];
}
const parse = {
    containers(text) {
        return jsonLines(text).map(([id, name, state, labels, image, imageId, configured, current, startedAt]) => ({
            // The image as its deploy named it (it runs by digest).
            id,
            name: name.replace(/^\//, ''),
            state,
            labels: labels ?? {},
            image: labels?.[LABEL_IMAGE] || image,
            imageId,
            hostPorts: hostPortsOf(configured, current),
            ...(startedAt ? { startedAt } : {}),
        }));
    },
    /** What keeps the deploy user from deploying (build.serverCheck's output), each with its fix; none when nothing does. */
    serverProblems(text, username) {
        const problems = [];
        const packages = { ss: 'iproute2', ps: 'procps', docker: 'docker.io' };
        for (const m of text.matchAll(/^missing (\w+)$/gm)) {
            problems.push({
                subject: m[1],
                problem: `${m[1]} is not installed on the server`,
                fix: `install it (Debian/Ubuntu: sudo apt-get install ${packages[m[1]]})`,
            });
        }
        if (/permission denied.*docker\.sock/is.test(text)) {
            problems.push({
                subject: 'docker',
                problem: `${username} may not use Docker on the server`,
                fix: `add it to the docker group (sudo usermod -aG docker ${username}), then log in again so the group applies`,
            });
        }
        else if (/cannot connect to the docker daemon/i.test(text)) {
            problems.push({
                subject: 'docker',
                problem: 'Docker is not running on the server',
                fix: 'start it (sudo systemctl start docker)',
            });
        }
        else if (!/^missing docker$/m.test(text) && !/^docker \S+/m.test(text)) {
            problems.push({
                subject: 'docker',
                problem: `docker version failed on the server: ${text.trim().split('\n').pop()}`,
                fix: `run docker version as ${username} on the server and fix what it says`,
            });
        }
        return problems;
    },
    /** The Docker server's version in build.serverCheck's output, when Docker answered. */
    dockerVersion: (text) => /^docker (\S+)$/m.exec(text)?.[1],
    /** diskFree's answer (the directory, then df -Pk): that directory and its file system's free bytes. */
    diskFree(text) {
        const lines = text.trim().split('\n');
        const available = Number(lines.at(-1)?.trim().split(/\s+/)[3]);
        if (lines.length < 3 || !Number.isFinite(available))
            throw new Error(`df printed no free space: ${text.trim()}`);
        return { path: lines[0], freeBytes: available * 1024 };
    },
    /** True when a failed inspect only missed containers removed since they were listed. */
    vanishedOnly: (stderr) => stderr.split('\n').every((l) => !l.trim() || /no such (container|object)/i.test(l)),
    inspect(text, containerPort) {
        const [c] = JSON.parse(text);
        const bindings = c.NetworkSettings.Ports?.[`${containerPort}/tcp`] ?? [];
        return {
            id: c.Id,
            name: c.Name.replace(/^\//, ''),
            status: c.State.Status,
            exitCode: c.State.ExitCode,
            restartCount: c.RestartCount,
            createdAt: c.Created,
            health: c.State.Health?.Status,
            hostPort: bindings.length > 0 ? Number(bindings[0].HostPort) : undefined,
        };
    },
    /** exitCodes' output: the code of the last death, if Docker still has the event. */
    lastExitCode(text) {
        const codes = text
            .split('\n')
            .map((l) => l.trim())
            .filter((l) => /^\d+$/.test(l));
        return codes.length > 0 ? Number(codes[codes.length - 1]) : undefined;
    },
    /** An image's content address, its registry digest (else its local id), and its local id. */
    /** The digest is the one of the image's own `repository` (an image pulled under several names has
     * one each; another one's would not pull back by this name in a rollback); none: the image id. */
    imageIdentity(text, repository) {
        const m = /^(\[.*\]|null) (\S+)$/.exec(text.trim());
        if (!m)
            throw new Error(`unexpected docker image inspect output: ${text.trim().slice(0, 200)}`);
        const repoDigests = JSON.parse(m[1]) ?? [];
        const familiar = (name) => name.replace(/^docker\.io\//, '').replace(/^library\//, '');
        const own = repoDigests.find((d) => familiar(d.slice(0, d.indexOf('@'))) === familiar(repository));
        return { digest: own ? own.slice(own.indexOf('@') + 1) : m[2], id: m[2] };
    },
    /** Files printed each after a `==> PATH` line (readHistories, confd's resources): each one's text
     * by its path (a file cut short, or without a last newline, may end in a blank line). */
    files(text) {
        const files = new Map();
        let current;
        for (const line of text.split('\n')) {
            const header = /^==> (.+)$/.exec(line);
            if (header)
                files.set(header[1], (current = []));
            else
                current?.push(line);
        }
        return new Map([...files].map(([path, lines]) => [path, lines.join('\n')]));
    },
    /** Tagged images by repository:tag; untagged ones (a tag moved on) by id. */
    images(text) {
        return jsonLines(text).map((i) => ({
            ref: i.Tag === '<none>' ? i.ID : `${i.Repository}:${i.Tag}`,
            id: i.ID,
            createdAt: i.CreatedAt,
        }));
    },
    /** docker image rm problems other than "a container still uses it", which keeps that image by design. */
    imageRemovalProblems: (stderr) => stderr
        .split('\n')
        .filter((l) => l.trim() && !/conflict: unable to (remove|delete)|is being used by|is using its referenced image/.test(l)),
    listeningPorts(text) {
        const ports = new Set();
        for (const line of text.split('\n')) {
            const local = line.trim().split(/\s+/)[3];
            const m = local ? /:(\d+)$/.exec(local) : null;
            if (m)
                ports.add(Number(m[1]));
        }
        return ports;
    },
    logEnd(text) {
        const [inode, size] = text.trim().split(' ');
        if (!/^\d+$/.test(inode ?? '') || !/^\d+$/.test(size ?? ''))
            throw new Error(`unexpected stat output: ${text.slice(0, 80)}`);
        return { inode, offset: Number(size) };
    },
    /** Only whole lines count, in bytes as the server sent them: a line still being written is read
     * again next time, so the offset never falls inside one (nor inside a multi-byte character). */
    logRead(bytes) {
        const newline = bytes.indexOf(0x0a);
        if (newline < 0)
            throw new Error(`unexpected log read output: ${bytes.subarray(0, 80).toString()}`);
        const start = parse.logEnd(bytes.subarray(0, newline).toString());
        const complete = bytes.subarray(newline + 1, bytes.lastIndexOf(0x0a) + 1);
        return {
            position: { inode: start.inode, offset: start.offset + complete.length },
            text: complete.toString('utf8'),
        };
    },
    lineCount: (text) => text.split('\n').filter((l) => l.trim()).length,
    /** The command lines of the server's own processes (see build.processes): in its own PID namespace,
     * of root or the deploy user, and the nginx workers such a master started (they run as nginx's
     * user). Another local user's process called confd, or calling itself a worker, steers nothing. */
    processes(text) {
        const lines = text
            .split('\n')
            .map((l) => l.trim())
            .filter(Boolean);
        const me = /^me (\d+)$/m.exec(text)?.[1];
        const nested = new Set(lines.filter((l) => l.startsWith('nested ')).map((l) => l.slice('nested '.length)));
        const all = lines
            .map((l) => /^(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(l))
            .filter((m) => m !== null && !nested.has(m[1]))
            .map(([, pid, ppid, uid, args]) => ({ pid, ppid, uid, args }));
        const owned = new Map(all.filter((p) => p.uid === '0' || p.uid === me).map((p) => [p.pid, p.args]));
        const byOwnNginx = (p) => /^nginx: worker process/.test(p.args) && /^nginx: master process/.test(owned.get(p.ppid) ?? '');
        return all.filter((p) => owned.has(p.pid) || byOwnNginx(p)).map((p) => p.args);
    },
    shuttingDownWorkers: (commandLines) => commandLines.filter((l) => /^nginx: worker process is shutting down/.test(l)).length,
};
/** The image references of a repository to remove: every one whose image is not protected
 * (by id: all references to a protected image stay). */
function imagesToPrune(images, protectedIds) {
    return images.filter((i) => !protectedIds.has(i.id)).map((i) => i.ref);
}
/** The first port of the range that is not taken. */
function firstFreePort(range, taken) {
    for (let p = range.first; p <= range.last; p += 1)
        if (!taken.has(p))
            return p;
    return undefined;
}
/** Ports a new container may not take: listened on, or published by any container (a stopped or
 * restarting one takes its port back when it starts), or reserved (named by a key: its container
 * may be restarting right now). */
function takenPorts(listening, containers, reserved) {
    const taken = new Set([...listening, ...reserved]);
    for (const c of containers)
        c.hostPorts.forEach((p) => taken.add(p));
    return taken;
}


/***/ }),

/***/ 6283:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Fv: () => (/* binding */ registryOf),
/* harmony export */   I1: () => (/* binding */ pinnedRef),
/* harmony export */   Q: () => (/* binding */ parseImageRef),
/* harmony export */   _M: () => (/* binding */ repositoryOf),
/* harmony export */   kk: () => (/* binding */ REGISTRY_RE),
/* harmony export */   lu: () => (/* binding */ appFromImage)
/* harmony export */ });
// Docker image references, pure: one grammar (distribution/reference) for
// validating the image input and for every part a deploy needs of a reference.
const DOMAIN = String.raw `(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?`;
const PATH_COMPONENT = String.raw `[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*`;
const REFERENCE_RE = new RegExp(String.raw `^(?:(${DOMAIN})/)?(${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::([\w][\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$`);
/** A registry host as the registry input takes it. */
const REGISTRY_RE = new RegExp(`^${DOMAIN}$`);
/** The parts of a reference, or undefined when it is not one. */
function parseImageRef(reference) {
    const m = REFERENCE_RE.exec(reference);
    if (!m)
        return undefined;
    const [, first, path, tag, digest] = m;
    // As Docker reads it: a first component is a registry only if it looks like a host.
    const isRegistry = first !== undefined && /[.:[]|^localhost$/.test(first);
    if (first !== undefined && !isRegistry && !new RegExp(`^${PATH_COMPONENT}$`).test(first))
        return undefined;
    const fullPath = first !== undefined && !isRegistry ? `${first}/${path}` : path;
    return {
        registry: isRegistry ? first : 'docker.io',
        repository: isRegistry ? `${first}/${fullPath}` : fullPath,
        name: fullPath.split('/').pop() ?? fullPath,
        tag,
        digest,
    };
}
/** The repository of a reference (itself, without tag or digest, when it does not parse). */
const repositoryOf = (image) => parseImageRef(image)?.repository ?? image.split('@')[0];
const registryOf = (image) => parseImageRef(image)?.registry ?? 'docker.io';
/** The app name a bare image implies: its last path component. */
const appFromImage = (image) => parseImageRef(image)?.name ?? '';
/** The image a deploy pulled, as Docker runs exactly it whatever its tag names meanwhile: by the
 * registry digest of its repository, or by its local id when it never had one. */
const pinnedRef = (image, identity) => identity.digest === identity.id ? identity.id : `${repositoryOf(image)}@${identity.digest}`;


/***/ }),

/***/ 7521:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   g: () => (/* binding */ printable)
/* harmony export */ });
// What a server, Redis or an image says reaches the runner's log: GitHub takes a line that starts
// with "::" as a workflow command (::add-mask::, ::set-output, ::stop-commands::), and the old
// form "##[command]" anywhere in a line. Control characters are shown escaped, a line's leading
// "::" and every "##[" are broken, so a value read from the server is only ever shown, never obeyed.
// eslint-disable-next-line no-control-regex -- finding control characters is this pattern's job
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;
function printable(text) {
    return text
        .replace(CONTROL, (c) => (c === '\t' ? c : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`))
        .split('\n')
        .map((line) => line.replace(/^(\s*)::/, '$1\u200b::').replace(/##\[/g, '##\u200b['))
        .join('\n');
}


/***/ }),

/***/ 5499:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Er: () => (/* binding */ lockedDeployment),
/* harmony export */   _l: () => (/* binding */ legacyLockName),
/* harmony export */   ji: () => (/* binding */ persistenceRisk),
/* harmony export */   k4: () => (/* binding */ notificationsCoverSet),
/* harmony export */   l4: () => (/* binding */ lockName)
/* harmony export */ });
// The Redis side's names and verdicts, apart from the client (redis.ts): what status, the doctor
// and a deploy's checks share without loading ioredis.
/** The action's lock for a deployment, under a name no confd prefix of the host setup matches
 * (they start with "/"): taking it never makes confd render. */
const LOCK_PREFIX = 'docker-hot-deploy:lock:';
const lockName = (redisKey) => `${LOCK_PREFIX}${redisKey}`;
/** The deployment (its redis key) a lock of lockName's is for; undefined for any other name. */
const lockedDeployment = (name) => name.startsWith(LOCK_PREFIX) ? name.slice(LOCK_PREFIX.length) : undefined;
/** Where 0.1 kept the lock (inside confd's prefix); honoured while one lives. */
const legacyLockName = (redisKey) => `${redisKey}:lock`;
/** confd -watch hears a SET only with keyspace events (K) for string commands ($, or A for all). */
function notificationsCoverSet(flags) {
    return flags.includes('K') && (flags.includes('$') || flags.includes('A'));
}
/** Why a write to this Redis may not survive its restart, or undefined when it will. */
function persistenceRisk(p) {
    if (p.appendonly)
        return undefined;
    if (!p.save.trim())
        return 'Redis keeps nothing across a restart (appendonly no, save ""): a restart loses the key, and a confd template with a fallback renders it at confd\'s next write. Set appendonly yes (examples/host/redis/persistence.conf)';
    return `Redis persists only by snapshots (appendonly no, save "${p.save}"): a crash before the next snapshot loses this write. Set appendonly yes (examples/host/redis/persistence.conf)`;
}


/***/ }),

/***/ 9578:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   $x: () => (/* binding */ preferredHostKeyAlgorithms),
/* harmony export */   Hj: () => (/* binding */ verifyHostKey),
/* harmony export */   Sm: () => (/* binding */ hostName),
/* harmony export */   ax: () => (/* binding */ fingerprintOf),
/* harmony export */   jc: () => (/* binding */ KnownHostsError),
/* harmony export */   uJ: () => (/* binding */ parseKnownHosts)
/* harmony export */ });
/* unused harmony exports keyTypeOf, entryMatchesHost */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
// Host key pinning, pure: OpenSSH known_hosts lines (plain, hashed `|1|`,
// `[host]:port`, wildcards, @revoked) and `SHA256:` fingerprints.

class KnownHostsError extends Error {
}
/** Parses known_hosts text; throws naming the line that is not one. */
function parseKnownHosts(text) {
    const entries = [];
    text.split(/\r?\n/).forEach((raw, index) => {
        const line = raw.trim();
        if (!line || line.startsWith('#'))
            return;
        const fields = line.split(/\s+/);
        const marker = fields[0].startsWith('@') ? (fields.shift() ?? '') : '';
        if (marker !== '' && marker !== '@revoked' && marker !== '@cert-authority') {
            throw new KnownHostsError(`line ${index + 1}: unknown marker ${marker}`);
        }
        const [hosts, keyType, keyBase64] = fields;
        if (!hosts || !keyType || !keyBase64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(keyBase64)) {
            throw new KnownHostsError(`line ${index + 1}: expected "HOSTS KEYTYPE BASE64KEY [comment]"`);
        }
        const key = Buffer.from(keyBase64, 'base64');
        if (keyTypeOf(key) !== keyType) {
            throw new KnownHostsError(`line ${index + 1}: the key does not decode as ${keyType}`);
        }
        entries.push({ marker, patterns: hosts.split(','), keyType, key });
    });
    return entries;
}
/** The algorithm name at the start of an SSH public key blob. */
function keyTypeOf(key) {
    if (key.length < 4)
        return '';
    const length = key.readUInt32BE(0);
    return length > 0 && length < 64 && key.length >= 4 + length ? key.subarray(4, 4 + length).toString('latin1') : '';
}
/** OpenSSH's `SHA256:` fingerprint: unpadded base64 of sha256 over the key blob. */
function fingerprintOf(key) {
    return 'SHA256:' + (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(key).digest('base64').replace(/=+$/, '');
}
/** How known_hosts names a host: `host` on port 22, `[host]:port` otherwise. */
function hostName(host, port) {
    return port === 22 ? host : `[${host}]:${port}`;
}
function globMatches(pattern, name) {
    const re = pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.');
    return new RegExp(`^${re}$`, 'i').test(name);
}
function patternMatches(pattern, name) {
    const hashed = /^\|1\|([^|]+)\|([^|]+)$/.exec(pattern);
    if (hashed) {
        const digest = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHmac)('sha1', Buffer.from(hashed[1], 'base64')).update(name).digest('base64');
        return digest === hashed[2];
    }
    return globMatches(pattern, name);
}
/** OpenSSH semantics: a negated pattern that matches excludes the line. */
function entryMatchesHost(entry, host, port) {
    const name = hostName(host, port);
    let matched = false;
    for (const pattern of entry.patterns) {
        if (pattern.startsWith('!')) {
            if (patternMatches(pattern.slice(1), name))
                return false;
        }
        else if (patternMatches(pattern, name))
            matched = true;
    }
    return matched;
}
function verifyHostKey(pins, host, port, offered) {
    const lines = pins.knownHosts.filter((e) => entryMatchesHost(e, host, port));
    if (lines.some((e) => e.marker === '@revoked' && e.key.equals(offered))) {
        return { ok: false, reason: 'the offered key is marked @revoked in known-hosts' };
    }
    if (lines.some((e) => e.marker === '' && e.key.equals(offered)))
        return { ok: true };
    if (pins.fingerprints.includes(fingerprintOf(offered)))
        return { ok: true };
    if (pins.knownHosts.length > 0 && lines.length === 0 && pins.fingerprints.length === 0) {
        return { ok: false, reason: `known-hosts has no line for ${hostName(host, port)}` };
    }
    return { ok: false, reason: 'the offered key matches neither known-hosts nor host-fingerprint' };
}
/** Host key algorithms to offer, pinned types first, as OpenSSH orders them. */
function preferredHostKeyAlgorithms(pins, host, port) {
    const types = pins.knownHosts.filter((e) => e.marker === '' && entryMatchesHost(e, host, port)).map((e) => e.keyType);
    if (types.length === 0 || pins.fingerprints.length > 0)
        return undefined;
    const algorithms = types.flatMap((t) => (t === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [t]));
    return [...new Set(algorithms)];
}


/***/ }),

/***/ 817:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   $6: () => (/* binding */ upstreamPort),
/* harmony export */   QO: () => (/* binding */ portNamedBy),
/* harmony export */   Sz: () => (/* binding */ portFromKeyValue),
/* harmony export */   sO: () => (/* binding */ formatKeyValue)
/* harmony export */ });
// The contract with confd and nginx, pure: what the action writes to the key
// (redis-value with the port filled in) and how nginx says which upstream answered.
/** redis-value with the port filled in. */
function formatKeyValue(template, port) {
    return template.replace('{port}', String(port));
}
/** The port read back from a stored value; undefined when the value does not fit redis-value. */
function portFromKeyValue(template, value) {
    const [before, after] = template.split('{port}');
    if (!value.startsWith(before) || !value.endsWith(after))
        return undefined;
    const port = value.slice(before.length, value.length - after.length);
    return /^\d{1,5}$/.test(port) ? Number(port) : undefined;
}
/** The port a stored value names in any form confd's template accepts ("49153", "host:49153"), whatever redis-value says. */
function portNamedBy(value) {
    const m = /^(?:.*:)?(\d{1,5})$/.exec(value);
    return m ? Number(m[1]) : undefined;
}
/** The port of the last address in an upstream header ("127.0.0.1:49153" or "a:1, b:2"). */
function upstreamPort(header) {
    const last = header?.split(',').pop()?.trim();
    const m = last ? /:(\d+)$/.exec(last) : null;
    return m ? Number(m[1]) : undefined;
}


/***/ }),

/***/ 2613:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("assert");

/***/ }),

/***/ 181:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("buffer");

/***/ }),

/***/ 5317:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("child_process");

/***/ }),

/***/ 6982:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("crypto");

/***/ }),

/***/ 2250:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("dns");

/***/ }),

/***/ 4434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");

/***/ }),

/***/ 9896:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");

/***/ }),

/***/ 8611:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http");

/***/ }),

/***/ 5692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("https");

/***/ }),

/***/ 9278:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("net");

/***/ }),

/***/ 7598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

/***/ }),

/***/ 3053:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:diagnostics_channel");

/***/ }),

/***/ 3024:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");

/***/ }),

/***/ 7067:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");

/***/ }),

/***/ 4708:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:https");

/***/ }),

/***/ 7030:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");

/***/ }),

/***/ 8161:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");

/***/ }),

/***/ 6760:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");

/***/ }),

/***/ 8500:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:timers/promises");

/***/ }),

/***/ 857:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("os");

/***/ }),

/***/ 6928:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("path");

/***/ }),

/***/ 2203:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("stream");

/***/ }),

/***/ 4756:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tls");

/***/ }),

/***/ 2018:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tty");

/***/ }),

/***/ 9023:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util");

/***/ }),

/***/ 3106:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("zlib");

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId].call(module.exports, module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".index.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(3546);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
