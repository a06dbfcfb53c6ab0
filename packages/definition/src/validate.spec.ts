import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type {
  Action,
  ConnectorDefinition,
  Flow,
  FlowNode,
} from './generated/connector.generated.js';
import { MAX_DOCUMENT_BYTES, parseJson } from './json.js';
import { packBundle } from './package.js';
import { chain, makeAction, makeBatchedAction, makeConnector } from './testing.js';
import { validate } from './validate.js';

const FLOW = '/actions/echo/flow';

function withFlow(
  nodes: FlowNode[],
  edges: Flow['edges'] = [],
  action: Partial<Action> = {},
): ConnectorDefinition {
  return makeConnector({
    actions: { echo: makeAction({ flow: { nodes: nodes as Flow['nodes'], edges }, ...action }) },
  });
}

function withAction(action: Partial<Action>): ConnectorDefinition {
  return makeConnector({ actions: { echo: makeAction(action) } });
}

const out = (id = 'done'): FlowNode => ({ id, type: 'output', value: 'input' });
const transform = (id: string, expression = 'input'): FlowNode => ({
  id,
  type: 'transform',
  expression,
});
const http = (extra: Record<string, unknown> = {}): FlowNode =>
  ({ id: 'call', type: 'http', method: 'GET', path: '/items', ...extra }) as FlowNode;
const loose = (value: unknown): ConnectorDefinition => value as ConnectorDefinition;
const webhook = (
  verify: Record<string, unknown>,
  fields: Array<{ name: string; title: string }> = [],
): ConnectorDefinition =>
  makeConnector({
    auth: { type: 'bearer', fields },
    triggers: {
      hook: loose({ kind: 'webhook', title: 'Hook', event: { type: 'object' }, verify }) as never,
    },
  });

