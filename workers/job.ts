import type { Job } from 'bullmq';
import type { Context } from '../src/context';
import type { Mailer } from '../src/notifications/mailer';
import type { JobDefinition } from '../src/queues';

export type WorkerContext = Context & { mailer: Mailer };

/** A job's definition (name, queue, payload, id) joined to the code that runs it. */
export interface JobHandler<P> {
  definition: JobDefinition<P>;
  handle(ctx: WorkerContext, payload: P, job: Job): Promise<unknown>;
}
