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

function waitPort(port: number, child: ChildProcess, timeoutMs = 30000): Promise<void> {
  const until = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tryOnce = () => {
      if (child.exitCode !== null) return reject(new Error(`server exited with ${child.exitCode}`));
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
}

/** A server process of this test's own, so the test can stop it without touching shared ones. */
async function ownServer(port: number, cmd: string, args: string[]): Promise<OwnServer> {
  let child: ChildProcess | undefined;
  const server: OwnServer = {
    port,
    async start() {
      child = spawn(cmd, args, { stdio: 'ignore' });
      await waitPort(port, child);
    },
    async stop() {
      if (!child || child.exitCode !== null) return;
      const c = child;
      await new Promise<void>((resolve) => {
        c.once('exit', () => resolve());
        c.kill('SIGKILL');
      });
    },
  };
  await server.start();
  return server;
}

export async function ownRedis(): Promise<OwnServer> {
  const port = await freePort();
  return ownServer(port, 'redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no']);
}

/** A second FerretDB (the binary scripts/services.mjs built), with its own data folder. */
export async function ownFerret(): Promise<OwnServer> {
  const port = await freePort();
  const bin = path.resolve(__dirname, '../../.cache/ferretdb/ferretdb-lite');
  if (!fs.existsSync(bin)) throw new Error(`${bin} missing: run node scripts/services.mjs build-ferretdb`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-ferret-'));
  return ownServer(port, bin, ['-listen', `127.0.0.1:${port}`, '-data', dir]);
}
