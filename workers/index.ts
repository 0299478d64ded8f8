import { boot, onSignals, runMain } from '../src/boot';
import { startWorkers } from '../src/platform/jobs/worker';
import { createMailer } from '../src/platform/mail/transport';
import { registry } from '../src/registry';

// The worker process: every job and schedule the features declare (src/registry.ts).
runMain(async () => {
  const ctx = await boot();
  const mailer = createMailer(ctx.config.SMTP_URL, ctx.config.MAIL_FROM);
  const running = await startWorkers({ ...ctx, mailer, registry });
  ctx.logger.info({ jobs: registry.jobs.map((j) => j.name) }, 'worker.started');
  onSignals(ctx.logger, 'worker', async () => {
    // Running jobs finish (bounded by SHUTDOWN_TIMEOUT_MS); what does not is left to return to
    // the queue when its lock runs out, and is taken by another worker.
    await running.close();
    ctx.logger.info('worker.stopped');
    mailer.close();
    await ctx.shutdown();
  });
});
