import ivm from 'isolated-vm';
import { SandboxError } from './errors.js';
import type { SandboxErrorCode } from './errors.js';
import { ISOLATE_RUNTIME_FILENAME, ISOLATE_RUNTIME_SOURCE } from './isolate-runtime.js';
import type { SandboxLimits } from './limits.js';
import type { ScriptCache } from './script-cache.js';

/** Host capabilities of one run. The only way out of the isolate. */
export interface HostBridge {
  /** JSON-able values, copied both ways; a rejection `{ code, message }` is thrown inside with `.code`. */
  http(request: unknown): Promise<unknown>;
  log(
    level: 'debug' | 'info' | 'warn' | 'error',
    message: string,
    fields?: Record<string, unknown>,
  ): void;
}

export interface BootstrapScript {
  filename: string;
  source: string;
}

/** What the pool hears from an isolate. */
export interface IsolateEvents {
  /** The isolate takes no new runs (retired or killed): the pool forgets its key. */
  unusable(isolate: SandboxIsolate): void;
  disposed(isolate: SandboxIsolate): void;
  /** Once per breach (or uncaught error), not once per run that lost the isolate to it. */
  failure(code: SandboxErrorCode): void;
}

/** Messages the isolate runtime posts (see isolate-runtime.ts). */
type PostKind = 'http' | 'log' | 'ok' | 'error' | 'too-large' | 'budget';

interface RunState {
  readonly id: number;
  readonly entry: string;
  readonly bridge: HostBridge;
  readonly limits: SandboxLimits;
  cpuNs: bigint;
  httpCalls: number;
  settled: boolean;
  wallTimer: NodeJS.Timeout | undefined;
  resolve(value: unknown): void;
  reject(error: SandboxError): void;
}

// Bootstrap scripts are trusted, but a runaway one must not hang isolate creation.
const BOOTSTRAP_TIMEOUT_MS = 10_000;
// The watchdog backs up isolated-vm's own timeout; the grace avoids racing it on every entry.
const WATCHDOG_GRACE_MS = 20;
const WATCHDOG_MIN_MS = 5;
const LOG_LEVELS = new Set(['debug', 'info', 'warn', 'error']);

/**
 * One isolate with one context, serving every run of one key.
 *
 * Runs of the same key may overlap, but entries into the isolate never do: the initial call and
 * every bridge answer are queued and entered one at a time, each with isolated-vm's `timeout` set
 * to the run's remaining CPU budget and `isolate.cpuTime` read before and after, so CPU is charged
 * to the run that spent it. Code after an `await` on the bridge therefore runs inside a metered
 * entry too, and a host watchdog disposes the isolate if an entry outlives the budget anyway.
 */
export class SandboxIsolate {
  readonly key: string;
  readonly memoryMb: number;
  coldStartMs = 0;
  frozenObjects = 0;
  runsStarted = 0;
  cpuNsTotal = 0n;

  readonly #isolate: ivm.Isolate;
  readonly #events: IsolateEvents;
  #invoke: ivm.Reference | undefined;
  #settle: ivm.Reference | undefined;
  readonly #runs = new Map<number, RunState>();
  #queue: Promise<void> = Promise.resolve();
  #current: RunState | undefined;
  #nextRunId = 0;
  #retired = false;
  #dead = false;

  private constructor(key: string, memoryMb: number, events: IsolateEvents) {
    this.key = key;
    this.memoryMb = memoryMb;
    this.#events = events;
    this.#isolate = new ivm.Isolate({ memoryLimit: memoryMb });
  }

  static async create(options: {
    key: string;
    memoryMb: number;
    bootstrap: readonly BootstrapScript[];
    scripts: ScriptCache;
    events: IsolateEvents;
  }): Promise<SandboxIsolate> {
    const started = performance.now();
    const self = new SandboxIsolate(options.key, options.memoryMb, options.events);
    let step = ISOLATE_RUNTIME_FILENAME;
    try {
      await self.#start(options.bootstrap, options.scripts, (filename) => (step = filename));
    } catch (error) {
      self.#dead = true;
      self.#isolate.dispose();
      throw new SandboxError(
        'SANDBOX_ERROR',
        `sandbox bootstrap failed in ${step} for key "${options.key}": ${messageOf(error)}`,
        { key: options.key, reason: 'bootstrap-failed' },
      );
    }
    self.coldStartMs = performance.now() - started;
    return self;
  }

