import { validate } from '@plugboard/definition';
import { makeAction, makeConnector } from '@plugboard/definition/testing';
import { describe, expect, it } from 'vitest';
import { defineConnector } from './index.js';

describe('defineConnector', () => {
  it('returns the definition unchanged, and it validates', () => {
    const definition = makeConnector();
    const defined = defineConnector(definition);
    expect(defined).toBe(definition);
    expect(validate(defined)).toEqual({ valid: true, errors: [] });
  });

  it('refuses at compile time what validate refuses at run time', () => {
    // `tsc` checks this file: each directive fails the type-check when its line compiles.
    // @ts-expect-error `nmae` is not a field of a definition
    const misspelled = defineConnector({ ...makeConnector(), nmae: 'Echo' });
    expect(validate(misspelled).errors).toContainEqual(
      expect.objectContaining({ pointer: '/nmae', code: 'SCHEMA_UNKNOWN_PROPERTY' }),
    );
    const teleport = defineConnector({
      ...makeConnector(),
      actions: {
        echo: {
          ...makeAction(),
          // @ts-expect-error `teleport` is not a node type
          flow: { nodes: [{ id: 'x', type: 'teleport' }], edges: [] },
        },
      },
    });
    expect(validate(teleport).valid).toBe(false);
  });
});
