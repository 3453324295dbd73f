#!/usr/bin/env node
// Thin launcher: the CLI is compiled from src/cli by `npm run build:core` (run by `npm install`).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('framewise: the core is not built yet. Run `npm run build:core` (npm install does it too).\n');
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
