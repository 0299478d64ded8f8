import { z } from 'zod';

// One schema over the environment, parsed once at boot. A bad value stops the process with the
// variable named, instead of failing later somewhere deep in a request.
const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  BASE_URL: z.url().default('http://localhost:3000'),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .default('mongodb://127.0.0.1:27017/county_feedback'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .default('redis://127.0.0.1:6379'),
  // Prefix of every Redis key (queues, sessions, limits), so two deployments or test runs can
  // share one Redis server without seeing each other's data.
  REDIS_PREFIX: z.string().regex(/^[a-z0-9_-]+$/i, 'letters, digits, _ and - only').default('cf'),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .default('smtp://127.0.0.1:1025'),
  MAIL_FROM: z.string().min(3).default('县纪委监委投诉平台 <noreply@county.example>'),
  SESSION_SECRET: z.string().min(16, 'must be at least 16 characters').default('dev-only-session-secret-change-me'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TZ_COUNTY: z
    .string()
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false; // Intl refuses an unknown zone by throwing; that is the answer sought
      }
    }, 'not a time zone Intl knows (e.g. Asia/Shanghai)')
    .default('Asia/Shanghai'),
  // Failed logins allowed per account and IP in LOGIN_WINDOW_SECONDS before login is refused.
  LOGIN_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(5),
  LOGIN_WINDOW_SECONDS: z.coerce.number().int().min(10).default(900),
  // Failed logins allowed per IP across all usernames in that window (guessing many accounts from
  // one address). Successful logins do not count, so an office behind one NAT address is not locked out.
  LOGIN_IP_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(20),
  // Password checks (scrypt, CPU-bound) run this many at a time per process, with this many more
  // waiting; past that a login is answered 503 with Retry-After at once, so a flood cannot starve the server.
  PASSWORD_CHECKS_CONCURRENT: z.coerce.number().int().min(1).max(64).default(2),
  PASSWORD_CHECKS_WAITING: z.coerce.number().int().min(0).max(10000).default(20),
  // Complaints one IP may file per hour, and tracking look-ups per 10 minutes (brute force).
  INTAKE_LIMIT_PER_HOUR: z.coerce.number().int().min(1).default(10),
  TRACK_LIMIT_PER_10MIN: z.coerce.number().int().min(1).default(30),
  // Open311 reads without api_key one address may make in 10 minutes (case numbers are sequential),
  // and how long the public list's snapshot of recent requests is kept (one scan per period).
  OPEN311_PUBLIC_LIMIT_PER_10MIN: z.coerce.number().int().min(1).default(120),
  OPEN311_PUBLIC_CACHE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  // Who integrators write to, as Open311 discovery tells them.
  OPEN311_CONTACT: z.string().trim().min(1).max(300).default('县纪委监委信访室 · Letters and visits office of the county discipline inspection commission'),
  /** Wrong ballot codes one address may try in 10 minutes before 429. */
  BALLOT_MISS_LIMIT_PER_10MIN: z.coerce.number().int().min(1).default(20),
  // A Redis that accepts connections but does not answer (frozen, swapping, a stuck failover)
  // must not hold a request: each command of the web's and the producers' clients fails after
  // this long (sessions then answer 503, the flood limiter lets the request through).
  REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(1500),
  // Queueing a job (several commands) gives up after this long; the job is recorded on its
  // MongoDB document and the reconciler queues it later.
  ENQUEUE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(2000),
  // How often each worker checks that every job schedule exists in Redis and declares the missing
  // ones again (Redis restarted empty, flushed, evicted, failed over); also done on reconnect.
  SCHEDULE_CHECK_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  JOB_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  RECONCILE_EVERY_SECONDS: z.coerce.number().int().min(5).default(60),
  // A job holding its lock longer than this is stalled and goes back to the queue.
  JOB_LOCK_MS: z.coerce.number().int().min(1000).default(60000),
  // Graceful stop (SIGTERM): how long the web answers "not ready" before it stops accepting
  // connections (a load balancer's health interval), then how long in-flight requests and jobs get
  // before connections are cut and unfinished jobs are left to return to the queue.
  SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).default(3000),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(20000),
  // Rectification: working days a unit has to sign for a notice; extensions per case (pending at
  // once, in all); days after acceptance in which a dissatisfied rating lists the case (then it
  // closes by itself); "due soon" in working days; how often the closing sweep runs.
  SIGN_WORKING_DAYS: z.coerce.number().int().min(1).max(10).default(1),
  EXTENSIONS_PENDING_MAX: z.coerce.number().int().min(1).max(5).default(1),
  EXTENSIONS_MAX: z.coerce.number().int().min(0).max(10).default(2),
  RATING_WINDOW_DAYS: z.coerce.number().int().min(1).max(90).default(15),
  DUE_SOON_WORKING_DAYS: z.coerce.number().int().min(1).max(10).default(2),
  // Days a closed case stays in the unit inbox's "closed" tab (the worklist keeps it that long).
  WORKLIST_KEEP_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  CLOSE_SWEEP_EVERY_SECONDS: z.coerce.number().int().min(5).default(600),
  // Reference data (units, categories, rules, policies, calendar) is held in memory per process and
  // dropped on every change (Redis pub/sub); at the latest after this long if a message was missed.
  REFERENCE_MAX_AGE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  // How often the escalation sweep looks for due reminders and overdue levels.
  ESCALATION_SWEEP_EVERY_SECONDS: z.coerce.number().int().min(5).default(300),
  // How often the public page's figures and the open-data files are rebuilt (src/transparency).
  TRANSPARENCY_REFRESH_EVERY_SECONDS: z.coerce.number().int().min(30).default(600),
  // Attachment pictures are decoded and re-encoded to drop their metadata (who took them, where).
  // Bounds for a 2-core machine under an upload flood: pixels decoded per picture (memory), pictures
  // at once per process and libvips threads each (CPU), and seconds per picture. A picture beyond
  // them is stored as sent and withheld from units, like a PDF.
  IMAGE_MAX_PIXELS: z.coerce.number().int().min(1_000_000).default(50_000_000),
  IMAGE_CLEAN_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
  IMAGE_THREADS: z.coerce.number().int().min(1).max(16).default(1),
  IMAGE_CLEAN_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(30),
  // Oversight: units with fewer cases received in the month are not ranked (shown as "too few
  // cases"); how often the month snapshots of the unit metrics are recomputed.
  RANKING_MIN_CASES: z.coerce.number().int().min(1).max(1000).default(5),
  OVERSIGHT_METRICS_EVERY_SECONDS: z.coerce.number().int().min(30).default(900),
  // Demos and acceptance checks: the instant `npm run sweep` runs as (refused in production).
  CLOCK_NOW: z.string().optional(),
  TRUST_PROXY: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});

export type Config = z.infer<typeof schema>;

export class ConfigError extends Error {
  constructor(public readonly keys: string[], message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const keys = parsed.error.issues.map((i) => String(i.path[0]));
    const lines = parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`);
    throw new ConfigError(keys, `Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const config = parsed.data;
  if (config.NODE_ENV === 'production' && config.SESSION_SECRET.startsWith('dev-only')) {
    throw new ConfigError(['SESSION_SECRET'], 'Invalid configuration:\n  SESSION_SECRET: must be set in production');
  }
  return config;
}
