import type { Redis } from 'ioredis';
import type { Schema } from 'mongoose';
import type { Logger } from 'pino';
import { createWorkerRedis } from '../redis';

/**
 * Reference data (units, categories, routing rules, deadline and escalation policies, the
 * calendar) held in memory per process. On FerretDB a 70-document find costs ~6 ms of the one
 * server's CPU (DESIGN section 7), and every request and job used to read these again.
 *
 * Freshness across processes: every write to a cached collection goes through mongoose, whose
 * hooks (`invalidatedOnWrite`, on the model's schema) drop this process's copy at once and publish
 * the collection's name on Redis; every process subscribed (`startReferenceSync`, at boot) drops its
 * copy too. A message can be missed (Redis down, a reconnect): so each copy is also dropped on the
 * subscriber's reconnect and after at most `maxAgeMs` whatever happens.
 */

interface Entry {
  load: () => Promise<unknown>;
  value?: Promise<unknown>;
  loadedAt: number;
}

const entries = new Map<string, Entry>();
let maxAgeMs = 60_000;
let bus: { publisher: Redis; channel: string; logger: Pick<Logger, 'warn'> } | null = null;

/**
 * A cached read of one collection. `load` runs at most once per invalidation (callers arriving
 * while it runs share it); the value is frozen, since every caller gets the same object.
 */
export function referenceData<T>(collection: string, load: () => Promise<T>): () => Promise<T> {
  entries.set(collection, { load, loadedAt: 0 });
  return () => {
    const entry = entries.get(collection)!;
    if (!entry.value || Date.now() - entry.loadedAt > maxAgeMs) {
      entry.loadedAt = Date.now();
      const value = entry.load().then(deepFreeze);
      // A failed read is not kept: the next caller reads again.
      value.catch(() => {
        if (entry.value === value) entry.value = undefined;
      });
      entry.value = value;
    }
    return entry.value as Promise<T>;
  };
}

export interface Memo<V> {
  get(key: string): V | undefined;
  /** Read before loading a value; `set` keeps it only if nothing changed meanwhile. */
  generation(): number;
  set(key: string, value: V, generation: number): void;
}

const memos: { collections: readonly string[]; clear(): void }[] = [];

/**
 * A per-key memo (e.g. API token → user) emptied whenever any of the collections it is derived
 * from changes, in any process. Only what was found should be put in it: misses are not kept, so
 * unknown keys cannot grow it. A value loaded while a change arrived is not kept (it may be older).
 */
export function referenceMemo<V>(collections: readonly string[]): Memo<V> {
  const map = new Map<string, V>();
  let gen = 0;
  memos.push({
    collections,
    clear: () => {
      gen++;
      map.clear();
    },
  });
  return {
    get: (key) => map.get(key),
    generation: () => gen,
    set: (key, value, since) => {
      if (since === gen) map.set(key, value);
    },
  };
}

/** Drops this process's copy of a collection (or of all), without telling the others. */
export function dropLocal(collection?: string): void {
  for (const [name, entry] of entries) if (!collection || name === collection) entry.value = undefined;
  for (const memo of memos) if (!collection || memo.collections.includes(collection)) memo.clear();
}

/** Drops the copy here and in every process subscribed on the same Redis prefix. */
export async function invalidateReference(collection: string): Promise<void> {
  dropLocal(collection);
  if (!bus) return;
  try {
    await bus.publisher.publish(bus.channel, collection);
  } catch (err) {
    // The write itself is saved; the other processes pick it up within maxAgeMs.
    bus.logger.warn({ collection, err: (err as Error).message }, 'reference.publish_failed');
  }
}

const QUERY_WRITES = ['updateOne', 'updateMany', 'findOneAndUpdate', 'findOneAndReplace', 'findOneAndDelete', 'replaceOne', 'deleteOne', 'deleteMany'] as const;

/**
 * Makes every mongoose write to the schema's collection invalidate the cached copies: called in
 * the model's file, before `model()` compiles the schema (hooks added later are not applied).
 */
export function invalidatedOnWrite(schema: Schema, collection: string): void {
  const invalidate = () => invalidateReference(collection);
  for (const op of QUERY_WRITES) schema.post(op, { query: true, document: false }, invalidate);
  schema.post('save', invalidate);
  schema.post('insertMany', invalidate);
  schema.post('bulkWrite', invalidate);
  schema.post('deleteOne', { document: true, query: false }, invalidate);
}

/**
 * Subscribes this process to the other processes' invalidations; answers how to stop. The
 * subscriber has a connection of its own (a subscribed connection can do nothing else) that
 * waits through Redis outages and, on reconnecting, drops every copy (messages may have been missed).
 */
export function startReferenceSync(opts: { redisUrl: string; prefix: string; publisher: Redis; logger: Pick<Logger, 'warn' | 'debug'>; maxAgeSeconds: number }): () => Promise<void> {
  maxAgeMs = opts.maxAgeSeconds * 1000;
  const channel = `${opts.prefix}:reference-changed`;
  bus = { publisher: opts.publisher, channel, logger: opts.logger };
  const subscriber = createWorkerRedis(opts.redisUrl);
  subscriber.on('error', (err) => opts.logger.debug({ err: err.message }, 'reference.redis_error'));
  subscriber.on('ready', () => dropLocal());
  subscriber.on('message', (ch: string, collection: string) => {
    if (ch === channel) dropLocal(collection);
  });
  subscriber.subscribe(channel).catch((err: Error) => opts.logger.warn({ err: err.message }, 'reference.subscribe_failed'));
  return async () => {
    bus = null;
    subscriber.disconnect();
  };
}

/** Freezes plain objects and arrays (not ObjectIds, dates, buffers, maps: their insides are not ours). */
function deepFreeze<T>(value: T): T {
  const plain = Array.isArray(value) || (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype);
  if (plain && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}
