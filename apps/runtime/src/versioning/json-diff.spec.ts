import { describe, expect, it } from 'vitest';
import { jsonDiff } from './json-diff.js';

describe('jsonDiff', () => {
  it('is empty for equal values and points at each difference', () => {
    expect(jsonDiff({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual([]);
    expect(jsonDiff({ ok: true, n: 1, 'a/b': 1 }, { n: 2, delivered: true, 'a/b': 1 })).toEqual([
      { pointer: '/delivered', change: 'added', to: true },
      { pointer: '/n', change: 'changed', from: 1, to: 2 },
      { pointer: '/ok', change: 'removed', from: true },
    ]);
    expect(jsonDiff([1, 2], [1])).toEqual([{ pointer: '/1', change: 'removed', from: 2 }]);
    expect(jsonDiff({ 'a/b': 1 }, { 'a/b': 2 })[0]!.pointer).toBe('/a~1b');
    expect(jsonDiff(null, {})).toEqual([{ pointer: '', change: 'changed', from: null, to: {} }]);
  });
});
