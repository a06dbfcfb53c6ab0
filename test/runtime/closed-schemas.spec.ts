// Objects in a definition's schemas are closed unless they say otherwise (DESIGN "The connector
// definition"): intake refuses an unlisted property even where the schema does not spell out
// `additionalProperties: false`, so the publish gate's "adding an optional property is
// compatible" holds for what intake accepted before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, makeTenant, publish } from '../support/api.js';
import type { Call } from '../support/api.js';
import { makeConnector } from '../support/factories.js';
import type { Definition } from '../support/factories.js';
import { startFakePartner } from '../support/fake-partner.js';
import type { FakePartner } from '../support/fake-partner.js';
import { startRuntime } from '../support/runtime.js';
import type { RuntimeProcess } from '../support/runtime.js';

let runtime: RuntimeProcess;
let partner: FakePartner;
let call: Call;
let key: string;
let installationId: string;

beforeAll(async () => {
  partner = await startFakePartner();
  runtime = await startRuntime();
  call = api(runtime);
  const definition = makeConnector(partner.url, { id: 'closed', name: 'closed' });
  const send = (definition.actions as Record<string, { input: unknown }>).send!;
  // No additionalProperties anywhere: closed by the format's rule, at every level.
  send.input = {
    type: 'object',
    required: ['text'],
    properties: {
      text: { type: 'string' },
      tags: { type: 'object', properties: { team: { type: 'string' } } },
      extras: { type: 'object', additionalProperties: true },
    },
  };
  await publish(call, definition as Definition);
  ({ key, installationId } = await makeTenant(call, 'closed-tenant', 'closed'));
}, 60_000);

afterAll(async () => {
  await runtime?.stop();
  await partner?.close();
});

describe('closed schemas at intake', () => {
  it('refuses unlisted properties at the top and nested, and accepts what a schema opens', async () => {
    const res = await call('post', `/v1/installations/${installationId}/events`, key)
      .send({
        events: [
          { id: 'top', action: 'send', data: { text: 'a', colour: 'red' } },
          { id: 'nested', action: 'send', data: { text: 'b', tags: { team: 'x', owner: 'y' } } },
          { id: 'open', action: 'send', data: { text: 'c', extras: { anything: 1 } } },
        ],
      })
      .expect(202);
    type Answer = { id: string; status: string; errors?: Array<{ pointer: string }> };
    const byId = Object.fromEntries((res.body.events as Answer[]).map((e) => [e.id, e]));
    expect(byId.top).toMatchObject({ status: 'rejected' });
    expect(byId.top!.errors?.map((e) => e.pointer)).toEqual(['/events/0/data/colour']);
    expect(byId.nested).toMatchObject({ status: 'rejected' });
    expect(byId.nested!.errors?.map((e) => e.pointer)).toEqual(['/events/1/data/tags/owner']);
    expect(byId.open!.status).toBe('accepted');
  });
});
