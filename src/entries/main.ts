// The Action's main step, as the runner starts it (action.yml runs.main, bundled to dist/index.js).
import { run } from '../main.js';

await run();
