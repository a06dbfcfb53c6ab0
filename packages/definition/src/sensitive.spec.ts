import { describe, expect, it } from 'vitest';
import { diff } from './diff.js';
import { REDACTED, redact, sensitivePaths } from './sensitive.js';
import { makeAction, makeConnector } from './testing.js';
import { validate } from './validate.js';

const definition = makeConnector({
  schemas: {
    Card: {
      type: 'object',
      properties: { number: { type: 'string', sensitive: true }, brand: { type: 'string' } },
    },
  },
  actions: {
    pay: makeAction({
      input: {
        type: 'object',
        properties: {
          card: { $ref: '#/schemas/Card' },
          cards: { type: 'array', items: { $ref: '#/schemas/Card' } },
          apiToken: { type: 'string', sensitive: true },
          note: { type: 'string' },
        },
      },
    }),
  },
});

describe('sensitive values', () => {
  const input = definition.actions.pay!.input;

  it('are found through refs, arrays and properties', () => {
    expect(validate(definition)).toEqual({ valid: true, errors: [] });
    expect(sensitivePaths(definition, input)).toEqual([
      '/apiToken',
      '/card/number',
      '/cards/*/number',
    ]);
  });

  it('are redacted and nothing else is', () => {
    const payload = {
      card: { number: '4242424242424242', brand: 'visa' },
      cards: [{ number: '1', brand: 'a' }, { number: '2' }],
      apiToken: 'sk_live_x',
      note: 'hello',
    };
    const redacted = redact(payload, sensitivePaths(definition, input));
    expect(redacted).toEqual({
      card: { number: REDACTED, brand: 'visa' },
      cards: [{ number: REDACTED, brand: 'a' }, { number: REDACTED }],
      apiToken: REDACTED,
      note: 'hello',
    });
    expect(JSON.stringify(redacted)).not.toMatch(/4242|sk_live/);
    expect(payload.apiToken).toBe('sk_live_x');
  });

  it('marking a field sensitive is a documentation change for the diff', () => {
    const before = makeConnector({
      actions: {
        pay: makeAction({ input: { type: 'object', properties: { token: { type: 'string' } } } }),
      },
    });
    const after = makeConnector({
      actions: {
        pay: makeAction({
          input: { type: 'object', properties: { token: { type: 'string', sensitive: true } } },
        }),
      },
    });
    expect(diff(before, after)).toMatchObject({
      requiredBump: 'patch',
      changes: [{ class: 'compatible', change: 'annotation-changed' }],
    });
  });
});
