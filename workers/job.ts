import type { Job } from 'bullmq';
import type { Context } from '../src/context';
import type { Mailer } from '../src/notifications/mailer';
import type { JobDefinition } from '../src/queues';

export type WorkerContext = Context & { mailer: Mailer };

/** A job's definition (name, queue, payload, id) joined to the code that runs it. */
export interface JobHandler<P> {
  definition: JobDefinition<P>;
  handle(ctx: WorkerContext, payload: P, job: Job): Promise<unknown>;
  /**
   * After the last attempt failed: mark the record so the reconciler queues the work again later
   * (the failed job is then removed, since BullMQ ignores a new job under an id it still holds).
   */
  onGiveUp?(ctx: WorkerContext, payload: P): Promise<void>;
}
