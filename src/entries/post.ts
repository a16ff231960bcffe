// The Action's post step, as the runner starts it (action.yml runs.post, bundled to dist/post/index.js).
import { run } from '../post.js';

await run();
