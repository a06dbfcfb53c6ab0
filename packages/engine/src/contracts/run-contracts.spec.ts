import { describe, expect, it } from 'vitest';
import { line, makeConnector, withAction } from '../testing/factories.js';
import { match } from './matchers.js';
import type { ContractCaseView } from './run-contracts.js';
import { runContracts } from './run-contracts.js';

const definition = withAction(
  makeConnector({
    base: { url: 'https://api.acme.test/v2' },
    auth: { type: 'bearer' },
    schemas: {
      // Closed without saying so: contracts judge outputs as the format does.
      Contact: {
        type: 'object',
        required: ['id', 'email'],
        properties: { id: { type: 'string' }, email: { type: 'string' } },
      },
    },
  }),
  'createContact',
  line(
    {
      id: 'create',
      type: 'http',
      method: 'POST',
      path: '/contacts',
      body: '{ "email": input.email }',
    },
    { id: 'out', type: 'output', value: 'steps.create.body' },
  ),
  { output: { $ref: '#/schemas/Contact' } },
);

const created = (body: unknown): ContractCaseView['interactions'][number] => ({
  request: {
    method: 'POST',
    path: '/v2/contacts',
    headers: { Authorization: { $match: 'regex', pattern: '^Bearer .+', example: 'Bearer x' } },
    body: { email: 'ada@example.com' },
  },
  response: { status: 201, body },
});

const base: ContractCaseView = {
  name: 'creates a contact',
  action: 'createContact',
  input: { email: 'ada@example.com' },
  interactions: [created({ id: 'c_1', email: 'ada@example.com' })],
  expect: { output: { id: { $match: 'type', example: 'c_0' }, email: 'ada@example.com' } },
};

describe('runContracts', () => {
  it('passes a case whose requests, output and output schema all match', async () => {
    const [result] = await runContracts({ definition, contracts: [base] });
    expect(result).toEqual({ name: 'creates a contact', passed: true });
  });

  it('fails with a readable expected/actual diff when the output differs', async () => {
    const [result] = await runContracts({
      definition,
      contracts: [{ ...base, expect: { output: { id: 'c_9', email: 'ada@example.com' } } }],
    });
    expect(result?.passed).toBe(false);
    expect(result?.diff).toBe('/output/id\n  - expected: "c_9"\n  + actual:   "c_1"');
  });

  it('fails with CONTRACT_UNMATCHED_REQUEST when a request matches no interaction', async () => {
    const [result] = await runContracts({
      definition,
      contracts: [{ ...base, input: { email: 'bob@example.com' } }],
    });
    expect(result?.passed).toBe(false);
    expect(result?.error?.code).toBe('CONTRACT_UNMATCHED_REQUEST');
    expect(result?.diff).toContain(
      '/body/email\n  - expected: "ada@example.com"\n  + actual:   "bob@example.com"',
    );
  });

  it('fails when an interaction is never used', async () => {
    const extra = {
      request: { method: 'GET', path: '/v2/contacts/c_1' },
      response: { status: 200, body: {} },
    };
    const [result] = await runContracts({
      definition,
      contracts: [{ ...base, interactions: [...base.interactions, extra] }],
    });
    expect(result?.passed).toBe(false);
    expect(result?.error?.code).toBe('CONTRACT_UNUSED_INTERACTION');
    expect(result?.diff).toContain('interaction #2 (GET /v2/contacts/c_1) was never requested');
  });

  it('fails with OUTPUT_SCHEMA_MISMATCH when the output breaks the action output schema', async () => {
    const [result] = await runContracts({
      definition,
      contracts: [
        {
          ...base,
          interactions: [created({ id: 'c_1', email: 'ada@example.com', surprise: true })],
          expect: {},
        },
      ],
    });
    expect(result?.passed).toBe(false);
    expect(result?.error?.code).toBe('OUTPUT_SCHEMA_MISMATCH');
    expect(result?.diff).toContain('/output/surprise');
    expect(result?.diff).toContain('unknown property `surprise`');
  });

  it('checks an expected error code', async () => {
    const failing: ContractCaseView = {
      ...base,
      name: 'duplicate',
      interactions: [{ ...created({}), response: { status: 409, body: { error: 'exists' } } }],
      expect: { error: { code: 'PARTNER_PERMANENT' } },
    };
    const wrong = { ...failing, name: 'wrong code', expect: { error: { code: 'RATE_LIMITED' } } };
    const [ok, bad] = await runContracts({ definition, contracts: [failing, wrong] });
    expect(ok?.passed).toBe(true);
    expect(bad?.passed).toBe(false);
    expect(bad?.diff).toContain('- expected: "RATE_LIMITED"');
  });
});

describe('matchers', () => {
  it('type, regex, minLength and eachLike', () => {
    expect(match({ $match: 'type', example: 1 }, 42)).toEqual([]);
    expect(match({ $match: 'type', example: 1 }, '42')).toHaveLength(1);
    expect(match({ $match: 'regex', pattern: '^c_\\d+$', example: 'c_1' }, 'c_77')).toEqual([]);
    expect(match({ $match: 'regex', pattern: '^c_\\d+$', example: 'c_1' }, 'x_77')).toHaveLength(1);
    expect(match({ $match: 'minLength', min: 2, example: [1, 2] }, [1, 2, 3])).toEqual([]);
    expect(match({ $match: 'minLength', min: 2, example: [1, 2] }, [1])).toHaveLength(1);
    expect(
      match({ $match: 'eachLike', example: { id: { $match: 'type', example: 'a' } } }, [
        { id: 'x' },
        { id: 'y' },
      ]),
    ).toEqual([]);
    expect(
      match({ $match: 'eachLike', example: { id: { $match: 'type', example: 'a' } } }, [
        { id: 'x' },
        { id: 2 },
      ]),
    ).toEqual([{ pointer: '/1/id', expected: 'any string (like "a")', actual: '2' }]);
    expect(match({ $match: 'eachLike', example: 1 }, [])).toHaveLength(1);
  });

  it('plain objects need the same keys; extra keys are differences', () => {
    expect(match({ a: 1 }, { a: 1, b: 2 })).toEqual([
      { pointer: '/b', expected: '(absent)', actual: '2' },
    ]);
  });
});
