import type { Logger } from 'pino';

/** A unit of work: "there may be due items for this installation's action". */
export interface WorkKick {
  installationId: string;
  action: string;
}

/**
 * How committed items reach a dispatcher. Embedded mode: the events table is the queue and the
 * in-process dispatcher is poked directly. Cluster mode: Bull jobs on Redis wake worker processes.
 * Either way the database lease, not the queue, guarantees an item runs once at a time, so a lost
 * or doubled kick only costs latency.
 */
export interface WorkQueue {
  readonly durable: boolean;
  kick(kicks: WorkKick[], delayMs?: number): Promise<void>;
  consume(concurrency: number, handler: (kick: WorkKick) => Promise<void>): void;
  depth(): Promise<number>;
  ping(): Promise<{ ok: boolean; error?: string }>;
  close(): Promise<void>;
}

export const QUEUE = Symbol('QUEUE');

export class InProcessQueue implements WorkQueue {
  readonly durable = false;
  private handler: ((kick: WorkKick) => Promise<void>) | undefined;

  constructor(private readonly logger: Logger) {}

  kick(kicks: WorkKick[], delayMs = 0): Promise<void> {
    const handler = this.handler;
    if (!handler) return Promise.resolve();
    const run = () => {
      for (const kick of kicks) {
        handler(kick).catch((error: unknown) =>
          this.logger.error({ err: String(error) }, 'dispatch failed'),
        );
      }
    };
    if (delayMs > 0) setTimeout(run, delayMs).unref();
    else setImmediate(run);
    return Promise.resolve();
  }

  consume(_concurrency: number, handler: (kick: WorkKick) => Promise<void>): void {
    this.handler = handler;
  }

  depth(): Promise<number> {
    return Promise.resolve(0);
  }

  ping(): Promise<{ ok: boolean }> {
    return Promise.resolve({ ok: true });
  }

  close(): Promise<void> {
    this.handler = undefined;
    return Promise.resolve();
  }
}
