import { describe, expect, it } from 'vitest';
import { changelog, checkVersionBump, diff, type Bump } from './diff.js';
import type { ConnectorDefinition } from './generated/connector.generated.js';
import { makeAction, makeConnector } from './testing.js';

type Schema = Record<string, unknown>;

const INPUT: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    channel: { type: 'string', description: 'Channel id', maxLength: 80 },
    text: { type: 'string', minLength: 1 },
    count: { type: 'integer', minimum: 1, maximum: 100 },
    priority: { type: 'string', enum: ['low', 'high'] },
    tag: { type: 'string', pattern: '^[a-z]+$' },
  },
  required: ['channel', 'text'],
};
const OUTPUT: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ts: { type: 'string' },
    score: { type: 'integer' },
    state: { type: 'string', enum: ['sent', 'queued'] },
  },
  required: ['ts'],
};

function version(
  input: Schema = INPUT,
  output: Schema = OUTPUT,
  extra: Partial<ConnectorDefinition> = {},
): ConnectorDefinition {
  return makeConnector({ actions: { post: makeAction({ input, output }) }, ...extra });
}

function edit(schema: Schema, path: string[], value: unknown): Schema {
  const copy = structuredClone(schema);
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = path[path.length - 1]!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

const IN = '/actions/post/input';
const OUT = '/actions/post/output';

// [rule, previous, next, pointer, change, class, requiredBump]
const CASES: Array<
  [
    string,
    ConnectorDefinition,
    ConnectorDefinition,
    string,
    string,
    'compatible' | 'breaking',
    Bump,
  ]
> = [
  // input schemas, backward (the default)
  [
    'input: description change is compatible',
    version(),
    version(edit(INPUT, ['properties', 'channel', 'description'], 'Channel id or name')),
    `${IN}/properties/channel/description`,
    'description-changed',
    'compatible',
    'patch',
  ],
  [
    'input: default change is compatible',
    version(edit(INPUT, ['properties', 'count', 'default'], 1)),
    version(edit(INPUT, ['properties', 'count', 'default'], 5)),
    `${IN}/properties/count/default`,
    'default-changed',
    'compatible',
    'patch',
  ],
  [
    'input: integer to number widening is compatible',
    version(),
    version(edit(INPUT, ['properties', 'count', 'type'], 'number')),
    `${IN}/properties/count/type`,
    'type-widened',
    'compatible',
    'minor',
  ],
  [
    'input: relaxing maxLength is compatible',
    version(),
    version(edit(INPUT, ['properties', 'channel', 'maxLength'], 200)),
    `${IN}/properties/channel/maxLength`,
    'constraint-relaxed',
    'compatible',
    'minor',
  ],
  [
    'input: dropping a pattern is compatible',
    version(),
    version(edit(INPUT, ['properties', 'tag', 'pattern'], undefined)),
    `${IN}/properties/tag/pattern`,
    'constraint-relaxed',
    'compatible',
    'minor',
  ],
  [
    'input: extending an enum is compatible',
    version(),
    version(edit(INPUT, ['properties', 'priority', 'enum'], ['low', 'high', 'urgent'])),
    `${IN}/properties/priority/enum`,
    'enum-extended',
    'compatible',
    'minor',
  ],
  [
    'input: adding an optional property to a closed object is compatible',
    version(),
    version(edit(INPUT, ['properties', 'threadTs'], { type: 'string' })),
    `${IN}/properties/threadTs`,
    'property-added',
    'compatible',
    'minor',
  ],
  [
    'input: dropping a required marker is compatible',
    version(),
    version(edit(INPUT, ['required'], ['channel'])),
    `${IN}/required`,
    'required-removed',
    'compatible',
    'minor',
  ],
  [
    'input: adding a required property with a default is compatible',
    version(),
    version(
      edit(
        edit(INPUT, ['properties', 'mode'], { type: 'string', default: 'plain' }),
        ['required'],
        ['channel', 'text', 'mode'],
      ),
    ),
    `${IN}/properties/mode`,
    'property-added',
    'compatible',
    'minor',
  ],
  [
    'input: removing a property is breaking',
    version(),
    version(edit(INPUT, ['properties', 'tag'], undefined)),
    `${IN}/properties/tag`,
    'property-removed',
    'breaking',
    'major',
  ],
  [
    'input: renaming a property is breaking',
    version(),
    version(
      edit(edit(INPUT, ['properties', 'tag'], undefined), ['properties', 'label'], {
        type: 'string',
        pattern: '^[a-z]+$',
      }),
    ),
    `${IN}/properties/label`,
    'property-renamed',
    'breaking',
    'major',
  ],
  [
    'input: number to integer narrowing is breaking',
    version(edit(INPUT, ['properties', 'count', 'type'], 'number')),
    version(),
    `${IN}/properties/count/type`,
    'type-narrowed',
    'breaking',
    'major',
  ],
  [
    'input: changing a type is breaking',
    version(),
    version(edit(INPUT, ['properties', 'text', 'type'], 'array')),
    `${IN}/properties/text/type`,
    'type-changed',
    'breaking',
    'major',
  ],
  [
    'input: tightening a maximum is breaking',
    version(),
    version(edit(INPUT, ['properties', 'count', 'maximum'], 50)),
    `${IN}/properties/count/maximum`,
    'constraint-tightened',
    'breaking',
    'major',
  ],
  [
    'input: raising minLength is breaking',
    version(),
    version(edit(INPUT, ['properties', 'text', 'minLength'], 3)),
    `${IN}/properties/text/minLength`,
    'constraint-tightened',
    'breaking',
    'major',
  ],
  [
    'input: adding a required property without a default is breaking',
    version(),
    version(
      edit(
        edit(INPUT, ['properties', 'user'], { type: 'string' }),
        ['required'],
        ['channel', 'text', 'user'],
      ),
    ),
    `${IN}/properties/user`,
    'required-property-added',
    'breaking',
    'major',
  ],
  [
    'input: making an existing property required is breaking',
    version(),
    version(edit(INPUT, ['required'], ['channel', 'text', 'tag'])),
    `${IN}/required`,
    'required-added',
    'breaking',
    'major',
  ],
  [
    'input: removing an enum value is breaking',
    version(),
    version(edit(INPUT, ['properties', 'priority', 'enum'], ['low'])),
    `${IN}/properties/priority/enum`,
    'enum-value-removed',
    'breaking',
    'major',
  ],
  [
    'input: adding a property to an open object is breaking',
    version(edit(INPUT, ['additionalProperties'], true)),
    version(
      edit(edit(INPUT, ['additionalProperties'], true), ['properties', 'extra'], {
        type: 'number',
      }),
    ),
    `${IN}/properties/extra`,
    'property-added-open',
    'breaking',
    'major',
  ],
  [
    'input: closing an open object is breaking',
    version(edit(INPUT, ['additionalProperties'], true)),
    version(),
    `${IN}/additionalProperties`,
    'object-closed',
    'breaking',
    'major',
  ],
  // output schemas: the direction reverses
  [
    'output: adding an optional property to a closed object is breaking',
    version(),
    version(INPUT, edit(OUTPUT, ['properties', 'permalink'], { type: 'string' })),
    `${OUT}/properties/permalink`,
    'property-added',
    'breaking',
    'major',
  ],
  [
    'output: removing an optional property is compatible',
    version(),
    version(INPUT, edit(OUTPUT, ['properties', 'score'], undefined)),
    `${OUT}/properties/score`,
    'property-removed',
    'compatible',
    'minor',
  ],
  [
    'output: removing a required property is breaking',
    version(),
    version(INPUT, edit(edit(OUTPUT, ['properties', 'ts'], undefined), ['required'], [])),
    `${OUT}/properties/ts`,
    'property-removed',
    'breaking',
    'major',
  ],
  [
    'output: integer to number widening is breaking',
    version(),
    version(INPUT, edit(OUTPUT, ['properties', 'score', 'type'], 'number')),
    `${OUT}/properties/score/type`,
    'type-widened',
    'breaking',
    'major',
  ],
  [
    'output: number to integer narrowing is compatible',
    version(INPUT, edit(OUTPUT, ['properties', 'score', 'type'], 'number')),
    version(),
    `${OUT}/properties/score/type`,
    'type-narrowed',
    'compatible',
    'minor',
  ],
  [
    'output: extending an enum is breaking',
    version(),
    version(INPUT, edit(OUTPUT, ['properties', 'state', 'enum'], ['sent', 'queued', 'failed'])),
    `${OUT}/properties/state/enum`,
    'enum-extended',
    'breaking',
    'major',
  ],
  [
    'output: removing an enum value is compatible',
    version(),
    version(INPUT, edit(OUTPUT, ['properties', 'state', 'enum'], ['sent'])),
    `${OUT}/properties/state/enum`,
    'enum-value-removed',
    'compatible',
    'minor',
  ],
  [
    'output: making a property required is compatible',
    version(),
    version(INPUT, edit(OUTPUT, ['required'], ['ts', 'score'])),
    `${OUT}/required`,
    'required-added',
    'compatible',
    'minor',
  ],
  [
    'output: dropping a required marker is breaking',
    version(),
    version(INPUT, edit(OUTPUT, ['required'], [])),
    `${OUT}/required`,
    'required-removed',
    'breaking',
    'major',
  ],
  // operations and auth
  [
    'removing an action is breaking',
    version(INPUT, OUTPUT, {
      actions: { post: makeAction({ input: INPUT, output: OUTPUT }), ping: makeAction() },
    }),
    version(),
    '/actions/ping',
    'action-removed',
    'breaking',
    'major',
  ],
  [
    'adding an action is compatible',
    version(),
    version(INPUT, OUTPUT, {
      actions: { post: makeAction({ input: INPUT, output: OUTPUT }), ping: makeAction() },
    }),
    '/actions/ping',
    'action-added',
    'compatible',
    'minor',
  ],
  [
    'removing a trigger is breaking',
    version(INPUT, OUTPUT, {
      triggers: { hook: { kind: 'webhook', title: 'Hook', event: { type: 'object' } } },
    }),
    version(),
    '/triggers/hook',
    'trigger-removed',
    'breaking',
    'major',
  ],
  [
    'changing auth is breaking',
    version(),
    version(INPUT, OUTPUT, { auth: { type: 'apiKey', in: 'header', name: 'X-Key' } }),
    '/auth',
    'auth-changed',
    'breaking',
    'major',
  ],
  [
    'adding a required secret field is breaking',
    version(),
    version(INPUT, OUTPUT, {
      auth: { type: 'bearer', fields: [{ name: 'webhookSecret', title: 'Secret' }] },
    }),
    '/auth/fields/0',
    'secret-field-added',
    'breaking',
    'major',
  ],
  [
    'changing realtime to batched is breaking',
    version(),
    makeConnector({
      actions: { post: makeAction({ input: INPUT, output: OUTPUT, urgency: 'batched' }) },
    }),
    '/actions/post/urgency',
    'urgency-changed',
    'breaking',
    'major',
  ],
  [
    'changing only the flow is a patch',
    version(),
    makeConnector({
      actions: {
        post: makeAction({
          input: INPUT,
          output: OUTPUT,
          flow: { nodes: [{ id: 'done', type: 'output', value: 'input' }], edges: [] },
        }),
      },
    }),
    '/actions/post/flow',
    'flow-changed',
    'compatible',
    'patch',
  ],
  // named schemas take the direction of their use
  [
    'a named input schema follows the input rules',
    makeConnector({
      schemas: { Msg: INPUT },
      actions: { post: makeAction({ input: { $ref: '#/schemas/Msg' }, output: OUTPUT }) },
    }),
    makeConnector({
      schemas: { Msg: edit(INPUT, ['properties', 'tag'], undefined) },
      actions: { post: makeAction({ input: { $ref: '#/schemas/Msg' }, output: OUTPUT }) },
    }),
    '/schemas/Msg/properties/tag',
    'property-removed',
    'breaking',
    'major',
  ],
  [
    'a named schema used by input and output may only change in docs',
    makeConnector({
      schemas: { Msg: INPUT },
      actions: {
        post: makeAction({ input: { $ref: '#/schemas/Msg' }, output: { $ref: '#/schemas/Msg' } }),
      },
    }),
    makeConnector({
      schemas: { Msg: edit(INPUT, ['properties', 'priority', 'enum'], ['low', 'high', 'urgent']) },
      actions: {
        post: makeAction({ input: { $ref: '#/schemas/Msg' }, output: { $ref: '#/schemas/Msg' } }),
      },
    }),
    '/schemas/Msg/properties/priority/enum',
    'enum-extended',
    'breaking',
    'major',
  ],
  // compatibility modes
  [
    'forward mode: extending an input enum is breaking',
    version(INPUT, OUTPUT, { compatibility: 'forward' }),
    version(edit(INPUT, ['properties', 'priority', 'enum'], ['low', 'high', 'urgent']), OUTPUT, {
      compatibility: 'forward',
    }),
    `${IN}/properties/priority/enum`,
    'enum-extended',
    'breaking',
    'major',
  ],
  [
    'forward mode: removing an input enum value is compatible',
    version(INPUT, OUTPUT, { compatibility: 'forward' }),
    version(edit(INPUT, ['properties', 'priority', 'enum'], ['low']), OUTPUT, {
      compatibility: 'forward',
    }),
    `${IN}/properties/priority/enum`,
    'enum-value-removed',
    'compatible',
    'minor',
  ],
  [
    'forward mode: adding an output property is compatible',
    version(INPUT, OUTPUT, { compatibility: 'forward' }),
    version(INPUT, edit(OUTPUT, ['properties', 'permalink'], { type: 'string' }), {
      compatibility: 'forward',
    }),
    `${OUT}/properties/permalink`,
    'property-added',
    'compatible',
    'minor',
  ],
  [
    'full mode: extending an input enum is breaking',
    version(INPUT, OUTPUT, { compatibility: 'full' }),
    version(edit(INPUT, ['properties', 'priority', 'enum'], ['low', 'high', 'urgent']), OUTPUT, {
      compatibility: 'full',
    }),
    `${IN}/properties/priority/enum`,
    'enum-extended',
    'breaking',
    'major',
  ],
  [
    'full mode: a description change stays compatible',
    version(INPUT, OUTPUT, { compatibility: 'full' }),
    version(edit(INPUT, ['properties', 'channel', 'description'], 'Where'), OUTPUT, {
      compatibility: 'full',
    }),
    `${IN}/properties/channel/description`,
    'description-changed',
    'compatible',
    'patch',
  ],
  [
    'none mode: removing an input property is compatible',
    version(INPUT, OUTPUT, { compatibility: 'none' }),
    version(edit(INPUT, ['properties', 'tag'], undefined), OUTPUT, { compatibility: 'none' }),
    `${IN}/properties/tag`,
    'property-removed',
    'compatible',
    'minor',
  ],
  [
    'none mode: removing an action is still breaking',
    version(INPUT, OUTPUT, {
      compatibility: 'none',
      actions: { post: makeAction(), ping: makeAction() },
    }),
    version(INPUT, OUTPUT, { compatibility: 'none', actions: { post: makeAction() } }),
    '/actions/ping',
    'action-removed',
    'breaking',
    'major',
  ],
];

describe('diff', () => {
  it.each(CASES)('%s', (_rule, previous, next, pointer, change, cls, bump) => {
    const report = diff(previous, next);
    expect(report.changes).toContainEqual({
      pointer,
      change,
      class: cls,
      reason: expect.any(String) as string,
    });
    expect(report.requiredBump).toBe(bump);
    for (const entry of report.changes) expect(entry.reason.length).toBeGreaterThan(10);
  });

  it('has at least 25 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(25);
  });

  it('reports nothing for identical versions, and ignores the version number and layout', () => {
    const a = version();
    const b = {
      ...version(),
      version: '1.0.1',
      layout: { 'actions.post': { call: { x: 1, y: 2 } } },
    };
    expect(diff(a, b)).toMatchObject({ changes: [], requiredBump: 'none' });
  });

  it('lists one entry per change', () => {
    const next = version(
      edit(edit(INPUT, ['properties', 'tag'], undefined), ['properties', 'count', 'maximum'], 500),
    );
    const report = diff(version(), next);
    expect(report.changes.map((c) => [c.pointer, c.change, c.class])).toEqual([
      [`${IN}/properties/tag`, 'property-removed', 'breaking'],
      [`${IN}/properties/count/maximum`, 'constraint-relaxed', 'compatible'],
    ]);
    expect(report.summary[0]).toMatch(/^BREAKING \/actions\/post\/input\/properties\/tag: /);
  });
});

