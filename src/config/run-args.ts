// The grammar of the run-args input, pure: extra `docker run` options, one
// argument a line, that may neither override what the deploy sets itself nor
// smuggle in a word docker would take as the image.

/** Options the action sets or that would break the deploy: the port it publishes, its name and labels, detached and not interactive. */
const MANAGED: Record<string, string> = {
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

export interface RunArgs {
  runArgs: string[];
  /** A --restart policy found in run-args (0.1 had no restart input). */
  restart?: string;
  problems: string[];
}

/** One option with its value, as docker would read it. */
interface Option {
  name: string;
  value?: string;
  text: string;
  /** The lines it takes: one, or two with its value on the next. */
  lines: number[];
}

/** Splits lines into options; a line that is no option and no option's value is a problem. */
function options(lines: string[], problems: string[]): Option[] {
  const found: Option[] = [];
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
        if (i + 1 < lines.length && !lines[i + 1].startsWith('-')) i += 1; // the value meant for it, said once
      } else found.push({ name, value, text: line, lines: [i] });
      continue;
    }
    // Short options, possibly glued: -dit, -v/data:/data, -p8080:80.
    for (let k = 1; k < line.length; k += 1) {
      const name = `-${line[k]}`;
      if (SHORT_WITH_VALUE.has(name)) {
        const glued = line.slice(k + 1).replace(/^=/, '');
        if (glued) found.push({ name, value: glued, text: line, lines: [i] });
        else if (i + 1 < lines.length && !lines[i + 1].startsWith('-'))
          found.push({ name, value: lines[i + 1], text: line, lines: [i, ++i] });
        else problems.push(`${JSON.stringify(line)} takes a value: put it after ${name} or on the next line`);
        break;
      }
      if (!FLAGS.has(name)) {
        problems.push(
          `${JSON.stringify(line)} is not a docker run option this action knows: write long options as --name=VALUE`,
        );
        break;
      }
      found.push({ name, text: line, lines: [i] });
    }
  }
  return found;
}

/** run-args checked, without a --restart policy (returned on its own). */
export function parseRunArgs(lines: string[]): RunArgs {
  const problems: string[] = [];
  let restart: string | undefined;
  const removed = new Set<number>();
  const refused = new Set<number>();
  const refuse = (option: Option, why: string): void => {
    if (!refused.has(option.lines[0])) problems.push(`${JSON.stringify(option.text)} is not accepted: ${why}`);
    refused.add(option.lines[0]);
  };
  for (const option of options(lines, problems)) {
    const managed = MANAGED[option.name];
    if (option.name === '--restart') {
      restart = option.value ?? '';
      option.lines.forEach((i) => removed.add(i));
    } else if (managed) refuse(option, managed);
    else if ((option.name === '--label' || option.name === '-l') && OWN_LABEL.test(option.value ?? ''))
      refuse(option, "docker-hot-deploy.* labels are the action's own");
    else if (HOST_NETWORK.test(option.text)) refuse(option, 'with the host network nothing is published on port-range');
  }
  return { runArgs: lines.filter((_, i) => !removed.has(i)), restart, problems };
}