// [what is wrong, definition, pointer, code]
const INVALID: Array<[string, unknown, string, string]> = [
  [
    'a node without a type',
    withFlow([{ id: 'call' } as unknown as FlowNode]),
    `${FLOW}/nodes/0/type`,
    'SCHEMA_REQUIRED',
  ],
  [
    'an unknown trigger kind',
    makeConnector({ triggers: { t: loose({ kind: 'stream', title: 'T', event: {} }) as never } }),
    '/triggers/t/kind',
    'SCHEMA_ENUM',
  ],
  [
    'an unknown webhook verification scheme',
    webhook({ scheme: 'md5', secretField: 'webhookSecret' }, [
      { name: 'webhookSecret', title: 'S' },
    ]),
    '/triggers/hook/verify/scheme',
    'SCHEMA_ENUM',
  ],
  [
    'an edge leaving an output node',
    withFlow(
      [transform('a'), out(), transform('after')],
      [
        { from: 'a', to: 'done' },
        { from: 'done', to: 'after' },
      ],
    ),
    `${FLOW}/edges/1`,
    'EDGE_FROM_TERMINAL',
  ],
  [
    'two edges leaving a node that is not a branch',
    withFlow(
      [transform('a'), out('x'), out('y')],
      [
        { from: 'a', to: 'x' },
        { from: 'a', to: 'y' },
      ],
    ),
    `${FLOW}/edges/1`,
    'NODE_FANOUT',
  ],
  [
    'an unknown top-level key',
    { ...makeConnector(), colour: 'red' },
    '/colour',
    'SCHEMA_UNKNOWN_PROPERTY',
  ],
  [
    'an id that is not a lowercase slug',
    makeConnector({ id: 'Acme CRM' }),
    '/id',
    'SCHEMA_PATTERN',
  ],
  ['a version that is not semver', makeConnector({ version: '1.0' }), '/version', 'SCHEMA_PATTERN'],
  [
    'a missing name',
    (({ name: _n, ...rest }) => rest)(makeConnector()),
    '/name',
    'SCHEMA_REQUIRED',
  ],
  [
    'categories that are not an array',
    loose({ ...makeConnector(), categories: 'crm' }),
    '/categories',
    'SCHEMA_TYPE',
  ],
  [
    'an unknown node type',
    withFlow([{ id: 'call', type: 'htp' } as unknown as FlowNode]),
    `${FLOW}/nodes/0/type`,
    'SCHEMA_NODE_TYPE',
  ],
  [
    'an unknown http method',
    withFlow([http({ method: 'FETCH' }), out()], [{ from: 'call', to: 'done' }]),
    `${FLOW}/nodes/0/method`,
    'SCHEMA_ENUM',
  ],
  [
    'an unknown property on a node',
    withFlow([http({ url: 'https://x' }), out()], [{ from: 'call', to: 'done' }]),
    `${FLOW}/nodes/0/url`,
    'SCHEMA_UNKNOWN_PROPERTY',
  ],
  [
    'a node id that JSONata cannot address',
    withFlow([out('the-end')]),
    `${FLOW}/nodes/0/id`,
    'SCHEMA_PATTERN',
  ],
  [
    'an unknown auth type',
    loose({ ...makeConnector(), auth: { type: 'cookie' } }),
    '/auth/type',
    'SCHEMA_ENUM',
  ],
  [
    'an apiKey auth without `in`',
    loose({ ...makeConnector(), auth: { type: 'apiKey', name: 'X-Key' } }),
    '/auth/in',
    'SCHEMA_REQUIRED',
  ],
  [
    'a rate of zero requests',
    makeConnector({ limits: { rate: { requests: 0, perMs: 1000 } } }),
    '/limits/rate/requests',
    'SCHEMA_RANGE',
  ],
  [
    'an unknown compatibility mode',
    loose({ ...makeConnector(), compatibility: 'strict' }),
    '/compatibility',
    'SCHEMA_ENUM',
  ],
  [
    'a sunset that is not a date',
    makeConnector({ deprecation: { message: 'old', sunset: 'next year' } }),
    '/deprecation/sunset',
    'SCHEMA_FORMAT',
  ],
  [
    'an outcome status class that is not NXX',
    withFlow(
      [http({ outcomes: [{ status: '4xy', outcome: 'permanent' }] }), out()],
      [{ from: 'call', to: 'done' }],
    ),
    `${FLOW}/nodes/0/outcomes/0/status`,
    'SCHEMA_PATTERN',
  ],
  [
    'a poll trigger without poll settings',
    makeConnector({
      triggers: {
        p: loose({
          kind: 'poll',
          title: 'P',
          event: {},
          flow: { nodes: [out()], edges: [] },
        }) as never,
      },
    }),
    '/triggers/p/poll',
    'SCHEMA_REQUIRED',
  ],
  [
    'a branch case labelled default',
    withFlow(
      [{ id: 'b', type: 'branch', cases: [{ when: 'default', condition: 'true' }] }, out()],
      [{ from: 'b', to: 'done', when: 'default' }],
    ),
    `${FLOW}/nodes/0/cases/0/when`,
    'SCHEMA_INVALID',
  ],
  [
    'two nodes with one id',
    withFlow([transform('a'), transform('a'), out()], [{ from: 'a', to: 'done' }]),
    `${FLOW}/nodes/1/id`,
    'NODE_ID_DUPLICATE',
  ],
  [
    'an edge to a missing node',
    withFlow(
      [transform('a'), out()],
      [
        { from: 'a', to: 'done' },
        { from: 'a', to: 'ghost' },
      ],
    ),
    `${FLOW}/edges/1/to`,
    'EDGE_UNKNOWN_NODE',
  ],
  [
    'two entry nodes',
    withFlow(
      [transform('a'), transform('b'), out()],
      [
        { from: 'a', to: 'done' },
        { from: 'b', to: 'done' },
      ],
    ),
    `${FLOW}/nodes/1`,
    'FLOW_ENTRY_MULTIPLE',
  ],
  [
    'no entry node',
    withFlow(
      [transform('a'), out()],
      [
        { from: 'a', to: 'done' },
        { from: 'done', to: 'a' },
      ],
    ),
    `${FLOW}/nodes`,
    'FLOW_ENTRY_MISSING',
  ],
  [
    'an unreachable node',
    withFlow(
      [transform('a'), out(), transform('c'), transform('d')],
      [
        { from: 'a', to: 'done' },
        { from: 'c', to: 'd' },
        { from: 'd', to: 'c' },
      ],
    ),
    `${FLOW}/nodes/2`,
    'NODE_UNREACHABLE',
  ],
  [
    'a cycle outside forEach',
    withFlow(
      [transform('a'), transform('b'), transform('c'), out()],
      [
        { from: 'a', to: 'b' },
        { from: 'b', to: 'c' },
        { from: 'c', to: 'b' },
        { from: 'c', to: 'done' },
      ],
    ),
    `${FLOW}/edges/2`,
    'FLOW_CYCLE',
  ],
  [
    'a forEach whose body does not exist',
    withFlow(
      [{ id: 'each', type: 'forEach', over: 'input.list', body: 'missing' }, out()],
      [{ from: 'each', to: 'done' }],
    ),
    `${FLOW}/nodes/0/body`,
    'FOREACH_BODY_UNKNOWN',
  ],
  [
    'a forEach body without its parent',
    withFlow(
      [
        { id: 'each', type: 'forEach', over: 'input.list', body: 'one' },
        transform('one', 'item'),
        out(),
      ],
      [{ from: 'each', to: 'done' }],
    ),
    `${FLOW}/nodes/0/body`,
    'FOREACH_BODY_PARENT',
  ],
  [
    'a parent that is not a forEach',
    withFlow(
      [transform('a'), { id: 'b', type: 'transform', expression: 'input', parent: 'a' }, out()],
      [{ from: 'a', to: 'done' }],
    ),
    `${FLOW}/nodes/1/parent`,
    'NODE_PARENT_UNKNOWN',
  ],
  [
    'an edge leaving a forEach body',
    withFlow(
      [
        { id: 'each', type: 'forEach', over: 'input.list', body: 'one' },
        { id: 'one', type: 'transform', expression: 'item', parent: 'each' },
        out(),
      ],
      [
        { from: 'each', to: 'done' },
        { from: 'one', to: 'done' },
      ],
    ),
    `${FLOW}/edges/1`,
    'EDGE_CROSSES_SCOPE',
  ],
  [
    'JSONata that does not compile',
    withFlow([transform('a', 'input.('), out()], [{ from: 'a', to: 'done' }]),
    `${FLOW}/nodes/0/expression`,
    'EXPRESSION_INVALID',
  ],
  [
    'an expression reading an unknown variable',
    withFlow([transform('a', 'inputs.text'), out()], [{ from: 'a', to: 'done' }]),
    `${FLOW}/nodes/0/expression`,
    'EXPRESSION_INVALID',
  ],
  [
    'a template part that does not compile',
    withFlow([http({ path: '/users/{{ input. }}' }), out()], [{ from: 'call', to: 'done' }]),
    `${FLOW}/nodes/0/path`,
    'TEMPLATE_INVALID',
  ],
  [
    'an unclosed template',
    withFlow([http({ headers: { 'X-Id': '{{ input.id' } }), out()], [{ from: 'call', to: 'done' }]),
    `${FLOW}/nodes/0/headers/X-Id`,
    'TEMPLATE_INVALID',
  ],
  [
    'a base URL template reading more than config',
    makeConnector({ base: { url: 'https://api.acme.test/{{ input.region }}' } }),
    '/base/url',
    'TEMPLATE_INVALID',
  ],
  [
    'a code node with neither source nor script',
    withFlow([{ id: 'c', type: 'code' }, out()], [{ from: 'c', to: 'done' }]),
    `${FLOW}/nodes/0`,
    'CODE_SOURCE_REQUIRED',
  ],
  [
    'a code node whose JavaScript does not parse',
    withFlow([{ id: 'c', type: 'code', source: 'return {' }, out()], [{ from: 'c', to: 'done' }]),
    `${FLOW}/nodes/0/source`,
    'EXPRESSION_INVALID',
  ],
  [
    'a $ref to a missing schema',
    withAction({ input: { $ref: '#/schemas/Missing' } }),
    '/actions/echo/input/$ref',
    'REF_UNRESOLVED',
  ],
  [
    'a $ref outside #/schemas',
    withAction({ input: { $ref: '#/definitions/Thing' } }),
    '/actions/echo/input/$ref',
    'REF_UNSUPPORTED',
  ],
  [
    'a $ref loop',
    makeConnector({
      schemas: { A: { $ref: '#/schemas/B' }, B: { allOf: [{ $ref: '#/schemas/A' }] } },
    }),
    '/schemas/B/allOf/0/$ref',
    'REF_LOOP',
  ],
  [
    'a catastrophic pattern in an input schema',
    withAction({
      input: { type: 'object', properties: { text: { type: 'string', pattern: '^(a+)+$' } } },
    }),
    '/actions/echo/input/properties/text/pattern',
    'PATTERN_UNSAFE',
  ],
  [
    'a catastrophic patternProperties key in config',
    makeConnector({
      config: { type: 'object', patternProperties: { '^(x+)*$': { type: 'string' } } },
    }),
    '/config/patternProperties/^(x+)*$',
    'PATTERN_UNSAFE',
  ],
  [
    'a catastrophic pattern in a named schema',
    makeConnector({ schemas: { Email: { type: 'string', pattern: '^([a-z0-9]+)*@x$' } } }),
    '/schemas/Email/pattern',
    'PATTERN_UNSAFE',
  ],
  [
    'an embedded schema with an unknown format',
    withAction({
      input: { type: 'object', properties: { at: { type: 'string', format: 'datetime' } } },
    }),
    '/actions/echo/input/properties/at/format',
    'EMBEDDED_SCHEMA_INVALID',
  ],
  [
    'an embedded schema with a wrong type',
    withAction({ output: { type: 'strng' } }),
    '/actions/echo/output/type',
    'EMBEDDED_SCHEMA_INVALID',
  ],
  [
    'an endpoint not declared in limits',
    withFlow([http({ endpoint: 'search' }), out()], [{ from: 'call', to: 'done' }]),
    `${FLOW}/nodes/0/endpoint`,
    'ENDPOINT_UNDECLARED',
  ],
  [
    'a base host outside allowedHosts',
    makeConnector({ base: { url: 'https://api.acme.test', allowedHosts: ['acme.test'] } }),
    '/base/url',
    'HOST_NOT_ALLOWED',
  ],
  [
    'a templated host that allowedHosts does not cover',
    makeConnector({ base: { url: 'https://{{ config.sub }}.acme.test' } }),
    '/base/url',
    'HOST_TEMPLATED',
  ],
  [
    'an absolute http URL on a foreign host',
    withFlow([http({ path: 'https://evil.example/steal' }), out()], [{ from: 'call', to: 'done' }]),
    `${FLOW}/nodes/0/path`,
    'HOST_NOT_ALLOWED',
  ],
  [
    'batch settings on a realtime action',
    withAction({ batch: { maxItems: 10 } }),
    '/actions/echo/batch',
    'BATCH_NOT_BATCHED',
  ],
  [
    'output items on a realtime action',
    withFlow([{ id: 'done', type: 'output', items: 'items' }]),
    `${FLOW}/nodes/0/items`,
    'OUTPUT_ITEMS_NOT_BATCHED',
  ],
  [
    'a batched action ending with value',
    makeConnector({ actions: { echo: makeBatchedAction({ flow: chain(out()) }) } }),
    `${FLOW}/nodes/0`,
    'OUTPUT_ITEMS_REQUIRED',
  ],
  [
    'a verify secretField not in auth.fields',
    webhook({ scheme: 'hmac-sha256', header: 'X-Sig', secretField: 'webhookSecret' }),
    '/triggers/hook/verify/secretField',
    'SECRET_FIELD_UNKNOWN',
  ],
  [
    'a signing secretField not in auth.fields',
    withFlow(
      [
        http({
          method: 'POST',
          signing: { scheme: 'standard-webhooks', secretField: 'signingKey' },
        }),
        out(),
      ],
      [{ from: 'call', to: 'done' }],
    ),
    `${FLOW}/nodes/0/signing/secretField`,
    'SECRET_FIELD_UNKNOWN',
  ],
  [
    'an extra authorize parameter that is part of the flow',
    makeConnector({
      auth: {
        type: 'oauth2AuthorizationCode',
        authorizeUrl: 'https://auth.example.com/authorize',
        tokenUrl: 'https://auth.example.com/token',
        extraAuthorizeParams: { access_type: 'offline', state: 'fixed' },
      },
    }),
    '/auth/extraAuthorizeParams/state',
    'AUTH_PARAM_RESERVED',
  ],
  [
    'a secret field reusing a credential name',
    makeConnector({ auth: { type: 'bearer', fields: [{ name: 'token', title: 'Token' }] } }),
    '/auth/fields/0/name',
    'SECRET_FIELD_RESERVED',
  ],
  [
    'a branch edge with an unknown label',
    withFlow(
      [
        { id: 'b', type: 'branch', cases: [{ when: 'big', condition: 'input.n > 9' }] },
        out('x'),
        out('y'),
      ],
      [
        { from: 'b', to: 'x', when: 'big' },
        { from: 'b', to: 'y', when: 'small' },
      ],
    ),
    `${FLOW}/edges/1/when`,
    'BRANCH_LABEL_UNKNOWN',
  ],
  [
    'a `when` on an edge that does not leave a branch',
    withFlow([transform('a'), out()], [{ from: 'a', to: 'done', when: 'yes' }]),
    `${FLOW}/edges/0/when`,
    'EDGE_LABEL_NOT_BRANCH',
  ],
  [
    'cursor pagination without a cursor',
    withFlow(
      [http({ pagination: { kind: 'cursor', items: 'body.items' } }), out()],
      [{ from: 'call', to: 'done' }],
    ),
    `${FLOW}/nodes/0/pagination/cursor`,
    'PAGINATION_SETTING_MISSING',
  ],
  [
    'a migration to an unknown target',
    makeConnector({ migrations: [{ from: '<1.0.0', target: 'nothing', expression: '$' }] }),
    '/migrations/0/target',
    'MIGRATION_TARGET_UNKNOWN',
  ],
  [
    'a migration with an invalid range',
    makeConnector({ migrations: [{ from: 'not a range', target: 'echo', expression: '$' }] }),
    '/migrations/0/from',
    'MIGRATION_RANGE_INVALID',
  ],
];

