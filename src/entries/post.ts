// The Action's post step, as the runner starts it (action.yml runs.post, bundled to dist/post/index.js).
import { run } from '../post.js';

// As the main step: an exit, so the SSH forwards' sockets go.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(1));
await run();
