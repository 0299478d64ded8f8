// Starts (or finds) the real MongoDB-compatible server and Redis once for the whole run.
import { ensureMongo, ensureRedis } from '../scripts/services.mjs';

export default async function globalSetup() {
  if (globalThis.__SERVICES__) return; // shared by the integration and e2e projects
  const mongo = await ensureMongo();
  const redis = await ensureRedis();
  process.env.TEST_MONGODB_BASE = mongo.uri;
  process.env.TEST_REDIS_URL = redis.url;
  // Databases and Redis keys carry the run's id, so two test runs on one machine never meet.
  process.env.TEST_RUN_ID = String(process.pid);
  globalThis.__SERVICES__ = [mongo.child, redis.child].filter(Boolean);
}
