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

// While an AsyncLocalStorage is enabled, Node 20 runs a hook on every promise of the process, which
// cost intake about a fifth of its throughput (measured). So the storage is enabled only while some
// context is open and disabled when the last one closes. The events route opens none: its own lines
// name the correlation id, and a process that only takes events never pays for the hook.
let holders = 0;

function release(): void {
  holders -= 1;
  if (holders === 0) storage.disable();
}

/** pino's mixin reads this, so services log the ids without threading them through every call. */
export function logContext(): LogContext | undefined {
  return storage.getStore();
}

/** Runs `work` (and what it awaits) in the context, which closes when `work` returns or settles. */
export function withLogContext<T>(context: LogContext, work: () => T): T {
  holders += 1;
  let result: T;
  try {
    result = storage.run({ ...storage.getStore(), ...context }, work);
  } catch (error) {
    release();
    throw error;
  }
  if (result instanceof Promise) return result.finally(release) as T;
  release();
  return result;
}

/**
 * Runs `work` in the context and keeps the context open until the returned `close` is called: for
 * work that goes on after `work` returns, such as an HTTP request between its first and last hook.
 */
export function openLogContext(context: LogContext, work: () => void): () => void {
  holders += 1;
  let open = true;
  const close = () => {
    if (!open) return;
    open = false;
    release();
  };
  try {
    storage.run({ ...storage.getStore(), ...context }, work);
  } catch (error) {
    close();
    throw error;
  }
  return close;
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
