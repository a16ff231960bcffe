// The Action's main step, as the runner starts it (action.yml runs.main, bundled to dist/index.js).
import { run } from '../action/main.js';

// The runner cancels with SIGINT, then SIGTERM: an exit, not a signal's death, so the process's
// exit hooks run (the SSH forwards' sockets go); the post step cleans up on the server.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(1));
await run();
