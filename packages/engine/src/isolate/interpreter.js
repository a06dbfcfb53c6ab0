// The flow interpreter. Runs INSIDE the isolate as a bootstrap script, after JSONata's browser
// build has defined `globalThis.jsonata`; the pool then freezes every intrinsic and globalThis.
// Plain JavaScript on purpose: the isolate is a bare V8 context (no URL, no timers, no console),
// and this file is loaded as source, not bundled.
//
// Entries (each `async (payload, host) => result`, never throwing for a flow error so the trace
// survives): __plugboardRun, __plugboardEvaluate, __plugboardOutcome.
(function () {
  'use strict';

  const jsonata = globalThis.jsonata;
  // Connector code has no business with the library object itself; expressions reach it only
  // through the interpreter's cache below.
  delete globalThis.jsonata;

  const AsyncFunction = async function () {}.constructor;
  const TEMPLATE = /\{\{([\s\S]+?)\}\}/g;
  const MAX_STEPS = 10000;
  const MAX_TRACE_ENTRIES = 500;
  const MAX_TRACE_VALUE_CHARS = 8192;
  const MAX_CACHE = 2000;
  const LOG_LEVELS = ['debug', 'info', 'warn', 'error'];

  // Errors the interpreter itself raised (bridge answers, fail nodes, expression failures). Connector
  // code cannot reach this set, so it cannot forge a partner or egress code by throwing `{ code }`.
  const ours = new WeakSet();

  function runError(code, message, details) {
    const error = new Error(message);
    error.code = code;
    if (details !== undefined) error.details = details;
    ours.add(error);
    return error;
  }

  function describe(error) {
    if (error && typeof error.message === 'string') return error.message;
    try {
      return String(error);
    } catch {
      return 'unknown error';
    }
  }

  function toRunError(error, where) {
    if (error && ours.has(error)) {
      const out = { code: error.code, message: error.message };
      if (error.details !== undefined) out.details = error.details;
      return out;
    }
    return { code: 'SANDBOX_ERROR', message: `${where}: ${describe(error)}` };
  }

  // Compiled once per isolate, keyed by source: the cache lives in this closure, which connector code
  // cannot reach, so one run cannot leave state for the next through it.
  const expressions = new Map();
  const functions = new Map();

  function remember(cache, key, value) {
    if (cache.size >= MAX_CACHE) cache.clear();
    cache.set(key, value);
    return value;
  }

  function compile(source, where) {
    const hit = expressions.get(source);
    if (hit) return hit;
    let expression;
    try {
      expression = jsonata(source);
    } catch (error) {
      throw runError('SANDBOX_ERROR', `${where}: JSONata does not compile: ${describe(error)}`, {
        pointer: where,
        position: error && error.position,
      });
    }
    return remember(expressions, source, expression);
  }

  async function evaluate(source, data, where, bindings) {
    if (typeof source !== 'string') return source;
    const expression = compile(source, where);
    try {
      return await expression.evaluate(data, bindings);
    } catch (error) {
      if (ours.has(error)) throw error;
      throw runError('SANDBOX_ERROR', `${where}: JSONata failed: ${describe(error)}`, {
        pointer: where,
        jsonataCode: error && error.code,
        position: error && error.position,
      });
    }
  }

  // JSONata's own truthiness ($boolean), so conditions read the way their authors expect.
  function truthy(value) {
    if (value === undefined || value === null) return false;
    if (Array.isArray(value)) return value.some(truthy);
    switch (typeof value) {
      case 'boolean':
        return value;
      case 'number':
        return value !== 0;
      case 'string':
        return value.length > 0;
      case 'function':
        return false;
      case 'object':
        return Object.keys(value).length > 0;
      default:
        return false;
    }
  }

  function toText(value) {
    if (value === undefined || value === null) return '';
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return JSON.stringify(value);
  }

  // `{{ expr }}` templates. A string that is exactly one template yields the raw value (so a query
  // parameter can be a number or be left out when undefined); otherwise the parts are joined as text.
  async function render(template, data, where, encode) {
    if (typeof template !== 'string' || template.indexOf('{{') === -1) return template;
    const parts = [];
    let last = 0;
    let only;
    TEMPLATE.lastIndex = 0;
    for (const match of template.matchAll(TEMPLATE)) {
      const value = await evaluate(match[1].trim(), data, where);
      if (match.index === 0 && match[0].length === template.length) only = { value };
      parts.push(template.slice(last, match.index));
      parts.push(encode ? encodeURIComponent(toText(value)) : toText(value));
      last = match.index + match[0].length;
    }
    if (only && !encode) return only.value;
    parts.push(template.slice(last));
    return parts.join('');
  }

  async function renderDeep(value, data, where) {
    if (typeof value === 'string') return render(value, data, where, false);
    if (Array.isArray(value)) {
      const out = [];
      for (let i = 0; i < value.length; i++)
        out.push(await renderDeep(value[i], data, `${where}/${i}`));
      return out;
    }
    if (value && typeof value === 'object') {
      const out = {};
      for (const key of Object.keys(value))
        out[key] = await renderDeep(value[key], data, `${where}/${key}`);
      return out;
    }
    return value;
  }

  async function renderMap(map, data, where) {
    const out = {};
    if (!map || typeof map !== 'object') return out;
    for (const key of Object.keys(map)) {
      const value = await render(map[key], data, `${where}/${key}`, false);
      if (value !== undefined && value !== null) out[key] = value;
    }
    return out;
  }

  function clip(value) {
    if (value === undefined) return undefined;
    let text;
    try {
      text = JSON.stringify(value);
    } catch {
      return { $unserializable: true };
    }
    if (text === undefined) return undefined;
    if (text.length <= MAX_TRACE_VALUE_CHARS) return JSON.parse(text);
    return { $truncated: true, chars: text.length, preview: text.slice(0, 1024) };
  }

  // ---------------------------------------------------------------------------------------------
  // Egress: requests go out through host.http as one envelope; the host answers
  // { ok: true, response } or { ok: false, error: { code, message, details } }.

  async function callHost(run, scope, nodeId, request) {
    const key = `${nodeId}|${scope.itemPath}`;
    const seq = run.seq.get(key) || 0;
    run.seq.set(key, seq + 1);
    const answer = await run.host.http({
      nodeId,
      item: scope.itemPath,
      seq,
      base: run.base,
      method: request.method,
      path: request.path,
      url: request.url,
      query: request.query,
      headers: run.baseHeaders ? { ...run.baseHeaders, ...request.headers } : request.headers,
      body: request.body,
      encoding: request.encoding,
      idempotencyKey: request.idempotencyKey,
      rateKey: request.rateKey,
      keyBase: keyBaseOf(run, scope),
      keyBaseScope: Array.isArray(run.keyBases) ? 'item' : 'run',
      raw: request.raw === true,
    });
    if (!answer || answer.ok !== true) {
      const error = (answer && answer.error) || {};
      throw runError(
        typeof error.code === 'string' ? error.code : 'SANDBOX_ERROR',
        typeof error.message === 'string' ? error.message : 'the egress bridge gave no answer',
        error.details,
      );
    }
    return answer.response;
  }

  // The action's `idempotencyKey` expression names the work (per item in batched runs); the host
  // derives each write's key from it when the caller gave none.
  function keyBaseOf(run, scope) {
    const bases = run.keyBases;
    if (!bases) return undefined;
    if (!Array.isArray(bases)) return bases;
    const top = scope.itemPath === '' ? undefined : Number(scope.itemPath.split('.')[0]);
    return top === undefined ? undefined : bases[top];
  }

  async function resolveKeyBases(run) {
    const expression = run.payload.idempotencyKey;
    if (typeof expression !== 'string' || expression === '') return undefined;
    const where = run.payload.pointer.replace(/\/flow$/, '') + '/idempotencyKey';
    const { config, meta } = run.payload;
    const keyOf = async (input) => {
      const value = await evaluate(expression, { input, config, meta }, where);
      return value === undefined || value === null || value === '' ? undefined : toText(value);
    };
    if (run.payload.mode !== 'batched') return keyOf(run.payload.input);
    const bases = [];
    for (const item of run.payload.items || []) bases.push(await keyOf(item));
    return bases;
  }

  // `queryFrom` / `headersFrom`: one expression giving a whole object (a caller's filters); the
  // node's own `query` / `headers` entries win over it.
  async function objectFrom(expression, data, where) {
    if (expression === undefined) return {};
    const value = await evaluate(expression, data, where);
    if (value === undefined || value === null) return {};
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw runError('VALIDATION_FAILED', `${where}: must give an object, not ${toText(value)}`);
    }
    const out = {};
    for (const key of Object.keys(value)) {
      if (value[key] !== undefined && value[key] !== null) out[key] = value[key];
    }
    return out;
  }

  async function buildRequest(run, node, data, where) {
    const request = {
      method: (node.method || 'GET').toUpperCase(),
      path: await render(node.path || '', data, `${where}/path`, true),
      query: {
        ...(await objectFrom(node.queryFrom, data, `${where}/queryFrom`)),
        ...(await renderMap(node.query, data, `${where}/query`)),
      },
      headers: {
        ...(await objectFrom(node.headersFrom, data, `${where}/headersFrom`)),
        ...(await renderMap(node.headers, data, `${where}/headers`)),
      },
      encoding: node.encoding,
    };
    // The endpoint's rate key (limits.endpoints.NAME.rate.key): the policy counts per value.
    const rateKeys = run.payload.rateKeys || {};
    if (node.endpoint !== undefined && Object.hasOwn(rateKeys, node.endpoint)) {
      const at = `/limits/endpoints/${node.endpoint}/rate/key`;
      const key = await render(rateKeys[node.endpoint], data, at, false);
      if (key !== undefined && key !== null && key !== '') request.rateKey = toText(key);
    }
    if (node.body !== undefined) {
      request.body =
        typeof node.body === 'string'
          ? await evaluate(node.body, data, `${where}/body`)
          : await renderDeep(node.body, data, `${where}/body`);
    }
    if (node.idempotencyKey !== undefined) {
      const key = await render(node.idempotencyKey, data, `${where}/idempotencyKey`, false);
      if (key !== undefined && key !== null && key !== '') request.idempotencyKey = toText(key);
    }
    return request;
  }

  function nextLink(headers) {
    const link = headers && headers.link;
    if (typeof link !== 'string') return null;
    for (const part of link.split(/,(?=\s*<)/)) {
      const match = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
      if (
        match &&
        /(?:^|;)\s*rel\s*=\s*"?(?:[^";]*\s)?next(?:\s[^";]*)?"?\s*(?:;|$)/i.test(match[2])
      ) {
        return match[1];
      }
    }
    return null;
  }

  function asArray(value) {
    if (value === undefined || value === null) return [];
    return Array.isArray(value) ? Array.from(value) : [value];
  }

  async function paginate(run, scope, node, request, where) {
    const p = node.pagination;
    const kind = p.kind;
    const maxPages = p.maxPages === undefined ? 100 : p.maxPages;
    const pageSize = p.pageSize;
    const limitParam = p.limitParam || 'limit';
    const offsetParam = p.offsetParam || 'offset';
    const pageParam = p.pageParam || 'page';
    let current = { ...request, query: { ...request.query } };
    let offset = 0;
    let page = p.startPage === undefined ? 1 : p.startPage;
    if (pageSize !== undefined && (kind === 'offset' || kind === 'page'))
      current.query[limitParam] = pageSize;
    if (kind === 'offset') current.query[offsetParam] = offset;
    if (kind === 'page') current.query[pageParam] = page;

    const items = [];
    let pages = 0;
    let last;
    let complete = false;
    while (pages < maxPages) {
      last = await callHost(run, scope, node.id, current);
      pages += 1;
      const view = { status: last.status, headers: last.headers, body: last.body };
      const found = asArray(
        p.items === undefined
          ? last.body
          : await evaluate(p.items, view, `${where}/pagination/items`),
      );
      for (const item of found) items.push(item);
      if (p.stop !== undefined) {
        const stop = await evaluate(
          p.stop,
          { ...view, items: found, page: pages },
          `${where}/pagination/stop`,
        );
        if (truthy(stop)) {
          complete = true;
          break;
        }
      }
      if (kind === 'cursor') {
        const cursor = p.cursor || {};
        const next = await evaluate(cursor.from, view, `${where}/pagination/cursor/from`);
        if (next === undefined || next === null || next === '') {
          complete = true;
          break;
        }
        const param = cursor.param || 'cursor';
        if (cursor.in === 'body') {
          const body = current.body && typeof current.body === 'object' ? current.body : {};
          current = { ...current, body: { ...body, [param]: next } };
        } else {
          current = { ...current, query: { ...current.query, [param]: next } };
        }
      } else if (kind === 'link-header') {
        const link = nextLink(last.headers);
        if (!link) {
          complete = true;
          break;
        }
        current = { ...current, path: undefined, url: link, query: {} };
      } else if (kind === 'offset' || kind === 'page') {
        if (found.length === 0 || (pageSize !== undefined && found.length < pageSize)) {
          complete = true;
          break;
        }
        if (kind === 'offset') {
          offset += found.length;
          current = { ...current, query: { ...current.query, [offsetParam]: offset } };
        } else {
          page += 1;
          current = { ...current, query: { ...current.query, [pageParam]: page } };
        }
      } else {
        throw runError(
          'VALIDATION_FAILED',
          `${where}/pagination/kind: unknown pagination kind "${kind}"`,
        );
      }
    }
    const result = { status: last.status, headers: last.headers, body: last.body, pages, items };
    if (!complete) result.truncated = true;
    return result;
  }

  // ---------------------------------------------------------------------------------------------
  // Nodes

  function dataOf(run, scope) {
    const data = {
      input: run.payload.input,
      items: run.payload.items,
      config: run.payload.config,
      steps: scope.steps,
      meta: run.payload.meta,
    };
    if (scope.inLoop) {
      data.item = scope.item;
      data.index = scope.index;
    }
    return data;
  }

  function compileCode(source, where) {
    const hit = functions.get(source);
    if (hit) return hit;
    let fn;
    try {
      // A whole function (`async (ctx) => {...}`, as a script file may hold) or a function body.
      const whole = /^\s*(?:export\s+default\s+)?async\b[\s\S]*?(?:=>|function\b)/.test(source);
      fn = whole
        ? new Function(
            `return (${source.replace(/^\s*export\s+default\s+/, '').replace(/;\s*$/, '')});`,
          )()
        : new AsyncFunction('ctx', source);
      if (typeof fn !== 'function')
        throw new TypeError('the script does not evaluate to a function');
    } catch (error) {
      throw runError('SANDBOX_ERROR', `${where}/source: code does not compile: ${describe(error)}`);
    }
    return remember(functions, source, fn);
  }

  function makeContext(run, scope, node, data) {
    const log = (level, message, fields) => {
      const lvl = LOG_LEVELS.indexOf(level) === -1 ? 'info' : level;
      run.host.log(
        lvl,
        toText(message),
        fields && typeof fields === 'object' ? clip(fields) : undefined,
      );
    };
    const http = async (options) => {
      const o = options || {};
      return callHost(run, scope, node.id, {
        method: String(o.method || 'GET').toUpperCase(),
        path: typeof o.path === 'string' ? o.path : undefined,
        url: typeof o.url === 'string' ? o.url : undefined,
        query: o.query && typeof o.query === 'object' ? o.query : {},
        headers: o.headers && typeof o.headers === 'object' ? o.headers : {},
        body: o.body,
        encoding: o.encoding,
        idempotencyKey: o.idempotencyKey,
        raw: true,
      });
    };
    const ctx = { ...data, log, http };
    return ctx;
  }

  async function runNode(run, scope, node, where) {
    const data = dataOf(run, scope);
    switch (node.type) {
      case 'http': {
        const request = await buildRequest(run, node, data, where);
        scope.request = request;
        return node.pagination
          ? paginate(run, scope, node, request, where)
          : callHost(run, scope, node.id, request);
      }
      case 'transform':
        return evaluate(node.expression, data, `${where}/expression`);
      case 'code': {
        const fn = compileCode(node.source || '', where);
        try {
          return await fn(makeContext(run, scope, node, data));
        } catch (error) {
          if (ours.has(error)) throw error;
          throw runError(
            'SANDBOX_ERROR',
            `${where}: code node "${node.id}" threw: ${describe(error)}`,
          );
        }
      }
      case 'branch': {
        const cases = node.cases || [];
        for (let i = 0; i < cases.length; i++) {
          if (truthy(await evaluate(cases[i].condition, data, `${where}/cases/${i}/condition`))) {
            return { when: cases[i].when };
          }
        }
        return { when: 'default' };
      }
      case 'forEach':
        return runForEach(run, scope, node, data, where);
      case 'output':
        if (node.items !== undefined) {
          return { items: await evaluate(node.items, data, `${where}/items`) };
        }
        return { value: await evaluate(node.value, data, `${where}/value`) };
      case 'fail': {
        const message = await render(
          node.message || 'the flow failed',
          data,
          `${where}/message`,
          false,
        );
        throw runError(node.code || 'FLOW_FAILED', toText(message), { nodeId: node.id });
      }
      default:
        throw runError('VALIDATION_FAILED', `${where}/type: unknown node type "${node.type}"`);
    }
  }

  async function runForEach(run, scope, node, data, where) {
    const list = asArray(await evaluate(node.over, data, `${where}/over`));
    const concurrency = Math.max(1, Math.min(50, Math.floor(node.concurrency || 1)));
    const results = new Array(list.length);
    let next = 0;
    const worker = async () => {
      while (next < list.length) {
        const index = next++;
        const child = {
          steps: { ...scope.steps },
          inLoop: true,
          item: list[index],
          index,
          itemPath: scope.itemPath === '' ? String(index) : `${scope.itemPath}.${index}`,
        };
        try {
          const end = await runPath(run, child, node.body, node.id);
          results[index] = { status: 'ok', output: end.output };
        } catch (error) {
          const failure = toRunError(error, `${where} element ${index}`);
          results[index] = { status: 'failed', error: failure };
        }
      }
    };
    const workers = [];
    for (let i = 0; i < Math.min(concurrency, list.length); i++) workers.push(worker());
    await Promise.all(workers);
    if (run.failFast) {
      const failed = results.find((r) => r.status === 'failed');
      if (failed) throw runError(failed.error.code, failed.error.message, failed.error.details);
    }
    return results;
  }

  function record(run, entry) {
    if (run.trace.length < MAX_TRACE_ENTRIES) run.trace.push(entry);
    else run.traceDropped += 1;
  }

  // Runs one path from `startId` along the edges; returns { output, ended } where `ended` holds the
  // output node's result when the path reached one.
  async function runPath(run, scope, startId, parentId) {
    let id = startId;
    let previous = parentId === undefined ? run.payload.input : scope.item;
    let output;
    while (id !== undefined) {
      if (++run.steps > MAX_STEPS) {
        throw runError(
          'SANDBOX_ERROR',
          `the flow ran more than ${MAX_STEPS} steps: check /edges for a cycle`,
        );
      }
      const entry = run.nodes.get(id);
      if (!entry) throw runError('VALIDATION_FAILED', `/edges: no node "${id}" in the flow`);
      const { node, where } = entry;
      const started = Date.now();
      const trace = { id, type: node.type };
      if (scope.itemPath !== '') trace.item = scope.itemPath;
      trace.input = clip(previous);
      scope.request = undefined;
      try {
        output = await runNode(run, scope, node, where);
      } catch (error) {
        trace.durationMs = Date.now() - started;
        if (scope.request) trace.request = clip(scope.request);
        trace.error = toRunError(error, where);
        record(run, trace);
        throw error;
      }
      trace.durationMs = Date.now() - started;
      if (scope.request) trace.request = clip(scope.request);
      trace.output = clip(output);
      record(run, trace);

      if (node.type === 'output') return { output: output.value, ended: output };
      scope.steps[id] = output;
      previous = output;
      const out = run.edges.get(id) || [];
      if (node.type === 'branch') {
        const when = output.when;
        const edge = out.find((e) => e.when === when) || out.find((e) => e.when === 'default');
        id = edge ? edge.to : undefined;
      } else {
        id = out.length > 0 ? out[0].to : undefined;
      }
    }
    return { output };
  }

  function indexFlow(flow, pointer) {
    const nodes = new Map();
    const list = (flow && flow.nodes) || [];
    for (let i = 0; i < list.length; i++) {
      nodes.set(list[i].id, { node: list[i], where: `${pointer}/nodes/${i}` });
    }
    const edges = new Map();
    for (const edge of (flow && flow.edges) || []) {
      if (!edges.has(edge.from)) edges.set(edge.from, []);
      edges.get(edge.from).push(edge);
    }
    const targets = new Set(((flow && flow.edges) || []).map((e) => e.to));
    const entry = list.find((n) => n.parent === undefined && !targets.has(n.id));
    return { nodes, edges, entry: entry && entry.id };
  }

  function normaliseItems(items, count, where) {
    // JSONata collapses a one-element sequence to its element, so a batch of one item (a retry
    // of the one item a partner failed, say) maps to an object, not a one-entry array.
    if (count === 1 && items !== undefined && items !== null && !Array.isArray(items)) {
      items = [items];
    }
    if (!Array.isArray(items) || items.length !== count) {
      throw runError(
        'SANDBOX_ERROR',
        `${where}: a batched action's output must give one entry per input item (expected ${count}, got ${
          Array.isArray(items) ? items.length : typeof items
        })`,
      );
    }
    return items.map((item, index) => {
      if (item && item.status === 'failed') {
        const error = item.error || {};
        return {
          index,
          status: 'failed',
          error: {
            code: typeof error.code === 'string' && error.code ? error.code : 'PARTNER_PERMANENT',
            message:
              typeof error.message === 'string'
                ? error.message
                : toText(error.message || 'item failed'),
          },
        };
      }
      const ok = { index, status: 'ok' };
      const value = item && item.status === 'ok' ? item.output : item;
      if (value !== undefined) ok.output = value;
      return ok;
    });
  }

  async function resolveBase(run) {
    const base = run.payload.base;
    if (typeof base !== 'string') return undefined;
    const data = { config: run.payload.config, meta: run.payload.meta };
    if (run.payload.baseHeaders)
      run.baseHeaders = await renderMap(run.payload.baseHeaders, data, '/base/headers');
    const value = await render(base, data, '/base/url', false);
    return toText(value);
  }

  globalThis.__plugboardRun = async function (payload, host) {
    const pointer = typeof payload.pointer === 'string' ? payload.pointer : '/flow';
    const flow = indexFlow(payload.flow, pointer);
    const batched = payload.mode === 'batched';
    const run = {
      payload,
      host,
      nodes: flow.nodes,
      edges: flow.edges,
      trace: [],
      traceDropped: 0,
      seq: new Map(),
      steps: 0,
      failFast: !batched,
      base: undefined,
      baseHeaders: undefined,
    };
    const finish = (result) => {
      result.trace = run.trace;
      if (run.traceDropped > 0) result.traceDropped = run.traceDropped;
      return result;
    };
    try {
      if (!flow.entry)
        throw runError('VALIDATION_FAILED', `${pointer}/nodes: the flow has no entry node`);
      run.base = await resolveBase(run);
      run.keyBases = await resolveKeyBases(run);
      const end = await runPath(
        run,
        { steps: {}, inLoop: false, itemPath: '' },
        flow.entry,
        undefined,
      );
      if (batched) {
        const count = (payload.items || []).length;
        let items;
        if (end.ended && end.ended.items !== undefined) items = end.ended.items;
        else if (end.ended)
          items = (payload.items || []).map(() => ({ status: 'ok', output: end.ended.value }));
        else items = end.output;
        return finish({ ok: true, items: normaliseItems(items, count, pointer) });
      }
      return finish({ ok: true, output: end.output });
    } catch (error) {
      return finish({ ok: false, error: toRunError(error, pointer) });
    }
  };

  globalThis.__plugboardEvaluate = async function (payload) {
    try {
      return { ok: true, value: await evaluate(payload.expression, payload.data, '/expression') };
    } catch (error) {
      return { ok: false, error: toRunError(error, '/expression') };
    }
  };

  // Body conditions and message templates of an http node's `outcomes` rules, for the host's
  // classifier (src/egress/classify.ts): the first candidate whose condition holds wins.
  globalThis.__plugboardOutcome = async function (payload) {
    try {
      const response = payload.response;
      for (const rule of payload.rules) {
        const matches =
          rule.body === undefined ||
          truthy(await evaluate(rule.body, response, `${rule.where}/body`));
        if (!matches) continue;
        const out = { ok: true, index: rule.index };
        if (rule.message !== undefined) {
          // Message templates see the response beside the run's input, items, config and meta.
          const data = { ...(payload.scope || {}), response };
          out.message = toText(await render(rule.message, data, `${rule.where}/message`, false));
        }
        if (rule.retryAfter !== undefined) {
          const hint = await evaluate(rule.retryAfter, response, `${rule.where}/retryAfter`);
          if (typeof hint === 'number' || typeof hint === 'string') out.retryAfter = hint;
        }
        return out;
      }
      return { ok: true, index: -1 };
    } catch (error) {
      return { ok: false, error: toRunError(error, '/outcomes') };
    }
  };
})();
