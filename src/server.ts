import { createServer } from 'node:http';
import { createApp } from './app';
import { boot, onSignals, runMain } from './boot';
import { stopHttpGracefully } from './platform/http/graceful';

runMain(async () => {
  const ctx = await boot();
  const server = createServer(createApp(ctx)).listen(ctx.config.PORT, () => ctx.logger.info({ port: ctx.config.PORT }, 'web.listening'));
  onSignals(ctx.logger, 'web', async () => {
    await stopHttpGracefully(server, ctx.logger, { drainMs: ctx.config.SHUTDOWN_DRAIN_MS, timeoutMs: ctx.config.SHUTDOWN_TIMEOUT_MS });
    await ctx.shutdown();
  });
});
