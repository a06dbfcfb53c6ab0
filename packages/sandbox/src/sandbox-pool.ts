import type { HeapStatistics } from 'isolated-vm';
import { SANDBOX_ERROR_CODES, SandboxError } from './errors.js';
import type { SandboxErrorCode } from './errors.js';
import { DEFAULT_LIMITS, resolveLimits } from './limits.js';
import type { SandboxLimits } from './limits.js';
import { SandboxIsolate } from './sandbox-isolate.js';
import type { BootstrapScript, HostBridge, IsolateEvents } from './sandbox-isolate.js';
import { ScriptCache } from './script-cache.js';

export interface SandboxPoolOptions {
  /** Warm isolates kept, least recently used evicted first. Default 128. */
  maxIsolates?: number;
  /** Pool-wide limits over DESIGN.md's defaults; a run may override them again. */
  limits?: Partial<SandboxLimits>;
  /** Scripts run once per new isolate, in order, before everything is frozen. */
  bootstrap: Array<{ filename: string; source: string }>;
}

export interface SandboxPoolStats {
  /** Isolates alive now, including replaced ones still finishing their runs. */
  isolates: number;
  created: number;
  disposed: number;
  /** Failures by code: one per breach or uncaught error (runs that lost the isolate to it excluded). */
  breaches: Record<string, number>;
}

/** One key's isolate, for benches and health pages. */
export interface IsolateInfo {
  key: string;
  memoryMb: number;
  /** New isolate, context, runtime, bootstrap scripts and freezing, in ms. */
  coldStartMs: number;
  /** Objects frozen after the bootstrap. */
  frozenObjects: number;
  runs: number;
  activeRuns: number;
  /** CPU spent inside the isolate by runs, in ms. */
  cpuMs: number;
  heap: HeapStatistics;
}

interface Slot {
  readonly memoryMb: number;
  isolate: SandboxIsolate | undefined;
  ready: Promise<SandboxIsolate>;
}

/**
 * One isolate per key (an installation), kept warm in an LRU pool. See DESIGN.md "Sandbox" and the
 * package README for the guarantees; `run` never throws anything but SandboxError for what the
 * sandboxed code did (a RangeError for an invalid limit override is the caller's bug).
 */
export class SandboxPool {
  readonly #maxIsolates: number;
  readonly #limits: SandboxLimits;
  readonly #bootstrap: readonly BootstrapScript[];
  readonly #scripts = new ScriptCache();
  /** Insertion order is recency: the first entry is the least recently used. */
  readonly #slots = new Map<string, Slot>();
  readonly #live = new Set<SandboxIsolate>();
  readonly #breaches = Object.fromEntries(SANDBOX_ERROR_CODES.map((code) => [code, 0])) as Record<
    SandboxErrorCode,
    number
  >;
  #created = 0;
  #disposed = 0;
  #closed = false;

  readonly #events: IsolateEvents = {
    unusable: (isolate) => {
      const slot = this.#slots.get(isolate.key);
      if (slot?.isolate === isolate) this.#slots.delete(isolate.key);
    },
    disposed: (isolate) => {
      if (this.#live.delete(isolate)) this.#disposed++;
    },
    failure: (code) => {
      this.#breaches[code]++;
    },
  };

  constructor(options: SandboxPoolOptions) {
    const maxIsolates = options.maxIsolates ?? 128;
    if (!Number.isInteger(maxIsolates) || maxIsolates < 1) {
      throw new RangeError(`maxIsolates must be a positive integer, got ${String(maxIsolates)}`);
    }
    this.#maxIsolates = maxIsolates;
    this.#limits = resolveLimits(DEFAULT_LIMITS, options.limits);
    this.#bootstrap = options.bootstrap.map(({ filename, source }) => ({ filename, source }));
  }

