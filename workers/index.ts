import { boot, onSignals, runMain } from '../src/boot';
import { createMailer } from '../src/notifications/mailer';
import { startWorkers } from './workers';

runMain(async () => {
  const ctx = await boot();
  const mailer = createMailer(ctx.config.SMTP_URL, ctx.config.MAIL_FROM);
  const running = await startWorkers({ ...ctx, mailer });
  ctx.logger.info('worker.started');
  onSignals(ctx.logger, 'worker', async () => {
    // close() lets running jobs finish; unfinished ones are picked up again by another worker.
    await running.close();
    mailer.close();
    await ctx.shutdown();
  });
});
