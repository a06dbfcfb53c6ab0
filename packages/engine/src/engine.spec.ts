import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { FlowNodeView } from './definition.js';
import { createEngine } from './engine.js';
import { line, makeConnector, withAction } from './testing/factories.js';
import { useFakePartner } from './testing/fake-partner.js';

const logs: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
const engine = createEngine({
  egress: { allowPrivate: true },
  logger: {
    log: (level, message, fields) => logs.push({ level, message, ...(fields ? { fields } : {}) }),
  },
});
const partner = useFakePartner((req) => ({ body: { echo: req.json ?? null, path: req.path } }));
afterAll(() => engine.dispose());
beforeEach(() => {
  logs.length = 0;
});

const connector = () => makeConnector({ base: { url: partner.url } });
const one = (action: string, node: FlowNodeView) => withAction(connector(), action, line(node));

describe('transform and output', () => {
  it('evaluates JSONata over input, config and steps and returns the output value', async () => {
    const def = withAction(
      connector(),
      'greet',
      line(
        {
          id: 'shape',
          type: 'transform',
          expression: '{ "greeting": config.prefix & " " & $uppercase(input.name) }',
        },
        {
          id: 'out',
          type: 'output',
          value: '{ "text": steps.shape.greeting, "run": $exists(meta.runId) }',
        },
      ),
    );
    const result = await engine.runAction(def, 'greet', {
      input: { name: 'ada' },
      config: { prefix: 'Hello' },
    });
    expect(result.status).toBe('succeeded');
    expect(result.output).toEqual({ text: 'Hello ADA', run: true });
    expect(result.trace.map((t) => t.id)).toEqual(['shape', 'out']);
    expect(result.trace[0]?.output).toEqual({ greeting: 'Hello ADA' });
  });

  it('reports an expression that does not compile as SANDBOX_ERROR with the node pointer', async () => {
    const def = one('bad', { id: 't', type: 'transform', expression: '{ "a": ' });
    const result = await engine.runAction(def, 'bad', { input: {} });
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('SANDBOX_ERROR');
    expect(result.error?.class).toBe('permanent');
    expect(result.error?.message).toContain('/actions/bad/flow/nodes/0');
  });

  it('answers VALIDATION_FAILED for an action the connector does not have', async () => {
    const result = await engine.runAction(connector(), 'nope', {});
    expect(result.error?.code).toBe('VALIDATION_FAILED');
  });
});