describe('validate', () => {
  it('accepts the factory definitions', () => {
    expect(validate(makeConnector())).toEqual({ valid: true, errors: [] });
    expect(validate(makeConnector({ actions: { imp: makeBatchedAction() } }))).toEqual({
      valid: true,
      errors: [],
    });
  });

  it.each(INVALID)('refuses %s', (_what, definition, pointer, code) => {
    const result = validate(definition);
    expect(result.valid).toBe(false);
    expect(
      result.errors.map(({ pointer: p, code: c }) => ({ pointer: p, code: c })),
    ).toContainEqual({ pointer, code });
    for (const issue of result.errors) expect(issue.message.length).toBeGreaterThan(15);
  });

  it('has at least 30 distinct invalid cases', () => {
    expect(
      new Set(INVALID.map(([, , pointer, code]) => `${pointer} ${code}`)).size,
    ).toBeGreaterThanOrEqual(50);
  });

  it('reports every error, not only the first', () => {
    const definition = loose({
      ...withFlow(
        [http({ endpoint: 'nope' }), transform('t', 'input.('), out()],
        [
          { from: 'call', to: 't' },
          { from: 't', to: 'done' },
          { from: 't', to: 'ghost' },
        ],
      ),
      id: 'Bad',
      extra: true,
    });
    const codes = validate(definition).errors.map((issue) => issue.code);
    expect(codes).toEqual(
      expect.arrayContaining([
        'SCHEMA_UNKNOWN_PROPERTY',
        'SCHEMA_PATTERN',
        'ENDPOINT_UNDECLARED',
        'EXPRESSION_INVALID',
        'EDGE_UNKNOWN_NODE',
      ]),
    );
  });

  it('reports a wrongly shaped node by its own type, not every node type', () => {
    const errors = validate(
      withFlow([http({ method: 'FETCH', path: 3 }), out()], [{ from: 'call', to: 'done' }]),
    ).errors;
    expect(errors).toHaveLength(2);
    expect(errors).toEqual(
      expect.arrayContaining([
        {
          pointer: `${FLOW}/nodes/0/path`,
          code: 'SCHEMA_TYPE',
          message: expect.stringContaining('must be a string'),
        },
        {
          pointer: `${FLOW}/nodes/0/method`,
          code: 'SCHEMA_ENUM',
          message: expect.stringContaining('"GET"'),
        },
      ]),
    );
  });

  it('suggests the property an unknown key was probably meant to be', () => {
    const errors = validate({ ...makeConnector(), descripton: 'x' }).errors;
    expect(errors[0]?.message).toContain('Did you mean `description`?');
  });

  it('accepts templated hosts covered by allowedHosts, and forEach bodies wired by parent', () => {
    const definition = makeConnector({
      base: { url: 'https://{{ config.subdomain }}.acme.test/api', allowedHosts: ['*.acme.test'] },
      config: { type: 'object', properties: { subdomain: { type: 'string' } } },
      limits: { endpoints: { lookup: { rate: { requests: 5, perMs: 1000 } } } },
      actions: {
        echo: makeAction({
          flow: {
            nodes: [
              { id: 'each', type: 'forEach', over: 'input.ids', body: 'get', concurrency: 2 },
              {
                id: 'get',
                type: 'http',
                method: 'GET',
                path: '/things/{{ item }}',
                endpoint: 'lookup',
                parent: 'each',
              },
              { id: 'pick', type: 'transform', expression: 'steps.get.body', parent: 'each' },
              {
                id: 'found',
                type: 'branch',
                cases: [{ when: 'some', condition: '$count(steps.each) > 0' }],
              },
              { id: 'done', type: 'output', value: 'steps.each' },
              {
                id: 'none',
                type: 'fail',
                code: 'NOTHING_FOUND',
                message: 'no things for {{ $string(input.ids) }}',
              },
            ],
            edges: [
              { from: 'get', to: 'pick' },
              { from: 'each', to: 'found' },
              { from: 'found', to: 'done', when: 'some' },
              { from: 'found', to: 'none', when: 'default' },
            ],
          },
        }),
      },
    });
    expect(validate(definition)).toEqual({ valid: true, errors: [] });
    const same = makeConnector({
      base: { url: 'https://{{ config.host }}/v1', allowedHosts: ['{{ config.host }}'] },
    });
    expect(validate(same).errors).toEqual([]);
  });
});

