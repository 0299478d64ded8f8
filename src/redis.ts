import { Redis, type RedisOptions } from 'ioredis';
import { withTimeout } from './db';

/**
 * Connections for callers that must fail fast when Redis is down or frozen (web requests,
 * producers): no offline queue, one retry, and every command rejected after `commandTimeout`, so
 * a request answers 503 or records the job for the reconciler instead of hanging. A frozen Redis
 * keeps its TCP connection open and never answers: without the timeout nothing else notices.
 */
export function createFailFastRedis(url: string, { commandTimeoutMs, ...extra }: RedisOptions & { commandTimeoutMs: number }): Redis {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: commandTimeoutMs,
    // Keep reconnecting in the background, backing off to 2 s, so service resumes by itself.
    retryStrategy: (times) => Math.min(times * 200, 2000),
    ...extra,
  });
}

/**
 * BullMQ workers block on Redis (BZPOPMIN with a long timeout) and must wait through outages:
 * BullMQ requires null retries, and a command timeout would break the blocking reads. A frozen
 * Redis only pauses the workers; nobody waits on them.
 */
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
