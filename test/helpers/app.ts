import type { Express } from 'express';
import { createApp } from '../../src/app';
import { createLogger } from '../../src/logger';
import { createMailer, type Mailer } from '../../src/platform/mail/transport';
import { startWorkers, type RunningWorkers } from '../../src/platform/jobs/worker';
import { registry } from '../../src/registry';
import { createTestContext, resetData, type TestContext } from './context';
import { restoreReferenceData, seedReferenceSnapshot, type ReferenceSnapshot } from './reference-data';
import { startSmtp, type TestSmtp } from './smtp';

export interface TestAppOptions {
  /** Config overrides for createTestContext (with `smtp: true`, SMTP_URL is the test server's). */
  config?: Record<string, string>;
  /**
   * true (default): before each test, the reference data (units, categories, calendar, policies,
   * rules) as seeded and nothing else (seeded once per file, put back where a test changed it);
   * false: only empty the data before each test; 'once': empty and seed once, before all tests.
   */
  seed?: boolean | 'once';
  /** Start an in-process SMTP server before the context (SMTP_URL points at it) and clear its mails before each test. */
  smtp?: boolean;
  /**
   * Start the BullMQ workers, mailing to SMTP_URL: true, before each test and close them after it;
   * 'once', before all tests (with seed 'once': a fixture built in beforeAll) and close them after all.
   */
  workers?: boolean | 'once';
  /** Log everything (level trace) through the real logger into `logs` instead of stdout, for tests that read the logs. */
  captureLogs?: boolean;
}

/** What the hooks set up; read it inside hooks and tests, not at the top of the file. */
export interface TestApp {
  readonly ctx: TestContext;
  readonly app: Express;
  /** The in-process SMTP server (`smtp: true`). */
  readonly smtp: TestSmtp;
  /** Closes the running workers and starts new ones that send with `mailer` (default: to SMTP_URL); they are closed after the test. */
  restartWorkers(mailer?: Mailer): Promise<void>;
  /** Every log line of the app and the workers since the file started (`captureLogs: true`), as written. */
  readonly logs: string[];
}

const WORKER_CONCURRENCY = 2;

/**
 * Registers the Jest hooks every integration file needs: a test context (own database and Redis
 * prefix) and the Express app for the file, fresh data before each test, and optionally an SMTP
 * server and running workers. Call it at the top of the file, before the file's own hooks, so they
 * run after it (they can then add users, tokens or sessions to the fresh data).
 */
export function useTestApp(options: TestAppOptions = {}): TestApp {
  const { config = {}, seed = true } = options;
  let ctx: TestContext | undefined;
  let app: Express | undefined;
  let smtp: TestSmtp | undefined;
  let workers: RunningWorkers | undefined;
  const logs: string[] = [];

  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`useTestApp: no ${what} here (read it inside a hook or a test${what === 'smtp' ? ', with { smtp: true }' : ''})`);
    return value;
  };

  // Seeded once per file and kept; before each test only what a test wrote is undone (see restoreReferenceData).
  let seeded: ReferenceSnapshot | undefined;
  const freshData = async (c: TestContext) => {
    if (seed === false) return resetData(c);
    if (!seeded) seeded = await seedReferenceSnapshot(c);
    else await restoreReferenceData(c, seeded);
  };

  const start = (c: TestContext, mailer = createMailer(c.config.SMTP_URL, c.config.MAIL_FROM)) => startWorkers({ ...c, mailer, registry }, WORKER_CONCURRENCY);

  beforeAll(async () => {
    if (options.smtp) smtp = await startSmtp();
    ctx = await createTestContext(smtp ? { ...config, SMTP_URL: smtp.url } : config);
    if (options.captureLogs) ctx.logger = createLogger('trace', { write: (line: string) => void logs.push(line) });
    app = createApp(ctx);
    if (seed === 'once') await freshData(ctx);
    if (options.workers === 'once') workers = await start(ctx);
  });
  afterAll(async () => {
    await workers?.close();
    await ctx?.close();
    await smtp?.close();
  });

  beforeEach(async () => {
    const c = ready(ctx, 'ctx');
    if (seed !== 'once') await freshData(c);
    if (smtp) smtp.mails.length = 0;
    if (options.workers === true) workers = await start(c);
  });
  if (options.workers === true) {
    afterEach(async () => {
      await workers?.close();
      workers = undefined;
    });
  }

  return {
    get ctx() {
      return ready(ctx, 'ctx');
    },
    get app() {
      return ready(app, 'app');
    },
    get smtp() {
      return ready(smtp, 'smtp');
    },
    logs,
    async restartWorkers(mailer) {
      const c = ready(ctx, 'ctx');
      await workers?.close();
      workers = undefined;
      workers = await start(c, mailer);
    },
  };
}
