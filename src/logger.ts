import { pino, type Logger } from 'pino';

/**
 * The one logger. Paths that could carry personal data are redacted as a second line of defence;
 * the first is that no code passes a phone, address or name to a log call.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: {
      paths: ['personal', '*.personal', 'phone', '*.phone', 'address', '*.address', 'text', '*.text', 'contact', '*.contact'],
      censor: '[redacted]',
    },
  });
}
export type { Logger };

