import { systemClock } from '../src/clock';
import { loadConfig } from '../src/config';
import { connectMongo, disconnectMongo } from '../src/db';
import { createLogger } from '../src/logger';
import { seedDemoUsers, seedReferenceData } from '../src/seed/seed.service';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  await connectMongo(config.MONGODB_URI);
  const ref = await seedReferenceData();
  const users = process.argv.includes('--no-demo-users') ? 0 : await seedDemoUsers(systemClock.now());
  logger.info({ ...ref, demoUsers: users }, 'seed.done');
  await disconnectMongo();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
