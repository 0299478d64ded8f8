import mongoose from 'mongoose';
import { loadConfig } from '../src/config';
import { connectMongo } from '../src/db';
import { backupDatabase, BackupError, restoreDatabase } from '../src/platform/backup';

// `npm run backup -- <dir>` / `npm run restore -- <dir> [--drop]`: the database named in
// MONGODB_URI to or from a directory (see src/platform/backup.ts for the format). A
// command-line tool: it prints its report on standard output.
const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const [command, dir, ...flags] = process.argv.slice(2);
  if ((command !== 'backup' && command !== 'restore') || !dir || flags.some((f) => f !== '--drop')) {
    throw new BackupError('usage: npm run backup -- <dir>   |   npm run restore -- <dir> [--drop]');
  }
  const config = loadConfig();
  await connectMongo(config.MONGODB_URI);
  try {
    const db = mongoose.connection.db!;
    if (command === 'backup') {
      const m = await backupDatabase(db, dir);
      for (const c of m.collections) say(`  ${c.name}: ${c.count}`);
      say(`backed up ${m.database}: ${m.collections.length} collections, ${m.gridfs.reduce((n, b) => n + b.files.length, 0)} GridFS files, to ${dir}`);
    } else {
      const r = await restoreDatabase(db, dir, { drop: flags.includes('--drop') });
      for (const c of r.collections) say(`  ${c.name}: ${c.count}`);
      say(`restored into ${db.databaseName}: ${r.collections.length} collections, ${r.indexes} indexes, ${r.gridfsFiles} GridFS files; counts and hashes checked`);
    }
  } finally {
    await mongoose.disconnect();
  }
}

main().catch((err) => {
  console.error(err instanceof BackupError ? err.message : err);
  process.exit(1);
});
