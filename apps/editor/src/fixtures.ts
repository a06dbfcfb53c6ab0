import type { DefinitionLike } from './model.js';

/** A small but complete connector: one realtime action of three nodes, one with a branch and a loop. */
export function makeConnector(overrides: Partial<DefinitionLike> = {}): DefinitionLike {
  return {
    id: 'acme-crm',
    version: '1.0.0',
    name: 'Acme CRM',
    description: 'Contacts in Acme CRM',
    categories: ['crm'],
    publisher: 'Plugboard',
    base: { url: 'https://api.acme.test' },
    auth: { type: 'bearer' },
    config: { type: 'object', properties: {}, additionalProperties: false },
    schemas: {
      Contact: {
        type: 'object',
        properties: { email: { type: 'string' }, name: { type: 'string' } },
        required: ['email'],
        additionalProperties: false,
      },
    },
    actions: {
      createContact: {
        title: 'Create contact',
        description: 'Creates a contact',
        input: { $ref: '#/schemas/Contact' },
        output: { type: 'object' },
        urgency: 'realtime',
        flow: {
          nodes: [
            { id: 'shape', type: 'transform', expression: '{ "email": input.email }' },
            { id: 'create', type: 'http', method: 'POST', path: '/contacts', body: 'steps.shape' },
            { id: 'done', type: 'output', value: 'steps.create.body' },
          ],
          edges: [
            { from: 'shape', to: 'create' },
            { from: 'create', to: 'done' },
          ],
        },
      },
      syncContacts: {
        title: 'Sync contacts',
        urgency: 'batched',
        batch: { maxItems: 50, maxWaitMs: 2000 },
        input: { type: 'object' },
        output: { type: 'object' },
        flow: {
          nodes: [
            {
              id: 'check',
              type: 'branch',
              cases: [{ when: 'many', condition: '$count(items) > 1' }],
            },
            { id: 'loop', type: 'forEach', over: 'items', concurrency: 2, body: 'put' },
            {
              id: 'put',
              type: 'http',
              method: 'PUT',
              path: '/contacts/{{ item.email }}',
              parent: 'loop',
            },
            { id: 'single', type: 'code', source: 'return ctx.items;' },
            { id: 'result', type: 'output', items: 'steps.loop' },
            { id: 'nope', type: 'fail', code: 'EMPTY', message: 'nothing to sync' },
          ],
          edges: [
            { from: 'check', to: 'loop', when: 'many' },
            { from: 'check', to: 'single', when: 'default' },
            { from: 'loop', to: 'result' },
            { from: 'single', to: 'result', note: 'kept as written' },
          ],
        },
      },
    },
    triggers: {},
    ...overrides,
  };
}
