import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { sha256, uuidv7 } from '../common/ids.js';

/** Ids that belong on every log line written while one request or one attempt is being handled. */
export interface LogContext {
  correlationId: string;
  tenantId?: string;
  installationId?: string;
  connector?: string;
  runId?: string;
  batchId?: string;
  eventId?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

/** pino's mixin reads this, so services log the ids without threading them through every call. */
export function logContext(): LogContext | undefined {
  return storage.getStore();
}

export function withLogContext<T>(context: LogContext, work: () => T): T {
  const outer = storage.getStore();
  return storage.run({ ...outer, ...context }, work);
}

const CORRELATION_ID = /^[\w.:-]{1,128}$/;

/** The caller's `X-Correlation-Id` when it is a sane token, otherwise a new (time-ordered) one. */
export function correlationIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return typeof value === 'string' && CORRELATION_ID.test(value) ? value : uuidv7();
}

/**
 * W3C trace id derived from the correlation id, so every attempt of one record (and every partner
 * call of each attempt) shares one trace even when the attempts run in different processes.
 */
export function traceIdFor(correlationId: string): string {
  return sha256(correlationId).slice(0, 32);
}

/** A `traceparent` for a new span of the correlation id's trace; the engine makes a child per call. */
export function traceparentFor(correlationId: string): string {
  return `00-${traceIdFor(correlationId)}-${randomBytes(8).toString('hex')}-01`;
}
