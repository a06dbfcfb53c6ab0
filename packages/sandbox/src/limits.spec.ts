import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, resolveLimits } from './limits.js';

describe('resolveLimits', () => {
  it('starts from the DESIGN.md defaults and layers overrides in order', () => {
    expect(DEFAULT_LIMITS).toEqual({
      memoryMb: 64,
      cpuMs: 1000,
      wallMs: 30_000,
      maxResultBytes: 1_048_576,
      maxBridgeCalls: 100,
    });
    expect(
      resolveLimits(DEFAULT_LIMITS, { cpuMs: 200, wallMs: 5000 }, undefined, { cpuMs: 50 }),
    ).toEqual({ ...DEFAULT_LIMITS, cpuMs: 50, wallMs: 5000 });
  });

  it('names the field of a value that would disable or break a limit', () => {
    expect(() => resolveLimits(DEFAULT_LIMITS, { memoryMb: 4 })).toThrow(/memoryMb .* got 4/);
    expect(() => resolveLimits(DEFAULT_LIMITS, { cpuMs: Number.NaN })).toThrow(/cpuMs/);
    // Node would fire a timer this long after 1 ms.
    expect(() => resolveLimits(DEFAULT_LIMITS, { wallMs: 2 ** 31 })).toThrow(/wallMs/);
    expect(resolveLimits(DEFAULT_LIMITS, { maxBridgeCalls: 0 }).maxBridgeCalls).toBe(0);
  });
});
