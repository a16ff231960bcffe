import { fileURLToPath as __dhdFileURLToPath } from 'node:url';
const __filename = __dhdFileURLToPath(import.meta.url);
const __dirname = __dhdFileURLToPath(new URL('.', import.meta.url));
export const id = 219;
export const ids = [219];
export const modules = {

/***/ 219:
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
;// CONCATENATED MODULE: ./src/config/action-inputs.ts
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

;// CONCATENATED MODULE: ./src/remote/image-ref.ts
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

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
;// CONCATENATED MODULE: ./src/remote/ssh/hostkey.ts
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
    return 'SHA256:' + (0,external_node_crypto_.createHash)('sha256').update(key).digest('base64').replace(/=+$/, '');
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

;// CONCATENATED MODULE: ./src/remote/ssh/private-key.ts
async function loadKeyParser() {
    // ssh2 is CommonJS: a named import works only once bundled, the default one everywhere (tsx too).
    const { default: ssh2 } = await Promise.resolve(/* import() */).then(__webpack_require__.t.bind(__webpack_require__, 5472, 23));
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
    const image = !imageText || parseImageRef(imageText)
        ? imageText
        : fail('image', `${shown('image', imageText)} is not a Docker image reference such as ghcr.io/acme/web:1.4.2`, '');
    const app = matching('app', APP_RE, 'a name of letters, digits, ".", "_" and "-" (at most 63, starting with a letter or digit)', get('app') || appFromImage(image));
    const bindAddress = get('bind-address');
    if ((0,external_node_net_.isIP)(bindAddress) === 0)
        fail('bind-address', `${shown('bind-address', bindAddress)} is not an IPv4 or IPv6 address (such as 127.0.0.1 or ::1)`, '');
    const portRange = portRangeInput(r);
    const env = envInput(r);
    const envFile = matching('env-file', /^\/[^\0\n\r]*$/, 'an absolute path on the server');
    const { runArgs, restart, deprecations } = runArgsInputs(r);
    const registry = matching('registry', REGISTRY_RE, 'a registry host such as ghcr.io or registry.example.com:5000');
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
;// CONCATENATED MODULE: ./src/remote/docker.ts
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

;// CONCATENATED MODULE: ./src/remote/upstream.ts
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

;// CONCATENATED MODULE: ./src/remote/probe-result.ts
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
        inARow = isHealthyStatus(result.status) && upstreamPort(result.upstream) === port ? inARow + 1 : 0;
        if (inARow >= successes)
            return 'proven';
        if (!(await next()))
            return 'timed out';
    }
}

;// CONCATENATED MODULE: ./src/remote/probe.ts
// HTTP through an SSH forward, a fresh TCP connection per request: a kept-alive
// connection may still be served by an old nginx worker after a reload.




