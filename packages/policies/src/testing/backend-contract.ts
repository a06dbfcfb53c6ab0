// The behaviour every backend must show, on real time with short intervals, so the memory backend
// and the Lua scripts are held to the same rules.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import type { PolicyBackend, WindowSpec } from '../backend.js';

export function backendContract(make: () => PolicyBackend): void {
  const window = (): WindowSpec => ({
    key: `w-${randomUUID()}`,
    windowMs: 60_000,
    bucketMs: 5_000,
  });

  it('grants a burst, then one token per interval', async () => {
    const backend = make();
    const bucket = { key: `b-${randomUUID()}`, intervalMs: 500, burst: 3 };
    const results = [];
    for (let i = 0; i < 4; i += 1)
      results.push(await backend.acquire({ buckets: [bucket], pauses: [], slots: [] }));
    expect(results.map((r) => r.granted)).toEqual([true, true, true, false]);
    expect(results.map((r) => r.buckets[0]?.remaining)).toEqual([2, 1, 0, 0]);
    const denied = results[3];
    if (!denied || denied.granted) throw new Error('expected a refusal');
    expect(denied.blockedBy).toBe('rate');
    expect(denied.waitMs).toBeGreaterThan(300);
    expect(denied.waitMs).toBeLessThanOrEqual(500);
    await sleep(denied.waitMs + 5);
    expect((await backend.acquire({ buckets: [bucket], pauses: [], slots: [] })).granted).toBe(
      true,
    );
  });

  it('takes from every layer or from none, so a blocked layer burns no other tokens', async () => {
    const backend = make();
    const slow = { key: `slow-${randomUUID()}`, intervalMs: 10_000, burst: 1 };
    const fast = { key: `fast-${randomUUID()}`, intervalMs: 10_000, burst: 5 };
    expect((await backend.acquire({ buckets: [fast, slow], pauses: [], slots: [] })).granted).toBe(
      true,
    );
    for (let i = 0; i < 10; i += 1) {
      const result = await backend.acquire({ buckets: [fast, slow], pauses: [], slots: [] });
      expect(result.granted).toBe(false);
      if (!result.granted) expect([result.blockedBy, result.index]).toEqual(['rate', 1]);
    }
    const fastOnly = await backend.acquire({ buckets: [fast], pauses: [], slots: [] });
    expect(fastOnly).toMatchObject({ granted: true, buckets: [{ remaining: 3 }] });
  });

  it('moves a future schedule by a late start, and leaves an idle bucket alone', async () => {
    const backend = make();
    const busy = { key: `b-${randomUUID()}`, intervalMs: 1000, burst: 1 };
    const idle = { key: `b-${randomUUID()}`, intervalMs: 1000, burst: 1 };
    await backend.acquire({ buckets: [busy], pauses: [], slots: [] });
    await backend.shift([busy.key, idle.key], 500);
    const inspection = await backend.inspect({ buckets: [busy, idle], pauses: [], slots: [] });
    expect(inspection.buckets[0]?.resetMs).toBeGreaterThan(1400);
    expect(inspection.buckets[0]?.resetMs).toBeLessThanOrEqual(1500);
    expect(inspection.buckets[1]).toEqual({ remaining: 1, resetMs: 0 });
  });

  it('holds a slot per lease until release or expiry', async () => {
    const backend = make();
    const slots = [{ key: `s-${randomUUID()}`, limit: 2 }];
    const acquire = (id: string) =>
      backend.acquire({
        buckets: [],
        pauses: [],
        slots,
        lease: { id, ttlMs: 600 },
        slotPollMs: 20,
      });
    expect((await acquire('a')).granted).toBe(true);
    expect((await acquire('b')).granted).toBe(true);
    const third = await acquire('c');
    expect(third).toMatchObject({ granted: false, blockedBy: 'concurrency' });
    await backend.release({ slots: [slots[0]?.key ?? ''], leaseId: 'a' });
    expect((await acquire('c')).granted).toBe(true);
    expect(
      (await backend.inspect({ buckets: [], pauses: [], slots: [slots[0]?.key ?? ''] })).slots,
    ).toEqual([2]);
    await sleep(650);
    expect(
      (await backend.inspect({ buckets: [], pauses: [], slots: [slots[0]?.key ?? ''] })).slots,
    ).toEqual([0]);
  });

  it('keeps a renewed lease and lets an expired one go', async () => {
    const backend = make();
    const key = `s-${randomUUID()}`;
    await backend.acquire({
      buckets: [],
      pauses: [],
      slots: [{ key, limit: 1 }],
      lease: { id: 'a', ttlMs: 400 },
    });
    await sleep(200);
    await backend.renew([key], 'a', 400);
    await sleep(250);
    expect((await backend.inspect({ buckets: [], pauses: [], slots: [key] })).slots).toEqual([1]);
    await sleep(200);
    await backend.renew([key], 'a', 400);
    expect((await backend.inspect({ buckets: [], pauses: [], slots: [key] })).slots).toEqual([0]);
  });

  it('pauses a key for at least the given time and only ever extends a pause', async () => {
    const backend = make();
    const pause = `p-${randomUUID()}`;
    await backend.release({ slots: [], pause: { keys: [pause], forMs: 600 } });
    await backend.release({ slots: [], pause: { keys: [pause], forMs: 50 } });
    const result = await backend.acquire({ buckets: [], pauses: [pause], slots: [] });
    expect(result).toMatchObject({ granted: false, blockedBy: 'pause' });
    if (!result.granted) expect(result.waitMs).toBeGreaterThan(300);
    await sleep(620);
    expect((await backend.acquire({ buckets: [], pauses: [pause], slots: [] })).granted).toBe(true);
  });

  it('allows retries up to ratio x first attempts plus the minimum', async () => {
    const backend = make();
    const spec = window();
    for (let i = 0; i < 50; i += 1) {
      await backend.acquire({ buckets: [], pauses: [], slots: [], countFirstAttempt: spec });
    }
    const granted = [];
    for (let i = 0; i < 12; i += 1) {
      granted.push((await backend.tryRetry({ window: spec, ratio: 0.1, minRetries: 3 })).granted);
    }
    expect(granted.filter(Boolean)).toHaveLength(8);
    expect(granted.slice(8)).toEqual([false, false, false, false]);
    const inspection = await backend.inspect({
      buckets: [],
      pauses: [],
      slots: [],
      budget: { window: spec, ratio: 0.1, minRetries: 3 },
    });
    expect(inspection.budget).toEqual({ firstAttempts: 50, retries: 8, allowed: 8, left: 0 });
  });

  it('reports backoff, pause and last success for the health view', async () => {
    const backend = make();
    const spec = window();
    const pause = `p-${randomUUID()}`;
    const backoffKey = `bo-${randomUUID()}`;
    const successKey = `ok-${randomUUID()}`;
    await backend.tryRetry({
      window: spec,
      ratio: 0.1,
      minRetries: 3,
      backoff: { key: backoffKey, delayMs: 5000, attempt: 2 },
    });
    await backend.release({ slots: [], pause: { keys: [pause], forMs: 2000 }, successKey });
    const inspection = await backend.inspect({
      buckets: [],
      pauses: [pause],
      slots: [],
      backoffKey,
      successKey,
    });
    expect(inspection.backoff?.attempt).toBe(2);
    expect((inspection.backoff?.untilMs ?? 0) - inspection.nowMs).toBeGreaterThan(4900);
    expect((inspection.pauses[0] ?? 0) - inspection.nowMs).toBeGreaterThan(1900);
    expect(inspection.nowMs - (inspection.lastSuccessMs ?? 0)).toBeLessThan(1000);
  });
}
