import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { measure } from './measure.js';
import type { SandboxPool } from './sandbox-pool.js';
import {
  CODE_BOOTSTRAP,
  CODE_ENTRY,
  codePool,
  recordingBridge,
  runCode,
  sleep,
} from './testing/code-bootstrap.js';

let pool: SandboxPool;

beforeEach(() => {
  pool = codePool({ limits: { cpuMs: 250, wallMs: 5000 } });
});

afterEach(async () => {
  await pool.dispose();
});

const slowBridge = (ms: number) =>
  recordingBridge(async (request) => {
    await sleep(ms);
    return { status: 200, body: request };
  });

describe('SandboxPool', () => {
  it('returns a copy of the result and carries bridge calls and logs both ways', async () => {
    const bridge = recordingBridge((request) => ({ status: 201, body: { echoed: request } }));
    const result = await runCode(
      pool,
      'k',
      `const req = { method: 'POST', path: '/items', body: { n: ctx.input.n } };
       const res = await ctx.http(req);
       req.body.n = 'changed after the call';
       ctx.log('info', 'created', { status: res.status });
       return { status: res.status, n: res.body.echoed.body.n, when: new Date(0) };`,
      { input: { n: 7 }, bridge },
    );
    expect(result).toEqual({ status: 201, n: 7, when: '1970-01-01T00:00:00.000Z' });
    expect(bridge.requests).toEqual([{ method: 'POST', path: '/items', body: { n: 7 } }]);
    expect(bridge.logs).toEqual([{ level: 'info', message: 'created', fields: { status: 201 } }]);
  });

  it('caps the log lines one run may write', async () => {
    const bridge = recordingBridge();
    await runCode(
      pool,
      'k',
      'for (let i = 0; i < 1500; i++) ctx.log("debug", "line " + i); return 0',
      {
        bridge,
      },
    );
    expect(bridge.logs).toHaveLength(1000);
    expect(bridge.logs[999]).toEqual({ level: 'debug', message: 'line 999' });
  });

  it('turns a bridge rejection into an Error with .code inside the isolate', async () => {
    const bridge = recordingBridge(() =>
      Promise.reject({
        code: 'EGRESS_DENIED',
        message: 'host 10.0.0.1 is private',
        details: { host: '10.0.0.1' },
      }),
    );
    await expect(
      runCode(
        pool,
        'k',
        `try { await ctx.http({ url: 'http://10.0.0.1/' }); return 'no error' }
         catch (e) { return [e instanceof Error, e.code, e.message, e.details.host] }`,
        { bridge },
      ),
    ).resolves.toEqual([true, 'EGRESS_DENIED', 'host 10.0.0.1 is private', '10.0.0.1']);
    // Left uncaught, the bridge's code stays in the details of the SANDBOX_ERROR.
    await expect(
      runCode(pool, 'k', `await ctx.http({ url: 'http://10.0.0.1/' })`, { bridge }),
    ).rejects.toMatchObject({ code: 'SANDBOX_ERROR', details: { code: 'EGRESS_DENIED' } });
  });

  it('refuses a bridge request too large or not JSON before it reaches the host', async () => {
    const bridge = recordingBridge();
    await expect(
      runCode(
        pool,
        'k',
        `const codes = [];
         try { await ctx.http({ body: 'x'.repeat(9 * 1024 * 1024) }) } catch (e) { codes.push(e.code) }
         try { await ctx.http({ n: 1n }) } catch (e) { codes.push(e.name) }
         await ctx.http({ small: true });
         return codes`,
        { bridge },
      ),
    ).resolves.toEqual(['SANDBOX_OUTPUT_TOO_LARGE', 'TypeError']);
    expect(bridge.requests).toEqual([{ small: true }]);
  });

  it('runs concurrent runs of one key in one isolate, each with its own result', async () => {
    const bridge = recordingBridge(async (request) => {
      await sleep(((request as { n: number }).n % 3) * 30);
      return request;
    });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, n) =>
        runCode(pool, 'k', 'const r = await ctx.http({ n: ctx.input }); return r.n * 10', {
          input: n,
          bridge,
        }),
      ),
    );
    expect(results).toEqual([0, 10, 20, 30, 40, 50, 60, 70]);
    expect(pool.stats()).toMatchObject({ isolates: 1, created: 1 });
  });

  it('lets a bridge call run another entry on the same key (re-entrancy)', async () => {
    const bridge = recordingBridge(async (request) =>
      runCode(pool, 'k', 'return ctx.input.x * 2', { input: request }),
    );
    await expect(
      runCode(pool, 'k', 'return (await ctx.http({ x: 21 })) + 1', { bridge }),
    ).resolves.toBe(43);
    expect(pool.stats().created).toBe(1);
  });

  it('counts the bridge budget per run, not per isolate', async () => {
    const source = 'for (let i = 0; i < 60; i++) await ctx.http({ i }); return "done"';
    await expect(
      Promise.all([runCode(pool, 'k', source), runCode(pool, 'k', source)]),
    ).resolves.toEqual(['done', 'done']);
  });

  it('charges CPU to the run that spent it', async () => {
    // Four siblings burn about 150 ms of wall time each while the first run, allowed 100 ms of
    // CPU, waits on the bridge: the isolate spends more than 100 ms during its lifetime (even on a
    // loaded machine), none of it the waiting run's own.
    const burn = 'const end = Date.now() + 150; while (Date.now() < end) {} return "burnt"';
    const waiting = runCode(pool, 'k', 'await ctx.http({}); return "waited"', {
      bridge: slowBridge(800),
      limits: { cpuMs: 100 },
    });
    await sleep(20);
    const burns = await Promise.all([1, 2, 3, 4].map(() => runCode(pool, 'k', burn)));
    expect(burns).toEqual(['burnt', 'burnt', 'burnt', 'burnt']);
    await expect(waiting).resolves.toBe('waited');
    const info = await pool.inspect('k');
    expect(info?.cpuMs).toBeGreaterThan(100);
    expect(pool.stats().created).toBe(1);
  });

  it('fails the runs sharing an isolate that a CPU breach disposes, and says they may retry', async () => {
    const sibling = runCode(pool, 'k', 'await ctx.http({}); return "finished"', {
      bridge: slowBridge(600),
    });
    await sleep(20);
    await expect(runCode(pool, 'k', 'for (;;) {}')).rejects.toMatchObject({
      code: 'SANDBOX_TIMEOUT',
    });
    await expect(sibling).rejects.toMatchObject({
      code: 'SANDBOX_ERROR',
      details: { reason: 'isolate-replaced', cause: 'SANDBOX_TIMEOUT' },
    });
    expect(pool.stats().breaches).toMatchObject({ SANDBOX_TIMEOUT: 1, SANDBOX_ERROR: 0 });
  });

  it('lets siblings finish on the old isolate after an uncaught error retires it', async () => {
    const sibling = runCode(pool, 'k', 'await ctx.http({}); return "finished"', {
      bridge: slowBridge(400),
    });
    await sleep(20);
    await expect(runCode(pool, 'k', 'throw new TypeError("bad input")')).rejects.toMatchObject({
      code: 'SANDBOX_ERROR',
      message: 'bad input',
    });
    // New runs already get a fresh isolate while the sibling drains the old one.
    await expect(runCode(pool, 'k', 'return 2')).resolves.toBe(2);
    expect(pool.stats()).toMatchObject({ isolates: 2, created: 2 });
    await expect(sibling).resolves.toBe('finished');
    expect(pool.stats()).toMatchObject({ isolates: 1, disposed: 1 });
  });

  it('fails only the run that overstays its wall clock while waiting on the bridge', async () => {
    const slow = runCode(pool, 'k', 'await ctx.http({}); return "too late"', {
      bridge: slowBridge(1000),
      limits: { wallMs: 200 },
    });
    const sibling = runCode(pool, 'k', 'await ctx.http({}); return "in time"', {
      bridge: slowBridge(400),
    });
    await expect(slow).rejects.toMatchObject({ code: 'SANDBOX_TIMEOUT', details: { limit: 200 } });
    await expect(sibling).resolves.toBe('in time');
    await expect(runCode(pool, 'k', 'return 3')).resolves.toBe(3);
    expect(pool.stats()).toMatchObject({ created: 2, disposed: 1 });
  });

  it('evicts the least recently used isolate beyond maxIsolates', async () => {
    const small = codePool({ maxIsolates: 2 });
    try {
      await runCode(small, 'a', 'return 1');
      await runCode(small, 'b', 'return 1');
      await runCode(small, 'a', 'return 1'); // a is now more recent than b
      await runCode(small, 'c', 'return 1');
      expect(await small.inspect('b')).toBeUndefined();
      expect(await small.inspect('a')).toMatchObject({ runs: 2 });
      expect(small.stats()).toMatchObject({ isolates: 2, created: 3, disposed: 1 });
    } finally {
      await small.dispose();
    }
  });

  it('applies limits per run, over the pool limits', async () => {
    await expect(
      runCode(pool, 'k', 'await ctx.http({}); await ctx.http({}); await ctx.http({});', {
        limits: { maxBridgeCalls: 2 },
      }),
    ).rejects.toMatchObject({ code: 'SANDBOX_CALL_BUDGET', details: { limit: 2 } });
    await expect(
      runCode(pool, 'k', 'const end = Date.now() + 400; while (Date.now() < end) {} return 1', {
        limits: { cpuMs: 2000 },
      }),
    ).resolves.toBe(1);
    await runCode(pool, 'k', 'return 1', { limits: { memoryMb: 32 } });
    expect(await pool.inspect('k')).toMatchObject({ memoryMb: 32 });
    await expect(runCode(pool, 'k', 'return 1', { limits: { cpuMs: -1 } })).rejects.toThrow(
      RangeError,
    );
  });

  it('reports a failing bootstrap and an unknown entry as SANDBOX_ERROR', async () => {
    const broken = codePool({
      bootstrap: [CODE_BOOTSTRAP, { filename: 'broken.js', source: 'throw new Error("boom")' }],
    });
    try {
      await expect(runCode(broken, 'k', 'return 1')).rejects.toMatchObject({
        code: 'SANDBOX_ERROR',
        message: expect.stringContaining('broken.js'),
        details: { reason: 'bootstrap-failed' },
      });
    } finally {
      await broken.dispose();
    }
    await expect(pool.run('k', 'Object', {}, recordingBridge())).rejects.toMatchObject({
      code: 'SANDBOX_ERROR',
      message: 'no bootstrap defines the entry globalThis.Object',
    });
  });

  it('fails runs in flight and refuses new ones once disposed', async () => {
    let calledBridge!: () => void;
    const inBridge = new Promise<void>((resolve) => (calledBridge = resolve));
    const bridge = recordingBridge(async () => {
      calledBridge();
      await sleep(200);
      return null;
    });
    const inFlight = runCode(pool, 'k', 'await ctx.http({}); return 1', { bridge });
    await inBridge;
    await pool.dispose();
    await expect(inFlight).rejects.toMatchObject({
      code: 'SANDBOX_ERROR',
      details: { reason: 'pool-disposed' },
    });
    await expect(runCode(pool, 'k', 'return 1')).rejects.toMatchObject({
      details: { reason: 'pool-disposed' },
    });
    expect(pool.stats().isolates).toBe(0);
  });

  it('measures cold start, warm calls and heap for the bench', async () => {
    const figures = await measure(
      pool,
      'bench',
      CODE_ENTRY,
      { source: 'return 1' },
      recordingBridge(),
      {
        warmRuns: 20,
        warmupRuns: 5,
      },
    );
    expect(figures.coldStartMs).toBeGreaterThan(0);
    expect(figures.firstRunMs).toBeGreaterThanOrEqual(figures.coldStartMs);
    expect(figures.warmCallUs.median).toBeGreaterThan(0);
    expect(figures.warmCallUs.median).toBeLessThan(figures.firstRunMs * 1000);
    expect(figures.heap.usedBytes).toBeGreaterThan(100_000);
    expect(figures.heap.limitBytes).toBeGreaterThan(60 * 1024 * 1024);
  });
});
