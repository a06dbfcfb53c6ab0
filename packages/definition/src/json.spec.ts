import { describe, expect, it } from 'vitest';
import { digest } from './digest.js';
import { canonicalJson, parseJson } from './json.js';
import { findTemplates, scanTemplates } from './templates.js';

describe('canonicalJson', () => {
  it('sorts keys at every level, drops undefined members and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined }, é: true })).toBe(
      '{"a":{"d":[3,{"y":2,"z":1}]},"b":1,"é":true}',
    );
    expect(canonicalJson([undefined, 1.5e21, -0, 'x"'])).toBe('[null,1.5e+21,0,"x\\""]');
  });
  it('refuses values that are not JSON', () => {
    expect(() => canonicalJson(() => 1)).toThrow(TypeError);
  });
});

describe('digest', () => {
  it('is sha256 of the canonical JSON', () => {
    expect(digest({ b: 2, a: 1 })).toBe(digest({ a: 1, b: 2 }));
    // sha256 of '{"a":1}'
    expect(digest({ a: 1 })).toBe(
      'sha256:015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862',
    );
    expect(digest({ a: 2 })).not.toBe(digest({ a: 1 }));
  });
});

describe('parseJson', () => {
  it.each([
    ['{"a": 1,}', 1, 9, '', "trailing comma before '}'"],
    ['{\n"a" 1}', 2, 5, '/a', "expected ':'"],
    ["{'a': 1}", 1, 2, '', 'double quotes'],
    ['[1, 2', 1, 6, '', "expected ',' or ']'"],
    ['{"a": "line\nbreak"}', 1, 12, '/a', 'control character'],
    ['{"a": [true, nul]}', 1, 14, '/a/1', 'expected a JSON value'],
    ['{} {}', 1, 4, '', 'unexpected text'],
    ['', 1, 1, '', 'expected a JSON value'],
  ])('%j fails at line %i column %i', (text, line, column, pointer, words) => {
    const result = parseJson(text);
    expect(result).toEqual({
      error: {
        pointer,
        code: 'JSON_SYNTAX',
        line,
        column,
        message: expect.stringContaining(words) as string,
      },
    });
  });
  it('gives the pointer of the value being read when the error happened', () => {
    const result = parseJson(
      '{"actions": {"post": {"flow": {"nodes": [{"id": "a"}, {"id" "b"}]}}}}',
    );
    expect('error' in result && result.error.pointer).toBe('/actions/post/flow/nodes/1/id');
  });

  it('parses valid JSON, ignoring a byte order mark', () => {
    expect(parseJson('\uFEFF{"a":[1,"}"]}')).toEqual({ value: { a: [1, '}'] } });
  });
  it('does not count brackets inside strings as nesting', () => {
    expect(parseJson(JSON.stringify({ s: '['.repeat(500) }))).toEqual({
      value: { s: '['.repeat(500) },
    });
  });
});

describe('templates', () => {
  it('finds the {{ }} parts with their offsets', () => {
    expect(findTemplates('/users/{{ input.id }}/posts?x={{config.x}}')).toEqual([
      { expression: 'input.id', start: 7, end: 21 },
      { expression: 'config.x', start: 30, end: 42 },
    ]);
    expect(findTemplates('plain')).toEqual([]);
  });
  it('ends an expression at the first }}, as the engine does, and reports an unclosed part', () => {
    expect(findTemplates("{{ input.a & '}}' }}")).toEqual([
      { expression: "input.a & '", start: 0, end: 16 },
    ]);
    expect(findTemplates("{{ {'a': {'b': 1} } }}")).toEqual([
      { expression: "{'a': {'b': 1} }", start: 0, end: 22 },
    ]);
    expect(scanTemplates('a {{ input.b')).toEqual({ parts: [], unclosedAt: 2 });
  });
});
