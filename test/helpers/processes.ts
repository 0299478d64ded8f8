import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from './servers';

const ROOT = path.resolve(__dirname, '../..');
const REGISTER = path.join(__dirname, 'ts-register.js');

export interface AppProcess {
  child: ChildProcess;
  /** Every log line (pino JSON) the process wrote so far. */
  logs: string[];
  port?: number;
  /** Resolves with the first log line matching, or rejects after `timeoutMs`. */
  waitForLog(match: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code (or signal) when the process ends. */
  exited: Promise<number | string>;
  kill(signal?: NodeJS.Signals): void;
}

/**
 * The real web (`src/server.ts`) or worker (`workers/index.ts`) process, started from the sources
 * with the given environment (database, Redis, SMTP of the test). Logs at info level are kept.
 */
export async function startProcess(kind: 'web' | 'worker', env: Record<string, string>): Promise<AppProcess> {
  const entry = kind === 'web' ? 'src/server.ts' : 'workers/index.ts';
  const port = kind === 'web' ? await freePort() : undefined;
  const child = spawn(process.execPath, ['-r', REGISTER, entry], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env, ...(port ? { PORT: String(port) } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const waiters: { match: RegExp; resolve: (line: string) => void }[] = [];
  const onLine = (line: string) => {
    logs.push(line);
    for (const w of [...waiters]) {
      if (w.match.test(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  for (const stream of [child.stdout!, child.stderr!]) {
    let rest = '';
    stream.on('data', (b: Buffer) => {
      const parts = (rest + b.toString()).split('\n');
      rest = parts.pop() ?? '';
      parts.forEach(onLine);
    });
  }
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const proc: AppProcess = {
    child,
    logs,
    port,
    exited,
    kill: (signal = 'SIGTERM') => {
      child.kill(signal);
    },
    waitForLog(match, timeoutMs = 30000) {
      const seen = logs.find((l) => match.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${kind}: no log line ${match} within ${timeoutMs} ms; last lines:\n${logs.slice(-15).join('\n')}`)), timeoutMs);
        const waiter = {
          match,
          resolve: (line: string) => {
            clearTimeout(timer);
            resolve(line);
          },
        };
        waiters.push(waiter);
        void exited.then(() => {
          if (!waiters.includes(waiter)) return;
          clearTimeout(timer);
          reject(new Error(`${kind} exited before logging ${match}; last lines:\n${logs.slice(-15).join('\n')}`));
        });
      });
    },
  };
  await proc.waitForLog(kind === 'web' ? /web\.listening/ : /worker\.started/, 60000);
  return proc;
}

/** The environment a process needs to share this test's database, Redis prefix and SMTP. */
export function processEnv(config: { MONGODB_URI: string; REDIS_URL: string; REDIS_PREFIX: string; SESSION_SECRET: string }, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    MONGODB_URI: config.MONGODB_URI,
    REDIS_URL: config.REDIS_URL,
    REDIS_PREFIX: config.REDIS_PREFIX,
    SESSION_SECRET: config.SESSION_SECRET,
    ...extra,
  };
}

/** Ends every process a test started (SIGKILL to those still running) and empties the list. */
export async function stopProcesses(started: AppProcess[]): Promise<void> {
  for (const p of started.splice(0)) {
    if (p.child.exitCode === null && p.child.signalCode === null) p.kill('SIGKILL');
    await p.exited;
  }
}
