import type { Server } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from '../../logger';

/**
 * Whether this process is stopping. Process-wide on purpose: readiness is a property of the
 * process, and a SIGTERM reaches the process, not an app instance.
 */
let stopping = false;

export const readiness = {
  isStopping: () => stopping,
  markStopping: () => {
    stopping = true;
  },
};

/** `/readyz`: 200 while the process takes work, 503 from the moment it starts stopping. */
export const readyRoute: RequestHandler = (_req, res) => {
  res.setHeader('Cache-Control', 'no-store');
  if (stopping) res.status(503).json({ status: 'stopping' });
  else res.json({ status: 'ready' });
};

/** While stopping, every answer closes its connection, so keep-alive clients go elsewhere. */
export const closeConnectionsWhileStopping: RequestHandler = (_req, res, next) => {
  if (stopping) res.setHeader('Connection', 'close');
  next();
};

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Stops a web server without cutting requests: readiness goes false first and the server keeps
 * answering for `drainMs` (so a load balancer sees /readyz fail and stops sending), then it stops
 * accepting connections and waits for in-flight requests; after `timeoutMs` the rest are cut.
 */
export async function stopHttpGracefully(server: Server, logger: Logger, opts: { drainMs: number; timeoutMs: number }): Promise<void> {
  readiness.markStopping();
  logger.info({ drainMs: opts.drainMs }, 'web.draining');
  if (opts.drainMs > 0) await delay(opts.drainMs);
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), opts.timeoutMs);
  });
  const cut = await Promise.race([closed.then(() => false), timedOut]);
  clearTimeout(timer);
  if (cut) {
    logger.warn('web.stop_timeout: cutting the connections still open');
    server.closeAllConnections();
    await closed;
  }
  logger.info('web.stopped');
}
