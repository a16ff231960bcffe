// Generated from action.yml by scripts/generate-inputs.mjs (npm run build): do not edit.

export interface ActionInput {
  name: string;
  description: string;
  required: boolean;
  default?: string;
}

export const ACTION_INPUTS: readonly ActionInput[] = [
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
