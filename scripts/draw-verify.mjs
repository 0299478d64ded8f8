#!/usr/bin/env node
// `npm run draw:verify -- <snapshot.json> <seed>`: builds if needed and runs dist/scripts/draw-verify.js
// (no database or Redis: the check needs only the file and the seed).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIfNeeded } from './services.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
buildIfNeeded();
const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/scripts/draw-verify.js'), ...process.argv.slice(2)], { stdio: 'inherit' });
process.exitCode = r.status ?? 1;
