// The one place a remote command line is made: an argument list, each element
// quoted so the server's shell passes it on as one literal argument.
import { quote } from 'shell-quote';

/** A command as its arguments, built by the pure builders (docker.ts) and run by a RemoteShell. */
export type Argv = string[];

export function shellCommand(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('empty command');
  return quote([...argv]);
}
