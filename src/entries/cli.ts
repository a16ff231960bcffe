#!/usr/bin/env node
// The CLI, as `npx docker-hot-deploy` or `node dist/cli/index.js` starts it (package.json bin).
import { main } from '../cli/cli.js';

const code = await main(process.argv.slice(2), process.env, {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  columns: process.stderr.isTTY ? process.stderr.columns || 80 : undefined,
});
process.exitCode = code;
// A cleanup that gave up (main returned) may still hold a connection open: it must not keep the CLI.
setTimeout(() => process.exit(code), 1000).unref();
