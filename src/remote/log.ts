// What the code says as it works, one shape for every door: the Action gives @actions/core's
// functions, the CLI its terminal, the tests their fakes. Each part takes only what it uses
// (Pick<Log, ...>): the SSH session its debug lines and warnings, the deploy its groups.

export interface Log {
  info: (message: string) => void;
  warning: (message: string) => void;
  /** Detail for debugging (SSH), shown when the run is debugged. */
  debug: (message: string) => void;
  /** One step's lines under its name (folded in the Actions log). */
  group: <T>(name: string, work: () => Promise<T>) => Promise<T>;
  /** Where long work stands, every few seconds (without it: info). The CLI on a terminal rewrites one line. */
  progress?: (message: string) => void;
}
