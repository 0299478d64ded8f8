#!/usr/bin/env node
// `npm start`: one command for a fresh machine. Builds if needed, brings MongoDB (or FerretDB),
// Redis and a mail catcher up, seeds demo data on first start, then runs web and workers.
// Production runs `npm run web` and `npm run worker` separately (see README).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIfNeeded, serviceEnv, stopChildren } from './services.mjs';
import net from 'node:net';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const log = (msg) => process.stderr.write(`[start] ${msg}\n`);

function portOpen(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

/** In development, maildev catches every mail: SMTP on 1025, inbox on http://localhost:1080. */
async function ensureMailCatcher(children) {
  if (process.env.SMTP_URL) return process.env.SMTP_URL;
  if (!(await portOpen(1025))) {
    const bin = path.join(ROOT, 'node_modules', '.bin', 'maildev');
    fs.mkdirSync(path.join(ROOT, '.data', 'logs'), { recursive: true });
    const out = fs.openSync(path.join(ROOT, '.data', 'logs', 'maildev.log'), 'a');
    const child = spawn(bin, ['--smtp', '1025', '--web', '1080', '--ip', '127.0.0.1', '--silent'], { stdio: ['ignore', out, out] });
    children.push(child);
    for (let i = 0; i < 40 && !(await portOpen(1025)); i++) await new Promise((r) => setTimeout(r, 250));
    if (!(await portOpen(1025))) throw new Error('maildev did not start; see .data/logs/maildev.log (or set SMTP_URL)');
    log('mail inbox: http://localhost:1080');
  }
  return 'smtp://127.0.0.1:1025';
}

async function main() {
  buildIfNeeded();
  const children = [];
  const env = { ...(await serviceEnv(children)), SMTP_URL: await ensureMailCatcher(children) };

  const seed = spawnSync(process.execPath, ['dist/scripts/seed.js'], { cwd: ROOT, env, stdio: 'inherit' });
  if (seed.status !== 0) throw new Error('seeding failed');

  const web = spawn(process.execPath, ['dist/src/server.js'], { cwd: ROOT, env, stdio: 'inherit' });
  const worker = spawn(process.execPath, ['dist/workers/index.js'], { cwd: ROOT, env, stdio: 'inherit' });
  log(`web: ${env.BASE_URL ?? 'http://localhost:' + (env.PORT ?? 3000)}  (demo accounts: see README)`);

  let stopping = false;
  const stop = async (code) => {
    if (stopping) return;
    stopping = true;
    for (const c of [web, worker]) if (c.exitCode === null) c.kill('SIGTERM');
    await Promise.all([web, worker].map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)));
    await stopChildren(children);
    process.exit(code);
  };
  process.once('SIGINT', () => stop(0));
  process.once('SIGTERM', () => stop(0));
  web.once('exit', (code) => stop(code ?? 1));
  // If whatever started us (npm, a terminal) goes away without a signal, take everything down
  // with us rather than leave servers running unowned.
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && stop(0), 1000).unref();
  worker.once('exit', (code) => stop(code ?? 1));
}

main().catch((err) => {
  log(err.message);
  process.exit(1);
});
