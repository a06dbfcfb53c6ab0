/** Per-run resource limits of a sandboxed run. Every field is configurable per pool and per run. */
export interface SandboxLimits {
  /** Heap limit of the isolate, in MB (isolated-vm `memoryLimit`, minimum 8). Fixed per isolate. */
  memoryMb: number;
  /** CPU time one run may spend inside the isolate, summed over all of its entries, in ms. */
  cpuMs: number;
  /** Wall-clock time one run may take from `run()` to its result, bridge calls included, in ms. */
  wallMs: number;
  /** Size of the JSON-serialised result, in UTF-8 bytes, checked inside the isolate. */
  maxResultBytes: number;
  /** Bridge `http` calls one run may make; the next one fails the run with SANDBOX_CALL_BUDGET. */
  maxBridgeCalls: number;
}

/** DESIGN.md "Sandbox" defaults. */
export const DEFAULT_LIMITS: SandboxLimits = Object.freeze({
  memoryMb: 64,
  cpuMs: 1000,
  wallMs: 30_000,
  maxResultBytes: 1_048_576,
  maxBridgeCalls: 100,
});

const MINIMUM: SandboxLimits = {
  memoryMb: 8,
  cpuMs: 1,
  wallMs: 1,
  maxResultBytes: 1,
  maxBridgeCalls: 0,
};

// Node timers take at most 2^31 - 1 ms (a longer one fires after 1 ms); the same bound is far
// above any sensible value of the other limits.
const MAXIMUM_MS = 2_147_483_647;

/**
 * Layers partial limits over a base and checks every value, so a typo in a caller's override
 * fails at once with the field's name instead of silently disabling a limit.
 */
export function resolveLimits(
  base: SandboxLimits,
  ...overrides: Array<Partial<SandboxLimits> | undefined>
): SandboxLimits {
  const merged: SandboxLimits = { ...base };
  for (const override of overrides) {
    if (!override) continue;
    for (const name of Object.keys(MINIMUM) as Array<keyof SandboxLimits>) {
      const value = override[name];
      if (value !== undefined) merged[name] = value;
    }
  }
  for (const name of Object.keys(MINIMUM) as Array<keyof SandboxLimits>) {
    const value = merged[name];
    if (
      typeof value !== 'number' ||
      !Number.isFinite(value) ||
      value < MINIMUM[name] ||
      value > MAXIMUM_MS
    ) {
      throw new RangeError(
        `sandbox limit ${name} must be a number from ${MINIMUM[name]} to ${MAXIMUM_MS}, got ${String(value)}`,
      );
    }
  }
  return merged;
}
