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
    // close() lets running jobs finish; unfinished ones are picked up again by another worker.
    await running.close();
    mailer.close();
    await ctx.shutdown();
  });
});
