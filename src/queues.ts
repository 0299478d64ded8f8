import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';

// Queue names and job definitions shared by web (producers) and workers (consumers).
// Jobs carry ids only, never personal data; handlers re-read the record and check its state.
export const QUEUE_NAMES = ['routing', 'notifications', 'maintenance'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export interface JobDefinition<P> {
  name: string;
  queue: QueueName;
  payload: z.ZodType<P>;
  /** Deterministic id: a retried or repeated job does its work once. BullMQ ids may not hold ':'. */
  jobId(payload: P): string;
}

const objectId = z.string().regex(/^[a-f0-9]{24}$/);

export const routeCaseJob: JobDefinition<{ caseId: string }> = {
  name: 'route-case',
  queue: 'routing',
  payload: z.object({ caseId: objectId }),
  jobId: (p) => `route-${p.caseId}`,
};

export const issueNoticeJob: JobDefinition<{ caseId: string; assignmentNo: number }> = {
  name: 'issue-notice',
  queue: 'routing',
  payload: z.object({ caseId: objectId, assignmentNo: z.number().int().min(1) }),
  jobId: (p) => `notice-${p.caseId}-${p.assignmentNo}`,
};

export const sendNotificationJob: JobDefinition<{ notificationId: string }> = {
  name: 'send-notification',
  queue: 'notifications',
  payload: z.object({ notificationId: objectId }),
  jobId: (p) => `notify-${p.notificationId}`,
};

export const reconcileJob: JobDefinition<Record<string, never>> = {
  name: 'reconcile',
  queue: 'maintenance',
  payload: z.object({}).strict() as z.ZodType<Record<string, never>>,
  jobId: () => 'reconcile',
};

export interface QueueSettings {
  prefix: string;
  attempts: number;
}

export class Queues {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(
    connection: Redis,
    private readonly settings: QueueSettings,
  ) {
    for (const name of QUEUE_NAMES) {
      const queue = new Queue(name, { connection, prefix: settings.prefix });
      // A producer whose Redis is down must not crash the process; add() rejects and the caller
      // records the job for the reconciler.
      queue.on('error', () => undefined);
      this.queues.set(name, queue);
    }
  }

  get(name: QueueName): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`unknown queue ${name}`);
    return queue;
  }

  all(): Queue[] {
    return [...this.queues.values()];
  }

  async enqueue<P>(def: JobDefinition<P>, payload: P, opts: JobsOptions = {}): Promise<void> {
    const data = def.payload.parse(payload);
    await this.get(def.queue).add(def.name, data, {
      jobId: def.jobId(data),
      attempts: this.settings.attempts,
      backoff: { type: 'exponential', delay: 2000 },
      // Completed jobs are dropped (MongoDB holds the record); failed ones stay a week to inspect.
      removeOnComplete: { age: 3600, count: 1000 },
      removeOnFail: { age: 7 * 24 * 3600 },
      ...opts,
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((q) => q.close()));
  }
}
