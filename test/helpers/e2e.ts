import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Locator, Page } from 'playwright-core';
import { createApp } from '../../src/app';
import { startWorkers, type RunningWorkers } from '../../src/platform/jobs/worker';
import { createMailer } from '../../src/platform/mail/transport';
import { registry } from '../../src/registry';
import { launchBrowser } from './browser';
import { PASSWORD } from './builders';
import { createTestContext, type TestContext } from './context';
import { seedReferenceSnapshot } from './reference-data';
import { startSmtp, type TestSmtp } from './smtp';

export interface E2e {
  readonly ctx: TestContext;
  readonly smtp: TestSmtp;
  readonly base: string;
  readonly browser: Browser;
}

/**
 * The hooks a browser test file needs: real services, the app on a loopback port, running
 * workers mailing to an in-process SMTP server, Debian's Chromium. Data is seeded once per file.
 */
export function useE2e(): E2e {
  let ctx: TestContext | undefined;
  let smtp: TestSmtp | undefined;
  let workers: RunningWorkers | undefined;
  let server: Server | undefined;
  let base = '';
  let browser: Browser | undefined;
  beforeAll(async () => {
    smtp = await startSmtp();
    ctx = await createTestContext({ SMTP_URL: smtp.url });
    await seedReferenceSnapshot(ctx);
    workers = await startWorkers({ ...ctx, mailer: createMailer(smtp.url, ctx.config.MAIL_FROM), registry }, 2);
    server = createServer(createApp(ctx)).listen(0, '127.0.0.1');
    await new Promise((r) => server!.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    await workers?.close();
    await ctx?.close();
    await smtp?.close();
  });
  return {
    get ctx() {
      return ctx!;
    },
    get smtp() {
      return smtp!;
    },
    get base() {
      return base;
    },
    get browser() {
      return browser!;
    },
  };
}

export async function login(page: Page, base: string, username: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.fill('#username', username);
  await page.fill('#password', PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForLoadState();
}

/** Waits until the element shows the text (pages update after fetches), failing with what it showed. */
export async function expectText(locator: Locator, text: string, timeoutMs = 10000): Promise<void> {
  const end = Date.now() + timeoutMs;
  await locator.first().waitFor({ timeout: timeoutMs });
  let shown = '';
  while (Date.now() < end) {
    shown = (await locator.first().textContent()) ?? '';
    if (shown.includes(text)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(shown).toContain(text);
}
