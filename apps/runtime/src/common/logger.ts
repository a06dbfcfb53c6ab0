import type { LoggerService } from '@nestjs/common';
import { pino } from 'pino';
import type { Logger, LoggerOptions } from 'pino';
import { logContext } from '../observability/correlation.js';
import { scrubSecrets } from '../observability/secret-scrubber.js';

// Paths a credential can appear under in anything we log; pino replaces them before a line is written.
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-api-key"]',
  'credentials',
  '*.credentials',
  '*.*.credentials',
  'password',
  '*.password',
  'apiKey',
  '*.apiKey',
  'token',
  '*.token',
  'clientSecret',
  '*.clientSecret',
  'secret',
  '*.secret',
  'key',
  '*.key',
  '*.headers.authorization',
  '*.headers["x-api-key"]',
  '*.headers.cookie',
  'webhookSecret',
  '*.webhookSecret',
  'accessToken',
  '*.accessToken',
  'refreshToken',
  '*.refreshToken',
];

function options(level: string, redactPaths: boolean): LoggerOptions {
  return {
    level,
    base: { service: 'plugboard-runtime', pid: process.pid },
    ...(redactPaths ? { redact: { paths: REDACT_PATHS, censor: '[redacted]' } } : {}),
    timestamp: pino.stdTimeFunctions.isoTime,
    // Correlation, tenant, installation, run and batch ids of the request or attempt in progress.
    mixin: () => ({ ...logContext() }),
    // Value-based redaction after key-based: credentials the installation holds, wherever they hide.
    hooks: { streamWrite: scrubSecrets },
  };
}

export function createRootLogger(level: string): Logger {
  return pino(options(level, true));
}

/**
 * The one line per answered request. Its fields are a fixed set the runtime picks (method, path,
 * route, status, duration and ids), none of them a secret, so it skips the path redaction, which
 * cost more than the rest of the line: at the default level, info, this line alone cost intake
 * about a third of its throughput with it. The value scrubber still runs.
 */
export function createAccessLogger(level: string): Logger {
  return pino(options(level, false));
}

export const LOGGER = Symbol('LOGGER');

/** Nest's own messages (module init, route map) go through the same pino logger. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  private write(
    level: 'info' | 'error' | 'warn' | 'debug' | 'trace',
    message: unknown,
    rest: unknown[],
  ): void {
    const context =
      rest.length > 0 && typeof rest[rest.length - 1] === 'string'
        ? rest[rest.length - 1]
        : undefined;
    const fields = context ? { context } : {};
    if (typeof message === 'string') this.logger[level](fields, message);
    else this.logger[level]({ ...fields, detail: message });
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
}
