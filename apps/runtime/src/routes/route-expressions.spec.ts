import { describe, expect, it } from 'vitest';
import type { ConnectorVersionEntity } from '../catalog/connector-version.entity.js';
import { exampleEvents, truthy } from './route-expressions.js';

function version(
  definition: Record<string, unknown>,
  contracts: unknown[] = [],
): ConnectorVersionEntity {
  return { id: 'x@1.0.0', connectorId: 'x', version: '1.0.0', definition, contracts } as never;
}

describe('route filters', () => {
  it('drop records the way JSONata conditions read: false, null, 0, empty string and empty arrays', () => {
    for (const value of [false, null, undefined, 0, '', [], [false, null]])
      expect(truthy(value), JSON.stringify(value)).toBe(false);
    for (const value of [true, 1, 'closed', { a: 1 }, [false, true]])
      expect(truthy(value), JSON.stringify(value)).toBe(true);
  });
});

describe('example events of a trigger', () => {
  it("come from the event schema's examples first", () => {
    const v = version({
      triggers: { t: { kind: 'webhook', event: { type: 'object', examples: [{ a: 1 }] } } },
    });
    expect(exampleEvents(v, 't')).toEqual([{ a: 1 }]);
  });

  it('then from the named schema the event references', () => {
    const v = version({
      schemas: { Item: { type: 'object', examples: [{ id: 1 }, { id: 2 }] } },
      triggers: { t: { kind: 'poll', event: { $ref: '#/schemas/Item' } } },
    });
    expect(exampleEvents(v, 't')).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it("then from the records the connector's own contracts expect of that trigger", () => {
    const v = version({ triggers: { t: { kind: 'webhook', event: { type: 'object' } } } }, [
      { trigger: 't', expect: { output: { records: [{ n: 1 }] } } },
      { trigger: 'other', expect: { output: { records: [{ n: 2 }] } } },
      { action: 'send', expect: { output: { ok: true } } },
      { trigger: 't', expect: { output: { records: [] } } },
    ]);
    expect(exampleEvents(v, 't')).toEqual([{ n: 1 }]);
  });

  it('are none for an unknown trigger or one without examples', () => {
    const v = version({ triggers: { t: { kind: 'webhook', event: { type: 'object' } } } });
    expect(exampleEvents(v, 't')).toEqual([]);
    expect(exampleEvents(v, 'missing')).toEqual([]);
  });
});
