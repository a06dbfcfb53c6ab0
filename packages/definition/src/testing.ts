// Test factories for connector definitions (used by this package's specs and by dependents').
import type { Action, ConnectorDefinition, FlowNode } from './generated/connector.generated.js';

/** A realtime action calling `POST /echo` and returning the body: valid on its own. */
export function makeAction(overrides: Partial<Action> = {}): Action {
  return {
    title: 'Echo',
    description: 'Posts the input and returns what the partner answers.',
    input: {
      type: 'object',
      additionalProperties: false,
      properties: { text: { type: 'string' } },
      required: ['text'],
    },
    output: { type: 'object', additionalProperties: true },
    flow: {
      nodes: [
        { id: 'call', type: 'http', method: 'POST', path: '/echo', body: 'input' },
        { id: 'done', type: 'output', value: 'steps.call.body' },
      ],
      edges: [{ from: 'call', to: 'done' }],
    },
    ...overrides,
  };
}

/** A batched action that posts all items at once and reports one outcome per item. */
export function makeBatchedAction(overrides: Partial<Action> = {}): Action {
  return makeAction({
    title: 'Import',
    urgency: 'batched',
    batch: { maxItems: 50, maxWaitMs: 1000 },
    flow: {
      nodes: [
        { id: 'call', type: 'http', method: 'POST', path: '/import', body: '{ "records": items }' },
        {
          id: 'done',
          type: 'output',
          items:
            "steps.call.body.results.{ 'status': ok ? 'ok' : 'failed', 'output': { 'id': id } }",
        },
      ],
      edges: [{ from: 'call', to: 'done' }],
    },
    ...overrides,
  });
}

/** A flow of the given nodes chained in order (each node's edge goes to the next). */
export function chain(...nodes: FlowNode[]): Action['flow'] {
  return {
    nodes,
    edges: nodes.slice(1).map((node, index) => ({ from: nodes[index]!.id, to: node.id })),
  };
}

/** A minimal valid connector definition; `overrides` replace top-level fields. */
export function makeConnector(overrides: Partial<ConnectorDefinition> = {}): ConnectorDefinition {
  return {
    id: 'acme',
    version: '1.0.0',
    name: 'Acme',
    description: 'Test connector for the Acme API.',
    base: { url: 'https://api.acme.test' },
    auth: { type: 'bearer' },
    actions: { echo: makeAction() },
    ...overrides,
  };
}
