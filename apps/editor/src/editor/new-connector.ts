import type { DefinitionLike } from '../model.js';

/** What "New connector" starts from: valid apart from the empty flow the user is about to build. */
export function blankConnector(): DefinitionLike {
  return {
    id: 'my-connector',
    version: '1.0.0',
    name: 'My connector',
    description: 'Describe what this connector does.',
    categories: [],
    publisher: 'My team',
    base: { url: 'https://api.example.com' },
    auth: { type: 'none' },
    config: { type: 'object', properties: {}, additionalProperties: false },
    schemas: {},
    actions: {
      createRecord: {
        title: 'Create a record',
        description: 'Sends one record to the partner.',
        input: { type: 'object', properties: {}, additionalProperties: false },
        output: { type: 'object' },
        urgency: 'realtime',
        flow: { nodes: [], edges: [] },
      },
    },
  };
}
