import { describe, expect, it } from 'vitest';
import { checkContractSchema } from './schema-check.js';

const base = {
  name: 'posts',
  action: 'post',
  input: { text: 'hi' },
  interactions: [
    {
      request: { method: 'POST', path: '/chat.postMessage', body: {} },
      response: { status: 200, body: { ok: true } },
    },
  ],
  expect: { output: { ok: true } },
};

function withBody(body: unknown) {
  return {
    ...base,
    interactions: [
      { ...base.interactions[0]!, request: { ...base.interactions[0]!.request, body } },
    ],
  };
}

describe('checkContractSchema', () => {
  it('accepts a case with every matcher kind', () => {
    const body = {
      channel: { $match: 'regex', pattern: '^C[0-9A-Z]+$', example: 'C123' },
      text: { $match: 'type', example: 'hello' },
      blocks: {
        $match: 'eachLike',
        min: 1,
        example: { type: { $match: 'type', example: 'section' } },
      },
      tags: { $match: 'minLength', min: 2, example: ['a', 'b'] },
    };
    expect(checkContractSchema(withBody(body))).toEqual([]);
  });

  it.each([
    ['a case without expect', { ...base, expect: undefined }, '/expect', 'SCHEMA_REQUIRED'],
    ['an unknown key', { ...base, expected: {} }, '/expected', 'SCHEMA_UNKNOWN_PROPERTY'],
    [
      'a response without status',
      { ...base, interactions: [{ request: { method: 'GET', path: '/' }, response: {} }] },
      '/interactions/0/response/status',
      'SCHEMA_REQUIRED',
    ],
    [
      'an unknown matcher',
      withBody({ a: { $match: 'regx', pattern: 'x', example: 'x' } }),
      '/interactions/0/request/body/a/$match',
      'SCHEMA_ENUM',
    ],
    [
      'a regex matcher without pattern',
      withBody({ a: { $match: 'regex', example: 'x' } }),
      '/interactions/0/request/body/a/pattern',
      'SCHEMA_REQUIRED',
    ],
    [
      'a regex that can hang the host',
      withBody({ a: { $match: 'regex', pattern: '^(a+)+$', example: 'aa' } }),
      '/interactions/0/request/body/a/pattern',
      'PATTERN_UNSAFE',
    ],
    [
      'a regex example that does not match',
      withBody({ a: { $match: 'regex', pattern: '^C', example: 'D1' } }),
      '/interactions/0/request/body/a',
      'CONTRACT_MATCHER_INVALID',
    ],
    [
      'a minLength example that is too short',
      { ...base, expect: { output: { list: { $match: 'minLength', min: 3, example: [1] } } } },
      '/expect/output/list',
      'CONTRACT_MATCHER_INVALID',
    ],
    [
      'a bad matcher inside eachLike',
      {
        ...base,
        expect: {
          output: { $match: 'eachLike', example: { $match: 'regex', pattern: '(', example: '' } },
        },
      },
      '/expect/output/example/pattern',
      'CONTRACT_MATCHER_INVALID',
    ],
  ])('refuses %s', (_what, contract, pointer, code) => {
    expect(
      checkContractSchema(contract).map((i) => ({ pointer: i.pointer, code: i.code })),
    ).toContainEqual({ pointer, code });
  });
});
