// The Action's post step, as the runner starts it (action.yml runs.post, bundled to dist/post/index.js).
import { STATE } from '../action/state.js';

// As the main step: an exit, so the SSH forwards' sockets go.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(1));
// After a deploy that finished (most runs) there is nothing to clean up: the runner gives the saved
// state as STATE_<name> (what core.getState reads), so the cleanup's code is not even loaded.
if (process.env[`STATE_${STATE.finished}`] !== 'true') await (await import('../action/post.js')).run();
