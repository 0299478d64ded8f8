import { Redis, type RedisOptions } from 'ioredis';
import { withTimeout } from './db';

/**
 * Connections for callers that must fail fast when Redis is down (web requests, producers):
 * no offline queue, one retry, so a request answers 503 or records the job for the reconciler
 * instead of hanging.
 */
export function createFailFastRedis(url: string, extra: RedisOptions = {}): Redis {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    // Keep reconnecting in the background, backing off to 2 s, so service resumes by itself.
    retryStrategy: (times) => Math.min(times * 200, 2000),
    ...extra,
  });
}

/** BullMQ workers block on Redis and must wait through outages: BullMQ requires null retries. */
export function createWorkerRedis(url: string): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
}

export async function pingRedis(client: Redis, timeoutMs = 1500): Promise<boolean> {
  try {
    return (await withTimeout(client.ping(), timeoutMs)) === 'PONG';
  } catch {
    return false;
  }
}

/** Resolves once the client is ready, or rejects after the timeout. */
export function waitReady(client: Redis, timeoutMs = 5000): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return withTimeout(
    new Promise<void>((resolve) => client.once('ready', () => resolve())),
    timeoutMs,
  );
}
