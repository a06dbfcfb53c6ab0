/**
 * The pool's own code inside every isolate, run before the bootstrap scripts. Its completion value
 * is `install(post)`; the host calls it with one `ignored` isolated-vm Callback and keeps the three
 * functions it returns as References on the host side only:
 *
 * - `invoke(runId, entry, payloadJson, maxResultBytes, maxBridgeCalls)` starts a run;
 * - `settle(runId, callId, ok, json)` hands a bridge answer back, so the code after an `await`
 *   runs inside a host-initiated entry that carries isolated-vm's `timeout` and is CPU-metered;
 * - `lock()` (after the bootstrap) removes non-standard globals and freezes every intrinsic and
 *   `globalThis`.
 *
 * `post` and the References never become reachable from `globalThis`: they live in this closure.
 * The messages posted to the host are listed in `PostKind` (sandbox-isolate.ts).
 *
 * Plain JavaScript in a string (not a compiled TS function's `toString()`) so no transpiler helper
 * can slip into the isolate.
 */
export const ISOLATE_RUNTIME_FILENAME = 'plugboard:sandbox-runtime.js';

export const ISOLATE_RUNTIME_SOURCE = String.raw`(function install(post) {
  'use strict';
  const g = globalThis;
  const {
    freeze, defineProperty, getOwnPropertyDescriptor, getPrototypeOf,
  } = Object;
  const { apply, ownKeys } = Reflect;
  const hasOwn = Object.prototype.hasOwnProperty;
  const stringify = JSON.stringify;
  const parse = JSON.parse;
  const isArray = Array.isArray;
  const ErrorCtor = Error;
  const TypeErrorCtor = TypeError;
  const PromiseCtor = Promise;
  const promiseResolve = Promise.resolve;
  const promiseThen = Promise.prototype.then;
  const MapCtor = Map;
  const SetCtor = Set;
  const mapGet = Map.prototype.get;
  const mapSet = Map.prototype.set;
  const mapDelete = Map.prototype.delete;
  const setHas = Set.prototype.has;
  const setAdd = Set.prototype.add;
  const StringCtor = String;
  const charCodeAt = String.prototype.charCodeAt;
  const slice = String.prototype.slice;

  // Names that exist before the bootstrap runs: an entry must be something the bootstrap defined.
  const standardGlobals = new SetCtor(ownKeys(g));
  const runs = new MapCtor();
  const MAX_LOGS_PER_RUN = 1000;
  const MAX_LOG_CHARS = 8192;
  // Keeps the host from parsing a heap-sized request; partner payloads are far smaller.
  const MAX_REQUEST_BYTES = 8 * 1024 * 1024;
  const MAX_RUN_REQUEST_BYTES = 32 * 1024 * 1024;
  let nextCallId = 0;

  const TOO_LARGE = freeze({});

  function text(value, max) {
    const s = typeof value === 'string' ? value : StringCtor(value);
    return s.length > max ? apply(slice, s, [0, max]) : s;
  }

  function describe(thrown) {
    try {
      if (thrown !== null && (typeof thrown === 'object' || typeof thrown === 'function')) {
        const message = thrown.message;
        const code = thrown.code;
        const name = thrown.name;
        let details;
        if (thrown.details !== undefined) {
          try {
            details = stringify(thrown.details);
            if (details !== undefined && details.length > 65536) details = undefined;
          } catch (_) {
            details = undefined;
          }
        }
        return stringify({
          message: text(typeof message === 'string' ? message : thrown, 4096),
          code: typeof code === 'string' || typeof code === 'number' ? StringCtor(code) : undefined,
          name: typeof name === 'string' ? text(name, 200) : undefined,
          details,
        });
      }
      return stringify({ message: text(thrown, 4096) });
    } catch (_) {
      return stringify({ message: 'a value was thrown that cannot be described' });
    }
  }

  function utf8Length(s) {
    let bytes = 0;
    for (let i = 0; i < s.length; i++) {
      const c = apply(charCodeAt, s, [i]);
      if (c < 0x80) bytes += 1;
      else if (c < 0x800) bytes += 2;
      else if (c >= 0xd800 && c <= 0xdbff) { bytes += 4; i++; }
      else bytes += 3;
    }
    return bytes;
  }

  // JSON.stringify cannot be bounded, so a replacer keeps a lower bound of the output size and
  // aborts as soon as it passes the limit: a result that is huge only once serialised (one string
  // referenced a thousand times) must not build its full JSON inside a 64 MB heap.
  function serialize(value, maxBytes) {
    let budget = maxBytes;
    const json = stringify(value, function (key, v) {
      budget -= isArray(this) ? 1 : key.length + 3;
      budget -= typeof v === 'string' ? v.length + 2 : 1;
      if (budget < 0) throw TOO_LARGE;
      return v;
    });
    if (json === undefined) return 'null';
    if (json.length > maxBytes) throw TOO_LARGE;
    if (json.length * 3 > maxBytes && utf8Length(json) > maxBytes) throw TOO_LARGE;
    return json;
  }

  function rejected(message, code) {
    const error = new ErrorCtor(message);
    if (code !== undefined) defineProperty(error, 'code', { value: code, enumerable: true });
    return new PromiseCtor((_, reject) => reject(error));
  }

  function makeHost(runId, state) {
    const http = (request) => {
      if (state.ended) return rejected('this run has ended; its bridge is closed');
      if (state.calls >= state.maxCalls) {
        state.breached = true;
        post('budget', runId);
        return rejected(
          'bridge call budget spent: a run may make at most ' + state.maxCalls + ' http calls',
          'SANDBOX_CALL_BUDGET',
        );
      }
      state.calls++;
      let json;
      try {
        json = serialize(request === undefined ? null : request, MAX_REQUEST_BYTES);
      } catch (thrown) {
        if (thrown !== TOO_LARGE) return new PromiseCtor((_, reject) => reject(thrown));
        return rejected('a bridge request may not exceed ' + MAX_REQUEST_BYTES + ' bytes of JSON',
          'SANDBOX_OUTPUT_TOO_LARGE');
      }
      state.requestBytes += json.length;
      if (state.requestBytes > MAX_RUN_REQUEST_BYTES) {
        return rejected('the bridge requests of one run may not exceed ' + MAX_RUN_REQUEST_BYTES +
          ' bytes of JSON in all', 'SANDBOX_OUTPUT_TOO_LARGE');
      }
      const callId = ++nextCallId;
      return new PromiseCtor((resolve, reject) => {
        apply(mapSet, state.pending, [callId, { resolve, reject }]);
        post('http', runId, callId, json);
      });
    };
    const log = (level, message, fields) => {
      if (state.ended || state.logs >= MAX_LOGS_PER_RUN) return;
      state.logs++;
      let fieldsJson;
      if (fields !== undefined && fields !== null) {
        try {
          fieldsJson = stringify(fields);
          if (fieldsJson !== undefined && fieldsJson.length > MAX_LOG_CHARS) fieldsJson = undefined;
        } catch (_) {
          fieldsJson = undefined;
        }
      }
      post('log', runId, text(level, 16), text(message, MAX_LOG_CHARS), fieldsJson);
    };
    return freeze({ http: freeze(http), log: freeze(log) });
  }

  function invoke(runId, entry, payloadJson, maxResultBytes, maxCalls) {
    const state = {
      calls: 0, maxCalls, requestBytes: 0, logs: 0, breached: false, ended: false, pending: new MapCtor(),
    };
    apply(mapSet, runs, [runId, state]);
    const finish = (kind, a) => {
      if (state.ended) return;
      state.ended = true;
      apply(mapDelete, runs, [runId]);
      post(state.breached ? 'budget' : kind, runId, a);
    };
    let result;
    try {
      if (!apply(hasOwn, g, [entry]) || apply(setHas, standardGlobals, [entry])) {
        throw new TypeErrorCtor('no bootstrap defines the entry globalThis.' + entry);
      }
      const fn = g[entry];
      if (typeof fn !== 'function') {
        throw new TypeErrorCtor('globalThis.' + entry + ' is not a function');
      }
      const payload = payloadJson === undefined ? undefined : parse(payloadJson);
      result = fn(payload, makeHost(runId, state));
    } catch (thrown) {
      finish('error', describe(thrown));
      return;
    }
    apply(promiseThen, apply(promiseResolve, PromiseCtor, [result]), [
      (value) => {
        if (state.breached) return finish('budget');
        let json;
        try {
          json = serialize(value, maxResultBytes);
        } catch (thrown) {
          return thrown === TOO_LARGE ? finish('too-large') : finish('error', describe(thrown));
        }
        finish('ok', json);
      },
      (thrown) => finish('error', describe(thrown)),
    ]);
  }

  function settle(runId, callId, ok, json) {
    const state = apply(mapGet, runs, [runId]);
    if (state === undefined || state.ended) return;
    const waiter = apply(mapGet, state.pending, [callId]);
    if (waiter === undefined) return;
    apply(mapDelete, state.pending, [callId]);
    if (ok) {
      waiter.resolve(json === undefined ? undefined : parse(json));
      return;
    }
    const info = parse(json);
    const error = new ErrorCtor(typeof info.message === 'string' ? info.message : 'bridge call failed');
    if (info.code !== undefined) defineProperty(error, 'code', { value: info.code, enumerable: true });
    if (info.details !== undefined) {
      defineProperty(error, 'details', { value: info.details, enumerable: true });
    }
    waiter.reject(error);
  }

  // Not ECMAScript, or a way out of the entry-by-entry CPU metering: console (V8's drops every
  // line, which would only mislead), WebAssembly (background compilation), SharedArrayBuffer and
  // Atomics (Atomics.wait blocks the isolate thread), WeakRef and FinalizationRegistry (cleanup
  // callbacks run as tasks outside any entry, and expose GC timing).
  const REMOVED_GLOBALS = [
    'console', 'WebAssembly', 'SharedArrayBuffer', 'Atomics', 'WeakRef', 'FinalizationRegistry',
  ];
  // Annex B RegExp statics are accessors with state shared by every run: RegExp.$1 shows the last
  // match of the previous run, and RegExp.input = x writes a value the next run can read.
  const REGEXP_STATICS = [
    'input', '$_', 'lastMatch', '$&', 'lastParen', '$+', 'leftContext', '$\x60', 'rightContext',
    "$'", '$1', '$2', '$3', '$4', '$5', '$6', '$7', '$8', '$9',
  ];

  // Frozen prototypes turn "obj.toString = f" on an ordinary object into a failure (the
  // override mistake). For the properties that ordinary code assigns, replace the data property
  // with an accessor whose setter defines the property on the receiver, as SES does.
  function tameOverride(obj, name) {
    const desc = getOwnPropertyDescriptor(obj, name);
    if (desc === undefined || !('value' in desc) || !desc.configurable) return;
    const value = desc.value;
    const holder = {
      get value() {
        return value;
      },
      set value(next) {
        if (this === obj) {
          throw new TypeErrorCtor('Cannot assign to read only property ' + StringCtor(name) +
            ' of a frozen intrinsic');
        }
        defineProperty(this, name, { value: next, writable: true, enumerable: true, configurable: true });
      },
    };
    const accessor = getOwnPropertyDescriptor(holder, 'value');
    defineProperty(obj, name, {
      get: accessor.get, set: accessor.set, enumerable: desc.enumerable, configurable: false,
    });
  }

  function lock() {
    for (const name of REMOVED_GLOBALS) delete g[name];
    for (const name of REGEXP_STATICS) delete RegExp[name];

    const errorPrototypes = [Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError,
      URIError, AggregateError].map((ctor) => ctor.prototype);
    const iteratorPrototype = getPrototypeOf(getPrototypeOf([][Symbol.iterator]()));
    const overrides = [
      [Object.prototype, ['constructor', 'toString', 'valueOf', 'toLocaleString']],
      [Function.prototype, ['constructor', 'toString']],
      [Array.prototype, ['constructor', 'toString']],
      [Promise.prototype, ['constructor']],
      [iteratorPrototype, [Symbol.iterator]],
      ...errorPrototypes.map((proto) => [proto, ['constructor', 'name', 'message', 'toString']]),
    ];
    for (const [obj, names] of overrides) for (const name of names) tameOverride(obj, name);

    const generator = function* () {};
    const asyncGenerator = async function* () {};
    const roots = [
      g,
      getPrototypeOf(generator),
      getPrototypeOf(async function () {}),
      getPrototypeOf(asyncGenerator),
      getPrototypeOf(generator()),
      getPrototypeOf(asyncGenerator()),
      getPrototypeOf([][Symbol.iterator]()),
      getPrototypeOf(''[Symbol.iterator]()),
      getPrototypeOf(new Map()[Symbol.iterator]()),
      getPrototypeOf(new Set()[Symbol.iterator]()),
      getPrototypeOf(/x/[Symbol.matchAll]('')),
    ];
    if (typeof Intl === 'object' && typeof Intl.Segmenter === 'function') {
      const segments = new Intl.Segmenter().segment('');
      roots.push(getPrototypeOf(segments), getPrototypeOf(segments[Symbol.iterator]()));
    }

    // Objects whose state sits in internal slots stay mutable when frozen: the bootstrap must not
    // leave one reachable from globalThis, or runs could pass state through it. The prototype
    // chain finds candidates cheaply; a brand check confirms (Uint8Array.prototype is no array).
    const brandCheck = (fn) => (obj) => {
      try {
        apply(fn, obj, []);
        return true;
      } catch (_) {
        return false;
      }
    };
    const byteLength = (proto) => getOwnPropertyDescriptor(proto, 'byteLength').get;
    const slotted = new MapCtor([
      [Map.prototype, ['Map', brandCheck(Map.prototype.has)]],
      [Set.prototype, ['Set', brandCheck(Set.prototype.has)]],
      [WeakMap.prototype, ['WeakMap', brandCheck(WeakMap.prototype.has)]],
      [WeakSet.prototype, ['WeakSet', brandCheck(WeakSet.prototype.has)]],
      [Date.prototype, ['Date', brandCheck(Date.prototype.getTime)]],
      [ArrayBuffer.prototype, ['ArrayBuffer', brandCheck(byteLength(ArrayBuffer.prototype))]],
      [DataView.prototype, ['DataView', brandCheck(byteLength(DataView.prototype))]],
      [getPrototypeOf(Uint8Array.prototype),
        ['typed array', brandCheck(byteLength(getPrototypeOf(Uint8Array.prototype)))]],
    ]);
    const checkSlots = (obj, entry, pathOf) => {
      for (let p = getPrototypeOf(obj); p !== null; p = getPrototypeOf(p)) {
        const kind = apply(mapGet, slotted, [p]);
        if (kind !== undefined && kind[1](obj)) {
          throw new TypeErrorCtor('bootstrap left a mutable ' + kind[0] + ' reachable at ' +
            pathOf(entry) + '; keep such state in a closure');
        }
      }
    };

    // Paths are only built for an error message: each stack entry keeps its parent and key.
    const pathOf = (entry) => {
      const parts = [];
      for (let e = entry; e !== undefined; e = e.parent) parts.push(StringCtor(e.key));
      return parts.reverse().join('.');
    };
    const isObject = (v) => v !== null && (typeof v === 'object' || typeof v === 'function');
    const seen = new SetCtor();
    const stack = [];
    for (const root of roots) {
      stack.push({ obj: root, parent: undefined, key: root === g ? 'globalThis' : '(intrinsic)' });
    }
    while (stack.length > 0) {
      const entry = stack.pop();
      const obj = entry.obj;
      if (apply(setHas, seen, [obj])) continue;
      apply(setAdd, seen, [obj]);
      checkSlots(obj, entry, pathOf);
      freeze(obj);
      const proto = getPrototypeOf(obj);
      if (proto !== null) stack.push({ obj: proto, parent: entry, key: '__proto__' });
      const keys = ownKeys(obj);
      for (let i = 0; i < keys.length; i++) {
        const desc = getOwnPropertyDescriptor(obj, keys[i]);
        if (isObject(desc.value)) stack.push({ obj: desc.value, parent: entry, key: keys[i] });
        if (isObject(desc.get)) stack.push({ obj: desc.get, parent: entry, key: keys[i] });
        if (isObject(desc.set)) stack.push({ obj: desc.set, parent: entry, key: keys[i] });
      }
    }
    return seen.size;
  }

  return freeze({ invoke, settle, lock });
})`;
