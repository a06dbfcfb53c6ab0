import ivm from 'isolated-vm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SandboxPool } from './sandbox-pool.js';
import { CODE_ENTRY, codePool, recordingBridge, runCode } from './testing/code-bootstrap.js';

let pool: SandboxPool;

beforeEach(() => {
  pool = codePool();
});

afterEach(async () => {
  await pool.dispose();
});

// ECMAScript globals V8 11 defines (Annex B escape/unescape included), minus what the pool removes
// (console, WebAssembly, SharedArrayBuffer, Atomics, WeakRef, FinalizationRegistry), plus the entry.
const GLOBAL_ALLOW_LIST = [
  'Object',
  'Function',
  'Array',
  'Number',
  'parseFloat',
  'parseInt',
  'Infinity',
  'NaN',
  'undefined',
  'Boolean',
  'String',
  'Symbol',
  'Date',
  'Promise',
  'RegExp',
  'Error',
  'AggregateError',
  'EvalError',
  'RangeError',
  'ReferenceError',
  'SyntaxError',
  'TypeError',
  'URIError',
  'globalThis',
  'JSON',
  'Math',
  'Intl',
  'ArrayBuffer',
  'Uint8Array',
  'Int8Array',
  'Uint16Array',
  'Int16Array',
  'Uint32Array',
  'Int32Array',
  'Float32Array',
  'Float64Array',
  'Uint8ClampedArray',
  'BigUint64Array',
  'BigInt64Array',
  'DataView',
  'Map',
  'BigInt',
  'Set',
  'WeakMap',
  'WeakSet',
  'Proxy',
  'Reflect',
  'decodeURI',
  'decodeURIComponent',
  'encodeURI',
  'encodeURIComponent',
  'escape',
  'unescape',
  'eval',
  'isFinite',
  'isNaN',
  CODE_ENTRY,
];
const OBJECT_PROTOTYPE_ALLOW_LIST = [
  'constructor',
  '__defineGetter__',
  '__defineSetter__',
  'hasOwnProperty',
  '__lookupGetter__',
  '__lookupSetter__',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toString',
  'valueOf',
  '__proto__',
  'toLocaleString',
];

interface WalkReport {
  objects: number;
  handleMethods: string[];
  unfrozen: string[];
  natives: Record<string, number>;
}

// Everything reachable from globalThis and the hidden intrinsics (values, accessors, prototypes):
// how many native functions of each name, isolated-vm handle methods (Reference, ExternalCopy)
// and objects that are not frozen.
const REACHABLE_WALK = `function () {
  const handleMethods = ['deref', 'derefInto', 'copySync', 'applySync', 'applySyncPromise',
    'applyIgnored', 'getSync', 'setIgnored', 'copyInto'];
  const fnToString = Function.prototype.toString;
  const roots = [globalThis, Object.getPrototypeOf(function* () {}),
    Object.getPrototypeOf(async function () {}), Object.getPrototypeOf(async function* () {}),
    Object.getPrototypeOf([][Symbol.iterator]()), Object.getPrototypeOf(new Map().entries())];
  const seen = new Set();
  const stack = roots.slice();
  const report = { objects: 0, handleMethods: [], unfrozen: [], natives: {} };
  while (stack.length > 0) {
    const o = stack.pop();
    if (seen.has(o)) continue;
    seen.add(o);
    if (!Object.isFrozen(o)) {
      report.unfrozen.push(typeof o === 'function' ? o.name : Object.prototype.toString.call(o));
    }
    if (typeof o === 'function' && Reflect.apply(fnToString, o, []).includes('[native code]')) {
      const name = 'fn:' + o.name;
      report.natives[name] = (report.natives[name] || 0) + 1;
    }
    const p = Object.getPrototypeOf(o);
    if (p !== null) stack.push(p);
    for (const key of Reflect.ownKeys(o)) {
      if (handleMethods.includes(key)) report.handleMethods.push(String(key));
      const d = Reflect.getOwnPropertyDescriptor(o, key);
      for (const v of [d.value, d.get, d.set]) {
        if (v !== null && (typeof v === 'object' || typeof v === 'function')) stack.push(v);
      }
    }
  }
  report.objects = seen.size;
  return report;
}`;

