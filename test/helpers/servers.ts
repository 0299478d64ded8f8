import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Whether the process has ended (killed by a signal, exitCode stays null). */
const ended = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

function waitPort(port: number, child: ChildProcess, timeoutMs = 30000): Promise<void> {
  const until = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tryOnce = () => {
      if (ended(child)) return reject(new Error(`server exited with ${child.exitCode ?? child.signalCode}`));
      const s = net.connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > until) reject(new Error(`port ${port} did not open`));
        else setTimeout(tryOnce, 100);
      });
    };
    tryOnce();
  });
}

export interface OwnServer {
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server for good and deletes its data. */
  close(): Promise<void>;
  /** Freezes the process (SIGSTOP): connections stay open, nothing answers. */
  freeze(): void;
  /** Lets a frozen process run again (SIGCONT). */
  thaw(): void;
}

/** A server process of this test's own, so the test can stop it without touching shared ones. */
async function ownServer(port: number, cmd: string, args: string[], dataDir?: string): Promise<OwnServer> {
  let child: ChildProcess | undefined;
  const server: OwnServer = {
    port,
    async start() {
      child = spawn(cmd, args, { stdio: 'ignore' });
      await waitPort(port, child);
    },
    async stop() {
      if (!child || ended(child)) return;
      const c = child;
      await new Promise<void>((resolve) => {
        c.once('exit', () => resolve());
        c.kill('SIGKILL');
      });
    },
    freeze() {
      if (child && !ended(child)) child.kill('SIGSTOP');
    },
    thaw() {
      if (child && !ended(child)) child.kill('SIGCONT');
    },
    async close() {
      await server.stop();
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  try {
    await server.start();
  } catch (err) {
    await server.close();
    throw err;
  }
  return server;
}

export async function ownRedis(): Promise<OwnServer> {
  const port = await freePort();
  return ownServer(port, 'redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no']);
}

const SERVICES = path.resolve(__dirname, '../../scripts/services.mjs');

/**
 * Runs `node scripts/services.mjs mongo-command` (Jest cannot load that ES module itself), which
 * picks mongod or our FerretDB build, building the latter once when needed; its progress goes to
 * stderr and, when nothing can be started, its message names what to install.
 */
function mongoServerCommand(port: number, dataRoot: string): Promise<{ name: string; cmd: string; args: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SERVICES, 'mongo-command', String(port), dataRoot], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
      process.stderr.write(b); // a first FerretDB build takes minutes: show that it is under way
    });
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) return resolve(JSON.parse(out));
      const message = err.replace(/^\[services\] /gm, '').trim() || `exit code ${code}`;
      reject(new Error(`This test needs a MongoDB-compatible server of its own and none could be started.\n${message}`));
    });
  });
}

/**
 * A MongoDB-compatible server of this test's own (mongod if on PATH, else our FerretDB build),
 * on a free port with its data in a temporary folder. The first call may build FerretDB with Go
 * (minutes on a clean machine): call it from a hook with a long timeout.
 */
export async function ownMongo(): Promise<OwnServer & { name: string }> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-mongo-'));
  try {
    const { name, cmd, args } = await mongoServerCommand(port, dir);
    return Object.assign(await ownServer(port, cmd, args, dir), { name });
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
