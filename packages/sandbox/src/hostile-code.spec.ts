import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SandboxError } from './errors.js';
import type { SandboxErrorCode } from './errors.js';
import type { SandboxPool } from './sandbox-pool.js';
import { codePool, recordingBridge, runCode, sleep } from './testing/code-bootstrap.js';

// Small CPU and wall limits keep the suite cheap on a shared 2-core machine; tests that must
// fill a heap raise cpuMs for that run only.
const LIMITS = { cpuMs: 250, wallMs: 5000 };
const BOMB_LIMITS = { cpuMs: 10_000, wallMs: 20_000 };

let pool: SandboxPool;

beforeEach(() => {
  pool = codePool({ limits: LIMITS });
});

afterEach(async () => {
  await pool.dispose();
});

async function expectFailure(run: Promise<unknown>, code: SandboxErrorCode): Promise<SandboxError> {
  const error = await run.then(
    (value) => {
      throw new Error(`expected ${code}, the run returned ${JSON.stringify(value)}`);
    },
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(SandboxError);
  expect((error as SandboxError).code).toBe(code);
  return error as SandboxError;
}

/** The key serves a correct run on a fresh isolate after the failure. */
async function expectNextRunWorks(key: string): Promise<void> {
  const before = pool.stats().created;
  await expect(runCode(pool, key, 'return ctx.input + 1', { input: 41 })).resolves.toBe(42);
  expect(pool.stats().created).toBe(before + 1);
}

describe('hostile code', () => {
  it('stops while(true){} with SANDBOX_TIMEOUT', async () => {
    const started = Date.now();
    await expectFailure(runCode(pool, 'k', 'while (true) {}'), 'SANDBOX_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(3000);
    await expectNextRunWorks('k');
  });

  it('stops the same loop after an await on the bridge', async () => {
    const bridge = recordingBridge();
    const error = await expectFailure(
      runCode(pool, 'k', 'await ctx.http({ path: "/x" }); while (true) {}', { bridge }),
      'SANDBOX_TIMEOUT',
    );
    expect(bridge.requests).toHaveLength(1);
    expect(error.message).toContain('limits.cpuMs');
    await expectNextRunWorks('k');
  });

  it('stops the same loop after await null', async () => {
    await expectFailure(runCode(pool, 'k', 'await null; while (true) {}'), 'SANDBOX_TIMEOUT');
    await expectNextRunWorks('k');
  });

  it('stops a promise chain that never ends', async () => {
    await expectFailure(
      runCode(pool, 'k', 'const spin = () => Promise.resolve().then(spin); await spin();'),
      'SANDBOX_TIMEOUT',
    );
    await expectNextRunWorks('k');
  });

  it('stops a promise that never settles at the wall-clock limit', async () => {
    const started = Date.now();
    const error = await expectFailure(
      runCode(pool, 'k', 'await new Promise(() => {});', { limits: { wallMs: 300 } }),
      'SANDBOX_TIMEOUT',
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(error.message).toContain('limits.wallMs');
    await expectNextRunWorks('k');
  });

  it('stops string doubling with SANDBOX_MEMORY', async () => {
    // Flattening each doubling (indexOf) makes V8 allocate it; bare `s += s` only builds ropes
    // and ends in "Invalid string length" long before the heap fills.
    const source =
      'let s = "xy"; const keep = []; for (;;) { s = s + s; s.indexOf("z"); keep.push(s); }';
    const error = await expectFailure(
      runCode(pool, 'k', source, { limits: BOMB_LIMITS }),
      'SANDBOX_MEMORY',
    );
    expect(error.message).toContain('64 MB');
    await expectNextRunWorks('k');
  });

  it('refuses a 500 MB result with SANDBOX_OUTPUT_TOO_LARGE', async () => {
    // 1 MB referenced 500 times: small in the heap, 500 MB once serialised.
    await expectFailure(
      runCode(pool, 'k', 'const mb = "x".repeat(1 << 20); return new Array(500).fill(mb);'),
      'SANDBOX_OUTPUT_TOO_LARGE',
    );
    await expectNextRunWorks('k');
  });

  it('counts the result in UTF-8 bytes against maxResultBytes', async () => {
    const limits = { maxResultBytes: 1000 };
    // 400 three-byte characters: 1202 bytes of JSON although only 402 UTF-16 units.
    await expectFailure(
      runCode(pool, 'k', 'return "€".repeat(400)', { limits }),
      'SANDBOX_OUTPUT_TOO_LARGE',
    );
    await expect(runCode(pool, 'k', 'return "€".repeat(300)', { limits })).resolves.toBe(
      '€'.repeat(300),
    );
  });

  it('survives runaway recursion', async () => {
    const error = await expectFailure(
      runCode(pool, 'k', 'const down = (n) => down(n + 1) + 1; return down(0)'),
      'SANDBOX_ERROR',
    );
    expect(error.message).toContain('Maximum call stack size exceeded');
    await expectNextRunWorks('k');
  });

  it('has no way to the host through this.constructor.constructor', async () => {
    const error = await expectFailure(
      runCode(pool, 'k', "return this.constructor.constructor('return process')()"),
      'SANDBOX_ERROR',
    );
    expect(error.message).toBe('process is not defined');
    expect(error.details?.name).toBe('ReferenceError');
    await expectNextRunWorks('k');
  });

  it('has no require', async () => {
    await expect(runCode(pool, 'k', 'return typeof globalThis.require')).resolves.toBe('undefined');
    const error = await expectFailure(
      runCode(pool, 'k', "return require('node:fs').readFileSync('/etc/passwd', 'utf8')"),
      'SANDBOX_ERROR',
    );
    expect(error.message).toBe('require is not defined');
    await expectNextRunWorks('k');
  });

  it('cannot pollute Object.prototype for the host or the next run', async () => {
    const error = await expectFailure(
      runCode(pool, 'k', '"use strict"; Object.prototype.polluted = 1; return ({}).polluted'),
      'SANDBOX_ERROR',
    );
    expect(error.message).toContain('not extensible');
    expect(error.details?.name).toBe('TypeError');
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await expectNextRunWorks('k');

    // Sloppy mode fails silently; the assignment still does not land.
    await expect(
      runCode(
        pool,
        'k',
        'Object.prototype.polluted = 1; Array.prototype.map = null; return [({}).polluted, typeof [].map]',
      ),
    ).resolves.toEqual([null, 'function']);
    await expect(
      runCode(pool, 'k', 'return [Object.prototype.hasOwnProperty("polluted"), typeof [].map]'),
    ).resolves.toEqual([false, 'function']);
  });

  it('keeps a global set in one run out of the next', async () => {
    await runCode(
      pool,
      'k',
      'leaked = 1; globalThis.leaked2 = 2; try { Object.defineProperty(globalThis, "leaked3", { value: 3 }) } catch {} return 0',
    );
    await expect(
      runCode(pool, 'k', 'return [typeof leaked, typeof leaked2, typeof leaked3]'),
    ).resolves.toEqual(['undefined', 'undefined', 'undefined']);
    const error = await expectFailure(
      runCode(pool, 'k', '"use strict"; globalThis.leaked = 1;'),
      'SANDBOX_ERROR',
    );
    expect(error.details?.name).toBe('TypeError');
    await expectNextRunWorks('k');
  });

  it('keeps RegExp legacy statics from carrying a value between runs', async () => {
    await runCode(
      pool,
      'k',
      '/(s3cret)/.exec("s3cret"); try { RegExp.input = "planted" } catch {} return 0',
    );
    await expect(
      runCode(pool, 'k', 'return [typeof RegExp.$1, typeof RegExp.input, typeof RegExp.lastMatch]'),
    ).resolves.toEqual(['undefined', 'undefined', 'undefined']);
  });

  it('fails the run on the 101st bridge call even when the code catches it', async () => {
    const bridge = recordingBridge();
    const error = await expectFailure(
      runCode(
        pool,
        'k',
        'let ok = 0; for (let i = 0; i < 101; i++) { try { await ctx.http({ i }); ok++ } catch (e) {} } return ok',
        { bridge },
      ),
      'SANDBOX_CALL_BUDGET',
    );
    expect(bridge.requests).toHaveLength(100);
    expect(error.details?.limit).toBe(100);
    await expectNextRunWorks('k');
  });

  it('fails an uncaught error with SANDBOX_ERROR and keeps its code', async () => {
    const error = await expectFailure(
      runCode(pool, 'k', 'const e = new Error("card declined"); e.code = "CARD_DECLINED"; throw e'),
      'SANDBOX_ERROR',
    );
    expect(error.message).toBe('card declined');
    expect(error.details?.code).toBe('CARD_DECLINED');
    await expectNextRunWorks('k');
  });

  it('keeps a warm run on another key going while one key bombs its memory', async () => {
    await runCode(pool, 'warm', 'return 1');
    const warmBefore = await pool.inspect('warm');
    const bridge = recordingBridge(async (request) => {
      await sleep(400);
      return { status: 200, body: request };
    });
    const [bomb, warm] = await Promise.allSettled([
      runCode(pool, 'bomb', 'const a = []; for (;;) a.push({ n: a.length, s: "x" + a.length });', {
        limits: BOMB_LIMITS,
      }),
      runCode(pool, 'warm', 'const r = await ctx.http({ n: ctx.input }); return r.body.n * 2', {
        input: 21,
        bridge,
      }),
    ]);
    expect(bomb.status === 'rejected' && (bomb.reason as SandboxError).code).toBe('SANDBOX_MEMORY');
    expect(warm).toEqual({ status: 'fulfilled', value: 42 });
    const warmAfter = await pool.inspect('warm');
    expect(warmAfter?.coldStartMs).toBe(warmBefore?.coldStartMs);
    expect(warmAfter?.runs).toBe(2);
    await expectNextRunWorks('bomb');
  });
});
