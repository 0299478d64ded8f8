#!/usr/bin/env node
// `npm run backup -- <dir>` and `npm run restore -- <dir> [--drop]`: build if needed, then run
// dist/scripts/backup.js against MONGODB_URI (default: the database `npm start` uses). It never
// starts a database of its own: backing up a new empty server would look like success.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIfNeeded } from './services.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
buildIfNeeded();
const [command, ...rest] = process.argv.slice(2);
// Directories are taken from where the command was typed, not from the project root.
const args = rest.map((a) => (a.startsWith('--') ? a : path.resolve(process.env.INIT_CWD ?? process.cwd(), a)));
const r = spawnSync(process.execPath, ['dist/scripts/backup.js', command, ...args], { cwd: ROOT, env: { LOG_LEVEL: 'warn', ...process.env }, stdio: 'inherit' });
process.exitCode = r.status ?? 1;