describe('http node and templates', () => {
  it('builds the request from templates and JSONata and exposes the response as steps.<id>', async () => {
    const def = withAction(
      connector(),
      'create',
      line(
        {
          id: 'post',
          type: 'http',
          method: 'POST',
          path: '/users/{{ input.id }}/notes',
          query: {
            limit: '{{ input.limit }}',
            tag: 'note-{{ input.tag }}',
            absent: '{{ input.missing }}',
          },
          headers: { 'X-Tenant': '{{ config.tenant }}' },
          body: '{ "text": input.text, "len": $length(input.text) }',
        },
        {
          id: 'out',
          type: 'output',
          value: '{ "status": steps.post.status, "echo": steps.post.body.echo }',
        },
      ),
    );
    const result = await engine.runAction(def, 'create', {
      input: { id: 'a/b', limit: 5, tag: 'x', text: 'hi there' },
      config: { tenant: 't-1' },
    });
    expect(result.status).toBe('succeeded');
    expect(result.output).toEqual({ status: 200, echo: { text: 'hi there', len: 8 } });
    const seen = partner.requests[0];
    expect(seen?.method).toBe('POST');
    expect(seen?.path).toBe('/users/a%2Fb/notes');
    expect(seen?.query).toEqual({ limit: '5', tag: 'note-x' });
    expect(seen?.headers['x-tenant']).toBe('t-1');
    expect(seen?.headers['content-type']).toBe('application/json');
    expect(result.calls).toHaveLength(1);
    expect(result.calls[0]).toMatchObject({
      nodeId: 'post',
      method: 'POST',
      status: 200,
      attempt: 1,
      outcome: 'success',
    });
  });

  it('fails an http node on a permanent answer with PARTNER_PERMANENT and the status in details', async () => {
    partner.handle(() => ({ status: 422, body: { message: 'email is invalid' } }));
    const def = one('create', {
      id: 'post',
      type: 'http',
      method: 'POST',
      path: '/x',
      body: 'input',
    });
    const result = await engine.runAction(def, 'create', { input: { email: 'nope' } });
    expect(result.error).toMatchObject({
      code: 'PARTNER_PERMANENT',
      class: 'permanent',
      details: { status: 422 },
    });
    expect(result.error?.message).toContain('email is invalid');
  });

  it('sends a form-encoded body when encoding is form', async () => {
    const def = one('charge', {
      id: 'post',
      type: 'http',
      method: 'POST',
      path: '/charges',
      encoding: 'form',
      body: '{ "amount": 100, "metadata": { "order": "o1" } }',
    });
    const result = await engine.runAction(def, 'charge', { input: {} });
    expect(result.status).toBe('succeeded');
    expect(partner.requests[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(new URLSearchParams(partner.requests[0]?.body).get('metadata[order]')).toBe('o1');
  });
});

describe('code node', () => {
  it('gets input, config, steps, meta, log and http, and its return value is its output', async () => {
    const def = withAction(
      connector(),
      'script',
      line(
        { id: 'first', type: 'transform', expression: '{ "n": input.n * 2 }' },
        {
          id: 'code',
          type: 'code',
          source: `
            ctx.log('info', 'computing', { n: ctx.steps.first.n });
            const res = await ctx.http({ method: 'POST', path: '/sum', body: { n: ctx.steps.first.n } });
            return { doubled: ctx.steps.first.n, region: ctx.config.region, partner: res.body.echo, status: res.status, run: typeof ctx.meta.runId };
          `,
        },
      ),
    );
    const result = await engine.runAction(def, 'script', {
      input: { n: 21 },
      config: { region: 'eu' },
      meta: { runId: 'r-1' },
    });
    expect(result.status).toBe('succeeded');
    expect(result.output).toEqual({
      doubled: 42,
      region: 'eu',
      partner: { n: 42 },
      status: 200,
      run: 'string',
    });
    expect(logs.find((l) => l.message === 'computing')).toMatchObject({
      level: 'info',
      fields: { n: 42, runId: 'r-1' },
    });
  });

  it('resolves ctx.http with non-2xx answers so the code decides, but an uncaught throw is SANDBOX_ERROR', async () => {
    partner.handle(() => ({ status: 404, body: { message: 'no such thing' } }));
    const def = one('script', {
      id: 'code',
      type: 'code',
      source: `const res = await ctx.http({ path: '/thing' }); if (res.status === 404) throw new Error('thing missing'); return res;`,
    });
    const result = await engine.runAction(def, 'script', { input: {} });
    expect(result.error?.code).toBe('SANDBOX_ERROR');
    expect(result.error?.message).toContain('thing missing');
  });

  it('cannot forge a platform error code by throwing an object with one', async () => {
    const def = one('script', {
      id: 'code',
      type: 'code',
      source: `throw Object.assign(new Error('pretend'), { code: 'PARTNER_TRANSIENT' });`,
    });
    const result = await engine.runAction(def, 'script', { input: {} });
    expect(result.error?.code).toBe('SANDBOX_ERROR');
  });

  it('accepts a whole async arrow function as source (script files)', async () => {
    const def = one('script', {
      id: 'code',
      type: 'code',
      source: 'async (ctx) => ({ twice: ctx.input.v * 2 })',
    });
    const result = await engine.runAction(def, 'script', { input: { v: 4 } });
    expect(result.output).toEqual({ twice: 8 });
  });
});

describe('branch', () => {
  const def = () =>
    withAction(connector(), 'route', {
      nodes: [
        {
          id: 'pick',
          type: 'branch',
          cases: [
            { when: 'big', condition: 'input.amount > 100' },
            { when: 'small', condition: 'input.amount > 0' },
          ],
        },
        { id: 'big', type: 'output', value: '"big"' },
        { id: 'small', type: 'output', value: '"small"' },
        { id: 'none', type: 'output', value: '"none"' },
      ],
      edges: [
        { from: 'pick', to: 'big', when: 'big' },
        { from: 'pick', to: 'small', when: 'small' },
        { from: 'pick', to: 'none', when: 'default' },
      ],
    });

  it('follows the first true case and the default edge otherwise', async () => {
    const outputs = [];
    for (const amount of [500, 5, 0])
      outputs.push((await engine.runAction(def(), 'route', { input: { amount } })).output);
    expect(outputs).toEqual(['big', 'small', 'none']);
  });
});

describe('forEach', () => {
  it('runs the body sub-path per element with item and index, up to `concurrency` at once', async () => {
    let inFlight = 0;
    let peak = 0;
    partner.handle(async (req) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 40));
      inFlight--;
      return { body: { id: `c-${String((req.json as { i: number }).i)}` } };
    });
    const def = withAction(connector(), 'each', {
      nodes: [
        { id: 'loop', type: 'forEach', over: 'input.names', concurrency: 3, body: 'create' },
        {
          id: 'create',
          type: 'http',
          parent: 'loop',
          method: 'POST',
          path: '/contacts',
          body: '{ "name": item, "i": index }',
        },
        {
          id: 'pick',
          type: 'transform',
          parent: 'loop',
          expression: 'steps.create.body.id & ":" & item',
        },
        { id: 'out', type: 'output', value: 'steps.loop.output' },
      ],
      edges: [
        { from: 'create', to: 'pick' },
        { from: 'loop', to: 'out' },
      ],
    });
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    const result = await engine.runAction(def, 'each', { input: { names } });
    expect(result.status).toBe('succeeded');
    expect(result.output).toEqual(names.map((n, i) => `c-${i}:${n}`));
    expect(peak).toBe(3);
    expect(partner.requests).toHaveLength(6);
  });
});

