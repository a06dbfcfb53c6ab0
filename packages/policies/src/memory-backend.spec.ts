import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.js';
import { partnerBucket } from './limits.js';
import { MemoryBackend } from './memory-backend.js';
import { backendContract } from './testing/backend-contract.js';
import { maxInWindow } from './testing/fake-partner.js';

describe('MemoryBackend', () => {
  backendContract(() => new MemoryBackend());
});

describe('MemoryBackend with an injected clock', () => {
  it('admits exactly the burst plus one token per interval', async () => {
    const clock = new ManualClock(1_000_000);
    const backend = new MemoryBackend({ clock });
    const bucket = { key: 'b', intervalMs: 100, burst: 5 };
    let granted = 0;
    // Ten virtual seconds, one attempt per millisecond.
    for (let t = 0; t < 10_000; t += 1) {
      if ((await backend.acquire({ buckets: [bucket], pauses: [], slots: [] })).granted)
        granted += 1;
      clock.advance(1);
    }
    expect(granted).toBe(5 + 100 - 1);
  });

  it('says how long to wait, to the millisecond', async () => {
    const clock = new ManualClock(0);
    const backend = new MemoryBackend({ clock });
    const bucket = { key: 'b', intervalMs: 250, burst: 2 };
    await backend.acquire({ buckets: [bucket], pauses: [], slots: [] });
    await backend.acquire({ buckets: [bucket], pauses: [], slots: [] });
    clock.advance(100);
    expect(await backend.acquire({ buckets: [bucket], pauses: [], slots: [] })).toMatchObject({
      granted: false,
      waitMs: 150,
      buckets: [{ remaining: 0, resetMs: 400 }],
    });
    clock.advance(149);
    expect((await backend.acquire({ buckets: [bucket], pauses: [], slots: [] })).granted).toBe(
      false,
    );
    clock.advance(1);
    expect((await backend.acquire({ buckets: [bucket], pauses: [], slots: [] })).granted).toBe(
      true,
    );
  });

  it('keeps a saturated partner layer at or under its limit in every window, at >= 95%', async () => {
    const clock = new ManualClock(0);
    const backend = new MemoryBackend({ clock });
    for (const requests of [10, 100, 1000]) {
      const bucket = partnerBucket(`p${requests}`, { requests, perMs: 1000 }, 0.02, 0.02);
      const grants: number[] = [];
      const end = clock.now() + 60_000;
      while (clock.now() < end) {
        const result = await backend.acquire({ buckets: [bucket], pauses: [], slots: [] });
        if (result.granted) grants.push(clock.now());
        else clock.advance(result.waitMs);
      }
      expect(maxInWindow(grants, 1000)).toBeLessThanOrEqual(requests);
      expect(grants.length / (60 * requests)).toBeGreaterThanOrEqual(0.95);
    }
  });

  it('forgets the least recently written keys beyond maxKeys', async () => {
    const backend = new MemoryBackend({ clock: new ManualClock(0), maxKeys: 2 });
    const take = (key: string) =>
      backend.acquire({ buckets: [{ key, intervalMs: 1000, burst: 1 }], pauses: [], slots: [] });
    await take('a');
    await take('b');
    await take('c');
    expect((await take('a')).granted).toBe(true);
    expect((await take('c')).granted).toBe(false);
  });
});