  /**
   * Calls `globalThis[entry](payload, host)` in the key's isolate and resolves with a copy of its
   * result. Rejects with SandboxError; after any failure the key gets a fresh isolate.
   */
  async run(
    key: string,
    entry: string,
    payload: unknown,
    bridge: HostBridge,
    limits?: Partial<SandboxLimits>,
  ): Promise<unknown> {
    const resolved = resolveLimits(this.#limits, limits);
    // The isolate may be retired while it starts (evicted, replaced, pool disposed): ask again.
    for (let attempt = 0; ; attempt++) {
      const isolate = await this.#acquire(key, resolved.memoryMb);
      if (isolate.usable || attempt === 2) return isolate.run(entry, payload, bridge, resolved);
    }
  }

  stats(): SandboxPoolStats {
    return {
      isolates: this.#live.size,
      created: this.#created,
      disposed: this.#disposed,
      breaches: { ...this.#breaches },
    };
  }

  /** The key's current isolate, or undefined when it has none (never run, evicted, replaced). */
  async inspect(key: string): Promise<IsolateInfo | undefined> {
    const isolate = this.#slots.get(key)?.isolate;
    if (isolate === undefined || !isolate.usable) return undefined;
    let heap: HeapStatistics;
    try {
      heap = await isolate.heapStatistics();
    } catch {
      return undefined; // disposed while we asked (memory limit)
    }
    return {
      key,
      memoryMb: isolate.memoryMb,
      coldStartMs: isolate.coldStartMs,
      frozenObjects: isolate.frozenObjects,
      runs: isolate.runsStarted,
      activeRuns: isolate.activeRuns,
      cpuMs: Number(isolate.cpuNsTotal) / 1e6,
      heap,
    };
  }

  /** Disposes every isolate; runs in flight fail with SANDBOX_ERROR `pool-disposed`. */
  async dispose(): Promise<void> {
    this.#closed = true;
    const pending = [...this.#slots.values()].map((slot) => slot.ready);
    this.#slots.clear();
    await Promise.allSettled(pending);
    const error = new SandboxError('SANDBOX_ERROR', 'the sandbox pool has been disposed', {
      reason: 'pool-disposed',
    });
    for (const isolate of [...this.#live]) isolate.terminate(error);
    this.#scripts.release();
  }

  #acquire(key: string, memoryMb: number): Promise<SandboxIsolate> {
    if (this.#closed) {
      return Promise.reject(
        new SandboxError('SANDBOX_ERROR', 'the sandbox pool has been disposed', {
          key,
          reason: 'pool-disposed',
        }),
      );
    }
    const slot = this.#slots.get(key);
    if (slot !== undefined) {
      this.#slots.delete(key);
      if (slot.memoryMb === memoryMb && (slot.isolate === undefined || slot.isolate.usable)) {
        this.#slots.set(key, slot);
        return slot.ready;
      }
      // memoryLimit is fixed at creation: a run asking for another one gets its own isolate.
      void slot.ready.then(
        (isolate) => isolate.retire(),
        () => undefined,
      );
    }
    const created = this.#create(key, memoryMb);
    this.#slots.set(key, created);
    this.#evict();
    return created.ready;
  }

  #create(key: string, memoryMb: number): Slot {
    // `ready` is assigned at once below; its callbacks need the slot itself.
    const slot = { memoryMb, isolate: undefined } as Slot;
    slot.ready = SandboxIsolate.create({
      key,
      memoryMb,
      bootstrap: this.#bootstrap,
      scripts: this.#scripts,
      events: this.#events,
    }).then(
      (isolate) => {
        this.#created++;
        this.#live.add(isolate);
        slot.isolate = isolate;
        if (this.#closed || this.#slots.get(key) !== slot) isolate.retire();
        return isolate;
      },
      (error: unknown) => {
        if (this.#slots.get(key) === slot) this.#slots.delete(key);
        throw error;
      },
    );
    return slot;
  }

  #evict(): void {
    if (this.#slots.size <= this.#maxIsolates) return;
    // Idle isolates go first; busy ones finish their runs before they are disposed.
    const started = [...this.#slots.entries()].filter(([, slot]) => slot.isolate !== undefined);
    const ordered = [
      ...started.filter(([, slot]) => slot.isolate?.activeRuns === 0),
      ...started.filter(([, slot]) => slot.isolate?.activeRuns !== 0),
    ];
    for (const [key, slot] of ordered) {
      if (this.#slots.size <= this.#maxIsolates) return;
      this.#slots.delete(key);
      slot.isolate?.retire();
    }
  }
}
