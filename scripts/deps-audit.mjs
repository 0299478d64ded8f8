#!/usr/bin/env node
// `npm run deps:audit`: builds if needed, then runs dist/scripts/audit.js (see scripts/audit.ts).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIfNeeded } from './services.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
buildIfNeeded();
const r = spawnSync(process.execPath, ['dist/scripts/audit.js'], { cwd: ROOT, stdio: 'inherit' });
process.exitCode = r.status ?? 1;
