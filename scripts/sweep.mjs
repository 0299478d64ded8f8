#!/usr/bin/env node
// `npm run sweep [-- --rebuild]`: builds if needed, finds (or starts) MongoDB and Redis the way
// `npm start` does, runs one escalation sweep (dist/scripts/sweep.js) and prints what it did.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIfNeeded, serviceEnv, stopChildren } from './services.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const children = [];
try {
  buildIfNeeded();
  const env = { LOG_LEVEL: 'warn', ...(await serviceEnv(children)) };
  const r = spawnSync(process.execPath, ['dist/scripts/sweep.js', ...process.argv.slice(2)], { cwd: ROOT, env, stdio: 'inherit' });
  process.exitCode = r.status ?? 1;
} finally {
  await stopChildren(children);
}
