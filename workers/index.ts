import { systemClock } from '../src/clock';
import { loadConfig } from '../src/config';
import { connectMongo, disconnectMongo } from '../src/db';
import { createLogger } from '../src/logger';
import { createMailer } from '../src/notifications/mailer';
import { Queues } from '../src/queues';
import { createFailFastRedis } from '../src/redis';
import { startWorkers } from './workers';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  await connectMongo(config.MONGODB_URI);
  const redis = createFailFastRedis(config.REDIS_URL);
  redis.on('error', (err) => logger.debug({ err: err.message }, 'redis.error'));
  const queues = new Queues(redis, { prefix: config.REDIS_PREFIX, attempts: config.JOB_ATTEMPTS });
  const mailer = createMailer(config.SMTP_URL, config.MAIL_FROM);
  const running = await startWorkers({ config, clock: systemClock, logger, queues, redis, mailer });
  logger.info('worker.started');

  const stop = async (signal: string) => {
    logger.info({ signal }, 'worker.stopping');
    // close() lets running jobs finish; unfinished ones are picked up again by another worker.
    await running.close();
    await queues.close();
    mailer.close();
    redis.disconnect();
    await disconnectMongo();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
