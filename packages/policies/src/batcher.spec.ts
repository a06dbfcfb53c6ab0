import { describe, expect, it } from 'vitest';
import {
  Batcher,
  batchChecksum,
  batchSettings,
  canonicalize,
  failedItems,
  type Batch,
} from './batcher.js';
import { ManualClock } from './clock.js';

const key = { installationId: 'inst-1', action: 'createContacts' };

function makeBatcher(
  clock: ManualClock,
  settings = { maxItems: 100, maxBytes: 1_000_000, maxWaitMs: 1000, minWaitMs: 0 },
) {
  let n = 0;
  return new Batcher<{ email: string; n: number }>({
    settings,
    clock,
    newId: () => {
      n += 1;
      return `bat_${n}`;
    },
  });
}

describe('Batcher', () => {
  it('cuts 1,000 items into 10 batches of 100, in arrival order, with deterministic checksums', () => {
    const run = () => {
      const clock = new ManualClock(0);
      const batcher = makeBatcher(clock);
      for (let n = 0; n < 1000; n += 1)
        batcher.add(key, { n, email: `user${n}@example.com` }, `evt-${n}`);
      return batcher.take();
    };
    const batches = run();
    expect(batches).toHaveLength(10);
    expect(batches.map((batch) => batch.items.length)).toEqual(new Array(10).fill(100));
    expect(batches.every((batch) => batch.reason === 'count')).toBe(true);
    expect(batches.flatMap((batch) => batch.items.map((item) => item.value.n))).toEqual([
      ...Array(1000).keys(),
    ]);
    expect(batches[3]?.items[0]?.id).toBe('evt-300');
    const again = run();
    expect(again.map((batch) => batch.checksum)).toEqual(batches.map((batch) => batch.checksum));
    expect(new Set(batches.map((batch) => batch.checksum)).size).toBe(10);
    expect(batches[0]?.checksum).toBe(
      batchChecksum(batches[0]?.items.map((item) => item.value) ?? []),
    );
    expect(batches[0]?.checksum).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('checksums canonical JSON: key order does not matter, item order does', () => {
    expect(canonicalize({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}',
    );
    expect(batchChecksum([{ a: 1, b: 2 }])).toBe(batchChecksum([{ b: 2, a: 1 }]));
    expect(batchChecksum([{ a: 1 }, { a: 2 }])).not.toBe(batchChecksum([{ a: 2 }, { a: 1 }]));
  });

  it('shrinks the wait as the queue grows and never waits longer than maxWaitMs', () => {
    const clock = new ManualClock(0);
    const batcher = makeBatcher(clock);
    batcher.add(key, { n: 0, email: 'a' });
    expect(batcher.waitMs(key)).toBe(990);
    for (let n = 1; n < 50; n += 1) batcher.add(key, { n, email: 'a' });
    expect(batcher.waitMs(key)).toBe(500);
    for (let n = 50; n < 90; n += 1) batcher.add(key, { n, email: 'a' });
    expect(batcher.waitMs(key)).toBeCloseTo(100);
    expect(batcher.nextDueAt()).toBeCloseTo(100);
    clock.advance(99);
    expect(batcher.take()).toEqual([]);
    clock.advance(1);
    const [batch] = batcher.take();
    expect(batch).toMatchObject({ reason: 'wait', createdAt: 100 });
    expect(batch?.items).toHaveLength(90);

    batcher.add(key, { n: 1, email: 'a' });
    expect(batcher.nextDueAt()).toBe(1090);
    clock.advance(1000);
    expect(batcher.take().map((b) => b.items.length)).toEqual([1]);
    expect(batcher.nextDueAt()).toBeNull();
  });

  it("caps batch size by the partner's limits.batch and by bytes", () => {
    const settings = batchSettings(
      { batch: { maxItems: 500, maxWaitMs: 2000 } },
      { batch: { maxItems: 50, maxBytes: 400 } },
    );
    expect(settings).toEqual({ maxItems: 50, maxBytes: 400, maxWaitMs: 2000, minWaitMs: 0 });
    const clock = new ManualClock(0);
    const batcher = makeBatcher(clock, settings);
    // Each item is 38 bytes of canonical JSON: 10 fit in 400 bytes.
    for (let n = 10; n < 39; n += 1) batcher.add(key, { n, email: 'someone@example.com' });
    expect(batcher.add(key, { n: 40, email: 'someone@example.com' }).bytes).toBe(38);
    const batches = batcher.take();
    expect(batches.map((batch) => [batch.items.length, batch.reason])).toEqual([
      [10, 'bytes'],
      [10, 'bytes'],
    ]);
    expect(batches.every((batch) => batch.bytes <= 400)).toBe(true);
    expect(batcher.pending(key)).toBe(10);
    expect(batcher.flush().map((batch) => [batch.items.length, batch.reason])).toEqual([
      [10, 'flush'],
    ]);
  });

  it('keeps installations and actions apart and returns only failed items for a retry', () => {
    const clock = new ManualClock(0);
    const batcher = makeBatcher(clock, {
      maxItems: 5,
      maxBytes: 1_000_000,
      maxWaitMs: 1000,
      minWaitMs: 0,
    });
    const other = { installationId: 'inst-2', action: 'createContacts' };
    for (let n = 0; n < 5; n += 1) {
      batcher.add(key, { n, email: 'a' });
      batcher.add(other, { n: 100 + n, email: 'b' });
    }
    const batches: Array<Batch<{ email: string; n: number }>> = batcher.take();
    expect(
      batches.map((batch) => [batch.installationId, batch.items.map((item) => item.value.n)]),
    ).toEqual([
      ['inst-1', [0, 1, 2, 3, 4]],
      ['inst-2', [100, 101, 102, 103, 104]],
    ]);
    const [first] = batches;
    if (!first) throw new Error('no batch');
    const outcomes = [0, 1, 2, 3, 4].map((index) => ({
      index,
      status: index % 2 === 1 || index === 4 ? ('failed' as const) : ('ok' as const),
    }));
    expect(failedItems(first, outcomes).map((item) => item.value.n)).toEqual([1, 3, 4]);
  });
});
