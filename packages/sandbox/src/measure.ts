import type { HostBridge } from './sandbox-isolate.js';
import type { SandboxPool } from './sandbox-pool.js';

export interface MeasureOptions {
  /** Timed warm runs after the first one. Default 200. */
  warmRuns?: number;
  /** Untimed runs between the first and the timed ones, so V8 has optimised the hot paths. Default 20. */
  warmupRuns?: number;
}

export interface SandboxMeasurement {
  /** New isolate + context + runtime + bootstrap scripts + freezing, in ms. */
  coldStartMs: number;
  /** The first `run()` on the key as its caller sees it: cold start plus the first call, in ms. */
  firstRunMs: number;
  /** `run()` on the warm isolate, in microseconds. */
  warmCallUs: { median: number; p95: number; min: number };
  /** The warm isolate's heap after the timed runs. */
  heap: { usedBytes: number; totalBytes: number; externalBytes: number; limitBytes: number };
  frozenObjects: number;
}

/**
 * Figures for the engine bench: the cost of a cold isolate, of a warm call and of the heap one warm
 * isolate keeps. Use a key the pool has not seen, or firstRunMs is a warm call.
 */
export async function measure(
  pool: SandboxPool,
  key: string,
  entry: string,
  payload: unknown,
  bridge: HostBridge,
  options: MeasureOptions = {},
): Promise<SandboxMeasurement> {
  const warmRuns = options.warmRuns ?? 200;
  const warmupRuns = options.warmupRuns ?? 20;
  let started = performance.now();
  await pool.run(key, entry, payload, bridge);
  const firstRunMs = performance.now() - started;
  for (let i = 0; i < warmupRuns; i++) await pool.run(key, entry, payload, bridge);
  const samples: number[] = [];
  for (let i = 0; i < warmRuns; i++) {
    started = performance.now();
    await pool.run(key, entry, payload, bridge);
    samples.push((performance.now() - started) * 1000);
  }
  samples.sort((a, b) => a - b);
  const info = await pool.inspect(key);
  if (info === undefined) throw new Error(`measure: key "${key}" lost its isolate while measuring`);
  const at = (q: number): number =>
    samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? NaN;
  return {
    coldStartMs: info.coldStartMs,
    firstRunMs,
    warmCallUs: { median: at(0.5), p95: at(0.95), min: samples[0] ?? NaN },
    heap: {
      usedBytes: info.heap.used_heap_size,
      totalBytes: info.heap.total_heap_size,
      externalBytes: info.heap.externally_allocated_size,
      limitBytes: info.heap.heap_size_limit,
    },
    frozenObjects: info.frozenObjects,
  };
}
