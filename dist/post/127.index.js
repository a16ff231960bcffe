import { fileURLToPath as __dhdFileURLToPath } from 'node:url';
const __filename = __dhdFileURLToPath(import.meta.url);
const __dirname = __dhdFileURLToPath(new URL('.', import.meta.url));
export const id = 127;
export const ids = [127];
export const modules = {

/***/ 1127:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  run: () => (/* binding */ run)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 14 modules
var lib_core = __webpack_require__(6421);
// EXTERNAL MODULE: external "node:timers/promises"
var promises_ = __webpack_require__(8500);
// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(7030);
// EXTERNAL MODULE: ./node_modules/ms/index.js
var ms = __webpack_require__(744);
var ms_default = /*#__PURE__*/__webpack_require__.n(ms);
;// CONCATENATED MODULE: ./src/action-inputs.ts
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

;// CONCATENATED MODULE: ./src/image-ref.ts
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
const image_ref_repositoryOf = (image) => parseImageRef(image)?.repository ?? image.split('@')[0];
const image_ref_registryOf = (image) => parseImageRef(image)?.registry ?? 'docker.io';
/** The app name a bare image implies: its last path component. */
const image_ref_appFromImage = (image) => parseImageRef(image)?.name ?? '';
/** The image a deploy pulled, as Docker runs exactly it whatever its tag names meanwhile: by the
 * registry digest of its repository, or by its local id when it never had one. */
const image_ref_pinnedRef = (image, identity) => (identity.digest === identity.id ? identity.id : `${image_ref_repositoryOf(image)}@${identity.digest}`);

// EXTERNAL MODULE: ./node_modules/ssh2/lib/index.js
var lib = __webpack_require__(5472);
var lib_default = /*#__PURE__*/__webpack_require__.n(lib);
;// CONCATENATED MODULE: ./src/run-args.ts
// The grammar of the run-args input, pure: extra `docker run` options, one
// argument a line, that may neither override what the deploy sets itself nor
// smuggle in a word docker would take as the image.
/** Options the action sets or that would break the deploy: the port it publishes, its name and labels, detached and not interactive. */
const MANAGED = {
    '--detach': 'the container always runs detached', '-d': 'the container always runs detached',
    '--publish': 'the action publishes container-port on a port of port-range itself', '-p': 'the action publishes container-port on a port of port-range itself',
    '--publish-all': 'the action publishes container-port on a port of port-range itself', '-P': 'the action publishes container-port on a port of port-range itself',
    '--name': 'the action names each container', '--rm': 'a retired container is stopped and removed by the action',
    '--interactive': 'the container runs without a terminal', '-i': 'the container runs without a terminal',
    '--tty': 'the container runs without a terminal', '-t': 'the container runs without a terminal',
    '--attach': 'the container runs detached', '-a': 'the container runs detached',
    '--env-file': 'use the env-file input', '--restart': 'use the restart input',
    '--help': 'docker run --help prints its help and runs nothing (a release command would "succeed" without running)',
};
/** docker run options that take no value. */
const FLAGS = new Set(['--detach', '-d', '--init', '--interactive', '-i', '--tty', '-t', '--privileged', '--read-only', '--rm',
    '--no-healthcheck', '--oom-kill-disable', '--publish-all', '-P', '--quiet', '-q', '--sig-proxy', '--disable-content-trust', '--use-api-socket', '--help']);
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

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
;// CONCATENATED MODULE: ./src/ssh/hostkey.ts
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
        const marker = fields[0].startsWith('@') ? fields.shift() ?? '' : '';
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
        entries.push({ marker: marker, patterns: hosts.split(','), keyType, key });
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
    return 'SHA256:' + (0,external_node_crypto_.createHash)('sha256').update(key).digest('base64').replace(/=+$/, '');
}
/** How known_hosts names a host: `host` on port 22, `[host]:port` otherwise. */
function hostName(host, port) {
    return port === 22 ? host : `[${host}]:${port}`;
}
function globMatches(pattern, name) {
    const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    return new RegExp(`^${re}$`, 'i').test(name);
}
function patternMatches(pattern, name) {
    const hashed = /^\|1\|([^|]+)\|([^|]+)$/.exec(pattern);
    if (hashed) {
        const digest = (0,external_node_crypto_.createHmac)('sha1', Buffer.from(hashed[1], 'base64')).update(name).digest('base64');
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

;// CONCATENATED MODULE: ./src/inputs.ts
// Raw action inputs -> one validated, typed config. Pure: the caller supplies
// the inputs; every problem is reported at once, naming the input, the bad value
// (unless it is secret) and what is accepted.




// ssh2 is CommonJS: a named import works only once bundled, the default one everywhere (tsx too).



/** How many servers switch at a time. */
function batchCount(total, size) {
    const count = 'servers' in size ? size.servers : Math.ceil((total * size.percent) / 100);
    return Math.min(total, Math.max(1, count));
}
/** The action.yml defaults, so a bare `node dist/index.js` (and the CLI) behaves as the runner does. */
const DEFAULTS = Object.fromEntries(ACTION_INPUTS.filter((i) => i.default !== undefined).map((i) => [i.name, i.default]));
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
    const m = /^\[([0-9A-Fa-f:.]+)\](?::(\d{1,5}))?$/.exec(line) ?? ((0,external_node_net_.isIP)(line) === 6 ? null : /^([^:\s]+)(?::(\d{1,5}))?$/.exec(line));
    const [host, port] = m ? [m[1], m[2] ? Number(m[2]) : defaultPort] : [line, defaultPort];
    if (m?.[2] && (port < 1 || port > 65535))
        return undefined;
    return isHostAddress(host) && (!line.startsWith('[') || (0,external_node_net_.isIP)(host) === 6) ? { host, port } : undefined;
}
/** How a server is named in logs, errors and outputs: as ssh would name it. */
const inputs_serverName = (server) => hostName(server.host, server.port);
/** A message about one server: it names the server when the deploy has several. */
const inputs_aboutServer = (name, several, message) => (several ? `${name}: ${message}` : message);
function isHostAddress(value) {
    return HOSTNAME_RE.test(value) || (0,external_node_net_.isIP)(value) !== 0;
}
/** `deploying: false` for commands that only read or release (status, history, unlock):
 * what the deploy starts (image, container-port) is then not required. */
function parseInputs(raw, { deploying = true } = {}) {
    const problems = [];
    const get = (name) => (raw(name) ?? '').trim() || DEFAULTS[name] || '';
    const fail = (name, message, fallback) => {
        problems.push(`${name}: ${message}`);
        return fallback;
    };
    const shown = (name, raw) => {
        if (SECRET_INPUTS.includes(name))
            return '(secret)';
        const value = redactUrl(raw);
        return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}...` : value);
    };
    const required = (name) => get(name) || fail(name, 'is required', '');
    const integer = (name, min, max) => {
        const value = get(name);
        if (/^\d+$/.test(value) && Number(value) >= min && Number(value) <= max)
            return Number(value);
        return fail(name, `${shown(name, value)} is not a whole number from ${min} to ${max}`, min);
    };
    const duration = (name, { zero = false } = {}) => {
        const value = get(name);
        const parsed = parseDuration(value);
        if (parsed !== undefined && parsed > MAX_DURATION_MS)
            return fail(name, `${shown(name, value)} is longer than 24h (seconds are meant: 90 is 90 s; or use 90s, 2m, 1h)`, 1000);
        if (parsed !== undefined && (parsed > 0 || zero))
            return parsed;
        return fail(name, `${shown(name, value)} is not a duration: use seconds (90), or a number with s, m or h (90s, 2m)${zero ? '; 0s turns it off' : ''}`, 1000);
    };
    const matching = (name, re, accepted, value = get(name)) => !value || re.test(value) ? value : fail(name, `${shown(name, value)} is not ${accepted}`, '');
    const optional = (value) => value || undefined;
    const hostInput = (name, value) => !value || isHostAddress(value) ? value : fail(name, `${shown(name, value)} is not a host name or IP address`, '');
    // Connection
    const privateKey = privateKeyInput('private-key', required('private-key'), raw('passphrase') ?? '', fail);
    const knownHosts = knownHostsInput('known-hosts', get('known-hosts'), fail);
    const fingerprints = get('host-fingerprint').split(/[\s,]+/).filter(Boolean);
    for (const fp of fingerprints)
        matching('host-fingerprint', FINGERPRINT_RE, 'an OpenSSH SHA256 fingerprint such as SHA256:+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU', fp);
    const insecure = matching('insecure-skip-host-key-check', /^(?:true|false)$/, 'true or false') === 'true';
    const username = matching('username', USER_RE, 'a Unix user name', required('username'));
    const passphrase = optional(raw('passphrase') ?? '');
    let jump;
    const jumpHost = get('jump-host');
    if (jumpHost) {
        jump = {
            host: hostInput('jump-host', jumpHost),
            port: integer('jump-port', 1, 65535),
            username: matching('jump-username', USER_RE, 'a Unix user name', get('jump-username') || get('username')),
            // The jump key is unencrypted or shares `passphrase` with the server's key.
            privateKey: privateKeyInput('jump-private-key', get('jump-private-key') || privateKey, raw('passphrase') ?? '', fail),
            passphrase,
            pins: { knownHosts: knownHostsInput('jump-known-hosts', required('jump-known-hosts'), fail), fingerprints: [] },
        };
    }
    const defaultPort = integer('port', 1, 65535);
    const pins = { knownHosts, fingerprints };
    const servers = [];
    for (const line of required('host').split(/\r?\n/).map((l) => l.trim()).filter(Boolean)) {
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
    const batchText = get('batch-size');
    const batchMatch = /^(\d{1,3})(%?)$/.exec(batchText);
    const batchSize = batchMatch && Number(batchMatch[1]) >= 1 && (!batchMatch[2] || Number(batchMatch[1]) <= 100)
        ? (batchMatch[2] ? { percent: Number(batchMatch[1]) } : { servers: Number(batchMatch[1]) })
        : fail('batch-size', `${shown('batch-size', batchText)} is not a number of servers (such as 1 or 2) or a percentage of them (such as 50%)`, { servers: 1 });
    // Container
    const rollback = matching('rollback', /^(?:true|false)$/, 'true or false') === 'true';
    // A rollback finds its image in the history; `image`, if given, names the repository it expects.
    const imageText = rollback || !deploying ? get('image') : required('image');
    const image = !imageText || parseImageRef(imageText) ? imageText : fail('image', `${shown('image', imageText)} is not a Docker image reference such as ghcr.io/acme/web:1.4.2`, '');
    const app = matching('app', APP_RE, 'a name of letters, digits, ".", "_" and "-" (at most 63, starting with a letter or digit)', get('app') || image_ref_appFromImage(image));
    const bindAddress = get('bind-address');
    if ((0,external_node_net_.isIP)(bindAddress) === 0)
        fail('bind-address', `${shown('bind-address', bindAddress)} is not an IPv4 or IPv6 address (such as 127.0.0.1 or ::1)`, '');
    const rangeText = get('port-range');
    const rangeMatch = /^(\d{1,5})-(\d{1,5})$/.exec(rangeText);
    const portRange = rangeMatch && Number(rangeMatch[1]) >= 1 && Number(rangeMatch[1]) <= Number(rangeMatch[2]) && Number(rangeMatch[2]) <= 65535
        ? { first: Number(rangeMatch[1]), last: Number(rangeMatch[2]) }
        : fail('port-range', `${shown('port-range', rangeText)} is not a range of ports such as 20000-20999`, { first: 1, last: 1 });
    const env = [];
    get('env').split(/\r?\n/).forEach((line, i) => {
        if (!line.trim() || line.trim().startsWith('#'))
            return;
        const eq = line.indexOf('=');
        const name = eq > 0 ? line.slice(0, eq).trim() : '';
        if (!ENV_NAME_RE.test(name))
            fail('env', `line ${i + 1} is not NAME=value (NAME of letters, digits and _, not starting with a digit)`, undefined);
        else
            env.push([name, line.slice(eq + 1)]);
    });
    const envFile = matching('env-file', /^\/[^\0\n\r]*$/, 'an absolute path on the server');
    const deprecations = [];
    const { runArgs, restart: restartArg, problems: runArgProblems } = parseRunArgs(get('run-args').split(/\r?\n/).map((a) => a.trim()).filter(Boolean));
    for (const problem of runArgProblems)
        fail('run-args', `${redactUrl(problem)}; accepted: docker run options, one argument a line (--memory=512m, or -v then /data:/data); run-args is trusted like membership of the docker group`, undefined);
    let restart = matching('restart', RESTART_RE, RESTART_ACCEPTED);
    if (restartArg !== undefined) {
        // 0.1 had no restart input: its users put the policy in run-args.
        restart = matching('run-args', RESTART_RE, `a restart policy (${RESTART_ACCEPTED})`, restartArg) && restartArg;
        deprecations.push(`run-args: --restart is deprecated; set the input restart: ${restartArg} instead (run-args' policy is used this time)`);
    }
    const registry = matching('registry', REGISTRY_RE, 'a registry host such as ghcr.io or registry.example.com:5000');
    const pull = matching('pull', /^(?:always|missing|never)$/, 'one of always, missing, never');
    // Switch
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
    const accessLog = matching('access-log', /^\/[^\0\n\r]*$/, 'an absolute path on the server (nginx\'s dhd_upstream log, such as /var/log/nginx/app-upstream.log)');
    const maxErrorsText = get('bake-max-errors');
    const maxErrorsMatch = /^(\d{1,3}(?:\.\d{1,2})?)%?$/.exec(maxErrorsText);
    const maxErrorPercent = maxErrorsMatch && Number(maxErrorsMatch[1]) > 0 && Number(maxErrorsMatch[1]) <= 100
        ? Number(maxErrorsMatch[1])
        : fail('bake-max-errors', `${shown('bake-max-errors', maxErrorsText)} is not a share of requests above 0 and at most 100% (such as 5% or 0.5%)`, 100);
    const healthPath = matching('health-path', /^\/[^\s]*$/, 'a path starting with / and without spaces');
    const config = {
        servers,
        batchSize,
        container: {
            image,
            app,
            containerPort: get('container-port') ? integer('container-port', 1, 65535) : deploying ? fail('container-port', 'is required (the port the app listens on inside the container)', 0) : 0,
            bindAddress,
            portRange,
            env,
            envFile: optional(envFile),
            runArgs,
            restart,
            registry: optional(registry),
            registryUsername: optional(matching('registry-username', /^[^\s]{1,255}$/, 'a user name without spaces')),
            registryPassword: optional(raw('registry-password') ?? ''),
            pull,
            releaseCommand: get('release-command').split(/\r?\n/).map((a) => a.trim()).filter(Boolean),
            rollback,
        },
        switch: {
            redis: redis ?? { shown: '', host: '127.0.0.1', port: 6379, tls: false, db: 0 },
            redisKey,
            redisValue,
            probeUrl,
            probeHost: optional(probeHost),
            upstreamHeader,
            probeSuccesses: integer('probe-successes', 1, 100),
            healthPath,
        },
        timing: {
            healthTimeoutMs: duration('health-timeout'),
            releaseTimeoutMs: duration('release-timeout'),
            switchTimeoutMs: duration('switch-timeout'),
            drainTimeoutMs: duration('drain-timeout'),
            stopTimeoutMs: duration('stop-timeout'),
            lockTimeoutMs: duration('lock-timeout'),
            timeoutMs: duration('timeout'),
        },
        bake: { timeMs: bakeTime, accessLog: optional(accessLog), maxErrorPercent, minRequests: integer('bake-min-requests', 1, 1_000_000) },
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
    if (Boolean(get('registry-username')) !== Boolean(raw('registry-password'))) {
        problems.push('registry-username, registry-password: give both or neither');
    }
    if (problems.length > 0)
        throw new InputError(problems);
    return config;
}
/** A key ssh2 can read (and decrypt), checked before connecting. */
function privateKeyInput(name, key, passphrase, fail) {
    if (!key)
        return key;
    if (/-----BEGIN (?:ENCRYPTED )?PRIVATE KEY-----/.test(key)) {
        return fail(name, 'is a PKCS#8 key, which the SSH library cannot read: convert it with `ssh-keygen -p -f KEY` (OpenSSH format) and store that', '');
    }
    const parsed = lib_default().utils.parseKey(key, passphrase || undefined);
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
        return parseKnownHosts(text);
    }
    catch (e) {
        if (!(e instanceof KnownHostsError))
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

// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(7067);
// EXTERNAL MODULE: external "node:https"
var external_node_https_ = __webpack_require__(4708);
;// CONCATENATED MODULE: ./src/docker.ts
const docker_LABEL_APP = 'docker-hot-deploy.app';
/** The deployment a container belongs to: its redis-key, the deployment's identity on a server. */
const docker_LABEL_DEPLOYMENT = 'docker-hot-deploy.deployment';
const LABEL_DEPLOY = 'docker-hot-deploy.deploy';
const LABEL_IMAGE = 'docker-hot-deploy.image';
/** Set on a release command's one-off container. */
const docker_LABEL_ROLE = 'docker-hot-deploy.role';
/** Log rotation unless run-args chooses the logging: an unbounded json-file log fills the disk. */
const BOUNDED_LOGS = ['--log-driver', 'json-file', '--log-opt', 'max-size=10m', '--log-opt', 'max-file=3'];
const LOGGING_OPTIONS = /^--log-(?:driver|opt)(?:=|$)/;
/** The most of one file a deploy reads (a history, a confd resource): they are small, unless something is wrong. */
const docker_FILE_READ_BYTES = 256 * 1024;
/** One line per container, a JSON array: docker inspect's template, parsed by parse.containers. */
const CONTAINER_FORMAT = '[{{json .Id}},{{json .Name}},{{json .State.Status}},{{json .Config.Labels}},{{json .Config.Image}},{{json .Image}},{{json .HostConfig.PortBindings}},{{json .NetworkSettings.Ports}},{{json .State.StartedAt}}]';
/** The env a container gets: the env-file on the server, then the env values on stdin. */
const envArgs = (spec) => [...(spec.envFile ? ['--env-file', spec.envFile] : []), ...(spec.envOnStdin ? ['--env-file', '/dev/stdin'] : [])];
/** An address as it stands before `:port`: IPv6 in brackets. */
const bracketed = (address) => (address.includes(':') ? `[${address}]` : address);
const build = {
    /** A 0700 directory of the deploy user's own, for a Docker config that lives only as long as the pull. */
    makePrivateDir: () => ['mktemp', '-d', '-t', 'docker-hot-deploy.XXXXXXXXXX'],
    /** Removes a registry-login directory, once no docker command uses it: a login the dropped
     * connection left hanging (an unanswering registry) would write the credentials back when it ends.
     * Killed (a docker CLI may catch SIGTERM) and awaited, 5 s at most; the path matched literally. */
    removeDir: (dir) => ['sh', '-c', String.raw `p="docker --config $(printf %s "$1" | sed 's/[][\.*^$+?(){}|]/\\&/g') "
pkill -KILL -f -- "$p"
i=0; while pgrep -f -- "$p" >/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
rm -rf -- "$1"`, 'sh', dir],
    login: (configDir, registry, username) => ['docker', '--config', configDir, 'login', '--username', username, '--password-stdin', registry],
    /** With `progress`, docker prints each layer's progress (on a terminal: with its bytes) instead of only the image's name. */
    pull: (image, configDir, progress = false) => ['docker', ...(configDir ? ['--config', configDir] : []), 'pull', ...(progress ? [] : ['--quiet']), image],
    imageIdentity: (image) => ['docker', 'image', 'inspect', '--format', '{{json .RepoDigests}} {{.Id}}', image],
    /** Every deployment's release history of this deploy user (its last `entries` lines, the newest
     * kept if they are too long), each file after a `==> PATH` line that begins a line of its own. */
    readHistories: (dir, entries) => ['sh', '-c', `for f in "$1"/*.jsonl; do [ -f "$f" ] && printf "\\n==> %s\\n" "$f" && tail -n "$2" "$f" | tail -c ${docker_FILE_READ_BYTES}; done; true`, 'sh', dir, String(entries)],
    /** Appends stdin's line to a history, keeping its last `keep` lines: written aside, then renamed, 0600. */
    appendHistory: (path, keep) => ['sh', '-c', 'umask 077 && mkdir -p "${1%/*}" && { tail -n "$2" "$1" 2>/dev/null; cat; } > "$1.new" && mv "$1.new" "$1"', 'sh', path, String(keep - 1)],
    /** A one-off container of the new image, attached, removed when it ends: the release command. */
    runOnce(spec) {
        return [
            'docker', 'run', '--rm', '--name', spec.name,
            '--label', `${docker_LABEL_APP}=${spec.app}`, '--label', `${docker_LABEL_DEPLOYMENT}=${spec.deployment}`, '--label', `${docker_LABEL_ROLE}=release`,
            ...envArgs(spec),
            ...spec.runArgs,
            spec.image,
            ...spec.command,
        ];
    },
    /** Every container on the server, stopped ones too: their ports come back with them. A container
     * removed between the listing and the inspect is reported on stderr (see parse.vanishedOnly). */
    containers: () => ['sh', '-c', 'ids=$(docker ps --all --quiet --no-trunc) || exit 1; [ -z "$ids" ] && exit 0; exec docker container inspect --format "$1" $ids', 'sh', CONTAINER_FORMAT],
    run(spec) {
        return [
            'docker', 'run', '--detach', '--name', spec.name,
            '--label', `${docker_LABEL_APP}=${spec.app}`,
            '--label', `${docker_LABEL_DEPLOYMENT}=${spec.deployment}`,
            '--label', `${LABEL_DEPLOY}=${spec.deployId}`,
            '--label', `${LABEL_IMAGE}=${spec.image}`,
            // An explicit host port: Docker would pick another ephemeral one on every restart.
            '--publish', `${bracketed(spec.bindAddress)}:${spec.hostPort}:${spec.containerPort}`,
            '--restart', spec.restart,
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
    exitCodes: (id, since) => ['docker', 'events', '--since', since, '--until', '0s', '--filter', `container=${id}`, '--filter', 'event=die', '--format', '{{.Actor.Attributes.exitCode}}'],
    stop: (id, seconds) => ['docker', 'stop', '--time', String(seconds), id],
    /** Force-removes: for containers that never served (their anonymous volumes go too). */
    discard: (ids) => ['docker', 'rm', '--force', '--volumes', ...ids],
    /** Removes stopped containers, keeping their volumes. */
    remove: (ids) => ['docker', 'rm', ...ids],
    images: (repository) => ['docker', 'image', 'ls', '--no-trunc', '--format', '{{json .}}', repository],
    removeImages: (refs) => ['docker', 'image', 'rm', ...refs],
    /** What a deploy needs of the server, checked once: ss, ps and a Docker the user may use. */
    serverCheck: () => ['sh', '-c', 'for t in ss ps docker; do command -v "$t" >/dev/null || echo "missing $t"; done; docker version --format "docker {{.Server.Version}}" 2>&1'],
    listeningPorts: () => ['ss', '-Htln'],
    /** Docker's root directory (where images go; /var/lib/docker when Docker does not say), then its free space. */
    diskFree: () => ['sh', '-c', 'd=$(docker info --format "{{.DockerRootDir}}" 2>/dev/null) && [ -d "$d" ] || d=/var/lib/docker; [ -d "$d" ] || d=/; echo "$d"; exec df -Pk -- "$d"'],
    /** An image's size in bytes, if the server has it. */
    imageSize: (image) => ['docker', 'image', 'inspect', '--format', '{{.Size}}', image],
    /** The start of a file, at most `maxBytes` (what confd rendered, say). */
    readFile: (path, maxBytes) => ['head', '-c', String(maxBytes), '--', path],
    /** Where a log ends now: its inode and size; fails when the deploy user cannot read it (stat alone would not). */
    logEnd: (path) => ['sh', '-c', 'head -c 0 -- "$1" && exec stat -L -c "%i %s" -- "$1"', 'sh', path],
    /** At most `maxBytes` of a log from `from` on, after an `INODE START` line. A log that was rotated
     * (another inode) or truncated (shorter than the offset) is read from its start. */
    readLog: (path, from, maxBytes) => ['sh', '-c',
        'st=$(stat -L -c "%i %s" -- "$1") || exit 1; ino=${st% *}; start=$3; { [ "$ino" != "$2" ] || [ "${st#* }" -lt "$3" ]; } && start=0; '
            + 'echo "$ino $start"; tail -c +"$((start + 1))" -- "$1" | head -c "$4"', 'sh', path, from.inode, String(from.offset), String(maxBytes)],
    connectionsTo: (port) => ['ss', '-Htn', 'state', 'established', 'dport', '=', `:${port}`],
    /** Every process's pid, parent, owner and command line, after the deploy user's uid and the pids
     * of processes in nested PID namespaces (containers, or servers nested on this one): their nginx
     * and confd are not this server's. */
    processes: () => ['sh', '-c', 'echo "me $(id -u)"; cat /proc/[0-9]*/status 2>/dev/null | awk \'$1 == "Pid:" { pid = $2 } $1 == "NSpid:" && NF > 2 { print "nested", pid }\'; exec ps -eo pid=,ppid=,uid=,args='],
};
function jsonLines(text) {
    return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
}
/** The host ports of docker's port maps (configured and current), without duplicates or unset ones. */
function hostPortsOf(...maps) {
    const ports = maps.flatMap((map) => Object.values(map ?? {}).flatMap((bindings) => (bindings ?? []).map((b) => Number(b.HostPort))));
    return [...new Set(ports.filter((p) => Number.isInteger(p) && p > 0))];
}
const parse = {
    containers(text) {
        return jsonLines(text)
            .map(([id, name, state, labels, image, imageId, configured, current, startedAt]) => ({
            // The image as its deploy named it (it runs by digest).
            id, name: name.replace(/^\//, ''), state, labels: labels ?? {}, image: labels?.[LABEL_IMAGE] || image, imageId, hostPorts: hostPortsOf(configured, current),
            ...(startedAt ? { startedAt } : {}),
        }));
    },
    /** What keeps the deploy user from deploying (build.serverCheck's output), each with its fix; none when nothing does. */
    serverProblems(text, username) {
        const problems = [];
        const packages = { ss: 'iproute2', ps: 'procps', docker: 'docker.io' };
        for (const m of text.matchAll(/^missing (\w+)$/gm)) {
            problems.push({ subject: m[1], problem: `${m[1]} is not installed on the server`, fix: `install it (Debian/Ubuntu: sudo apt-get install ${packages[m[1]]})` });
        }
        if (/permission denied.*docker\.sock/is.test(text)) {
            problems.push({ subject: 'docker', problem: `${username} may not use Docker on the server`, fix: `add it to the docker group (sudo usermod -aG docker ${username}), then log in again so the group applies` });
        }
        else if (/cannot connect to the docker daemon/i.test(text)) {
            problems.push({ subject: 'docker', problem: 'Docker is not running on the server', fix: 'start it (sudo systemctl start docker)' });
        }
        else if (!/^missing docker$/m.test(text) && !/^docker \S+/m.test(text)) {
            problems.push({ subject: 'docker', problem: `docker version failed on the server: ${text.trim().split('\n').pop()}`, fix: `run docker version as ${username} on the server and fix what it says` });
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
        const codes = text.split('\n').map((l) => l.trim()).filter((l) => /^\d+$/.test(l));
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
        return jsonLines(text)
            .map((i) => ({ ref: i.Tag === '<none>' ? i.ID : `${i.Repository}:${i.Tag}`, id: i.ID, createdAt: i.CreatedAt }));
    },
    /** docker image rm problems other than "a container still uses it", which keeps that image by design. */
    imageRemovalProblems: (stderr) => stderr.split('\n').filter((l) => l.trim() && !/conflict: unable to (remove|delete)|is being used by|is using its referenced image/.test(l)),
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
        return { position: { inode: start.inode, offset: start.offset + complete.length }, text: complete.toString('utf8') };
    },
    lineCount: (text) => text.split('\n').filter((l) => l.trim()).length,
    /** The command lines of the server's own processes (see build.processes): in its own PID namespace,
     * of root or the deploy user, and the nginx workers such a master started (they run as nginx's
     * user). Another local user's process called confd, or calling itself a worker, steers nothing. */
    processes(text) {
        const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
        const me = /^me (\d+)$/m.exec(text)?.[1];
        const nested = new Set(lines.filter((l) => l.startsWith('nested ')).map((l) => l.slice('nested '.length)));
        const all = lines.map((l) => /^(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(l)).filter((m) => m !== null && !nested.has(m[1]))
            .map(([, pid, ppid, uid, args]) => ({ pid, ppid, uid, args }));
        const owned = new Map(all.filter((p) => p.uid === '0' || p.uid === me).map((p) => [p.pid, p.args]));
        const byOwnNginx = (p) => /^nginx: worker process/.test(p.args) && /^nginx: master process/.test(owned.get(p.ppid) ?? '');
        return all.filter((p) => owned.has(p.pid) || byOwnNginx(p)).map((p) => p.args);
    },
    shuttingDownWorkers: (commandLines) => commandLines.filter((l) => /^nginx: worker process is shutting down/.test(l)).length,
};
/** The image references of a repository to remove: every one whose image is not protected
 * (by id: all references to a protected image stay). */
function docker_imagesToPrune(images, protectedIds) {
    return images.filter((i) => !protectedIds.has(i.id)).map((i) => i.ref);
}
/** The first port of the range that is not taken. */
function docker_firstFreePort(range, taken) {
    for (let p = range.first; p <= range.last; p += 1)
        if (!taken.has(p))
            return p;
    return undefined;
}
/** Ports a new container may not take: listened on, or published by any container (a stopped or
 * restarting one takes its port back when it starts), or reserved (named by a key: its container
 * may be restarting right now). */
function docker_takenPorts(listening, containers, reserved) {
    const taken = new Set([...listening, ...reserved]);
    for (const c of containers)
        c.hostPorts.forEach((p) => taken.add(p));
    return taken;
}

;// CONCATENATED MODULE: ./src/upstream.ts
// The contract with confd and nginx, pure: what the action writes to the key
// (redis-value with the port filled in) and how nginx says which upstream answered.
/** redis-value with the port filled in. */
function upstream_formatKeyValue(template, port) {
    return template.replace('{port}', String(port));
}
/** The port read back from a stored value; undefined when the value does not fit redis-value. */
function upstream_portFromKeyValue(template, value) {
    const [before, after] = template.split('{port}');
    if (!value.startsWith(before) || !value.endsWith(after))
        return undefined;
    const port = value.slice(before.length, value.length - after.length);
    return /^\d{1,5}$/.test(port) ? Number(port) : undefined;
}
/** The port a stored value names in any form confd's template accepts ("49153", "host:49153"), whatever redis-value says. */
function upstream_portNamedBy(value) {
    const m = /^(?:.*:)?(\d{1,5})$/.exec(value);
    return m ? Number(m[1]) : undefined;
}
/** The port of the last address in an upstream header ("127.0.0.1:49153" or "a:1, b:2"). */
function upstream_upstreamPort(header) {
    const last = header?.split(',').pop()?.trim();
    const m = last ? /:(\d+)$/.exec(last) : null;
    return m ? Number(m[1]) : undefined;
}

;// CONCATENATED MODULE: ./src/probe.ts
// HTTP through an SSH forward, a fresh TCP connection per request: a kept-alive
// connection may still be served by an old nginx worker after a reload.




const PROBE_TIMEOUT_MS = 5_000;
/** What the probes request through nginx: probe-url's path and query. */
const probe_probePath = (url) => `${url.pathname}${url.search}`;
function probe_isHealthyStatus(status) {
    return status !== undefined && status >= 200 && status < 400;
}
/** Probes until `successes` probes in a row are answered (2xx/3xx) by `port`: 'proven'. A probe
 * `failFast` picks ends it at once and is returned; 'timed out' once `next` (which waits) says stop. */
async function probe_proveServed(probe, port, successes, next, failFast = () => false) {
    let inARow = 0;
    for (;;) {
        const result = await probe();
        if (failFast(result))
            return result;
        inARow = probe_isHealthyStatus(result.status) && upstream_upstreamPort(result.upstream) === port ? inARow + 1 : 0;
        if (inARow >= successes)
            return 'proven';
        if (!await next())
            return 'timed out';
    }
}
function httpGet(target) {
    const request = target.https ? external_node_https_.request : external_node_http_.request;
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
function forwardedProbes(shell, config) {
    const forwards = new Map();
    const forwardTo = (host, port) => {
        const key = `${host}:${port}`;
        if (!forwards.has(key))
            forwards.set(key, shell.forward(host, port));
        return forwards.get(key);
    };
    const url = config.switch.probeUrl;
    const https = url.protocol === 'https:';
    const urlPort = Number(url.port) || (https ? 443 : 80);
    const urlHost = url.hostname.replace(/^\[|\]$/g, '');
    return {
        async health(port) {
            const forward = await forwardTo(config.container.bindAddress, port);
            return httpGet({ socketPath: forward.path, https: false, path: config.switch.healthPath, hostHeader: `${bracketed(config.container.bindAddress)}:${port}`, timeoutMs: PROBE_TIMEOUT_MS });
        },
        async probe() {
            const forward = await forwardTo(urlHost, urlPort);
            return httpGet({
                socketPath: forward.path, https, path: probe_probePath(url),
                hostHeader: config.switch.probeHost ?? url.host, upstreamHeader: config.switch.upstreamHeader, timeoutMs: PROBE_TIMEOUT_MS,
            });
        },
        async close() {
            await Promise.all([...forwards.values()].map(async (f) => (await f).close()));
        },
    };
}

// EXTERNAL MODULE: ./node_modules/ioredis/built/index.js
var built = __webpack_require__(7796);
;// CONCATENATED MODULE: ./src/redis.ts
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
/** The action's lock for a deployment, under a name no confd prefix of the host setup matches
 * (they start with "/"): taking it never makes confd render. */
const LOCK_PREFIX = 'docker-hot-deploy:lock:';
const redis_lockName = (redisKey) => `${LOCK_PREFIX}${redisKey}`;
/** The names of the locks deploys took (a member stays after its lock expired: the lock itself says
 * whether it is held). What neighbours read before pruning, without scanning the keyspace. */
const LOCKS_TAKEN = 'docker-hot-deploy:locks';
/** Where 0.1 kept the lock (inside confd's prefix); honoured while one lives. */
const redis_legacyLockName = (redisKey) => `${redisKey}:lock`;
/** confd -watch hears a SET only with keyspace events (K) for string commands ($, or A for all). */
function notificationsCoverSet(flags) {
    return flags.includes('K') && (flags.includes('$') || flags.includes('A'));
}
/** Why a write to this Redis may not survive its restart, or undefined when it will. */
function redis_persistenceRisk(p) {
    if (p.appendonly)
        return undefined;
    if (!p.save.trim())
        return 'Redis keeps nothing across a restart (appendonly no, save ""): a restart loses the key, and a confd template with a fallback renders it at confd\'s next write. Set appendonly yes (examples/host/redis/persistence.conf)';
    return `Redis persists only by snapshots (appendonly no, save "${p.save}"): a crash before the next snapshot loses this write. Set appendonly yes (examples/host/redis/persistence.conf)`;
}
/** CONFIG GET's answer: RESP2 [name, value], RESP3 a map. */
function configValue(reply, name) {
    return Array.isArray(reply) ? String(reply[1] ?? '') : String(reply[name] ?? '');
}
/** Each Redis command, and the connection through the forward, answer within this or fail. */
const COMMAND_TIMEOUT_MS = 5_000;
const CONNECT_TIMEOUT_MS = 10_000;
async function openKeyStore(shell, target) {
    const forward = await shell.forward(target.host, target.port);
    const redis = new built.Redis({
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
    redis.on('error', (e) => { firstError ??= e; });
    // The local end of the forward accepts at once; a Redis host that never answers
    // (blackholed) shows only as a missing reply, so the whole handshake is bounded.
    let timer;
    try {
        await Promise.race([
            redis.connect().then(() => redis.ping()),
            new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS); }),
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
    shell.onLost(() => { if (!closed)
        redis.disconnect(); });
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
            return flags === undefined ? undefined : notificationsCoverSet(flags);
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
            const names = (await redis.smembers(LOCKS_TAKEN)).filter((name) => name.startsWith(LOCK_PREFIX));
            if (names.length === 0)
                return [];
            const holders = await redis.mget(names);
            return names.filter((_, i) => holders[i] !== null).map((name) => name.slice(LOCK_PREFIX.length));
        },
        async close() {
            closed = true;
            [...held.keys()].forEach(stopRenewing);
            redis.disconnect();
            await forward.close();
        },
    };
}

;// CONCATENATED MODULE: ./src/history.ts
// A deployment's release history, pure: what is kept on the server (one JSON line
// a release, in a file of the deploy user's own), what a rollback goes back to,
// and which images the last releases need.

/** Entries a history keeps: enough to go back several releases, bounded so the file stays small. */
const history_HISTORY_ENTRIES = 50;
/** Where the histories live, relative to the deploy user's home (a deploy's commands start there). */
const history_HISTORY_DIR = '.docker-hot-deploy/releases';
/** One file per deployment: its redis-key made a file name, and a hash that keeps two keys apart. */
function history_historyPath(deployment) {
    const readable = deployment.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^[._]+/, '').slice(0, 80);
    const hash = createHash('sha256').update(deployment).digest('hex').slice(0, 8);
    return `${history_HISTORY_DIR}/${readable}-${hash}.jsonl`;
}
const OUTCOMES = (/* unused pure expression or super */ null && (['deployed', 'rolled back', 'failed', 'baked-out']));
/** Image references, digests, ids and container names: no spaces, no control characters. */
const history_REFERENCE_RE = /^[\w.:@/+[\]-]*$/;
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
        if (!text(name, history_REFERENCE_RE))
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
function history_parseHistory(text, skipped = () => undefined) {
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
function history_servedStack(history) {
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
function history_rollbackTarget(history) {
    const stack = history_servedStack(history);
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
function history_imagesToKeep(history, keep) {
    const stack = history_servedStack(history);
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
const history_latest = (history, count) => history.slice(-count).reverse();

;// CONCATENATED MODULE: ./src/deployment-state.ts
// What one deployment (a redis-key on a server) has there before a deploy
// writes anything, pure: its containers, the one nginx serves, and whether the
// key must first be put back in line with what nginx serves (a lost or wrong key).




/** The app a deployment's containers are labelled with: the `app` input, else the image's name. */
const deployment_state_appName = (app, image) => app || appFromImage(image) || 'app';
/** States in which a container holds (or is about to hold again) its port. */
const deployment_state_isUp = (c) => ['running', 'restarting', 'paused'].includes(c.state);
/** nginx's own failures (no answer from the upstream) say nothing about what serves. */
const NGINX_UPSTREAM_FAILURE = new Set([502, 504]);
function deployment_state_deploymentState(o) {
    const mine = o.containers.filter((c) => c.labels[LABEL_DEPLOYMENT] === o.deployment);
    // 0.1 labelled containers by app only: one of this app's is this deployment's only if it publishes the port in use.
    const legacy = o.containers.filter((c) => c.labels[LABEL_APP] === o.app && c.labels[LABEL_DEPLOYMENT] === undefined);
    const liveOn = (port) => port === undefined ? undefined : [...mine, ...legacy].find((c) => c.state === 'running' && c.hostPorts.includes(port));
    const withLegacy = (c) => (c && !mine.includes(c) ? [...mine, c] : mine);
    const fits = o.keyValue === null || portFromKeyValue(o.redisValue, o.keyValue) !== undefined;
    // A value in another form than redis-value still names its port: that is a redis-value problem, not a lost key.
    const keyPort = o.keyValue === null ? undefined : portNamedBy(o.keyValue);
    const servedPort = o.served.status !== undefined && !NGINX_UPSTREAM_FAILURE.has(o.served.status) ? upstreamPort(o.served.upstream) : undefined;
    const keyContainer = liveOn(keyPort);
    const servedContainer = liveOn(servedPort);
    const shown = o.keyValue === null ? 'is unset' : `holds "${o.keyValue}"`;
    if (servedContainer && servedPort !== undefined && servedPort !== keyPort) {
        const to = formatKeyValue(o.redisValue, servedPort);
        return {
            keyValue: to, keyPort: servedPort, serving: servedContainer, own: withLegacy(servedContainer),
            repair: { from: o.keyValue, to },
            findings: [`${o.deployment} ${shown}, but nginx serves ${servedContainer.name} on :${servedPort}: writing "${to}" back first (confd renders what nginx already serves)`],
        };
    }
    const findings = [];
    if (!fits)
        findings.push(`${o.deployment} holds "${o.keyValue}", which does not fit redis-value ${o.redisValue}`);
    if (keyPort !== undefined && !keyContainer) {
        findings.push(`${o.deployment} names port ${keyPort}, but no running container of this deployment publishes it`);
    }
    if (!keyContainer && mine.some(deployment_state_isUp)) {
        findings.push('nginx serves no running container of this deployment: the site is down, and this deploy is the repair');
    }
    return { keyValue: o.keyValue, keyPort, serving: keyContainer, own: withLegacy(keyContainer), findings };
}
/** Containers of the deployment other than `keep`: the ones up are stopped gracefully, the rest removed. */
function deployment_state_retirees(state, keep) {
    const others = state.own.filter((c) => c.id !== keep);
    return { stop: others.filter(deployment_state_isUp), remove: others.filter((c) => !deployment_state_isUp(c)) };
}
/** The other deployments on the server, from their containers and their histories: their redis keys. */
const deployment_state_neighbourDeployments = (containers, histories, own) => [...new Set([...containers.map((c) => c.labels[LABEL_DEPLOYMENT]), ...histories.flatMap((h) => h.map((r) => r.deployment))])]
    .filter((d) => Boolean(d) && d !== own);
/** Ports no new container may take though nothing may listen on them now: the one this deployment's
 * key names, the ones its neighbours' keys name (their container restarting, or gone while nginx
 * still points there: taking the port would make that site serve this app), and the ports their
 * histories last released on. */
function deployment_state_reservedPorts(ownKeyPort, neighbourKeyValues, neighbourHistories) {
    const named = neighbourKeyValues.map((value) => (value === null ? undefined : portNamedBy(value)));
    const released = neighbourHistories.map((history) => servedStack(history).at(-1)?.port);
    return [...new Set([ownKeyPort, ...named, ...released].filter((p) => p !== undefined))];
}

;// CONCATENATED MODULE: ./src/deploy-run.ts
class deploy_run_DeployError extends Error {
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
        return own <= this.deadline ? { end: own, limit: input } : { end: this.deadline, limit: 'timeout (the whole deploy)' };
    }
    seconds() {
        return (this.clock.now() - this.started) / 1000;
    }
}

// EXTERNAL MODULE: ./node_modules/smol-toml/dist/index.js + 8 modules
var dist = __webpack_require__(3292);
;// CONCATENATED MODULE: ./src/confd.ts
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
    const found = words.map((w) => new RegExp(`^--?${name}(?:=(.*))?$`).exec(w)).filter((m) => m !== null).at(-1);
    return found === undefined ? undefined : ['', undefined, 'true', '1', 't', 'T', 'TRUE', 'True'].includes(found[1]);
}
/** The command lines of confd processes (the executable is confd, whatever else names it), as words. */
const confdCommands = (commandLines) => commandLines.map((line) => line.trim().split(/\s+/)).filter((words) => /(?:^|\/)confd$/.test(words[0] ?? ''));
const configFileOf = (words) => flagValue(words, 'config-file') ?? DEFAULT_CONFIG_FILE;
/** The settings files these confds read (confd.toml), to read before their processes are judged. */
const confdConfigFiles = (commandLines) => [...new Set(confdCommands(commandLines).map(configFileOf))];
/** What a confd.toml sets of what the deploy needs to know (an unreadable or broken file: nothing). */
function configFileSettings(text) {
    try {
        const t = (0,dist/* parse */.qg)(text ?? '');
        const str = (value) => (typeof value === 'string' ? value : undefined);
        return {
            confdir: str(t.confdir), backend: str(t.backend), prefix: str(t.prefix),
            watch: typeof t.watch === 'boolean' ? t.watch : undefined, interval: typeof t.interval === 'number' ? t.interval : undefined,
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
const readConfigFiles = (paths) => ['sh', '-c', `for f in "$@"; do [ -r "$f" ] && printf "\\n==> %s\\n" "$f" && head -c ${docker_FILE_READ_BYTES} "$f"; done; true`, 'sh', ...paths];
/** The confds with the Redis backend: the ones whose resources a deploy's key writes re-render. */
const redisConfds = (processes) => processes.filter((p) => p.backend === 'redis');
/** Every template resource (conf.d/**\/*.toml, as confd finds them) in these confds' -confdir, each
 * file after a `==> PATH` line (parse.files); bounded, as what is read comes from the server. */
const readResources = (confds) => ['sh', '-c', `find "$@" -type f -name "*.toml" 2>/dev/null | head -n ${MAX_RESOURCES} | while IFS= read -r f; do printf "\\n==> %s\\n" "$f"; head -c ${docker_FILE_READ_BYTES} "$f"; done; true`, 'sh',
    ...new Set(confds.map((p) => `${p.confdir}/conf.d`))];
/** confd's prefix joining: "/" + the trimmed global and resource prefixes, then the key. */
function joinedKey(globalPrefix, own, key) {
    return `/${[globalPrefix, own, key].map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')}`;
}
/** A template resource's file as TOML: its keys (prefixes joined), dest and reload_cmd. */
function resource(text, globalPrefix) {
    try {
        const t = (0,dist/* parse */.qg)(text).template;
        if (!t)
            return {};
        const str = (value) => (typeof value === 'string' ? value : undefined);
        return {
            keys: Array.isArray(t.keys) ? t.keys.map((k) => joinedKey(globalPrefix, str(t.prefix) ?? '', String(k))) : undefined,
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
        found.set(p.confdir, [...files].filter(([path]) => path.startsWith(`${p.confdir}/conf.d/`))
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
const confd_resourceRendering = (state, key) => {
    const rendering = resourcesRendering(state, key).filter((r) => r.dest);
    return rendering.find((r) => r.keys !== undefined) ?? rendering[0];
};
/** The no-reload setup: confd hands the address to nginx's admin socket (examples/host/bin/dhd-peer). */
const confd_handsPeerToNginx = (r) => /\bdhd-peer\s+set\b/.test(r.reloadCmd ?? '');
/** Whether a rendered file (an upstream block, or the no-reload setup's peer file) names `port`. */
const confd_namesPort = (rendered, port) => new RegExp(`:${port}(?!\\d)`).test(rendered);
/** How many Redis confds have a resource that renders from `key` (undefined: a -confdir showed no
 * resources, unreadable perhaps, so nobody can tell). */
function confd_confdsRendering(state, key) {
    const dirs = [...state.resources.values()];
    if (dirs.length === 0 || dirs.some((resources) => resources.length === 0))
        return undefined;
    return dirs.filter((resources) => resources.some((r) => renders(r, key))).length;
}
/** Said when a confd with the Redis backend has several template resources: its one watch wakes
 * only one of them per write (confd 0.16), so a switch of either deployment may never render. */
function confd_sharedWatchProblem(state) {
    const shared = [...state.resources].filter(([, resources]) => resources.length > 1);
    if (shared.length === 0)
        return undefined;
    const which = shared.map(([dir, resources]) => `confd -confdir ${dir} has ${resources.length} template resources (${resources.map((r) => r.file).sort().join(', ')})`).join('; ');
    return `${which}: confd's Redis backend wakes only one of a process's resources per write, so nginx may keep the old upstream. Run one confd per deployment (README: Several deployments on one server).`;
}
/** The Redis confds with a resource that renders from `key` (undefined: as confdsRendering, nobody can tell). */
function confdsRenderingKey(state, key) {
    if (confd_confdsRendering(state, key) === undefined)
        return undefined;
    return redisConfds(state.processes).filter((p) => (state.resources.get(p.confdir) ?? []).some((r) => renders(r, key)));
}

;// CONCATENATED MODULE: ./src/progress.ts
// Progress of long work (a pull, a release command, waits on a lock or a drain), pure: what
// `docker pull` prints on a terminal read into layers and bytes, and a line at most every
// few seconds. The log folds plain lines; the CLI on a terminal rewrites one.
/** How often a long piece of work says where it stands (the first time after as long). */
const progress_PROGRESS_EVERY_MS = 3_000;
/** Docker's sizes (units.HumanSize: decimal, "12.58MB", "1.049kB", "512B"). */
const UNITS = { B: 1, kB: 1e3, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12 };
const SIZE = String.raw `([\d.]+)\s*(B|kB|KB|MB|GB|TB)`;
const PROGRESS = new RegExp(`${SIZE}/${SIZE}`);
const bytesOf = (value, unit) => Math.round(Number(value) * (UNITS[unit] ?? 1));
/** Cursor moves and line clears of a terminal's output. */
const ESCAPES = /\x1b\[[0-9;?]*[A-Za-z]/g;
/** What `docker pull` on a terminal printed so far, by layer: it redraws one line per layer
 * ("<id>: Downloading [==>  ] 12.58MB/104.2MB", "<id>: Pull complete", "<id>: Already exists"). */
class progress_PullProgress {
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
const progress_megabytes = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
/** "3/7 layers, 45.2 MB of 210.0 MB": as much as Docker told. */
function progress_pullLine(s) {
    const layers = s.layers > 0 ? `${s.done}/${s.layers} layers` : 'waiting for the registry';
    return s.totalBytes > 0 ? `${layers}, ${progress_megabytes(s.bytes)} of ${progress_megabytes(s.totalBytes)}` : layers;
}
/** A terminal's output as lines: its cursor moves and blank lines gone. */
const withoutRedraws = (text) => text.replace(ESCAPES, '').split(/\r\n|\r|\n/).map((l) => l.trim()).filter(Boolean).join('\n');
/** The last line a command printed that says something. */
const progress_lastLine = (text) => withoutRedraws(text).split('\n').at(-1) || undefined;
/** Calls `say` with `line()` every `everyMs` while the work runs (nothing for work quicker than that). */
function progress_reportWhile(work, line, say, everyMs = progress_PROGRESS_EVERY_MS) {
    const timer = setInterval(() => say(line()), everyMs);
    timer.unref();
    return work.finally(() => clearInterval(timer));
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./node_modules/node-ssh/lib/esm/index.mjs + 2 modules
var esm = __webpack_require__(9487);
// EXTERNAL MODULE: ./node_modules/shell-quote/index.js
var shell_quote = __webpack_require__(6591);
;// CONCATENATED MODULE: ./src/shell.ts
// The one place a remote command line is made: an argument list, each element
// quoted so the server's shell passes it on as one literal argument.

function shellCommand(argv) {
    if (argv.length === 0)
        throw new Error('empty command');
    return (0,shell_quote.quote)([...argv]);
}

;// CONCATENATED MODULE: ./src/ssh/kept-output.ts
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

;// CONCATENATED MODULE: ./src/ssh/connection.ts
// The one SSH connection of a deploy: host key pinned before authentication,
// commands as exec channels (argument lists quoted by shellCommand), and local
// forwards through the same connection for Redis and HTTP, on Unix sockets of the runner's user only.








/** Wide enough that docker draws its progress in full. */
const TERMINAL = { cols: 200, rows: 50, term: 'xterm' };
class HostKeyError extends Error {
}
/** The connection went away under the deploy: nothing more can be done on the server from here. */
class connection_ConnectionLost extends Error {
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
    const name = hostName(hop.host, hop.port);
    try {
        await ssh.connect({
            host: hop.host,
            port: hop.port,
            sock: sock,
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
                const verdict = pinned ? verifyHostKey(hop.pins, hop.host, hop.port, key) : { ok: false, reason: 'neither known-hosts nor host-fingerprint is set' };
                if (!verdict.ok) {
                    const fix = role === 'server'
                        ? `set the input host-fingerprint: ${fingerprintOf(key)}`
                        : `add its line to jump-known-hosts (ssh-keyscan -p ${hop.port} ${hop.host})`;
                    refusal = `Refusing the ${role} ${name}: ${verdict.reason}. It offered ${fingerprintOf(key)}; ` +
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
        lostWith = new connection_ConnectionLost(`the SSH connection to the server was lost (${why})`);
        onLoss.forEach((notify) => notify(lostWith));
    };
    for (const hop of [ssh, bastion]) {
        hop?.connection?.on('error', (e) => { debug(`ssh connection error: ${e.message}`); lose(e.message); });
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
                throw new connection_ConnectionLost('the SSH connection to the server is closed');
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
            const stopped = new Promise((_, reject) => { stop = reject; });
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
                        opened.on('exit', (exitCode, exitSignal) => { code = exitCode ?? null; signal = exitSignal ?? null; });
                        opened.on('close', () => resolve({ code, signal }));
                        opened.end(options.stdin);
                    });
                });
                const result = await Promise.race([stopped, ended]);
                // No exit status and no signal: the channel closed under the command (a dropped connection).
                if (result.code === null && !result.signal)
                    throw new connection_ConnectionLost(`the SSH connection closed before ${what} reported how it ended`);
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
                if (e instanceof connection_ConnectionLost && !closing)
                    throw new connection_ConnectionLost(`${e.message}, running ${what}`);
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
                Promise.resolve().then(() => ssh.forwardOut('127.0.0.1', 0, host, port)).then((channel) => {
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
        socket.once('connect', () => { socket.setTimeout(0); resolve(socket); });
        socket.once('timeout', () => socket.destroy(new Error(`no TCP connection within ${READY_TIMEOUT_MS / 1000} s`)));
        socket.once('error', (e) => reject(new Error(`could not reach ${host}:${port}: ${e.message}`)));
    });
}
/** Offer the pinned key types first, as OpenSSH does, so the server presents a pinned key. */
function hostKeyAlgorithms(target) {
    const preferred = preferredHostKeyAlgorithms(target.pins, target.host, target.port);
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

;// CONCATENATED MODULE: ./src/server-deploy.ts
// One server's part of a deploy, phase by phase as the contract names them
// (DESIGN.md "One deploy, step by step"). The orchestrator (deploy.ts) calls
// the phases in stages across servers; each phase is timed on this server's
// timeline and fails with a DeployError that carries its hint.














/** The deploy lock is gone: whatever the deploy was doing on this server, it stops. */
class LockLost extends (/* unused pure expression or super */ null && (Error)) {
}
/** Another server failed while this one prepared: it stops waiting. */
class Stopped extends (/* unused pure expression or super */ null && (Error)) {
}
/** The deploy was asked to stop (Ctrl-C): it fails at its next step, and what it did is undone. */
class Interrupted extends (/* unused pure expression or super */ null && (Error)) {
}
const POLL_MS = { lock: 250, ready: 50, switch: 5, settle: 50, drain: 50 };
/** Renewed every quarter of it while held: a deploy whose runner died frees the lock this long after.
 * Above the time SSH keepalives take to declare a connection dead (see ssh/connection.ts). */
const LOCK_TTL_MS = 30_000;
const LOG_TAIL_LINES = 30;
/** History entries the summary shows. */
const SUMMARY_RELEASES = 5;
const PORT_ATTEMPTS = 5;
const KEPT_PROBES = 10;
/** The most of access-log one read of the bake takes (twice a second). */
const LOG_READ_BYTES = (/* unused pure expression or super */ null && (1024 * 1024));
/** What is kept of the release command's output for its progress line. */
const RELEASE_TAIL_CHARS = 4096;
const seconds = (ms) => `${(ms / 1000).toFixed(0)} s`;
const show = (value) => (value === null ? '(unset)' : `"${value}"`);
const lastLines = (text, count) => text.split('\n').filter((l) => l.trim()).slice(-count).join('\n');
class ServerDeploy {
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
    containerName;
    app;
    lock;
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
    env;
    constructor(run, server) {
        this.run = run;
        this.server = server;
        const { config, identity } = run;
        this.lock = { name: lockName(config.switch.redisKey), owner: identity.lockOwner };
        this.history = historyPath(config.switch.redisKey);
        // The app names containers; a rollback without image or app takes it from the release it goes back to.
        this.app = config.container.app || 'app';
        this.containerName = `${this.app}-${identity.instance}`;
        this.env = config.container.env.map(([k, v]) => `${k}=${v}\n`).join('');
    }
    get name() {
        return this.server.name;
    }
    /** What was pulled here: the image, its digest, and whether that is only a local image id (no registry digest). */
    get pulledImage() {
        return this.pulled && { image: this.pulled.image, digest: this.pulled.identity.digest, local: this.pulled.identity.digest === this.pulled.identity.id };
    }
    /** What a rollback goes back to here, once inspected. */
    get rollbackRelease() {
        return this.inspection?.target?.release;
    }
    get config() {
        return this.run.config;
    }
    /** A message about this server, naming it when there are several. */
    said(message) {
        return aboutServer(this.name, this.run.several, message);
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
            if (this.run.clock.now() - last < PROGRESS_EVERY_MS)
                return;
            last = this.run.clock.now();
            this.progress(line());
        };
    }
    checkpoint(name, value) {
        this.server.checkpoint?.(name, value);
    }
    // Recorded when a phase starts, so the timeline keeps the contract's order
    // even where phases overlap.
    async phase(name, work) {
        const { clock, log } = this.run;
        const t0 = clock.now();
        const record = { phase: name, ms: 0, ok: false, detail: '' };
        this.timeline.push(record);
        try {
            this.checkLock();
            const { value, detail } = await log.group(this.said(name), work);
            Object.assign(record, { ms: clock.now() - t0, ok: true, detail });
            return value;
        }
        catch (e) {
            const reason = e instanceof DeployError ? e.reason : e.message;
            Object.assign(record, { ms: clock.now() - t0, detail: reason });
            const hint = e instanceof DeployError ? e.hint : e instanceof LockLost ? this.lockLostHint() : e instanceof ConnectionLost ? this.connectionLostHint()
                : e instanceof Interrupted ? 'The deploy was asked to stop: what it changed is undone, and the previous version serves.' : HINTS[name];
            const failure = new DeployError(name, reason, hint, this.timeline, e instanceof DeployError ? e.details : {}, this.run.several ? this.name : undefined);
            failure.oldServes = !this.switched;
            failure.serverLost = e instanceof ConnectionLost || (e instanceof DeployError && e.serverLost);
            this.lost ||= failure.serverLost;
            throw e instanceof Stopped ? e : failure;
        }
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
    connectionLostHint() {
        return this.switched
            ? `Check the server and the network. ${this.containerName} may serve; the lock expires by itself, and the next deploy retires whichever container the key does not name.`
            : 'Check the server and the network. Nothing was switched: the previous version serves; the post step (or the next deploy) removes what this one started.';
    }
    lockLostHint() {
        return this.switched
            ? `Another deploy may hold the lock now, so this one stopped. ${this.containerName} may serve; the previous container still runs, and the next deploy retires whichever the key does not name.`
            : 'Another deploy may hold the lock now, so this one stopped: nothing was switched, the previous version serves, and the new container was removed.';
    }
    /** 2. Lock: one deploy of this key at a time; released in every outcome (unlock). */
    acquireLock() {
        const { clock, log, config } = this.run;
        const { keys } = this.server;
        return this.phase('lock', async () => {
            const { end, limit } = this.run.until(config.timing.lockTimeoutMs, 'lock-timeout');
            const waitedFrom = clock.now();
            const legacy = legacyLockName(config.switch.redisKey);
            let announced = null;
            const stillWaiting = this.everyFewSeconds();
            for (;;) {
                // A 0.1 deploy still running holds the old name, and knows nothing of the new one.
                const [acquired, legacyHolder] = await Promise.all([this.held || keys.tryLock(this.lock.name, this.lock.owner, LOCK_TTL_MS), keys.lockHolder(legacy)]);
                if (acquired && !this.held) {
                    this.held = true;
                    this.run.locked.add(this.name);
                    this.checkpoint('lock', this.lock.name);
                }
                const [waitingFor, holder] = this.held ? [legacy, legacyHolder] : [this.lock.name, await keys.lockHolder(this.lock.name)];
                // Its own owner, and another server of this deploy holds its lock: the same lock, one Redis. (Alone,
                // its own owner is its own SET whose reply was lost and resent: that expires, and is waited for.)
                if (!this.held && holder === this.lock.owner && this.run.locked.size > 0) {
                    throw new DeployError('lock', `${this.lock.name} is held by this same deploy through another server: the servers share one Redis`, 'Several servers of one deploy each need their own Redis (redis-url as seen from each server): with one shared key, confd on every server would follow one value.', this.timeline);
                }
                if (this.held && holder === null) {
                    const waited = clock.now() - waitedFrom;
                    return { value: undefined, detail: announced ? `waited ${(waited / 1000).toFixed(1)} s for ${announced}` : this.lock.name };
                }
                if (holder && holder !== announced) {
                    log.info(this.said(`Waiting for ${waitingFor}, held by ${holder}`));
                    announced = holder;
                }
                else if (holder) {
                    stillWaiting(() => `still waiting for ${waitingFor}, held by ${holder} (${seconds(clock.now() - waitedFrom)} so far, at most ${seconds(end - waitedFrom)}: ${limit})`);
                }
                if (clock.now() >= end)
                    throw new DeployError('lock', `${waitingFor} is still held by ${holder ?? announced} after ${limit}`, HINTS.lock, this.timeline);
                await clock.sleep(POLL_MS.lock);
            }
        });
    }
    async unlock() {
        if (!this.held)
            return;
        await this.server.keys.unlock(this.lock.name, this.lock.owner).then(() => this.checkpoint('lock', ''), (e) => this.warn(`could not release ${this.lock.name} (it expires by itself): ${e.message}`));
    }
    /** Writes the port key only while the lock is held and the key holds what this deploy last saw. */
    async writeKey(expected, value) {
        const key = this.config.switch.redisKey;
        const outcome = await this.server.keys.compareAndSet(key, expected, value, this.lock);
        if (outcome.ok)
            return;
        if (outcome.lockLost)
            throw new Error(`${this.lock.name} is no longer held by this deploy, so ${key} was not written`);
        throw new Error(`${key} changed meanwhile (it holds ${show(outcome.current)}, not ${show(expected)}): someone else wrote it, and this deploy does not overwrite that`);
    }
    /** 3 + 4 (begun) + pull. Learn what serves now and repair a lost or wrong key first, while pulling. */
    async inspectAndPull() {
        const { docker, keys, probes } = this.server;
        const c = this.config.container;
        const s = this.config.switch;
        // The release history is read beside it: a rollback takes its image from there.
        const histories = docker.readHistories(HISTORY_DIR, HISTORY_ENTRIES);
        this.confdAtStart = docker.confd().catch(() => undefined);
        const { accessLog, timeMs } = this.config.bake;
        if (accessLog && timeMs > 0)
            this.logCheck = docker.logEnd(accessLog).then(() => undefined, (e) => this.unreadableLog(accessLog, e));
        const inspected = this.phase('inspect', async () => {
            const [keyValue, notifications, persistence, containers, listening, served, files] = await Promise.all([
                keys.get(s.redisKey), keys.keyspaceNotifications(), keys.persistence(), docker.containers(), docker.listeningPorts(), probes.probe(), histories,
            ]);
            const skipped = [];
            const history = parseHistory(files.get(this.history) ?? '', (why) => skipped.push(why));
            if (skipped.length > 0)
                this.warn(`~/${this.history}: ${skipped.length} line(s) are no release and were skipped (first: ${skipped[0]})`);
            const target = c.rollback ? this.rollbackImage(history) : undefined;
            const state = deploymentState({ deployment: s.redisKey, app: appName(c.app, target?.release.image ?? c.image), redisValue: s.redisValue, keyValue, served, containers });
            state.findings.forEach((m) => this.warn(m));
            if (state.repair)
                await this.writeKey(state.repair.from, state.repair.to);
            const risk = persistence && persistenceRisk(persistence);
            if (risk)
                this.warn(risk);
            const neighbourHistories = [...files].filter(([path]) => path !== this.history).map(([, text]) => parseHistory(text));
            const neighbourKeys = await Promise.all(neighbourDeployments(containers, neighbourHistories, s.redisKey).map((key) => keys.get(key).catch(() => null)));
            const reserved = reservedPorts(state.keyPort, neighbourKeys, neighbourHistories);
            const detail = state.keyValue === null ? 'key unset: first deploy' : `key=${state.keyValue}${state.serving ? `, serving: ${state.serving.name}` : ''}${state.repair ? ' (repaired)' : ''}`;
            return { value: { state, containers, listening, reserved, notifications, history, files, target }, detail };
        });
        const pulled = this.phase('pull', async () => {
            // A rollback's image is known once the history is read; any other is pulled at once.
            const target = c.rollback ? (await inspected).target : undefined;
            const image = target?.ref ?? c.image;
            const policy = target ? 'missing' : c.pull;
            const registry = c.registry ?? registryOf(image);
            const progress = new PullProgress();
            const onOutput = (text) => progress.feed(text);
            const t0 = this.run.clock.now();
            const took = () => seconds(this.run.clock.now() - t0);
            try {
                const pulling = c.registryUsername && c.registryPassword ? this.pullLoggedIn(image, policy, registry, c.registryUsername, c.registryPassword, onOutput)
                    : docker.pull(image, policy, undefined, onOutput);
                const identity = await reportWhile(pulling, () => `pulling ${image}: ${pullLine(progress.state)} (${took()})`, (line) => this.progress(line));
                const login = c.registryUsername ? ` (logged in to ${registry} for this pull)` : '';
                const { bytes } = progress.state;
                return { value: { image, identity }, detail: `${image} ${identity.digest}${bytes > 0 ? `, ${megabytes(bytes)} in ${took()}` : ''}${login}` };
            }
            catch (e) {
                if (!target)
                    throw e;
                throw new Error(`the release to roll back to, ${target.release.image} (${target.release.digest}, deployed ${target.release.time}), is not on the server and cannot be pulled by digest: ${e.message}`);
            }
        });
        [this.inspection, this.pulled] = await Promise.all([inspected, pulled]);
        // A rollback by image id pulls "sha256:...": its app is the release's image's.
        this.app = appName(c.app, this.inspection.target?.release.image ?? this.pulled.image);
        this.containerName = `${this.app}-${this.run.identity.instance}`;
        if (this.inspection.target)
            this.run.log.info(`Rolling back to ${this.inspection.target.release.image} (${this.pulled.image}), deployed ${this.inspection.target.release.time}`);
    }
    /** What `rollback: true` deploys, by digest; an Error says why there is none. */
    rollbackImage(history) {
        const c = this.config.container;
        const found = rollbackTarget(history);
        if ('refusal' in found)
            throw new DeployError('inspect', `rollback: ${found.refusal}`, 'Rollback deploys the release before the one now serving, from the history on the server.', this.timeline);
        const { release } = found;
        const repository = repositoryOf(release.image);
        if (c.image && repositoryOf(c.image) !== repository) {
            throw new DeployError('inspect', `rollback: image names ${repositoryOf(c.image)}, but the release to roll back to is ${release.image}`, 'Leave image out for a rollback, or name the repository being rolled back.', this.timeline);
        }
        // A digest from a registry is pulled by it; an image that never had one is run by its local id.
        return { release, ref: pinnedRef(release.image, { digest: release.digest, id: release.imageId }) };
    }
    /** The login lives in a Docker config of this deploy's own, removed right after the pull:
     * `docker login` would otherwise leave the password in ~/.docker/config.json for good. */
    async pullLoggedIn(image, policy, registry, username, password, onOutput) {
        const { docker } = this.server;
        const configDir = await docker.makePrivateDir();
        this.checkpoint('dockerConfig', configDir);
        try {
            await docker.login(configDir, registry, username, password);
            return await docker.pull(image, policy, configDir, onOutput);
        }
        finally {
            await docker.removeDir(configDir).then(() => this.checkpoint('dockerConfig', ''), (e) => this.warn(`could not remove the registry login in ${configDir}: ${e.message}`));
        }
    }
    /** What was inspected and pulled; `pinned` is what runs: the pulled image, even if its tag moved since. */
    get prepared() {
        if (!this.inspection || !this.pulled)
            throw new Error('the server was not inspected');
        return { inspection: this.inspection, ...this.pulled, pinned: pinnedRef(this.pulled.image, this.pulled.identity) };
    }
    /** 5a. The release phase: once, in a one-off container of the new image, before anything starts. */
    releasePhase() {
        const c = this.config.container;
        const { pinned } = this.prepared;
        const name = `${this.containerName}-release`;
        return this.phase('release', async () => {
            // A migration of an earlier deploy that was killed may still run: two at once could corrupt the schema.
            const running = this.prepared.inspection.containers.find((x) => x.labels[LABEL_ROLE] === 'release' && x.labels[LABEL_DEPLOYMENT] === this.config.switch.redisKey && isUp(x));
            if (running) {
                throw new DeployError('release', `${running.name}, the release command of an earlier deploy, still runs: this one does not start a second`, `Wait for it to finish (docker logs -f ${running.name}), or stop it if it is stuck (docker rm -f ${running.name}), then deploy again. Nothing was started or switched: the previous version serves.`, this.timeline);
            }
            const { end, limit } = this.run.until(this.config.timing.releaseTimeoutMs, 'release-timeout');
            // Said before it starts: a deploy cancelled meanwhile has its post step stop it.
            this.checkpoint('release', name);
            const t0 = this.run.clock.now();
            let tail = '';
            const released = this.server.docker.runOnce({
                name, image: pinned, app: this.app, deployment: this.config.switch.redisKey,
                envFile: c.envFile, envOnStdin: c.env.length > 0, runArgs: c.runArgs, command: c.releaseCommand,
            }, this.env, Math.max(end - this.run.clock.now(), 1), (text) => { tail = (tail + text).slice(-RELEASE_TAIL_CHARS); });
            const outcome = await reportWhile(released, () => {
                const last = lastLine(tail);
                return `the release command runs (${seconds(this.run.clock.now() - t0)} so far, at most ${seconds(end - t0)}: ${limit})${last ? `; its last line: ${last}` : ''}`;
            }, (line) => this.progress(line));
            this.checkpoint('release', '');
            if (outcome === 'timed out')
                throw new DeployError('release', `the release command did not finish within ${limit}; its container was removed`, HINTS.release, this.timeline);
            const logs = lastLines(outcome.output, LOG_TAIL_LINES);
            if (outcome.code !== 0)
                throw new DeployError('release', `the release command exited with code ${outcome.code}`, HINTS.release, this.timeline, { logs });
            return { value: undefined, detail: `${c.releaseCommand.join(' ')}: exit 0` };
        });
    }
    /** 5 + 6. Start the new container on a free port of port-range, then check it is ready. */
    async startAndCheck() {
        this.containerId = await this.start();
        this.port = await this.ready(this.containerId);
    }
    start() {
        const c = this.config.container;
        const { inspection, image, pinned } = this.prepared;
        return this.phase('start', async () => {
            const spec = {
                name: this.containerName, image, pinned, app: this.app, deployment: this.config.switch.redisKey,
                deployId: this.run.identity.deployId, bindAddress: c.bindAddress, hostPort: 0, containerPort: c.containerPort, restart: c.restart,
                runArgs: c.runArgs, envFile: c.envFile, envOnStdin: c.env.length > 0,
            };
            const taken = takenPorts(inspection.listening, inspection.containers, inspection.reserved);
            for (let attempt = 1;; attempt += 1) {
                const port = firstFreePort(c.portRange, taken);
                if (port === undefined)
                    throw new Error(`no free port in port-range ${c.portRange.first}-${c.portRange.last}`);
                spec.hostPort = port;
                // Said before the run: a deploy cancelled while docker creates it still has it removed.
                this.checkpoint('container', this.containerName);
                try {
                    const containerId = await this.server.docker.run(spec, this.env);
                    return { value: containerId, detail: `${this.containerName} started on :${port}` };
                }
                catch (e) {
                    await this.server.docker.discard([this.containerName]).then(() => this.checkpoint('container', ''), () => undefined);
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
    ready(id) {
        const { docker, probes } = this.server;
        const c = this.config.container;
        const s = this.config.switch;
        return this.phase('ready', async () => {
            const { end, limit } = this.run.until(this.config.timing.healthTimeoutMs, 'health-timeout');
            let last = '';
            for (;;) {
                const container = await docker.inspect(id, c.containerPort);
                let failure = await this.containerFailure(container) ?? '';
                if (!failure && container.status === 'running') {
                    if (container.hostPort === undefined)
                        failure = `docker published no port for ${c.containerPort}/tcp`;
                    else {
                        const answer = await probes.health(container.hostPort);
                        if (isHealthyStatus(answer.status) && (container.health === undefined || container.health === 'healthy')) {
                            return { value: container.hostPort, detail: `${s.healthPath} answered ${answer.status}${container.health ? ', healthy' : ''}` };
                        }
                        last = answer.error ?? `${s.healthPath} answered ${answer.status}${container.health ? `, health ${container.health}` : ''}`;
                    }
                }
                if (!failure && this.run.clock.now() >= end)
                    failure = `not ready within ${limit} (last: ${last || container.status})`;
                if (failure)
                    throw new DeployError('ready', failure, HINTS.ready, this.timeline, { logs: await this.newContainerLogs() });
                await this.pause(POLL_MS.ready);
            }
        });
    }
    /** Why the new container is not fit to serve by its own state (exited, restarted, unhealthy): the ready check and the bake ask. */
    async containerFailure(container) {
        if (container.status === 'exited' || container.status === 'dead')
            return `the container exited with code ${container.exitCode}`;
        if (container.status === 'restarting' || container.restartCount > 0) {
            // Running again after a restart, its state says exit code 0: Docker's events have the real one.
            const code = container.exitCode || await this.server.docker.lastExitCode(container);
            return `the container exited${code ? ` with code ${code}` : ''} and was restarted (restart: ${this.config.container.restart})`;
        }
        if (container.health === 'unhealthy')
            return 'the image HEALTHCHECK reports unhealthy';
        return undefined;
    }
    async probe() {
        const result = await this.server.probes.probe();
        this.probeLog.push(result);
        if (this.probeLog.length > KEPT_PROBES)
            this.probeLog.shift();
        return result;
    }
    /** 'proven' once probe-successes probes in a row are answered by `expectPort`; a 5xx that
     * `failFastPort` answered ends it at once (that answer is returned): only an nginx still on
     * the old upstream is waited for. */
    proveServing(expectPort, end, failFastPort) {
        return proveServed(() => this.probe(), expectPort, this.config.switch.probeSuccesses, async () => {
            if (this.run.clock.now() >= end)
                return false;
            await this.pause(POLL_MS.switch);
            return true;
        }, (result) => failFastPort !== undefined && upstreamPort(result.upstream) === failFastPort && (result.status ?? 0) >= 500);
    }
    /** Whether this server bakes: bake-time is set and a previous version serves, to go back to. */
    get bakes() {
        return this.config.bake.timeMs > 0 && this.prepared.inspection.state.serving !== undefined;
    }
    // After a write-back, a render of the new value may still be in flight (a slow check_cmd, an
    // -interval poll): the new container may go only once the old upstream has served without a
    // break for as long as a render was given (switch-timeout). Bounded by the deploy's timeout.
    async settledOn(oldPort, newPort) {
        const { clock } = this.run;
        let since;
        for (;;) {
            const result = await this.probe();
            const served = upstreamPort(result.upstream);
            if (served === newPort || !isHealthyStatus(result.status) || served !== oldPort)
                since = undefined;
            else
                since ??= clock.now();
            if (since !== undefined && clock.now() - since >= this.config.timing.switchTimeoutMs)
                return true;
            if (clock.now() >= this.run.deadline)
                return false;
            await this.pause(POLL_MS.settle);
        }
    }
    get newValue() {
        return formatKeyValue(this.config.switch.redisValue, this.port ?? 0);
    }
    /** 7 + 8. Switch the key, then prove nginx serves the new port; on failure, write the old value back. */
    switchTo() {
        const { docker } = this.server;
        const { redisKey, probeSuccesses } = this.config.switch;
        const { state, notifications } = this.prepared.inspection;
        const port = this.port ?? 0;
        const newValue = this.newValue;
        return this.phase('switch', async () => {
            if (notifications === false) {
                this.warn('Redis keyspace notifications are off (notify-keyspace-events lacks K$): confd -watch will not see this write; only its -interval poll will');
            }
            else if (notifications === undefined) {
                this.run.log.info('Could not check Redis keyspace notifications (CONFIG is refused, as on managed Redis): make sure notify-keyspace-events includes K$');
            }
            const confdAtStart = await this.confdAtStart;
            const sharedWatch = confdAtStart && sharedWatchProblem(confdAtStart);
            if (sharedWatch)
                this.warn(sharedWatch);
            const accessLog = this.config.bake.accessLog;
            if (this.bakes && accessLog)
                this.logStart = (await this.logCheck) ?? await docker.logEnd(accessLog).catch((e) => this.unreadableLog(accessLog, e));
            const t0 = this.run.clock.now();
            // Said before the write: a deploy killed in between keeps a container the key may name.
            this.checkpoint('switching', 'true');
            await this.writeKey(state.keyValue, newValue);
            this.switched = true;
            const { end, limit } = this.run.until(this.config.timing.switchTimeoutMs, 'switch-timeout');
            const outcome = await this.proveServing(port, end, port);
            if (outcome === 'proven') {
                this.proven = true;
                this.switchSeconds = (this.run.clock.now() - t0) / 1000;
                if (this.bakes && state.keyPort !== undefined) {
                    const baking = { from: newValue, to: state.keyValue, port: state.keyPort };
                    this.checkpoint('baking', JSON.stringify(baking));
                }
                return { value: undefined, detail: `${redisKey}=${newValue}; ${probeSuccesses} probes in a row answered by :${port} after ${this.switchSeconds.toFixed(3)} s` };
            }
            const failedProbes = [...this.probeLog];
            const badAnswer = outcome === 'timed out' ? undefined : outcome;
            const notServed = badAnswer ? `the new version answered ${badAnswer.status} on ${probePath(this.config.switch.probeUrl)} through nginx` : `nginx did not serve port ${port} within ${limit}`;
            // Read again, not taken from the start: confd may have stopped since.
            const hint = badAnswer
                ? `The new version fails through nginx although its ready check passed (health-path ${this.config.switch.healthPath} may not cover the pages that fail): see its log lines.`
                : switchHint(failedProbes, this.config, port, await this.switchFacts(notifications));
            const logs = badAnswer ? await this.newContainerLogs() : undefined;
            try {
                await this.writeKey(newValue, state.keyValue);
            }
            catch (e) {
                throw new DeployError('switch', `${notServed}, and ${redisKey} could not be set back: ${e.message}`, `${this.containerName} stays running on :${port}, since the key may name it. Check what ${redisKey} holds and which container nginx serves.`, this.timeline, { probes: failedProbes, logs });
            }
            const setBack = `${notServed}; ${redisKey} was set back to ${state.keyValue ?? '(unset)'}`;
            // Written back: the old version serves again once nginx is back on it (proven below).
            // A bad answer means confd already rendered the new value: no render of it is left in flight,
            // so nginx proven back on the old upstream is enough.
            const settled = state.keyPort === undefined || (badAnswer
                ? await this.proveServing(state.keyPort, this.run.until(this.config.timing.switchTimeoutMs, 'switch-timeout').end) === 'proven'
                : await this.settledOn(state.keyPort, port));
            if (!settled) {
                const serves = upstreamPort(this.probeLog.at(-1)?.upstream);
                throw new DeployError('switch', `${setBack}, but by the deploy's timeout nginx had not served :${state.keyPort} without a break for ${this.config.timing.switchTimeoutMs / 1000} s (it serves ${serves ? `:${serves}` : 'neither'} now)`, `${this.containerName} stays running on :${port}: a slow confd may still point nginx at it. Once nginx serves :${state.keyPort} steadily, remove it (docker rm -f ${this.containerName}); otherwise the next deploy retires it. ${hint}`, this.timeline, { probes: failedProbes, logs });
            }
            this.switched = false;
            this.checkpoint('switching', '');
            throw new DeployError('switch', setBack, hint, this.timeline, { probes: failedProbes, logs });
        });
    }
    /** Another server failed after this one switched: the old value goes back, and nginx is proven to serve it again. */
    switchBack() {
        const { redisKey } = this.config.switch;
        const { state } = this.prepared.inspection;
        return this.phase('undo', async () => {
            await this.writeKey(this.newValue, state.keyValue);
            let detail = `${redisKey} unset again (nothing served before this deploy)`;
            if (state.keyPort !== undefined) {
                const { end, limit } = this.run.until(this.config.timing.switchTimeoutMs, 'switch-timeout');
                if (await this.proveServing(state.keyPort, end) !== 'proven') {
                    throw new DeployError('undo', `${redisKey} was set back to ${state.keyValue}, but nginx did not serve :${state.keyPort} again within ${limit}`, `${this.containerName} stays running on :${this.port}, since nginx may still serve it. Check confd on this server; the next deploy retires whichever container the key does not name.`, this.timeline);
                }
                detail = `${redisKey}=${state.keyValue}; ${this.config.switch.probeSuccesses} probes in a row answered by :${state.keyPort}`;
                // It served (a bake, or batches after it): requests in flight to it finish before it goes.
                detail += `; ${await this.drain([this.port ?? 0], 'removing it')}`;
            }
            this.switched = false;
            this.proven = false;
            if (this.bakes)
                this.checkpoint('baking', '');
            this.checkpoint('switching', '');
            if (this.bakeReport && this.bakeFailedAt !== undefined)
                this.bakeReport.switchBackSeconds = (this.run.clock.now() - this.bakeFailedAt) / 1000;
            return { value: undefined, detail };
        });
    }
    /** Waits until no nginx worker is shutting down and no connection to `ports` is left, at most drain-timeout. */
    async drain(ports, then) {
        const { end, limit } = this.run.until(this.config.timing.drainTimeoutMs, 'drain-timeout');
        const shown = ports.map((p) => `:${p}`).join(', ');
        const t0 = this.run.clock.now();
        const stillDraining = this.everyFewSeconds();
        for (;;) {
            const drain = await this.server.docker.drainState(ports);
            if (drain.shuttingDownWorkers === 0 && drain.connections === 0)
                return `no connection to ${shown} left`;
            stillDraining(() => `draining ${shown}: ${drain.connections} connection(s) left, ${drain.shuttingDownWorkers} nginx worker(s) shutting down (${seconds(this.run.clock.now() - t0)} so far, at most ${seconds(end - t0)}: ${limit})`);
            if (this.run.clock.now() >= end) {
                this.warn(`${limit} passed with ${drain.connections} connection(s) to ${shown} and ${drain.shuttingDownWorkers} nginx worker(s) shutting down; ${then} anyway`);
                return 'timed out';
            }
            await this.pause(POLL_MS.drain);
        }
    }
    unreadableLog(path, e) {
        this.warn(`access-log ${path} cannot be read (${e.message}): the bake watches the container and probes only, not real traffic. `
            + `The deploy user needs read access to it (on Debian: usermod -aG adm ${this.config.servers[0]?.username ?? 'USER'}, as nginx's logs belong to the adm group).`);
        return { unreadable: `${path} cannot be read` };
    }
    /** The new container's last log lines, for a failure's details. */
    newContainerLogs() {
        return this.server.docker.logs(this.containerId ?? this.containerName, LOG_TAIL_LINES).catch(() => '(logs unavailable)');
    }
    /** After the switch, for bake-time: the new version watched under real traffic while the previous
     * container stays warm. A failure throws, and the deploy switches back (deploy.ts, undo). */
    bake() {
        const { docker } = this.server;
        const { bake, container: c } = this.config;
        const id = this.containerId ?? '';
        const port = this.port ?? 0;
        return this.phase('bake', async () => {
            if (!this.bakes)
                return { value: undefined, detail: 'no previous version served, so none to go back to: not baked' };
            const { accessLog } = bake;
            // Bounded by the deploy's deadline too: until() ends at whichever comes first.
            const report = await watchBake({
                container: async () => {
                    const state = await docker.inspect(id, c.containerPort);
                    return { failure: await this.containerFailure(state), restarts: state.restartCount };
                },
                probe: () => this.probe(),
                readLog: accessLog ? (from) => docker.readLog(accessLog, from, LOG_READ_BYTES) : undefined,
                pause: (ms) => this.pause(ms),
                now: () => this.run.clock.now(),
                progress: (message) => this.run.log.info(this.said(message)),
            }, { timeMs: this.run.until(bake.timeMs, 'bake-time').end - this.run.clock.now(), limits: bake, port, probePath: probePath(this.config.switch.probeUrl), logStart: this.logStart });
            const { failedAt, ...seen } = report;
            if (seen.passed && seen.seconds * 1000 < bake.timeMs)
                throw new DeployError('bake', `timeout (the whole deploy) ended the bake after ${seen.seconds.toFixed(1)} s of bake-time ${bake.timeMs / 1000} s`, HINTS.bake, this.timeline, { bake: seen });
            this.bakeReport = seen;
            if (seen.passed)
                return { value: undefined, detail: bakeLine(seen) };
            this.bakeFailedAt = failedAt;
            throw new DeployError('bake', seen.reason ?? 'failed', this.bakeHint(), this.timeline, { logs: await this.newContainerLogs(), bake: seen });
        });
    }
    /** A bake verdict: the new version failed; the deploy switches back to the previous one, which kept running. */
    bakeHint() {
        const release = this.config.container.releaseCommand.length > 0
            ? ' The release command ran before the switch: the previous version now runs against what it changed (write migrations the previous version tolerates: expand, then contract).'
            : '';
        return `The new version failed through nginx after its ready check passed: see the evidence and its log lines. The deploy switches back to the previous version, which kept running.${release}`;
    }
    /** What a failed switch can learn on the server: its confds now, and what they rendered for the key. */
    async switchFacts(notifications) {
        const { docker } = this.server;
        const confd = await docker.confd().catch(() => undefined);
        const resource = confd && resourceRendering(confd, this.config.switch.redisKey);
        const rendered = resource?.dest ? await docker.readFile(resource.dest, FILE_READ_BYTES).catch(() => undefined) : undefined;
        return { confd, notifications, resource, rendered };
    }
    /** The new container goes, unless the key may name it. */
    async discardNew() {
        if (this.switched || this.lost || !this.containerId)
            return;
        await this.server.docker.discard([this.containerId]).then(() => this.checkpoint('container', ''), (e) => this.warn(`could not remove ${this.containerName}: ${e.message}`));
    }
    /** 9 + 10 + 11. Every server serves the new version: record it, drain what ran before, stop it gracefully. */
    async retire() {
        const { docker } = this.server;
        const { clock } = this.run;
        const { inspection, image, identity } = this.prepared;
        const { state } = inspection;
        const id = this.containerId ?? '';
        const port = this.port ?? 0;
        const c = this.config.container;
        const thisRelease = {
            time: new Date(clock.now()).toISOString(), run: this.run.identity.lockOwner, outcome: c.rollback ? 'rolled back' : 'deployed',
            image, digest: identity.digest, imageId: identity.id, container: this.containerName, port,
        };
        const releases = [...inspection.history, thisRelease];
        // Every bake passed: from here the new version stays, whatever happens to the deploy.
        if (this.bakes)
            this.checkpoint('baking', '');
        const recorded = this.record(thisRelease);
        // Everything of this deployment that ran before: drained, then stopped gracefully.
        const retiring = retirees(state, id);
        const oldPorts = [...new Set(retiring.stop.flatMap((x) => x.hostPorts))].filter((p) => p !== port);
        if (oldPorts.length > 0)
            await this.phase('drain', async () => ({ value: undefined, detail: await this.drain(oldPorts, 'retiring') }));
        // Past the proven switch, a failure here is a warning. Old containers stop
        // side by side; images are pruned once they are gone.
        await this.phase('retire', async () => {
            const done = [];
            const stopOne = async (old) => {
                try {
                    await docker.stop(old.id, Math.ceil(this.config.timing.stopTimeoutMs / 1000));
                    await docker.remove([old.id]);
                    done.push(`stopped ${old.name}`);
                }
                catch (e) {
                    this.warn(`could not stop or remove ${old.name}: ${e.message}`);
                }
            };
            const removeLeftovers = async () => {
                if (retiring.remove.length === 0)
                    return;
                await docker.remove(retiring.remove.map((x) => x.id)).then(() => done.push(`removed ${retiring.remove.length} stopped container(s)`), (e) => this.warn(`could not remove stopped containers of this deployment: ${e.message}`));
            };
            // Listed while the old containers stop; pruned once they are gone, so their images can go too.
            // Kept whatever keep-images says: the new image, the one that served until now (the
            // rollback target), every image a container of the server uses, and the images of the last
            // keep-images releases of every deployment with a history here; the containers and the
            // histories are read again once the old containers are gone (when anything is to be pruned),
            // as neighbouring deployments may have started or released meanwhile.
            const pruneImages = async (stopped) => {
                try {
                    const images = await docker.images(repositoryOf(image));
                    await stopped;
                    const protectedBy = (containers, files) => {
                        const histories = [releases, ...[...files].filter(([path]) => path !== this.history).map(([, text]) => parseHistory(text))];
                        return new Set([identity.id, ...(state.serving ? [state.serving.imageId] : []), ...containers.map((x) => x.imageId),
                            ...histories.flatMap((h) => imagesToKeep(h, this.config.keepImages))]);
                    };
                    // The inspection's look without the containers retired here: if it prunes nothing, the fresh
                    // look is not taken (~0.1 s). It could only differ by what neighbours changed since: what
                    // they started or released is kept either way; what they let go is pruned next time.
                    const gone = new Set([...retiring.stop, ...retiring.remove].map((x) => x.id));
                    if (imagesToPrune(images, protectedBy(inspection.containers.filter((x) => !gone.has(x.id)), inspection.files)).length === 0)
                        return;
                    // A neighbour deploying now may have pulled an image it has not started yet: listed
                    // above, so its lock is already held (a deploy pulls under its lock). Pruned next time;
                    // asked again right before the removal, to leave the smallest window.
                    const neighbourDeploying = async () => {
                        const deploying = (await this.server.keys.deploying()).filter((key) => key !== this.config.switch.redisKey);
                        if (deploying.length > 0)
                            done.push(`old images kept this time: ${deploying.join(', ')} is deploying on this server`);
                        return deploying.length > 0;
                    };
                    // Asked before the look: a neighbour not deploying now has started what it pulled.
                    if (await neighbourDeploying())
                        return;
                    const [containers, files] = await Promise.all([docker.containers(), docker.readHistories(HISTORY_DIR, HISTORY_ENTRIES)]);
                    const prune = imagesToPrune(images, protectedBy(containers, files));
                    if (prune.length === 0 || await neighbourDeploying())
                        return;
                    await docker.removeImages(prune);
                    done.push(`pruned ${prune.join(', ')}`);
                }
                catch (e) {
                    this.warn(`could not prune old images: ${e.message}`);
                }
            };
            const stopped = Promise.all([...retiring.stop.map(stopOne), removeLeftovers()]);
            await Promise.all([stopped, pruneImages(stopped), recorded]);
            return { value: undefined, detail: done.join('; ') || 'nothing to retire' };
        });
        return {
            server: this.name,
            container: this.containerName,
            containerId: id,
            port,
            previousPort: state.keyPort,
            previousContainer: state.serving?.name,
            image,
            previousImage: state.serving?.image,
            imageDigest: identity.digest,
            switchSeconds: this.switchSeconds,
            probes: this.probeLog,
            timeline: this.timeline,
            releases: latest(releases, SUMMARY_RELEASES),
            bake: this.bakeReport,
        };
    }
    /** A failed deploy is part of the history too (unless it never held the lock or lost the server). */
    async recordFailure(e) {
        if (!this.held || this.lost)
            return;
        const where = e.server && e.server !== this.name ? `${e.server}: ` : '';
        await this.record({ outcome: this.bakeFailedAt !== undefined ? 'baked-out' : 'failed', image: this.config.container.image, digest: '', imageId: '', container: this.containerName, reason: `${where}${e.phase}: ${e.reason}` });
    }
    async record(release) {
        const entry = { time: new Date(this.run.clock.now()).toISOString(), run: this.run.identity.lockOwner, ...release, deployment: this.config.switch.redisKey };
        await this.server.docker.appendHistory(this.history, JSON.stringify(entry), HISTORY_ENTRIES).catch((e) => this.warn(`could not record the release in ~/${this.history}: ${e.message}`));
    }
}
const HINTS = {
    lock: `Another deploy of this key is running (see the holder above); raise lock-timeout or retry when it finished. A holder that died frees the lock within ${LOCK_TTL_MS / 1000} s.`,
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
    if (probes.some((p) => upstreamPort(p.upstream) === port))
        return `nginx served the new port only some of the time: is more than one nginx or confd running${running}?`;
    if (count === 0)
        return 'nginx kept serving the old upstream and no confd process runs on the server: start confd (systemctl start confd).';
    if (confd && confdsRendering(confd, config.switch.redisKey) === 0) {
        return `nginx kept serving the old upstream: no running confd renders ${config.switch.redisKey} (the confds that run read ${[...confd.resources.keys()].join(', ')}, and none has a template resource for it). Start this deployment's confd (systemctl start confd, or confd@NAME).`;
    }
    if (facts.notifications === false)
        return 'nginx kept serving the old upstream: Redis keyspace notifications are off, so confd -watch never saw the write. Set notify-keyspace-events K$g.';
    const sharedWatch = confd && sharedWatchProblem(confd);
    if (sharedWatch)
        return `nginx kept serving the old upstream: ${sharedWatch}`;
    const { resource, rendered } = facts;
    if (resource?.dest && rendered !== undefined) {
        if (!namesPort(rendered, port)) {
            return `nginx kept serving the old upstream: confd did not render :${port} to ${resource.dest}. Its check_cmd refused the value (does redis-value fit the template?), or it did not see the write (an -interval longer than switch-timeout; journalctl -u confd).`;
        }
        return handsPeerToNginx(resource)
            ? `confd rendered :${port} to ${resource.dest}, but nginx did not take it: its reload_cmd (${resource.reloadCmd}) did not reach nginx's admin socket, or nginx refused the address. Check that nginx runs with dhd-peers.conf and its Lua module (README: A switch without a reload), then run the reload_cmd as root by hand.`
            : `confd rendered :${port} to ${resource.dest}, but nginx kept the old upstream: its reload_cmd (${resource.reloadCmd ?? 'none'}) failed or signalled another nginx. Run nginx -t, then the reload_cmd as root by hand.`;
    }
    return `nginx kept serving the old upstream although confd runs${running}: its check_cmd or reload_cmd probably failed, or it polls with an -interval longer than switch-timeout (journalctl -u confd). Check that the value written renders a valid upstream (redis-value) and that nginx -t passes.`;
}

;// CONCATENATED MODULE: ./src/docker-host.ts
// The server as the deploy sees it: docker and host facts, executed over the
// remote shell. Argument lists come from docker.ts; this file only runs them.






class RemoteCommandError extends Error {
    argv;
    result;
    constructor(argv, result) {
        const lines = (result.stderr || result.stdout).split('\n').map((l) => l.trim()).filter(Boolean);
        super(`${argv.slice(0, 3).join(' ')} failed (exit ${result.code}): ${lines.slice(-5).join(' | ')}`);
        this.argv = argv;
        this.result = result;
    }
}
const PULL_TIMEOUT_MS = 10 * 60_000;
const docker_host_COMMAND_TIMEOUT_MS = 60_000;
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
        const result = await shell.run(argv, { timeoutMs: docker_host_COMMAND_TIMEOUT_MS, ...options });
        if (result.code !== 0)
            throw new RemoteCommandError(argv, result);
        return result.stdout;
    };
    const identityOf = async (image) => {
        const argv = build.imageIdentity(image);
        const result = await shell.run(argv, { timeoutMs: docker_host_COMMAND_TIMEOUT_MS });
        if (result.code === 0)
            return parse.imageIdentity(result.stdout, image_ref_repositoryOf(image));
        if (/no such image/i.test(result.stderr))
            return undefined;
        throw new RemoteCommandError(argv, result);
    };
    const readiness = async (username) => {
        const result = await shell.run(build.serverCheck(), { timeoutMs: docker_host_COMMAND_TIMEOUT_MS });
        const text = `${result.stdout}${result.stderr}`;
        return { problems: parse.serverProblems(text, username), dockerVersion: parse.dockerVersion(text) };
    };
    return {
        makePrivateDir: async () => (await ok(build.makePrivateDir())).trim(),
        async removeDir(dir) { await ok(build.removeDir(dir)); },
        async login(configDir, registry, username, password) {
            await ok(build.login(configDir, registry, username), { stdin: `${password}\n` });
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
                const argv = build.pull(image, configDir, true);
                const options = { timeoutMs: PULL_TIMEOUT_MS, onOutput, keepBytes: KEPT_OUTPUT_BYTES };
                const onTerminal = terminalRefused ? undefined : await shell.run(argv, { ...options, terminal: true }).catch((e) => {
                    if (!TERMINAL_REFUSED.test(e.message))
                        throw e;
                    terminalRefused = true;
                    return undefined;
                });
                const result = onTerminal ?? await shell.run(argv, options);
                if (result.code !== 0)
                    throw new RemoteCommandError(argv, { ...result, stdout: '', stderr: withoutRedraws(`${result.stdout}\n${result.stderr}`) });
            }
            else {
                await ok(build.pull(image, configDir), { timeoutMs: PULL_TIMEOUT_MS });
            }
            const identity = await identityOf(image);
            if (!identity)
                throw new Error(`image ${image} is missing right after docker pull`);
            return identity;
        },
        async runOnce(spec, env, timeoutMs, onOutput) {
            try {
                const result = await shell.run(build.runOnce(spec), { stdin: env, timeoutMs, keepBytes: KEPT_OUTPUT_BYTES, onOutput });
                return { code: result.code, output: `${result.stdout}${result.stderr}` };
            }
            catch (e) {
                if (!(e instanceof CommandTimedOut))
                    throw e;
                // The docker CLI went with the channel; the container did not.
                await ok(build.discard([spec.name])).catch(() => undefined);
                return 'timed out';
            }
        },
        readHistories: async (dir, entries) => parse.files(await ok(build.readHistories(dir, entries))),
        async appendHistory(path, line, keep) { await ok(build.appendHistory(path, keep), { stdin: `${line}\n` }); },
        readiness,
        async checkServer(username) {
            const { problems } = await readiness(username);
            if (problems.length > 0)
                throw new Error(`The server is not ready for deploys: ${problems.map((p) => `${p.problem}: ${p.fix}`).join('; ')}.`);
        },
        async containers() {
            const argv = build.containers();
            const result = await shell.run(argv, { timeoutMs: docker_host_COMMAND_TIMEOUT_MS });
            if (result.code !== 0 && !(result.stdout && parse.vanishedOnly(result.stderr)))
                throw new RemoteCommandError(argv, result);
            return parse.containers(result.stdout);
        },
        listeningPorts: async () => parse.listeningPorts(await ok(build.listeningPorts())),
        diskFree: async () => parse.diskFree(await ok(build.diskFree())),
        async imageSize(image) {
            const result = await shell.run(build.imageSize(image), { timeoutMs: docker_host_COMMAND_TIMEOUT_MS });
            return result.code === 0 ? Number(result.stdout.trim()) : undefined;
        },
        run: async (spec, env) => (await ok(build.run(spec), { stdin: env })).trim(),
        inspect: async (id, containerPort) => parse.inspect(await ok(build.inspect(id)), containerPort),
        async logs(id, lines) {
            const result = await shell.run(build.logs(id, lines), { timeoutMs: docker_host_COMMAND_TIMEOUT_MS, keepBytes: KEPT_OUTPUT_BYTES });
            return `${result.stdout}${result.stderr}`.trimEnd();
        },
        async lastExitCode(container) {
            const result = await shell.run(build.exitCodes(container.id, container.createdAt), { timeoutMs: docker_host_COMMAND_TIMEOUT_MS });
            return result.code === 0 ? parse.lastExitCode(result.stdout) : undefined;
        },
        async stop(id, seconds) { await ok(build.stop(id, seconds), { timeoutMs: (seconds + 30) * 1000 }); },
        async remove(ids) { if (ids.length > 0)
            await ok(build.remove(ids)); },
        async discard(ids) {
            if (ids.length === 0)
                return;
            // Docker refuses to force-remove a container its restart policy is between exit and restart
            // ("Could not kill running container ..., cannot remove - ... is not running"): once more, shortly after.
            for (let attempt = 1;; attempt += 1) {
                try {
                    await ok(build.discard(ids));
                    return;
                }
                catch (e) {
                    if (attempt >= DISCARD_ATTEMPTS || !/is not running|is restarting/.test(e.message))
                        throw e;
                    await (0,promises_.setTimeout)(DISCARD_RETRY_MS);
                }
            }
        },
        images: async (repository) => parse.images(await ok(build.images(repository))),
        async removeImages(refs) {
            if (refs.length === 0)
                return;
            const argv = build.removeImages(refs);
            const result = await shell.run(argv, { timeoutMs: docker_host_COMMAND_TIMEOUT_MS });
            if (parse.imageRemovalProblems(result.stderr).length > 0)
                throw new RemoteCommandError(argv, result);
        },
        async drainState(ports) {
            const [ps, ...ss] = await Promise.all([ok(build.processes()), ...ports.map((port) => ok(build.connectionsTo(port)))]);
            return { shuttingDownWorkers: parse.shuttingDownWorkers(parse.processes(ps)), connections: ss.reduce((sum, text) => sum + parse.lineCount(text), 0) };
        },
        readFile: (path, maxBytes) => ok(build.readFile(path, maxBytes)),
        logEnd: async (path) => parse.logEnd(await ok(build.logEnd(path))),
        async readLog(path, from, maxBytes) {
            const argv = build.readLog(path, from, maxBytes);
            const result = await shell.run(argv, { timeoutMs: docker_host_COMMAND_TIMEOUT_MS, bytes: true });
            if (result.code !== 0)
                throw new RemoteCommandError(argv, result);
            return parse.logRead(result.stdoutBytes ?? Buffer.from(result.stdout));
        },
        async confd() {
            const commandLines = parse.processes(await ok(build.processes()));
            const settingsFiles = confdConfigFiles(commandLines);
            const processes = confdProcesses(commandLines, settingsFiles.length > 0 ? parse.files(await ok(readConfigFiles(settingsFiles))) : undefined);
            const redis = redisConfds(processes);
            if (redis.length === 0)
                return { processes, resources: new Map() };
            return { processes, resources: resourcesOf(redis, parse.files(await ok(readResources(redis)))) };
        },
    };
}

;// CONCATENATED MODULE: ./src/session.ts
// The SSH connection to one server, with the docker host and the Redis key
// store on it: what every door (the Action's steps, the CLI) opens, once per server.




/** One server's connection and what runs on it; `checkServer` checks Docker access, ss and ps first. */
async function openSession(target, redis, log, checkServer = false) {
    const name = inputs_serverName(target);
    const shell = await connect(target, log.debug);
    if (target.insecureSkipHostKeyCheck)
        log.warning(`insecure-skip-host-key-check is true: the identity of ${name} was not checked. Pin it with known-hosts or host-fingerprint.`);
    const docker = remoteDockerHost(shell);
    let keys;
    try {
        // The server check runs beside the Redis handshake: it costs the deploy no time.
        [keys] = await Promise.all([openKeyStore(shell, redis), checkServer ? docker.checkServer(target.username) : undefined]);
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
    await Promise.all(settled.map((s) => (s.status === 'fulfilled' ? s.value.close().catch(() => undefined) : undefined)));
    const reason = settled[failed].reason;
    if (servers.length === 1)
        throw reason;
    const refused = settled.filter((s) => s.status === 'rejected').length;
    throw new Error(`${serverName(servers[failed])}: ${reason.message}${refused > 1 ? ` (and ${refused - 1} more server(s) could not be reached)` : ''}. Nothing was changed on any server.`);
}

;// CONCATENATED MODULE: ./src/cleanup.ts
// What a deploy that stopped half way leaves to clean up, and the cleaning: the
// Action's post step and the CLI's Ctrl-C both end here.






/** Notes one checkpoint of one server. */
function noteCheckpoint(left, lockOwner, server, name, value) {
    const mine = (left[server] ??= { lock: '', lockOwner, container: '', switching: false, baking: '', dockerConfig: '', release: '' });
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
    const lock = { name: redis_lockName(key), owner: left.lockOwner };
    let outcome = await server.keys.compareAndSet(key, baking.from, baking.to, lock);
    if (!outcome.ok && outcome.lockLost && await server.keys.tryLock(lock.name, lock.owner, LOCK_TTL_MS)) {
        left.lock = lock.name;
        outcome = await server.keys.compareAndSet(key, baking.from, baking.to, lock);
    }
    const stays = `${left.container} (:${baking.from}) and the previous container (:${baking.port}) both stay`;
    // The deploy's own undo may have written it back already and only failed to prove it.
    const alreadyBack = !outcome.ok && !outcome.lockLost && outcome.current === baking.to;
    if (!outcome.ok && !alreadyBack) {
        const why = outcome.lockLost ? `another deploy holds ${lock.name}` : `${key} holds ${outcome.current ?? '(unset)'} now`;
        log.warning(`The deploy stopped during its bake, and ${key} could not be set back (${why}): ${stays}; nginx serves what ${key} names.`);
        return false;
    }
    const end = Date.now() + config.timing.switchTimeoutMs;
    const proof = await probe_proveServed(() => server.probes.probe(), baking.port, config.switch.probeSuccesses, async () => {
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
    const unserved = !left.switching || (left.baking && await switchBack(left, server, config, log).catch((e) => {
        log.warning(`Could not switch back after the bake: ${e.message}`);
        return false;
    }));
    if (left.container && unserved) {
        await server.docker.discard([left.container]).then(() => log.info(left.baking ? `Removed ${left.container}, which served during the bake.` : `Removed ${left.container}, which never received traffic.`), (e) => log.warning(`Could not remove ${left.container}: ${e.message}`));
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
    if (left.lock && left.lock !== redis_lockName(config.switch.redisKey))
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
        if (typeof baking?.from !== 'string' || (baking.to !== null && typeof baking.to !== 'string') || !Number.isInteger(baking.port))
            return 'the bake checkpoint is not one';
    }
    return undefined;
}
/** Cleans up on every server that has something left, side by side, each over its own connection
 * (anythingLeft has said what stays); a server whose leftovers are not what a deploy writes is left alone. */
async function cleanUpServers(left, config, log) {
    await Promise.all(config.servers.map(async (target) => {
        const name = inputs_serverName(target);
        const mine = left[name];
        if (!mine || !needsCleanup(mine))
            return;
        const several = config.servers.length > 1;
        const serverLog = { info: (m) => log.info(inputs_aboutServer(name, several, m)), warning: (m) => log.warning(inputs_aboutServer(name, several, m)) };
        const problem = leftoversProblem(mine, config);
        if (problem) {
            serverLog.warning(`The saved state is not what a deploy writes (${problem}): nothing is done on this server.`);
            return;
        }
        try {
            const session = await openSession(target, config.switch.redis, { debug: log.debug ?? (() => undefined), warning: serverLog.warning });
            const probes = forwardedProbes(session.shell, config);
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
        log.info(inputs_aboutServer(server, entries.length > 1, `The deploy stopped after writing the key: ${mine.container} may be serving and stays; the next deploy retires whichever container the key does not name.`));
    }
    return Object.values(left).some(needsCleanup);
}
/** A registry login a deploy could not remove (its directory holds the password): the post step tries again,
 * even after a deploy that went through. */
const registryLoginLeft = (left) => Object.values(left).some((mine) => mine.dockerConfig);

;// CONCATENATED MODULE: ./src/action-config.ts
// What the Action's two steps share: the inputs read and masked as the runner
// gives them, and the state the main step saves for the post step.


/** Registers secrets with the runner before anything can print them. */
function maskSecrets(secrets) {
    for (const secret of secrets.filter(Boolean)) {
        lib_core/* setSecret */.Pq(secret);
        // The runner masks a multi-line secret line by line.
        for (const line of secret.split(/\r?\n/))
            if (line.trim().length > 3 && line.trim() !== secret)
                lib_core/* setSecret */.Pq(line.trim());
    }
}
/** What the Action's step does (the input `command`; the CLI's is its first argument). */
const ACTION_COMMANDS = ['deploy', 'doctor', 'status'];
/** The command and the validated inputs, or undefined after reporting why they are not. */
function readConfig() {
    const raw = (name) => lib_core/* getInput */.V4(name);
    maskSecrets(SECRET_INPUTS.map(raw));
    try {
        const commandText = raw('command').trim() || 'deploy';
        const command = ACTION_COMMANDS.find((c) => c === commandText);
        if (!command)
            throw new InputError([`command: ${JSON.stringify(commandText.slice(0, 80))} is not one of ${ACTION_COMMANDS.join(', ')}`]);
        // doctor and status read the servers: what a deploy starts (image, container-port) is not needed.
        const config = parseInputs(raw, { deploying: command === 'deploy' });
        maskSecrets([config.switch.redis.password ?? '', ...config.container.env.map(([, value]) => value)]);
        return { command, config };
    }
    catch (e) {
        lib_core/* setFailed */.C1(e instanceof InputError ? e.message : `Invalid inputs: ${e.message}`);
        return undefined;
    }
}
/** Adds to the job summary (nothing outside a runner, which gives no summary file). */
async function writeSummary(markdown) {
    if (!process.env.GITHUB_STEP_SUMMARY)
        return;
    await core.summary.addRaw(markdown).write();
}

// EXTERNAL MODULE: ./src/action-state.ts
var action_state = __webpack_require__(7657);
;// CONCATENATED MODULE: ./src/printable.ts
// What a server, Redis or an image says reaches the runner's log: GitHub takes a line that starts
// with "::" as a workflow command (::add-mask::, ::set-output, ::stop-commands::), and the old
// form "##[command]" anywhere in a line. Control characters are shown escaped, a line's leading
// "::" and every "##[" are broken, so a value read from the server is only ever shown, never obeyed.
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;
function printable(text) {
    return text
        .replace(CONTROL, (c) => (c === '\t' ? c : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`))
        .split('\n')
        .map((line) => line.replace(/^(\s*)::/, '$1\u200b::').replace(/##\[/g, '##\u200b['))
        .join('\n');
}

;// CONCATENATED MODULE: ./src/post.ts
// The post step: runs after the job's steps, also when the run was cancelled or
// the main step died. If the main step did not finish, it cleans up after it from
// the state the main step saved (its checkpoints).





async function run() {
    if (lib_core/* getState */.Gu(action_state/* STATE */.c.finished) === 'true')
        return;
    const left = JSON.parse(lib_core/* getState */.Gu(action_state/* STATE */.c.servers) || '{}');
    const log = { info: (m) => lib_core/* info */.pq(printable(m)), warning: (m) => lib_core/* warning */.$e(m), debug: lib_core/* debug */.Yz };
    if (!anythingLeft(left, log))
        return;
    const config = readConfig()?.config;
    if (!config)
        return;
    lib_core/* info */.pq('The main step did not finish: cleaning up after it.');
    await cleanUpWithin(left, config, log);
}


/***/ })

};
