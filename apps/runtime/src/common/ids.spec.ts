import { describe, expect, it } from 'vitest';
import { orderedId, uuidv7 } from './ids.js';

// Many more ids than one pool of random digits holds, so every check also crosses refills.
const MANY = 5000;

describe('uuidv7', () => {
  it('is an RFC 9562 version 7 UUID whose first 48 bits are the time in milliseconds', () => {
    const now = Date.UTC(2026, 11, 4, 21, 0, 0, 123);
    for (let i = 0; i < MANY; i++) {
      const id = uuidv7(now);
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(now);
    }
  });

  it('never repeats, and sorts by time across milliseconds', () => {
    const ids = Array.from({ length: MANY }, (_, i) =>
      uuidv7(1_700_000_000_000 + Math.floor(i / 10)),
    );
    expect(new Set(ids).size).toBe(MANY);
    const byTime = ids.map((id) => id.slice(0, 13));
    expect([...byTime].sort()).toEqual(byTime);
  });
});

describe('orderedId', () => {
  it('keeps creation order, never repeats and carries its prefix', () => {
    const ids = Array.from({ length: MANY }, () => orderedId('evt'));
    expect(new Set(ids).size).toBe(MANY);
    for (const id of ids) expect(id).toMatch(/^evt_[0-9a-z]{13}[0-9a-f]{12}$/);
    // Within one process, time then a counter: the order of creation is the order of the strings
    // (the counter wraps only after 36^4 ids).
    const prefixes = ids.map((id) => id.slice(0, 17));
    expect([...prefixes].sort()).toEqual(prefixes);
  });
});
