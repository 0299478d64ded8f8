import { systemClock } from './clock';
import { loadConfig } from './config';
import type { Context } from './context';
import { connectMongo, disconnectMongo } from './db';
import { createLogger } from './logger';
import { Queues } from './platform/jobs/queues';
import { startReferenceSync } from './platform/reference-cache';
import { QUEUE_NAMES } from './registry';
import { createFailFastRedis } from './redis';

/** What every process (web, worker) starts with; `shutdown` undoes it. */
export async function boot(): Promise<Context & { shutdown(): Promise<void> }> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  await connectMongo(config.MONGODB_URI);
  const redis = createFailFastRedis(config.REDIS_URL, { commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS });
  redis.on('error', (err) => logger.debug({ err: err.message }, 'redis.error'));
  // Producers get their own connection so a burst of queue traffic never delays session reads.
  const queueRedis = createFailFastRedis(config.REDIS_URL, { commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS });
  queueRedis.on('error', () => undefined);
  const queues = new Queues(queueRedis, { prefix: config.REDIS_PREFIX, attempts: config.JOB_ATTEMPTS, enqueueTimeoutMs: config.ENQUEUE_TIMEOUT_MS }, QUEUE_NAMES);
  const stopReferenceSync = startReferenceSync({ redisUrl: config.REDIS_URL, prefix: config.REDIS_PREFIX, publisher: redis, logger, maxAgeSeconds: config.REFERENCE_MAX_AGE_SECONDS });
  return {
    config,
    clock: systemClock,
    logger,
    queues,
    redis,
    async shutdown() {
      await stopReferenceSync();
      await queues.close();
      redis.disconnect();
      queueRedis.disconnect();
      await disconnectMongo();
    },
  };
}

/** Runs `stop` once on SIGTERM or SIGINT, then exits; a second signal exits at once. */
export function onSignals(logger: Context['logger'], name: string, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, `${name}.stop_forced`);
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, `${name}.stopping`);
    stop()
      .then(() => process.exit(0))
      .catch((err) => {
        logger.error({ err }, `${name}.stop_failed`);
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => handler('SIGTERM'));
  process.on('SIGINT', () => handler('SIGINT'));
}

export function runMain(main: () => Promise<void>): void {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
