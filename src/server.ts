import { createServer } from 'node:http';
import { systemClock } from './clock';
import { loadConfig } from './config';
import { connectMongo, disconnectMongo } from './db';
import { createLogger } from './logger';
import { Queues } from './queues';
import { createFailFastRedis } from './redis';
import { createApp } from './app';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  await connectMongo(config.MONGODB_URI);
  const redis = createFailFastRedis(config.REDIS_URL);
  redis.on('error', (err) => logger.debug({ err: err.message }, 'redis.error'));
  const queueRedis = createFailFastRedis(config.REDIS_URL);
  queueRedis.on('error', () => undefined);
  const queues = new Queues(queueRedis, { prefix: config.REDIS_PREFIX, attempts: config.JOB_ATTEMPTS });
  const app = createApp({ config, clock: systemClock, logger, queues, redis });

  const server = createServer(app).listen(config.PORT, () => logger.info({ port: config.PORT }, 'web.listening'));
  const stop = async (signal: string) => {
    logger.info({ signal }, 'web.stopping');
    server.close();
    await queues.close();
    redis.disconnect();
    queueRedis.disconnect();
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
