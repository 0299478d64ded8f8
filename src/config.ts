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
  // Complaints one IP may file per hour, and tracking look-ups per 10 minutes (brute force).
  INTAKE_LIMIT_PER_HOUR: z.coerce.number().int().min(1).default(10),
  TRACK_LIMIT_PER_10MIN: z.coerce.number().int().min(1).default(30),
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
  // Rectification: working days a unit has to sign for a notice; extensions per case (pending at
  // once, in all); days after acceptance in which a dissatisfied rating lists the case (then it
  // closes by itself); "due soon" in working days; how often the closing sweep runs.
  SIGN_WORKING_DAYS: z.coerce.number().int().min(1).max(10).default(1),
  EXTENSIONS_PENDING_MAX: z.coerce.number().int().min(1).max(5).default(1),
  EXTENSIONS_MAX: z.coerce.number().int().min(0).max(10).default(2),
  RATING_WINDOW_DAYS: z.coerce.number().int().min(1).max(90).default(15),
  DUE_SOON_WORKING_DAYS: z.coerce.number().int().min(1).max(10).default(2),
  CLOSE_SWEEP_EVERY_SECONDS: z.coerce.number().int().min(5).default(600),
  // How often the escalation sweep looks for due reminders and overdue levels.
  ESCALATION_SWEEP_EVERY_SECONDS: z.coerce.number().int().min(5).default(300),
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
