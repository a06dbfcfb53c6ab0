import { describe, expect, it } from 'vitest';
import { UnsafeSchemaError, compilePayloadSchema } from './payload.js';
import { makeAction, makeConnector } from './testing.js';

const definition = makeConnector({
  schemas: {
    Contact: {
      type: 'object',
      properties: {
        email: { type: 'string', format: 'email' },
        tags: { type: 'array', items: { type: 'string' } },
      },
      required: ['email'],
    },
    Loose: { type: 'object', additionalProperties: true, properties: { a: { type: 'number' } } },
  },
  actions: {
    upsert: makeAction({
      input: {
        type: 'object',
        properties: { contact: { $ref: '#/schemas/Contact' }, loose: { $ref: '#/schemas/Loose' } },
        required: ['contact'],
      },
    }),
  },
});

describe('compilePayloadSchema', () => {
  const check = compilePayloadSchema(definition, definition.actions.upsert!.input);

  it('accepts a valid payload, resolving #/schemas refs', () => {
    expect(
      check({ contact: { email: 'a@example.com', tags: ['x'] }, loose: { a: 1, extra: true } }),
    ).toEqual([]);
  });

  it('closes objects that do not say otherwise, with pointers into the payload', () => {
    expect(check({ contact: { email: 'nope', phone: '1' }, other: 1 })).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pointer: '/contact/email', code: 'SCHEMA_FORMAT' }),
        expect.objectContaining({ pointer: '/contact/phone', code: 'SCHEMA_UNKNOWN_PROPERTY' }),
        expect.objectContaining({ pointer: '/other', code: 'SCHEMA_UNKNOWN_PROPERTY' }),
      ]),
    );
    expect(check({})).toEqual([
      expect.objectContaining({ pointer: '/contact', code: 'SCHEMA_REQUIRED' }),
    ]);
  });

  it('returns the same check for the same schema', () => {
    expect(compilePayloadSchema(definition, definition.actions.upsert!.input)).toBe(check);
  });

  it('refuses to compile a pattern that could hang validation', () => {
    const evil = makeConnector({ schemas: { S: { type: 'string', pattern: '^(a+)+$' } } });
    expect(() => compilePayloadSchema(evil, { $ref: '#/schemas/S' })).toThrow(UnsafeSchemaError);
  });
});