describe('bad input is refused with a code, never a crash or a hang', () => {
  it('nesting deeper than 64 levels', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 200; i += 1) deep = { a: deep };
    const result = validate({ ...makeConnector(), layout: deep });
    expect(result.errors).toEqual([expect.objectContaining({ code: 'NESTING_TOO_DEEP' })]);
    const text = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const parsed = parseJson(text);
    expect('error' in parsed && parsed.error).toMatchObject({
      code: 'NESTING_TOO_DEEP',
      line: 1,
      column: 65,
    });
  });

  it('a document over 5 MB', () => {
    const big = 'x'.repeat(MAX_DOCUMENT_BYTES + 10);
    expect(validate({ ...makeConnector(), description: big }).errors).toEqual([
      expect.objectContaining({ code: 'DOCUMENT_TOO_LARGE' }),
    ]);
    const parsed = parseJson(JSON.stringify({ description: big }));
    expect('error' in parsed && parsed.error.code).toBe('DOCUMENT_TOO_LARGE');
    // multi-byte text counts in UTF-8 bytes
    const wide = parseJson(JSON.stringify('é'.repeat(MAX_DOCUMENT_BYTES / 2 + 10)));
    expect('error' in wide && wide.error.code).toBe('DOCUMENT_TOO_LARGE');
  });

  it('a pattern that backtracks catastrophically is refused before any schema is compiled', () => {
    const started = Date.now();
    const result = validate(
      makeConnector({
        schemas: {
          Evil: { type: 'string', pattern: '^(a|aa)+$', examples: [`${'a'.repeat(40)}!`] },
        },
        actions: { echo: makeAction({ input: { $ref: '#/schemas/Evil' } }) },
      }),
    );
    expect(result.errors).toContainEqual(
      expect.objectContaining({ pointer: '/schemas/Evil/pattern', code: 'PATTERN_UNSAFE' }),
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a self-referencing $ref', () => {
    const result = validate(
      makeConnector({
        schemas: { Me: { $ref: '#/schemas/Me' } },
        actions: { echo: makeAction({ input: { $ref: '#/schemas/Me' } }) },
      }),
    );
    expect(result.errors).toContainEqual(
      expect.objectContaining({ pointer: '/schemas/Me/$ref', code: 'REF_LOOP' }),
    );
  });

  it('recursion through properties is a tree, not a loop', () => {
    const tree = {
      type: 'object',
      properties: { children: { type: 'array', items: { $ref: '#/schemas/Node' } } },
    };
    expect(validate(makeConnector({ schemas: { Node: tree } })).errors).toEqual([]);
  });

  it('malformed JSON with line and column', () => {
    const parsed = parseJson('{\n  "id": "acme",\n  "version": 1.0.0\n}');
    expect(parsed).toEqual({
      error: {
        pointer: '',
        code: 'JSON_SYNTAX',
        line: 3,
        column: 17,
        message: expect.stringContaining('line 3, column 17'),
      },
    });
  });

  it('values that are not JSON', () => {
    expect(validate({ ...makeConnector(), name: () => 1 }).errors[0]?.code).toBe('NOT_JSON');
    const cyclic: Record<string, unknown> = { ...makeConnector() };
    cyclic.layout = { self: cyclic };
    expect(validate(cyclic).errors[0]?.code).toBe('NESTING_TOO_DEEP');
    expect(validate(null).errors[0]).toMatchObject({ pointer: '', code: 'SCHEMA_TYPE' });
    expect(validate([]).errors[0]).toMatchObject({ pointer: '', code: 'SCHEMA_TYPE' });
  });
});