  async #start(
    bootstrap: readonly BootstrapScript[],
    scripts: ScriptCache,
    at: (filename: string) => void,
  ): Promise<void> {
    const isolate = this.#isolate;
    const context = await isolate.createContext();
    const runtime = await scripts.compile(
      isolate,
      'runtime',
      ISOLATE_RUNTIME_FILENAME,
      ISOLATE_RUNTIME_SOURCE,
    );
    const install = (await runtime.run(context, {
      reference: true,
      release: true,
      timeout: BOOTSTRAP_TIMEOUT_MS,
    })) as ivm.Reference;
    const api = (await install.apply(
      undefined,
      [new ivm.Callback(this.#onPost, { ignored: true })],
      { result: { reference: true }, timeout: BOOTSTRAP_TIMEOUT_MS },
    )) as ivm.Reference;
    install.release();
    this.#invoke = await api.get('invoke', { reference: true });
    this.#settle = await api.get('settle', { reference: true });
    const lock = await api.get('lock', { reference: true });
    api.release();
    for (const [index, script] of bootstrap.entries()) {
      at(script.filename);
      const compiled = await scripts.compile(
        isolate,
        `bootstrap:${index}:${script.filename}`,
        script.filename,
        script.source,
      );
      await compiled.run(context, { release: true, timeout: BOOTSTRAP_TIMEOUT_MS });
    }
    at('freeze (after the bootstrap)');
    this.frozenObjects = (await lock.apply(undefined, [], {
      timeout: BOOTSTRAP_TIMEOUT_MS,
    })) as number;
    lock.release();
  }

  /** True while new runs may start here. */
  get usable(): boolean {
    return !this.#retired && !this.#dead;
  }

  get activeRuns(): number {
    return this.#runs.size;
  }

  heapStatistics(): Promise<ivm.HeapStatistics> {
    return this.#isolate.getHeapStatistics();
  }

  run(
    entry: string,
    payload: unknown,
    bridge: HostBridge,
    limits: SandboxLimits,
  ): Promise<unknown> {
    if (!this.usable) {
      return Promise.reject(
        new SandboxError('SANDBOX_ERROR', `the isolate for key "${this.key}" takes no new runs`),
      );
    }
    let payloadJson: string | undefined;
    try {
      payloadJson = payload === undefined ? undefined : JSON.stringify(payload);
    } catch (error) {
      return Promise.reject(
        new SandboxError(
          'SANDBOX_ERROR',
          `the payload for entry ${entry} is not JSON-serialisable: ${messageOf(error)}`,
          { key: this.key, entry },
        ),
      );
    }
    this.runsStarted++;
    return new Promise<unknown>((resolve, reject) => {
      const run: RunState = {
        id: ++this.#nextRunId,
        entry,
        bridge,
        limits,
        cpuNs: 0n,
        httpCalls: 0,
        settled: false,
        wallTimer: undefined,
        resolve,
        reject,
      };
      this.#runs.set(run.id, run);
      run.wallTimer = setTimeout(() => this.#onWall(run), limits.wallMs);
      this.#enter(run, this.#invoke, [
        run.id,
        entry,
        payloadJson,
        limits.maxResultBytes,
        limits.maxBridgeCalls,
      ]);
    });
  }

  /** Takes no new runs; disposed as soon as the runs in flight have finished. */
  retire(): void {
    if (this.#dead) return;
    if (!this.#retired) {
      this.#retired = true;
      this.#events.unusable(this);
    }
    if (this.#runs.size === 0) this.#dispose();
  }

  /** Disposes at once; every run in flight fails with `error`. Not counted as a breach. */
  terminate(error: SandboxError): void {
    this.#kill(error, undefined, true);
  }

  #enter(run: RunState, ref: ivm.Reference | undefined, args: unknown[]): void {
    // A failed step must not stall the queue: every later entry of every run would wait forever.
    this.#queue = this.#queue.then(() =>
      this.#runEntry(run, ref, args).catch((error: unknown) => {
        this.#kill(
          new SandboxError('SANDBOX_ERROR', `the sandbox failed: ${messageOf(error)}`, {
            key: this.key,
            entry: run.entry,
          }),
          run,
        );
      }),
    );
  }

  async #runEntry(run: RunState, ref: ivm.Reference | undefined, args: unknown[]): Promise<void> {
    if (this.#dead || run.settled || ref === undefined) return;
    const limitNs = BigInt(Math.ceil(run.limits.cpuMs * 1_000_000));
    const remainingMs = Number(limitNs - run.cpuNs) / 1e6;
    if (remainingMs <= 0) {
      this.#kill(this.#cpuError(run), run);
      return;
    }
    const start = this.#cpuNow();
    if (start === undefined) {
      this.#entryFailed(run, new Error('the isolate was disposed'));
      return;
    }
    this.#current = run;
    const watchdog = this.#watch(run, start, limitNs);
    try {
      await ref.apply(undefined, args, { timeout: Math.max(1, Math.ceil(remainingMs)) });
    } catch (error) {
      this.#entryFailed(run, error);
    } finally {
      clearTimeout(watchdog.timer);
      this.#current = undefined;
      const now = this.#cpuNow();
      if (now !== undefined) {
        run.cpuNs += now - start;
        this.cpuNsTotal += now - start;
      }
    }
    if (!this.#dead && !run.settled && run.cpuNs > limitNs) this.#kill(this.#cpuError(run), run);
  }

  #watch(run: RunState, start: bigint, limitNs: bigint): { timer: NodeJS.Timeout | undefined } {
    const handle: { timer: NodeJS.Timeout | undefined } = { timer: undefined };
    const check = (): void => {
      const now = this.#cpuNow();
      // Disposed by isolated-vm (memory limit): the entry's rejection reports it.
      if (this.#dead || this.#current !== run || now === undefined) return;
      const used = run.cpuNs + (now - start);
      if (used >= limitNs) {
        // isolated-vm's timeout did not stop the entry: only disposal does.
        this.#kill(this.#cpuError(run), run);
        return;
      }
      handle.timer = setTimeout(check, Math.max(WATCHDOG_MIN_MS, Number(limitNs - used) / 1e6));
    };
    const remainingMs = Number(limitNs - run.cpuNs) / 1e6;
    handle.timer = setTimeout(check, remainingMs + WATCHDOG_GRACE_MS);
    return handle;
  }

  /** undefined once the isolate is gone; isolated-vm may dispose it from its own thread. */
  #cpuNow(): bigint | undefined {
    try {
      return this.#isolate.isDisposed ? undefined : this.#isolate.cpuTime;
    } catch {
      return undefined;
    }
  }

  #entryFailed(run: RunState, error: unknown): void {
    if (this.#dead) return; // we disposed it ourselves and have already failed the runs
    const message = messageOf(error);
    if (this.#isolate.isDisposed || /memory limit/i.test(message)) {
      // Nobody can tell which run filled a shared heap: every run on it failed for memory.
      this.#kill(
        new SandboxError(
          'SANDBOX_MEMORY',
          `the isolate for key "${this.key}" ran out of memory (limit ${this.memoryMb} MB); reduce the data the code holds at once`,
          { key: this.key, entry: run.entry, limit: this.memoryMb },
        ),
        run,
        true,
      );
    } else if (message.includes('timed out')) {
      this.#kill(this.#cpuError(run), run);
    } else {
      this.#kill(
        new SandboxError('SANDBOX_ERROR', `entering the isolate failed: ${message}`, {
          key: this.key,
          entry: run.entry,
        }),
        run,
      );
    }
  }

  #cpuError(run: RunState): SandboxError {
    return new SandboxError(
      'SANDBOX_TIMEOUT',
      `entry ${run.entry} exceeded the CPU limit of ${run.limits.cpuMs} ms (limits.cpuMs); look for an endless loop or move the work out of the code node`,
      { key: this.key, entry: run.entry, limit: run.limits.cpuMs },
    );
  }

  #onWall(run: RunState): void {
    if (run.settled) return;
    const error = new SandboxError(
      'SANDBOX_TIMEOUT',
      `entry ${run.entry} exceeded the wall-clock limit of ${run.limits.wallMs} ms (limits.wallMs); look for a promise that never settles or slow bridge calls`,
      { key: this.key, entry: run.entry, limit: run.limits.wallMs },
    );
    // Stuck inside the isolate: only disposal stops it. Merely waiting on the bridge or in the
    // queue: fail it and replace the isolate once the other runs on it have finished.
    if (this.#current === run) this.#kill(error, run);
    else this.#fail(run, error);
  }

  readonly #onPost = (kind: unknown, runId: unknown, a: unknown, b: unknown, c: unknown): void => {
    const run = typeof runId === 'number' ? this.#runs.get(runId) : undefined;
    if (run === undefined || run.settled || this.#dead) return;
    switch (kind as PostKind) {
      case 'http':
        this.#onHttp(run, a, b);
        return;
      case 'log':
        this.#onLog(run, a, b, c);
        return;
      case 'ok':
        this.#succeed(run, a);
        return;
      case 'error':
        this.#fail(run, this.#uncaught(run, a));
        return;
      case 'too-large':
        this.#fail(
          run,
          new SandboxError(
            'SANDBOX_OUTPUT_TOO_LARGE',
            `entry ${run.entry} returned more than ${run.limits.maxResultBytes} bytes of JSON (limits.maxResultBytes); return less or page the data`,
            { key: this.key, entry: run.entry, limit: run.limits.maxResultBytes },
          ),
        );
        return;
      case 'budget':
        this.#fail(run, this.#budgetError(run));
        return;
      default:
        return;
    }
  };

  #budgetError(run: RunState): SandboxError {
    return new SandboxError(
      'SANDBOX_CALL_BUDGET',
      `entry ${run.entry} made more than ${run.limits.maxBridgeCalls} bridge calls (limits.maxBridgeCalls); paginate with fewer pages or batch requests`,
      { key: this.key, entry: run.entry, limit: run.limits.maxBridgeCalls },
    );
  }

  #uncaught(run: RunState, infoJson: unknown): SandboxError {
    let info: { message?: unknown; code?: unknown; name?: unknown; details?: unknown } = {};
    try {
      info = typeof infoJson === 'string' ? (JSON.parse(infoJson) as typeof info) : {};
    } catch {
      // the isolate runtime always sends JSON; an unreadable description keeps the default text
    }
    const details: NonNullable<SandboxError['details']> = { key: this.key, entry: run.entry };
    if (typeof info.name === 'string') details.name = info.name;
    if (typeof info.code === 'string') details.code = info.code;
    if (typeof info.details === 'string') {
      try {
        details.details = JSON.parse(info.details);
      } catch {
        details.details = info.details;
      }
    }
    const message = typeof info.message === 'string' ? info.message : 'uncaught error';
    return new SandboxError('SANDBOX_ERROR', message, details);
  }

  #onHttp(run: RunState, callId: unknown, requestJson: unknown): void {
    run.httpCalls++;
    if (run.httpCalls > run.limits.maxBridgeCalls) {
      this.#fail(run, this.#budgetError(run));
      return;
    }
    let pending: Promise<unknown>;
    try {
      const request: unknown = typeof requestJson === 'string' ? JSON.parse(requestJson) : null;
      pending = Promise.resolve(run.bridge.http(request));
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then(
      (response) => {
        let json: string | undefined;
        try {
          json = JSON.stringify(response);
        } catch (error) {
          this.#enter(run, this.#settle, [run.id, callId, false, bridgeErrorJson(error)]);
          return;
        }
        this.#enter(run, this.#settle, [run.id, callId, true, json]);
      },
      (error: unknown) => {
        this.#enter(run, this.#settle, [run.id, callId, false, bridgeErrorJson(error)]);
      },
    );
  }

  #onLog(run: RunState, level: unknown, message: unknown, fieldsJson: unknown): void {
    let fields: Record<string, unknown> | undefined;
    if (typeof fieldsJson === 'string') {
      try {
        const parsed: unknown = JSON.parse(fieldsJson);
        fields =
          parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
            ? (parsed as Record<string, unknown>)
            : { value: parsed };
      } catch {
        fields = undefined;
      }
    }
    const lvl = (typeof level === 'string' && LOG_LEVELS.has(level) ? level : 'info') as Parameters<
      HostBridge['log']
    >[0];
    try {
      run.bridge.log(lvl, typeof message === 'string' ? message : String(message), fields);
    } catch {
      // a failing logger must not fail the run or the isolate
    }
  }

  #succeed(run: RunState, json: unknown): void {
    let value: unknown;
    try {
      value = typeof json === 'string' ? JSON.parse(json) : undefined;
    } catch (error) {
      this.#fail(
        run,
        new SandboxError('SANDBOX_ERROR', `unreadable result: ${messageOf(error)}`, {
          key: this.key,
          entry: run.entry,
        }),
      );
      return;
    }
    this.#settleRun(run);
    run.resolve(value);
    this.#afterRun();
  }

  /** One run failed; the isolate is replaced once the other runs on it have finished. */
  #fail(run: RunState, error: SandboxError): void {
    if (run.settled) return;
    this.#events.failure(error.code);
    this.#settleRun(run);
    run.reject(error);
    this.retire();
  }

  /**
   * Disposes the isolate now. The culprit (or, with `everyone`, every run) fails with `error`; the
   * other runs on the isolate fail with SANDBOX_ERROR `isolate-replaced`, which a caller may retry.
   */
  #kill(error: SandboxError, culprit: RunState | undefined, everyone = false): void {
    if (this.#dead) return;
    if (culprit !== undefined) this.#events.failure(error.code);
    this.#dispose();
    for (const run of [...this.#runs.values()]) {
      if (run.settled) continue;
      this.#settleRun(run);
      if (everyone || run === culprit) {
        run.reject(error);
      } else {
        run.reject(
          new SandboxError(
            'SANDBOX_ERROR',
            `the isolate for key "${this.key}" was replaced because another run breached a limit (${error.code}); retry the run`,
            { key: this.key, entry: run.entry, reason: 'isolate-replaced', cause: error.code },
          ),
        );
      }
    }
  }

  #settleRun(run: RunState): void {
    run.settled = true;
    clearTimeout(run.wallTimer);
    this.#runs.delete(run.id);
  }

  #afterRun(): void {
    if (this.#retired && this.#runs.size === 0) this.#dispose();
  }

  #dispose(): void {
    if (this.#dead) return;
    this.#dead = true;
    if (!this.#retired) {
      this.#retired = true;
      this.#events.unusable(this);
    }
    try {
      this.#isolate.dispose();
    } catch {
      // already disposed by isolated-vm (memory limit)
    }
    this.#events.disposed(this);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A bridge rejection as the isolate runtime's `settle` reads it: `{ message, code?, details? }`. */
function bridgeErrorJson(error: unknown): string {
  const info: { message: string; code?: string; details?: unknown } = {
    message: 'bridge call failed',
  };
  if (error !== null && typeof error === 'object') {
    const e = error as { message?: unknown; code?: unknown; details?: unknown };
    if (typeof e.message === 'string') info.message = e.message;
    if (typeof e.code === 'string') info.code = e.code;
    if (e.details !== undefined) info.details = e.details;
  } else if (typeof error === 'string') {
    info.message = error;
  }
  try {
    return JSON.stringify(info);
  } catch {
    return JSON.stringify({ message: info.message, code: info.code });
  }
}