describe('checkVersionBump', () => {
  const breaking = version(edit(INPUT, ['properties', 'tag'], undefined));
  it('refuses a minor bump for a breaking change and names the version to publish', () => {
    expect(checkVersionBump(version(), { ...breaking, version: '1.1.0' })).toEqual({
      ok: false,
      requiredBump: 'major',
      actualBump: 'minor',
      message: expect.stringContaining('publish 2.0.0') as string,
    });
  });
  it('accepts a major bump for a breaking change', () => {
    expect(checkVersionBump(version(), { ...breaking, version: '2.0.0' })).toMatchObject({
      ok: true,
      actualBump: 'major',
    });
  });
  it('accepts a patch for documentation changes and refuses going down or reusing a version', () => {
    const docs = version(edit(INPUT, ['properties', 'channel', 'description'], 'Where'));
    expect(checkVersionBump(version(), { ...docs, version: '1.0.1' })).toMatchObject({
      ok: true,
      requiredBump: 'patch',
      actualBump: 'patch',
    });
    expect(
      checkVersionBump({ ...version(), version: '1.2.0' }, { ...docs, version: '1.1.9' }).ok,
    ).toBe(false);
    expect(checkVersionBump(version(), docs)).toMatchObject({
      ok: false,
      message: expect.stringContaining('immutable') as string,
    });
    expect(checkVersionBump(version(), version()).ok).toBe(true);
  });
});

describe('changelog', () => {
  it('groups breaking and compatible changes under the version', () => {
    const next = version(
      edit(edit(INPUT, ['properties', 'tag'], undefined), ['properties', 'count', 'maximum'], 500),
    );
    const text = changelog(diff(version(), next), '1.0.0', '2.0.0');
    expect(text).toMatch(/^## 2\.0\.0 \(from 1\.0\.0, major bump required\)/);
    expect(text.indexOf('### Breaking')).toBeLessThan(text.indexOf('### Compatible'));
    expect(text).toContain('- `/actions/post/input/properties/tag` ');
  });
});
