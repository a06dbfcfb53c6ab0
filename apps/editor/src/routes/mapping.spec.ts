import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import {
  buildMapping,
  listSourceFields,
  listTargetProperties,
  matchByName,
  parseMapping,
  pathStep,
  refusalIssues,
} from './mapping.js';

const schemas = {
  Issue: {
    type: 'object',
    properties: {
      title: { type: 'string' },
      user: { type: 'object', properties: { login: { type: ['string', 'null'] } } },
    },
  },
  Event: {
    type: 'object',
    properties: {
      action: { type: 'string' },
      issue: { $ref: '#/schemas/Issue' },
      'x-id': { type: 'integer' },
    },
  },
};

describe('listSourceFields', () => {
  it('lists objects and leaves through #/schemas refs, with JSONata paths', () => {
    expect(listSourceFields({ $ref: '#/schemas/Event' }, schemas)).toEqual([
      { path: 'action', type: 'string' },
      { path: 'issue', type: 'object' },
      { path: 'issue.title', type: 'string' },
      { path: 'issue.user', type: 'object' },
      { path: 'issue.user.login', type: 'string' },
      { path: '`x-id`', type: 'integer' },
    ]);
  });

  it('stops at a self-referencing schema instead of looping', () => {
    const loop = { Node: { type: 'object', properties: { next: { $ref: '#/schemas/Node' } } } };
    const fields = listSourceFields({ $ref: '#/schemas/Node' }, loop);
    expect(fields.length).toBe(5);
    expect(fields.at(-1)?.path).toBe('next.next.next.next.next');
  });

  it('gives nothing for a schema without properties', () => {
    expect(listSourceFields({ type: 'object' })).toEqual([]);
  });
});

describe('listTargetProperties', () => {
  it('lists top-level input properties, required first, with their descriptions', () => {
    const input = {
      type: 'object',
      required: ['text'],
      properties: {
        channel: { type: ['string', 'null'], description: 'where' },
        text: { type: 'string' },
      },
    };
    expect(listTargetProperties(input)).toEqual([
      { name: 'text', type: 'string', required: true },
      { name: 'channel', type: 'string', required: false, description: 'where' },
    ]);
  });
});

describe('buildMapping', () => {
  it('makes an object expression that JSONata evaluates to the target input', async () => {
    const mapping = buildMapping({ text: 'issue.title', channel: '', id: '`x-id`' });
    expect(mapping).toBe('{ "text": issue.title, "id": `x-id` }');
    const event = { issue: { title: 'Bug' }, 'x-id': 7 };
    expect(await jsonata(mapping).evaluate(event)).toEqual({ text: 'Bug', id: 7 });
  });

  it('merges the JSONata box over the fields, and uses the box alone when no field is chosen', async () => {
    const mapping = buildMapping({ text: 'issue.title' }, '{ "channel": "C1" }');
    expect(await jsonata(mapping).evaluate({ issue: { title: 'Bug' } })).toEqual({
      text: 'Bug',
      channel: 'C1',
    });
    expect(buildMapping({}, ' { "a": 1 } ')).toBe('{ "a": 1 }');
    expect(buildMapping({})).toBe('');
  });
});

describe('parseMapping', () => {
  const paths = ['issue.title', '`x-id`', 'action'];

  it('reads a generated mapping back into fields and box', () => {
    const fields = { text: 'issue.title', id: '`x-id`' };
    expect(parseMapping(buildMapping(fields), paths)).toEqual({ fields, extra: '' });
    expect(parseMapping(buildMapping(fields, '{ "a": $string(action) }'), paths)).toEqual({
      fields,
      extra: '{ "a": $string(action) }',
    });
  });

  it('puts a hand-written mapping whole into the box', () => {
    for (const mapping of ['{ "text": $uppercase(issue.title) }', 'issue', '{ "t": unknown.path }'])
      expect(parseMapping(mapping, paths)).toEqual({ fields: {}, extra: mapping });
  });
});

describe('pathStep and matchByName', () => {
  it('quotes names JSONata would read as operators or odd characters', () => {
    expect(pathStep('title')).toBe('title');
    expect(pathStep('in')).toBe('`in`');
    expect(pathStep('full name')).toBe('`full name`');
  });

  it('guesses the shallowest source field of the same name', () => {
    const sources = listSourceFields({ $ref: '#/schemas/Event' }, schemas);
    const targets = listTargetProperties({
      type: 'object',
      properties: { title: {}, login: {}, color: {} },
    });
    expect(matchByName(targets, sources)).toEqual({
      title: 'issue.title',
      login: 'issue.user.login',
    });
  });
});

describe('refusalIssues', () => {
  const refusal = (example: number, pointer: string, message: string) => ({
    pointer: '/mapping',
    code: 'MAPPING_OUTPUT_INVALID',
    message: `example ${example} gives ${pointer} that ${message}`,
    example,
    target: { pointer, code: 'TYPE', message },
  });

  it('groups one problem over several examples and puts it on the mapper row it names', () => {
    const issues = refusalIssues(
      [
        refusal(0, '/text', 'must be string,null'),
        refusal(1, '/text', 'must be string,null'),
        refusal(1, '', "must have required property 'channel'"),
      ],
      ['text', 'channel'],
    );
    expect(issues).toEqual([
      { pointer: '#map/text', code: 'TYPE', message: '/text must be string,null (examples 0, 1)' },
      {
        pointer: '/mapping',
        code: 'TYPE',
        message: "/ must have required property 'channel' (example 1)",
      },
    ]);
  });

  it('keeps refusals of other fields where the runtime put them', () => {
    const filter = { pointer: '/filter', code: 'EXPRESSION_INVALID', message: 'bad token' };
    expect(refusalIssues([filter], ['text'])).toEqual([filter]);
  });
});
