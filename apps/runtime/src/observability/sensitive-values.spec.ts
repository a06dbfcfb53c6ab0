import { describe, expect, it } from 'vitest';
import { sensitiveValues } from './sensitive-values.js';

const definition = {
  schemas: {
    Person: {
      type: 'object',
      properties: { ssn: { type: 'string', sensitive: true }, name: { type: 'string' } },
    },
  },
  config: {
    type: 'object',
    properties: { tenantSecret: { type: 'string', sensitive: true }, region: { type: 'string' } },
  },
  actions: {
    add: {
      input: {
        type: 'object',
        properties: {
          people: { type: 'array', items: { $ref: '#/schemas/Person' } },
          card: { type: 'object', sensitive: true },
        },
      },
    },
  },
};

describe('sensitive values', () => {
  it('collects values under sensitive schemas through refs, arrays and nested objects', () => {
    const found = sensitiveValues(
      definition,
      'add',
      { tenantSecret: 'cfg-secret-1', region: 'eu' },
      {
        input: {
          people: [
            { ssn: '078-05-1120', name: 'Ada' },
            { ssn: '219-09-9999', name: 'Bob' },
          ],
          card: { number: '4111111111111111', cvc: '123' },
        },
      },
    );
    expect(found.sort()).toEqual(
      ['078-05-1120', '219-09-9999', '4111111111111111', '123', 'cfg-secret-1'].sort(),
    );
  });

  it('reads every item of a batch and nothing from unmarked fields', () => {
    const found = sensitiveValues(
      definition,
      'add',
      {},
      {
        items: [{ people: [{ ssn: 'aaa-aa-aaaa', name: 'Cy' }] }, { people: [] }],
      },
    );
    expect(found).toEqual(['aaa-aa-aaaa']);
    expect(sensitiveValues(definition, 'missing', { region: 'eu' }, { input: {} })).toEqual([]);
  });
});
