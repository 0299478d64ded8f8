import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { withTimeout } from '../../db';
import type { JobDefinition } from './define-job';

export interface QueueSettings {
  prefix: string;
  attempts: number;
  /** An add gives up after this long (ENQUEUE_TIMEOUT_MS); without it, 3 s. */
  enqueueTimeoutMs?: number;
}

/**
 * Producers' side of BullMQ: one Queue per name the registered jobs use, created up front. (A
 * Queue created while Redis is down waits for it without a timeout, so none is created later.)
 */
export class Queues {
  private readonly queues = new Map<string, Queue>();

  constructor(
    /** The producers' connection (the schedule keeper listens for its reconnects). */
    readonly connection: Redis,
    private readonly settings: QueueSettings,
    names: readonly string[],
  ) {
    for (const name of names) {
      const queue = new Queue(name, { connection: this.connection, prefix: this.settings.prefix });
      // A producer whose Redis is down must not crash the process; add() rejects and the caller
      // records the job for the reconciler.
      queue.on('error', () => undefined);
      this.queues.set(name, queue);
    }
  }

  get(name: string): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`unknown queue ${name}: is its job listed in src/registry.ts?`);
    return queue;
  }

  all(): Queue[] {
    return [...this.queues.values()];
  }

  async enqueue<P>(def: Pick<JobDefinition<P>, 'name' | 'queue' | 'payload' | 'jobId'>, payload: P, opts: JobsOptions = {}): Promise<void> {
    const data = def.payload.parse(payload);
    // An add is several Redis commands, each bounded by the connection's command timeout; the
    // whole is bounded here. If it reached a frozen Redis it may still run once Redis resumes:
    // the job id is deterministic, so the reconciler's later add of the same job is ignored.
    const added = this.get(def.queue).add(def.name, data, {
      jobId: def.jobId(data),
      attempts: this.settings.attempts,
      backoff: { type: 'exponential', delay: 2000 },
      // Completed jobs are dropped (MongoDB holds the record); failed ones stay a week to inspect.
      removeOnComplete: { age: 3600, count: 1000 },
      removeOnFail: { age: 7 * 24 * 3600 },
      ...opts,
    });
    await withTimeout(added, this.settings.enqueueTimeoutMs ?? 3000);
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((q) => q.close()));
  }
}