const PROBE_TIMEOUT_MS = 5_000;
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
                hostHeader: `${bracketed(targets.bindAddress)}:${port}`,
                timeoutMs: PROBE_TIMEOUT_MS,
            });
        },
        async probe() {
            const forward = await forwardTo(urlHost, urlPort);
            return httpGet({
                socketPath: forward.path,
                https,
                path: probePath(url),
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

;// CONCATENATED MODULE: ./src/remote/redis-rules.ts
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

;// CONCATENATED MODULE: ./src/deploy/run.ts
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

;// CONCATENATED MODULE: ./src/remote/progress.ts
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

// EXTERNAL MODULE: ./node_modules/smol-toml/dist/index.js + 8 modules
var dist = __webpack_require__(3292);
;// CONCATENATED MODULE: ./src/remote/confd.ts
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
        const t = (0,dist/* parse */.qg)(text ?? '');
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
    `for f in "$@"; do [ -r "$f" ] && printf "\\n==> %s\\n" "$f" && head -c ${FILE_READ_BYTES} "$f"; done; true`,
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
    `find "$@" -type f -name "*.toml" 2>/dev/null | head -n ${MAX_RESOURCES} | while IFS= read -r f; do printf "\\n==> %s\\n" "$f"; head -c ${FILE_READ_BYTES} "$f"; done; true`,
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
        const t = (0,dist/* parse */.qg)(text).template;
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

;// CONCATENATED MODULE: ./src/remote/ssh/connection.ts
// The one SSH connection of a deploy: host key pinned before authentication,
// commands as exec channels (argument lists quoted by shellCommand), and local
// forwards through the same connection for Redis and HTTP, on Unix sockets of the runner's user only.








/** Wide enough that docker draws its progress in full. */
const TERMINAL = { cols: 200, rows: 50, term: 'xterm' };
/** How a server is named in logs, errors and outputs: as ssh would name it. */
const connection_serverName = (server) => hostName(server.host, server.port);
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
    const name = hostName(hop.host, hop.port);
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
                    ? verifyHostKey(hop.pins, hop.host, hop.port, key)
                    : { ok: false, reason: 'neither known-hosts nor host-fingerprint is set' };
                if (!verdict.ok) {
                    const fix = role === 'server'
                        ? `set the input host-fingerprint: ${fingerprintOf(key)}`
                        : `add its line to jump-known-hosts (ssh-keyscan -p ${hop.port} ${hop.host})`;
                    refusal =
                        `Refusing the ${role} ${name}: ${verdict.reason}. It offered ${fingerprintOf(key)}; ` +
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

;// CONCATENATED MODULE: ./src/remote/docker-host.ts
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
        const argv = build.imageIdentity(image);
        const result = await shell.run(argv, { timeoutMs: COMMAND_TIMEOUT_MS });
        if (result.code === 0)
            return parse.imageIdentity(result.stdout, repositoryOf(image));
        if (/no such image/i.test(result.stderr))
            return undefined;
        throw new RemoteCommandError(argv, result);
    };
    const readiness = async (username) => {
        const result = await shell.run(build.serverCheck(), { timeoutMs: COMMAND_TIMEOUT_MS });
        const text = `${result.stdout}${result.stderr}`;
        return { problems: parse.serverProblems(text, username), dockerVersion: parse.dockerVersion(text) };
    };
    return {
        makePrivateDir: async () => (await ok(build.makePrivateDir())).trim(),
        async removeDir(dir) {
            await ok(build.removeDir(dir));
        },
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
                        stderr: withoutRedraws(`${result.stdout}\n${result.stderr}`),
                    });
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
                const result = await shell.run(build.runOnce(spec), {
                    stdin: env,
                    timeoutMs,
                    keepBytes: KEPT_OUTPUT_BYTES,
                    onOutput,
                });
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
        async appendHistory(path, line, keep) {
            await ok(build.appendHistory(path, keep), { stdin: `${line}\n` });
        },
        readiness,
        async checkServer(username) {
            const { problems } = await readiness(username);
            if (problems.length > 0)
                throw new Error(`The server is not ready for deploys: ${problems.map((p) => `${p.problem}: ${p.fix}`).join('; ')}.`);
        },
        async containers() {
            const argv = build.containers();
            const result = await shell.run(argv, { timeoutMs: COMMAND_TIMEOUT_MS });
            if (result.code !== 0 && !(result.stdout && parse.vanishedOnly(result.stderr)))
                throw new RemoteCommandError(argv, result);
            return parse.containers(result.stdout);
        },
        listeningPorts: async () => parse.listeningPorts(await ok(build.listeningPorts())),
        diskFree: async () => parse.diskFree(await ok(build.diskFree())),
        async imageSize(image) {
            const result = await shell.run(build.imageSize(image), { timeoutMs: COMMAND_TIMEOUT_MS });
            return result.code === 0 ? Number(result.stdout.trim()) : undefined;
        },
        run: async (spec, env) => (await ok(build.run(spec), { stdin: env })).trim(),
        inspect: async (id, containerPort) => parse.inspect(await ok(build.inspect(id)), containerPort),
        async logs(id, lines) {
            const result = await shell.run(build.logs(id, lines), {
                timeoutMs: COMMAND_TIMEOUT_MS,
                keepBytes: KEPT_OUTPUT_BYTES,
            });
            return `${result.stdout}${result.stderr}`.trimEnd();
        },
        async lastExitCode(container) {
            const result = await shell.run(build.exitCodes(container.id, container.createdAt), {
                timeoutMs: COMMAND_TIMEOUT_MS,
            });
            return result.code === 0 ? parse.lastExitCode(result.stdout) : undefined;
        },
        async stop(id, seconds) {
            await ok(build.stop(id, seconds), { timeoutMs: (seconds + 30) * 1000 });
        },
        async remove(ids) {
            if (ids.length > 0)
                await ok(build.remove(ids));
        },
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
            const result = await shell.run(argv, { timeoutMs: COMMAND_TIMEOUT_MS });
            if (parse.imageRemovalProblems(result.stderr).length > 0)
                throw new RemoteCommandError(argv, result);
        },
        async drainState(ports) {
            const [ps, ...ss] = await Promise.all([
                ok(build.processes()),
                ...ports.map((port) => ok(build.connectionsTo(port))),
            ]);
            return {
                shuttingDownWorkers: parse.shuttingDownWorkers(parse.processes(ps)),
                connections: ss.reduce((sum, text) => sum + parse.lineCount(text), 0),
            };
        },
        readFile: (path, maxBytes) => ok(build.readFile(path, maxBytes)),
        logEnd: async (path) => parse.logEnd(await ok(build.logEnd(path))),
        async readLog(path, from, maxBytes) {
            const argv = build.readLog(path, from, maxBytes);
            const result = await shell.run(argv, { timeoutMs: COMMAND_TIMEOUT_MS, bytes: true });
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

// EXTERNAL MODULE: ./node_modules/ioredis/built/index.js
var built = __webpack_require__(7796);
;// CONCATENATED MODULE: ./src/remote/redis.ts
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
const redis_COMMAND_TIMEOUT_MS = 5_000;
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
        commandTimeout: redis_COMMAND_TIMEOUT_MS,
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
        const why = (firstError ?? e).message.replace(/^Command timed out$/, `no answer within ${redis_COMMAND_TIMEOUT_MS / 1000} s`);
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
            const names = (await redis.smembers(LOCKS_TAKEN)).filter((name) => lockedDeployment(name) !== undefined);
            if (names.length === 0)
                return [];
            const holders = await redis.mget(names);
            return names.filter((_, i) => holders[i] !== null).flatMap((name) => lockedDeployment(name) ?? []);
        },
        async close() {
            closed = true;
            [...held.keys()].forEach(stopRenewing);
            redis.disconnect();
            await forward.close();
        },
    };
}

