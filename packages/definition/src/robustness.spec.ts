import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diff } from './diff.js';
import type { ConnectorDefinition } from './generated/connector.generated.js';
import { DEFINITION_ERROR_CODES } from './issues.js';
import { makeBatchedAction, makeConnector } from './testing.js';
import { validate } from './validate.js';

// Deterministic PRNG (mulberry32), so a failure reproduces.
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REPLACEMENTS: unknown[] = [
  null,
  0,
  -1,
  1.5,
  '',
  'x',
  '{{',
  '#/schemas/X',
  true,
  [],
  {},
  [1, 'a'],
  { type: 'http' },
  { $ref: '#/schemas/%E0%A4%A' },
];

function paths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value)
    ? value.map((v, i) => [i, v] as const)
    : Object.entries(value);
  return [prefix, ...entries.flatMap(([key, child]) => paths(child, [...prefix, key]))];
}

function mutate(definition: unknown, next: () => number): unknown {
  const copy = structuredClone(definition);
  const all = paths(copy).filter((p) => p.length > 0);
  const target = all[Math.floor(next() * all.length)]!;
  let parent = copy as Record<string | number, unknown>;
  for (const key of target.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = target[target.length - 1]!;
  const roll = next();
  if (roll < 0.3 && !Array.isArray(parent)) delete parent[last];
  else if (roll < 0.4 && Array.isArray(parent)) parent.splice(Number(last), 1);
  else parent[last] = structuredClone(REPLACEMENTS[Math.floor(next() * REPLACEMENTS.length)]);
  return copy;
}

describe('validate never throws', () => {
  const slackFile = join(import.meta.dirname, '../../../connectors/slack/connector.json');
  const seeds: ConnectorDefinition[] = [makeConnector({ actions: { a: makeBatchedAction() } })];
  try {
    seeds.push(JSON.parse(readFileSync(slackFile, 'utf8')) as ConnectorDefinition);
  } catch {
    // The Slack package is written by the connectors engineer; the factory seed still runs.
  }

  it('on 400 random mutations of real definitions, and diff never throws on them either', () => {
    const next = random(42);
    const codes = new Set<string>(DEFINITION_ERROR_CODES);
    for (let i = 0; i < 400; i += 1) {
      const seed = seeds[i % seeds.length]!;
      let mutated: unknown = seed;
      const rounds = 1 + Math.floor(next() * 3);
      for (let r = 0; r < rounds; r += 1) mutated = mutate(mutated, next);
      const result = validate(mutated);
      expect(typeof result.valid).toBe('boolean');
      for (const issue of result.errors) {
        expect(codes.has(issue.code), issue.code).toBe(true);
        expect(issue.pointer === '' || issue.pointer.startsWith('/')).toBe(true);
      }
      if (result.valid) expect(() => diff(seed, mutated as ConnectorDefinition)).not.toThrow();
    }
  });
});