describe('forEach in a realtime action', () => {
  it('fails the run with the first failed element, in element order', async () => {
    partner.handle((req) =>
      req.path === '/items/2' ? { status: 404, body: { message: 'no item 2' } } : { body: {} },
    );
    const def = withAction(connector(), 'each', {
      nodes: [
        { id: 'loop', type: 'forEach', over: 'input.ids', body: 'get' },
        { id: 'get', type: 'http', parent: 'loop', method: 'GET', path: '/items/{{ item }}' },
      ],
      edges: [],
    });
    const result = await engine.runAction(def, 'each', { input: { ids: [1, 2, 3] } });
    expect(result.error).toMatchObject({ code: 'PARTNER_PERMANENT', details: { status: 404 } });
    expect(partner.requests.map((r) => r.path)).toEqual(['/items/1', '/items/2', '/items/3']);
  });
});

describe('batched actions', () => {
  const batched = () =>
    withAction(
      connector(),
      'upsert',
      {
        nodes: [
          { id: 'loop', type: 'forEach', over: 'items', body: 'send' },
          {
            id: 'send',
            type: 'http',
            parent: 'loop',
            method: 'POST',
            path: '/contacts',
            body: 'item',
          },
          {
            id: 'out',
            type: 'output',
            items: 'steps.loop.{ "status": status, "output": output.body.echo, "error": error }',
          },
        ],
        edges: [{ from: 'loop', to: 'out' }],
      },
      { urgency: 'batched' },
    );

  it('reports one outcome per item in input order; a failed item does not fail the others', async () => {
    partner.handle((req) => {
      const email = (req.json as { email: string }).email;
      return email.includes('@')
        ? { body: { echo: email } }
        : { status: 422, body: { message: `bad email ${email}` } };
    });
    const items = [{ email: 'a@x.io' }, { email: 'broken' }, { email: 'c@x.io' }];
    const result = await engine.runAction(batched(), 'upsert', { items });
    expect(result.status).toBe('succeeded');
    expect(result.items?.map((i) => [i.index, i.status])).toEqual([
      [0, 'ok'],
      [1, 'failed'],
      [2, 'ok'],
    ]);
    expect(result.items?.[0]?.output).toBe('a@x.io');
    expect(result.items?.[1]?.error?.code).toBe('PARTNER_PERMANENT');
    expect(result.items?.[1]?.error?.message).toContain('bad email broken');
    expect(partner.requests).toHaveLength(3);
  });

  it('takes per-item results from the output node as the partner reports them', async () => {
    partner.handle((req) => ({
      body: {
        results: (req.json as Array<{ id: string }>).map((r) =>
          r.id === 'b' ? { error: 'duplicate' } : { ok: r.id },
        ),
      },
    }));
    const def = withAction(
      connector(),
      'bulk',
      line(
        { id: 'send', type: 'http', method: 'POST', path: '/bulk', body: 'items' },
        {
          id: 'out',
          type: 'output',
          items:
            '[steps.send.body.results.($exists(error) ? { "status": "failed", "error": { "code": "DUPLICATE", "message": error } } : { "status": "ok", "output": ok })]',
        },
      ),
      { urgency: 'batched' },
    );
    const result = await engine.runAction(def, 'bulk', {
      items: [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
    });
    expect(result.items).toEqual([
      { index: 0, status: 'ok', output: 'a' },
      { index: 1, status: 'failed', error: { code: 'DUPLICATE', message: 'duplicate' } },
      { index: 2, status: 'ok', output: 'c' },
    ]);
  });

  it('takes the single outcome of a batch of one, which JSONata gives as an object', async () => {
    partner.handle(() => ({ body: { results: [{ ok: 'only' }] } }));
    const def = withAction(
      connector(),
      'bulk',
      line(
        { id: 'send', type: 'http', method: 'POST', path: '/bulk', body: 'items' },
        {
          id: 'out',
          type: 'output',
          items: 'steps.send.body.results.{ "status": "ok", "output": ok }',
        },
      ),
      { urgency: 'batched' },
    );
    const result = await engine.runAction(def, 'bulk', { items: [{ id: 'only' }] });
    expect(result.status).toBe('succeeded');
    expect(result.items).toEqual([{ index: 0, status: 'ok', output: 'only' }]);
  });

  it('fails every item with the run error when the whole run fails', async () => {
    const def = withAction(
      connector(),
      'broken',
      line({ id: 't', type: 'transform', expression: '$error("boom")' }),
      { urgency: 'batched' },
    );
    const result = await engine.runAction(def, 'broken', { items: [1, 2] });
    expect(result.status).toBe('failed');
    expect(result.items?.map((i) => i.error?.code)).toEqual(['SANDBOX_ERROR', 'SANDBOX_ERROR']);
  });
});

describe('fail node', () => {
  it('ends the run with its own code and rendered message, classified permanent', async () => {
    const def = withAction(connector(), 'check', {
      nodes: [
        { id: 'gate', type: 'branch', cases: [{ when: 'ok', condition: '$exists(input.email)' }] },
        {
          id: 'stop',
          type: 'fail',
          code: 'EMAIL_REQUIRED',
          message: 'give an email for {{ input.name }}',
        },
        { id: 'out', type: 'output', value: 'input.email' },
      ],
      edges: [
        { from: 'gate', to: 'out', when: 'ok' },
        { from: 'gate', to: 'stop', when: 'default' },
      ],
    });
    const result = await engine.runAction(def, 'check', { input: { name: 'Ada' } });
    expect(result.error).toMatchObject({
      code: 'EMAIL_REQUIRED',
      message: 'give an email for Ada',
      class: 'permanent',
    });
    expect(result.trace.at(-1)).toMatchObject({ id: 'stop', error: { code: 'EMAIL_REQUIRED' } });
  });
});

describe('triggers and evaluate', () => {
  it('runs a trigger flow and passes a flow-less webhook payload through', async () => {
    const def = {
      ...connector(),
      triggers: {
        polled: {
          kind: 'poll' as const,
          title: 'Polled',
          event: {},
          poll: { intervalMs: 60_000, cursor: { from: 'cursor' } },
          flow: line({
            id: 'o',
            type: 'output',
            value: '{ "records": [input.cursor], "cursor": input.cursor + 1 }',
          }),
        },
        hook: { kind: 'webhook' as const, title: 'Hook', event: {} },
      },
    };
    expect((await engine.runTrigger(def, 'polled', { input: { cursor: 7 } })).output).toEqual({
      records: [7],
      cursor: 8,
    });
    expect((await engine.runTrigger(def, 'hook', { input: { a: 1 } })).output).toEqual({ a: 1 });
  });

  it('evaluates a JSONata expression in the sandbox', async () => {
    await expect(
      engine.evaluate('route-1', '$sum(items.qty)', { items: [{ qty: 2 }, { qty: 3 }] }),
    ).resolves.toBe(5);
    await expect(engine.evaluate('route-1', '$error("nope")', {})).rejects.toMatchObject({
      code: 'SANDBOX_ERROR',
    });
  });
});