;// CONCATENATED MODULE: ./src/remote/session.ts
// The SSH connection to one server, with the docker host and the Redis key
// store on it: what every door (the Action's steps, the CLI) opens, once per server.



/** One server's connection and what runs on it; `checkServer` checks Docker access, ss and ps first. */
async function openSession(target, redis, log, checkServer = false) {
    const name = connection_serverName(target);
    const shell = await connect(target, log.debug);
    if (target.insecureSkipHostKeyCheck)
        log.warning(`insecure-skip-host-key-check is true: the identity of ${name} was not checked. Pin it with known-hosts or host-fingerprint.`);
    const docker = remoteDockerHost(shell);
    let keys;
    try {
        // The server check runs beside the Redis handshake: it costs the deploy no time.
        [keys] = await Promise.all([
            openKeyStore(shell, redis),
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
    throw new Error(`${serverName(servers[failed])}: ${reason.message}${refused > 1 ? ` (and ${refused - 1} more server(s) could not be reached)` : ''}. Nothing was changed on any server.`);
}

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
        const name = connection_serverName(target);
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

;// CONCATENATED MODULE: ./src/action/config.ts
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
async function readConfig() {
    const raw = (name) => lib_core/* getInput */.V4(name);
    maskSecrets(SECRET_INPUTS.map(raw));
    try {
        const commandText = raw('command').trim() || 'deploy';
        const command = ACTION_COMMANDS.find((c) => c === commandText);
        if (!command)
            throw new InputError([
                `command: ${JSON.stringify(commandText.slice(0, 80))} is not one of ${ACTION_COMMANDS.join(', ')}`,
            ]);
        // doctor and status read the servers: what a deploy starts (image, container-port) is not needed.
        const config = await readInputs(raw, { deploying: command === 'deploy' });
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

// EXTERNAL MODULE: ./src/action/state.ts
var state = __webpack_require__(3175);
;// CONCATENATED MODULE: ./src/remote/printable.ts
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

;// CONCATENATED MODULE: ./src/action/post.ts
// The post step: runs after the job's steps, also when the run was cancelled or
// the main step died. If the main step did not finish, it cleans up after it from
// the state the main step saved (its checkpoints).





async function run() {
    if (lib_core/* getState */.Gu(state/* STATE */.c.finished) === 'true')
        return;
    const left = JSON.parse(lib_core/* getState */.Gu(state/* STATE */.c.servers) || '{}');
    const log = {
        info: (m) => lib_core/* info */.pq(printable(m)),
        warning: (m) => lib_core/* warning */.$e(m),
        debug: lib_core/* debug */.Yz,
    };
    if (!anythingLeft(left, log))
        return;
    const config = (await readConfig())?.config;
    if (!config)
        return;
    lib_core/* info */.pq('The main step did not finish: cleaning up after it.');
    await cleanUpWithin(left, config, log);
}


/***/ })

};
