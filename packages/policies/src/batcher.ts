// Micro-batching for batched actions: items gather per (installation, action) and leave as a batch
// when the batch is full by count or bytes, or when the oldest item has waited long enough. The
// wait shrinks as the queue fills (an idle queue waits up to maxWaitMs for company, a busy one
// ships at once) and never exceeds maxWaitMs. The batcher holds no timers and does no I/O: the
// runtime calls `take()` when `nextDueAt()` says so and stores the batches where it likes.
import { createHash, randomUUID } from 'node:crypto';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import type { Limits } from './policy.js';

export interface BatchSettings {
  maxItems: number;
  maxBytes: number;
  maxWaitMs: number;
  /** The wait of a queue that is nearly full. Default 0. */
  minWaitMs: number;
}

export const DEFAULT_BATCH: BatchSettings = {
  maxItems: 100,
  maxBytes: 1_048_576,
  maxWaitMs: 1000,
  minWaitMs: 0,
};

/** The action's `batch` within the partner's `limits.batch` (the partner's caps win). */
export function batchSettings(
  action: { batch?: { maxItems?: number; maxWaitMs?: number; maxBytes?: number } } | undefined,
  limits: Limits | undefined,
  defaults: BatchSettings = DEFAULT_BATCH,
): BatchSettings {
  const cap = (wanted: number, partner: number | undefined) =>
    Math.max(1, partner === undefined ? wanted : Math.min(wanted, partner));
  return {
    maxItems: cap(action?.batch?.maxItems ?? defaults.maxItems, limits?.batch?.maxItems),
    maxBytes: cap(action?.batch?.maxBytes ?? defaults.maxBytes, limits?.batch?.maxBytes),
    maxWaitMs: Math.max(0, action?.batch?.maxWaitMs ?? defaults.maxWaitMs),
    minWaitMs: Math.max(0, defaults.minWaitMs),
  };
}

export interface BatchKey {
  installationId: string;
  action: string;
}

export interface BatchItem<T> {
  /** Arrival number, unique per batcher: the batch order. */
  seq: number;
  id?: string;
  value: T;
  bytes: number;
  enqueuedAt: number;
}

export interface Batch<T> {
  id: string;
  installationId: string;
  action: string;
  items: Array<BatchItem<T>>;
  bytes: number;
  /** `sha256:<hex>` of the canonical JSON array of the item values, in batch order. */
  checksum: string;
  createdAt: number;
  reason: 'count' | 'bytes' | 'wait' | 'flush';
}

export interface BatcherOptions {
  settings: BatchSettings | ((key: BatchKey) => BatchSettings);
  clock?: Pick<Clock, 'now'>;
  newId?: () => string;
}

