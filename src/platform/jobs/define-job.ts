import type { Job } from 'bullmq';
import type { z } from 'zod';
import type { Context } from '../../context';
import type { MailDefinition } from '../mail/mail.kinds';
import type { Mailer } from '../mail/transport';

/** What every job handler gets: the process's context, the mail transport and what is registered. */
export interface JobContext extends Context {
  mailer: Mailer;
  registry: Registry;
}

/** Everything the features declare, assembled once by the composition root (src/registry.ts). */
export interface Registry {
  jobs: readonly AnyJob[];
  mails: readonly MailDefinition[];
}

export interface Schedule {
  /** Every so many milliseconds, or a cron pattern read in `tz` (the county's time zone by default). */
  every?: number;
  pattern?: string;
  tz?: string;
}

/**
 * A job, whole in one file of its feature: name, queue, payload (ids only, never personal
 * data), deterministic id (a retried or repeated job does its work once), the handler, and
 * optionally what to do when the retries are exhausted, a schedule, and how the reconciler finds
 * work that could not be queued (Redis down) so nothing is lost.
 */
export interface JobDefinition<P> {
  name: string;
  queue: string;
  payload: z.ZodType<P>;
  /** BullMQ ids may not hold ':'. */
  jobId(payload: P): string;
  handle(ctx: JobContext, payload: P, job: Job): Promise<unknown>;
  /**
   * After the last attempt failed: mark the record so the reconciler queues the work again later
   * (the failed job is then removed, since BullMQ ignores a new job under an id it still holds).
   */
  onGiveUp?(ctx: JobContext, payload: P): Promise<void>;
  schedule?(config: Context['config']): Schedule;
  /** Work that is owed but not queued: found in batches, queued again, then marked queued. */
  pending?: {
    find(limit: number, ctx: Pick<Context, 'clock'>): Promise<P[]>;
    queued?(payload: P): Promise<void>;
    /**
     * Redis lost its data (restarted empty, flushed, evicted, failed over): mark every piece of
     * this job's owed work as not queued, so `find` returns it again; returns how many. Only for
     * work recorded as queued by a flag; work found by its state needs nothing.
     */
    lost?(): Promise<number>;
  };
}

// Handlers are stored together; each is called only with a payload its own schema parsed.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyJob = JobDefinition<any>;

export function defineJob<P>(def: JobDefinition<P>): JobDefinition<P> {
  return def;
}
