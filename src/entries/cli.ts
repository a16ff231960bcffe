#!/usr/bin/env node
// The CLI, as `npx docker-hot-deploy` or `node dist/cli/index.js` starts it (package.json bin).
import { main } from '../cli.js';

process.exitCode = await main(process.argv.slice(2), process.env, {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