/** JSON with object keys sorted at every depth: equal values give equal text. */
export function canonicalize(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value))
    return `[${value.map((item) => (item === undefined ? 'null' : canonicalize(item))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalize(item)}`).join(',')}}`;
}

export function batchChecksum(values: unknown[]): string {
  return `sha256:${createHash('sha256').update(canonicalize(values)).digest('hex')}`;
}

interface Queue<T> {
  key: BatchKey;
  settings: BatchSettings;
  items: Array<BatchItem<T>>;
  bytes: number;
}

export class Batcher<T = unknown> {
  private readonly queues = new Map<string, Queue<T>>();
  private readonly clock: Pick<Clock, 'now'>;
  private readonly newId: () => string;
  private seq = 0;

  constructor(private readonly options: BatcherOptions) {
    this.clock = options.clock ?? systemClock;
    this.newId = options.newId ?? (() => `bat_${randomUUID()}`);
  }

  add(key: BatchKey, value: T, id?: string): BatchItem<T> {
    const name = `${key.installationId}\u0000${key.action}`;
    let queue = this.queues.get(name);
    if (!queue) {
      const settings =
        typeof this.options.settings === 'function'
          ? this.options.settings(key)
          : this.options.settings;
      queue = { key: { ...key }, settings, items: [], bytes: 0 };
      this.queues.set(name, queue);
    }
    this.seq += 1;
    const item: BatchItem<T> = {
      seq: this.seq,
      value,
      bytes: Buffer.byteLength(canonicalize(value)),
      enqueuedAt: this.clock.now(),
      ...(id === undefined ? {} : { id }),
    };
    queue.items.push(item);
    queue.bytes += item.bytes;
    return item;
  }

  /** Items waiting, for one key or all. */
  pending(key?: BatchKey): number {
    if (key) return this.queues.get(`${key.installationId}\u0000${key.action}`)?.items.length ?? 0;
    let total = 0;
    for (const queue of this.queues.values()) total += queue.items.length;
    return total;
  }

  /** The current wait of a queue: maxWaitMs when nearly empty, down to minWaitMs when full. */
  waitMs(key: BatchKey): number | null {
    const queue = this.queues.get(`${key.installationId}\u0000${key.action}`);
    return queue && queue.items.length > 0 ? currentWait(queue) : null;
  }

  /** When the next batch is due (epoch ms of the injected clock), or null when nothing waits. */
  nextDueAt(): number | null {
    let next: number | null = null;
    for (const queue of this.queues.values()) {
      const oldest = queue.items[0];
      if (!oldest) continue;
      const due = isFull(queue) ? oldest.enqueuedAt : oldest.enqueuedAt + currentWait(queue);
      if (next === null || due < next) next = due;
    }
    return next;
  }

  /** Every batch that is due now: full ones first within each queue, then those that waited enough. */
  take(): Array<Batch<T>> {
    const now = this.clock.now();
    const batches: Array<Batch<T>> = [];
    for (const [name, queue] of this.queues) {
      while (isFull(queue))
        batches.push(
          this.cut(queue, queue.items.length >= queue.settings.maxItems ? 'count' : 'bytes', now),
        );
      const oldest = queue.items[0];
      if (oldest && now >= oldest.enqueuedAt + currentWait(queue))
        batches.push(this.cut(queue, 'wait', now));
      if (queue.items.length === 0) this.queues.delete(name);
    }
    return batches;
  }

  /** Everything still waiting, as batches within the size caps (shutdown, tests). */
  flush(): Array<Batch<T>> {
    const now = this.clock.now();
    const batches: Array<Batch<T>> = [];
    for (const queue of this.queues.values()) {
      while (queue.items.length > 0) batches.push(this.cut(queue, 'flush', now));
    }
    this.queues.clear();
    return batches;
  }

  private cut(queue: Queue<T>, reason: Batch<T>['reason'], now: number): Batch<T> {
    const { maxItems, maxBytes } = queue.settings;
    let count = 0;
    let bytes = 0;
    // At least one item, even one larger than maxBytes on its own (it cannot be split).
    while (count < queue.items.length && count < maxItems) {
      const next = queue.items[count];
      if (!next || (count > 0 && bytes + next.bytes > maxBytes)) break;
      bytes += next.bytes;
      count += 1;
    }
    const items = queue.items.splice(0, count);
    queue.bytes -= bytes;
    return {
      id: this.newId(),
      installationId: queue.key.installationId,
      action: queue.key.action,
      items,
      bytes,
      checksum: batchChecksum(items.map((item) => item.value)),
      createdAt: now,
      reason,
    };
  }
}

function isFull<T>(queue: Queue<T>): boolean {
  return queue.items.length >= queue.settings.maxItems || queue.bytes >= queue.settings.maxBytes;
}

function currentWait<T>(queue: Queue<T>): number {
  const { maxItems, maxBytes, maxWaitMs, minWaitMs } = queue.settings;
  const fill = Math.min(1, Math.max(queue.items.length / maxItems, queue.bytes / maxBytes));
  const floor = Math.min(minWaitMs, maxWaitMs);
  return floor + (maxWaitMs - floor) * (1 - fill);
}

/** Splits a batch by its per-item outcomes: only the failed items go round again. */
export function failedItems<T>(
  batch: Batch<T>,
  outcomes: Array<{ index: number; status: 'ok' | 'failed' }>,
): Array<BatchItem<T>> {
  const failed = new Set(
    outcomes.filter((outcome) => outcome.status === 'failed').map((outcome) => outcome.index),
  );
  return batch.items.filter((_, index) => failed.has(index));
}
