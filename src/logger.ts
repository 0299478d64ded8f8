import pino from 'pino';

export type Logger = pino.Logger;

// Personal data never reaches the logs: these paths are censored at the top of a line and one
// level down (pino's `*.x` does not match a top-level `x`).
const redact = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'password',
  'contact',
  'phone',
  'email',
  '*.password',
  '*.contact',
  '*.phone',
  '*.email',
];

/** The process's logger, to stdout; `destination` lets a test read what would be logged. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options = { level, redact: { paths: redact, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}