describe('what sandboxed code can reach', () => {
  it('finds only standard intrinsics and the entry on globalThis and its prototypes', async () => {
    const found = (await runCode(
      pool,
      'k',
      `const own = Reflect.ownKeys(globalThis).map(String);
       const inherited = [];
       for (let p = Object.getPrototypeOf(globalThis); p !== null; p = Object.getPrototypeOf(p)) {
         inherited.push(...Reflect.ownKeys(p).map(String));
       }
       return { own, inherited, frozen: Object.isFrozen(globalThis) };`,
    )) as { own: string[]; inherited: string[]; frozen: boolean };
    expect(found.own.filter((name) => !GLOBAL_ALLOW_LIST.includes(name))).toEqual([]);
    expect(found.own).toEqual(expect.arrayContaining(['Object', 'JSON', 'Promise', CODE_ENTRY]));
    expect(found.inherited.filter((name) => !OBJECT_PROTOTYPE_ALLOW_LIST.includes(name))).toEqual(
      [],
    );
    expect(found.frozen).toBe(true);
  });

  it('reaches no isolated-vm handle or host function, and every reachable object is frozen', async () => {
    const report = (await runCode(pool, 'k', `return (${REACHABLE_WALK})();`)) as WalkReport;
    // The same walk in a pristine isolated-vm context: every native function the pool's code can
    // reach must be one a bare V8 context has too. isolated-vm Callbacks arrive as native
    // functions named after the host function, so a leaked one shows up as an extra name.
    const pristine = new ivm.Isolate({ memoryLimit: 32 });
    let baseline: WalkReport;
    try {
      const context = await pristine.createContext();
      baseline = JSON.parse(
        (await context.eval(`JSON.stringify((${REACHABLE_WALK})())`, { copy: true })) as string,
      ) as WalkReport;
    } finally {
      pristine.dispose();
    }
    expect(report.objects).toBeGreaterThan(500);
    expect(report.handleMethods).toEqual([]);
    expect(report.unfrozen).toEqual([]);
    const extra = Object.entries(report.natives)
      .filter(([name, count]) => count > (baseline.natives[name] ?? 0))
      .map(([name]) => name);
    expect(extra).toEqual([]);
    expect(baseline.natives).toHaveProperty('fn:parse');
  });

  it('hands the entry a host object with nothing but http and log', async () => {
    const shape = await pool.run(
      'k',
      CODE_ENTRY,
      {
        source: `return [Reflect.ownKeys(ctx.http).map(String), typeof ctx.http.prototype,
          Object.isFrozen(ctx.http), Object.getPrototypeOf(ctx.http) === Function.prototype];`,
      },
      { http: () => Promise.resolve(null), log: () => undefined },
    );
    expect(shape).toEqual([['length', 'name'], 'undefined', true, true]);
  });

  it('gives a sloppy entry no caller to climb to the pool runtime', async () => {
    const sloppy = codePool({
      bootstrap: [
        {
          filename: 'sloppy.js',
          source:
            'globalThis.sloppyEntry = function sloppyEntry() { const c = sloppyEntry.caller; return c === null ? "null" : typeof c; };',
        },
      ],
    });
    try {
      // A function would serialise to null too: the entry reports what it saw as a string.
      await expect(sloppy.run('k', 'sloppyEntry', null, recordingBridge())).resolves.toBe('null');
    } finally {
      await sloppy.dispose();
    }
  });

  it('lets ordinary code override inherited methods on its own objects', async () => {
    await expect(
      runCode(
        pool,
        'k',
        `"use strict";
         class NotFound extends Error { constructor(m) { super(m); this.name = 'NotFound'; } }
         const o = {}; o.toString = () => 'custom';
         const e = new Error('x'); e.message = 'changed';
         return [String(new NotFound('gone')), String(o), e.message];`,
      ),
    ).resolves.toEqual(['NotFound: gone', 'custom', 'changed']);
    await expect(
      runCode(pool, 'k', '"use strict"; Object.prototype.toString = () => "pwned";'),
    ).rejects.toMatchObject({ code: 'SANDBOX_ERROR' });
    await expect(runCode(pool, 'k', 'return String({})')).resolves.toBe('[object Object]');
  });

  it('refuses a bootstrap that leaves mutable state reachable from globalThis', async () => {
    const leaky = codePool({
      bootstrap: [{ filename: 'leaky.js', source: 'globalThis.cache = { byKey: new Map() };' }],
    });
    try {
      await expect(runCode(leaky, 'k', 'return 1')).rejects.toMatchObject({
        code: 'SANDBOX_ERROR',
        message: expect.stringContaining('mutable Map reachable at globalThis.cache.byKey'),
      });
    } finally {
      await leaky.dispose();
    }
  });
});