describe('connector packages under connectors/', () => {
  const root = join(import.meta.dirname, '../../../connectors');
  const packages = existsSync(root)
    ? readdirSync(root).filter((name) => existsSync(join(root, name, 'connector.json')))
    : [];

  it('include at least one package', () => {
    expect(packages.length).toBeGreaterThan(0);
  });

  it.each(packages)('%s validates and packs', async (name) => {
    const bundle = await packBundle(join(root, name));
    expect(validate(bundle.definition)).toEqual({ valid: true, errors: [] });
    expect(bundle.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});

describe('large definitions stay fast', () => {
  it('validates a 5,000-node chain and a branch with 5,000 edges in seconds', () => {
    const nodes: FlowNode[] = Array.from({ length: 5000 }, (_, i) => transform(`n${i}`, 'input'));
    const chained = withFlow(
      [...nodes, out()],
      [
        ...nodes.slice(1).map((node, i) => ({ from: `n${i}`, to: node.id })),
        { from: 'n4999', to: 'done' },
      ],
    );
    let started = Date.now();
    expect(validate(chained).errors).toEqual([]);
    expect(Date.now() - started).toBeLessThan(10_000);

    const targets: FlowNode[] = Array.from({ length: 5000 }, (_, i) => out(`o${i}`));
    const fanned = withFlow(
      [{ id: 'b', type: 'branch', cases: [{ when: 'x', condition: 'true' }] }, ...targets],
      targets.map((node) => ({ from: 'b', to: node.id, when: 'x' })),
    );
    started = Date.now();
    const errors = validate(fanned).errors;
    expect(errors.filter((e) => e.code === 'BRANCH_LABEL_DUPLICATE')).toHaveLength(4999);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
