import mongoose from 'mongoose';

// Commands fail after this long instead of queueing forever while MongoDB is down, so a request
// gets a 503 rather than hanging.
const SERVER_SELECTION_MS = 3000;

export async function connectMongo(uri: string): Promise<typeof mongoose> {
  mongoose.set('strictQuery', true);
  // Production uses MongoDB 7; CI uses FerretDB, which lacks some features (DESIGN section 7).
  // Index builds are cheap here and keep unique keys enforced from the first write.
  await mongoose.connect(uri, { serverSelectionTimeoutMS: SERVER_SELECTION_MS, autoIndex: true });
  return mongoose;
}

export async function disconnectMongo(): Promise<void> {
  await mongoose.disconnect();
}

/** True when the database answers a ping right now. */
export async function pingMongo(timeoutMs = 1500): Promise<boolean> {
  const db = mongoose.connection.db;
  if (!db || mongoose.connection.readyState !== 1) return false;
  try {
    await withTimeout(db.admin().command({ ping: 1 }), timeoutMs);
    return true;
  } catch {
    return false;
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
