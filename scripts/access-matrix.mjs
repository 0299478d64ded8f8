#!/usr/bin/env node
// `npm run access-matrix`: probes every route of the app with every role (a test app on the test
// services, through jest's global setup) and writes the table between the README's
// access-matrix markers (the path alone selects it; `--selectProjects` would swallow it as a
// project name). The same test, run without ACCESS_MATRIX_WRITE, fails when they differ.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const jest = path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
const r = spawnSync(process.execPath, [jest, 'test/integration/access-matrix.test.ts'], {
  cwd: ROOT,
  env: { ...process.env, ACCESS_MATRIX_WRITE: '1' },
  stdio: 'inherit',
});
process.exitCode = r.status ?? 1;
