import { describe, expect, it } from 'vitest';
import { applyAliases, migrationsFor } from './migrations.js';
import { makeConnector } from './testing.js';

const definition = makeConnector({
  version: '2.1.0',
  migrations: [
    { from: '<2.0.0', target: 'echo', aliases: { channelId: 'channel' } },
    { from: '<2.0.0', target: 'echo', expression: "$merge([$, {'text': $string(text)}])" },
    { from: '2.0.x', target: 'echo', expression: '$' },
    { from: '<2.0.0', target: 'Other', expression: '$' },
  ],
});

describe('migrationsFor', () => {
  it('picks the migrations of the target whose range covers the payload version, in order', () => {
    expect(
      migrationsFor(definition, 'echo', '1.4.0').map((m) => m.aliases ?? m.expression),
    ).toEqual([{ channelId: 'channel' }, "$merge([$, {'text': $string(text)}])"]);
    expect(migrationsFor(definition, 'echo', '2.0.3')).toHaveLength(1);
    expect(migrationsFor(definition, 'echo', '2.1.0')).toEqual([]);
    expect(migrationsFor(definition, 'echo', 'not-a-version')).toEqual([]);
    expect(migrationsFor(definition, 'echo', '1.0.0-beta.1')).toHaveLength(2);
  });
});

describe('applyAliases', () => {
  it('renames old fields and keeps a new field that is already there', () => {
    expect(applyAliases({ channelId: 'C1', text: 'hi' }, { channelId: 'channel' })).toEqual({
      channel: 'C1',
      text: 'hi',
    });
    expect(applyAliases({ channelId: 'old', channel: 'new' }, { channelId: 'channel' })).toEqual({
      channel: 'new',
    });
    expect(applyAliases([1], { a: 'b' })).toEqual([1]);
  });
});
