// Loads closed-case history for the scale benchmark (`npm run bench:scale`) fast enough that
// 1,000,000 cases fit its time budget. Through the driver, FerretDB v1.24 inserts ~2,000 cases/s
// into a collection with the cases' 15 indexes (each document re-encoded in Go, a transaction per
// 100): 1,000,000 would take ~8 minutes per server. So the history is copied inside the database
// engine from a few template cases that FerretDB itself wrote, changing only string values
// (`_id`, `number`) and keeping every type, so each copy is a document FerretDB reads as it reads
// the template (its stored form carries a schema of field types: `$s`). The engine maintains the
// collection's indexes as for any insert.
//
// FerretDB v1.24.2's layouts this relies on (internal/backends/*/metadata/registry.go):
//   SQLite:     one file <dir>/<database>.sqlite (WAL, busy_timeout 10 s); table
//               `_ferretdb_collections(name, table_name, settings)`; a collection is a table with
//               one TEXT column `_ferretdb_sjson`.
//   PostgreSQL: one schema per database; table `<db>._ferretdb_database_metadata(_jsonb)` whose
//               `_jsonb->>'_id'` is the collection and `->>'table'` its table, which has one
//               jsonb column `_jsonb`.
// When the layout is not found (another server, another version, no sqlite3/psql), `load()`
// answers null and the caller inserts through the driver instead. Every load is checked after:
// the row count in the engine, and a generated case read back through the driver.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Rows per statement: each is its own transaction, so the server's own writers wait seconds at most. */
const CHUNK = 100_000;
const ID_PREFIX = 'c1a5ed'; // 6 of the 24 hex digits of every generated _id

/** The _id (hex) and number of generated copy <i> of template <k>. */
export const generatedId = (k, i) => `${ID_PREFIX}${k.toString(16).padStart(2, '0')}${i.toString(16).padStart(16, '0')}`;
export const generatedNumber = (k, i) => `2023-H${String(k).padStart(2, '0')}-${String(i).padStart(9, '0')}`;

function run(cmd, args, input) {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8', maxBuffer: 16 << 20 });
  if (r.error) return { ok: false, out: '', err: r.error.message };
  return { ok: r.status === 0, out: r.stdout.trim(), err: r.stderr.trim() };
}

/** SQLite: the statements run by the sqlite3 shell against FerretDB's file while it runs. */
function sqliteEngine(dir, database, collection) {
  const file = path.join(dir, `${database}.sqlite`);
  if (!fs.existsSync(file) || !run('sqlite3', ['--version']).ok) return null;
  // This connection only: no fsync per commit and a cache that holds the indexes' upper pages
  // (FerretDB's own connections keep their settings).
  const sql = (text) => run('sqlite3', ['-batch', file], `.timeout 60000\nPRAGMA synchronous = OFF;\nPRAGMA cache_size = -262144;\n${text}\n`);
  const found = sql(`SELECT table_name FROM _ferretdb_collections WHERE name = '${collection}';`);
  const table = found.ok ? found.out : '';
  if (!/^[A-Za-z0-9_]+$/.test(table)) return null;
  const columns = sql(`SELECT group_concat(name) FROM pragma_table_info('${table}');`);
  if (!columns.ok || columns.out !== '_ferretdb_sjson') return null;
  return {
    name: `sqlite3 shell on ${path.basename(file)}, table ${table}`,
    count: () => Number(sql(`SELECT count(*) FROM "${table}";`).out),
    // A bulk load leaves hundreds of MB in the WAL, which every later read must look pages up in;
    // a running server checkpoints it little by little. Folded into the file at once, as at rest.
    settle: () => sql('PRAGMA wal_checkpoint(TRUNCATE);'),
    copy: (templateNumbers, from, to) =>
      sql(`WITH RECURSIVE n(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM n WHERE i < ${to - 1}),
  t(k, s) AS (SELECT row_number() OVER (ORDER BY _ferretdb_sjson ->> '$.number') - 1, _ferretdb_sjson FROM "${table}" WHERE _ferretdb_sjson ->> '$.number' IN (${templateNumbers.map((x) => `'${x}'`).join(', ')}))
INSERT INTO "${table}" (_ferretdb_sjson)
SELECT json_set(s, '$._id', printf('${ID_PREFIX}%02x%016x', k, i), '$.number', printf('2023-H%02d-%09d', k, i)) FROM n, t;`),
  };
}

/** PostgreSQL: the statements run by psql against FerretDB's schema for the database. */
function postgresEngine(url, database, collection) {
  if (!url || !run('psql', ['--version']).ok) return null;
  const sql = (text) => run('psql', [url, '-v', 'ON_ERROR_STOP=1', '-tA'], text);
  const found = sql(`SELECT _jsonb ->> 'table' FROM "${database}"._ferretdb_database_metadata WHERE _jsonb ->> '_id' = '${collection}';`);
  const table = found.ok ? found.out : '';
  if (!/^[A-Za-z0-9_]+$/.test(table)) return null;
  const columns = sql(`SELECT string_agg(column_name, ',') FROM information_schema.columns WHERE table_schema = '${database}' AND table_name = '${table}';`);
  if (!columns.ok || columns.out !== '_jsonb') return null;
  const t = `"${database}"."${table}"`;
  return {
    name: `psql on ${database}.${table}`,
    count: () => Number(sql(`SELECT count(*) FROM ${t};`).out),
    copy: (templateNumbers, from, to) =>
      sql(`WITH t(k, s) AS (SELECT row_number() OVER (ORDER BY _jsonb ->> 'number') - 1, _jsonb FROM ${t} WHERE _jsonb ->> 'number' IN (${templateNumbers.map((x) => `'${x}'`).join(', ')}))
INSERT INTO ${t} (_jsonb)
SELECT jsonb_set(jsonb_set(s, '{_id}', to_jsonb('${ID_PREFIX}' || lpad(to_hex(k), 2, '0') || lpad(to_hex(i), 16, '0'))), '{number}', to_jsonb('2023-H' || lpad(k::text, 2, '0') || '-' || lpad(i::text, 9, '0')))
FROM generate_series(${from}, ${to - 1}) AS i, t;`),
  };
}

/**
 * A loader for <collection> of <database>: `grow(perTemplateFrom, perTemplateTo)` adds, for each
 * template (ordered by number), the copies numbered from..to-1. Answers null when the server's
 * storage is not the layout above.
 */
export function historyLoader({ backend, sqliteDir, postgresUrl, database, collection, templateNumbers }) {
  const engine = backend === 'sqlite' ? sqliteEngine(sqliteDir, database, collection) : postgresEngine(postgresUrl, database, collection);
  if (!engine) return null;
  return {
    name: engine.name,
    count: engine.count,
    grow(from, to) {
      for (let a = from; a < to; a += Math.ceil(CHUNK / templateNumbers.length)) {
        const b = Math.min(to, a + Math.ceil(CHUNK / templateNumbers.length));
        const r = engine.copy(templateNumbers, a, b);
        if (!r.ok) throw new Error(`copying history rows ${a}..${b} failed (${engine.name}): ${r.err}`);
      }
      engine.settle?.();
    },
  };
}
