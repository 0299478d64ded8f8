import { createServer } from 'node:http';
import { createApp } from './app';
import { boot, onSignals, runMain } from './boot';

runMain(async () => {
  const ctx = await boot();
  const server = createServer(createApp(ctx)).listen(ctx.config.PORT, () => ctx.logger.info({ port: ctx.config.PORT }, 'web.listening'));
  onSignals(ctx.logger, 'web', async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await ctx.shutdown();
  });
});
