import type { JsonSchema } from '@plugboard/definition';
import type { ConnectorDefinition, FlowNodeView, FlowView } from '../definition.js';

/** A minimal valid-looking connector; specs override what they exercise. */
export function makeConnector(overrides: Partial<ConnectorDefinition> = {}): ConnectorDefinition {
  return {
    id: 'acme',
    version: '1.0.0',
    name: 'Acme',
    description: 'A test partner',
    base: { url: 'http://127.0.0.1:1' },
    auth: { type: 'none' },
    actions: {},
    ...overrides,
  };
}

/** A straight line of nodes: each one's edge goes to the next. */
export function line(first: FlowNodeView, ...rest: FlowNodeView[]): FlowView {
  const nodes: [FlowNodeView, ...FlowNodeView[]] = [first, ...rest];
  const edges = rest.map((node, i) => ({ from: nodes[i]?.id ?? '', to: node.id }));
  return { nodes, edges };
}

export function withAction(
  definition: ConnectorDefinition,
  name: string,
  flow: FlowView,
  extra: { urgency?: 'realtime' | 'batched'; output?: JsonSchema } = {},
): ConnectorDefinition {
  return {
    ...definition,
    actions: {
      ...definition.actions,
      [name]: { title: name, input: {}, ...extra, output: extra.output ?? {}, flow },
    },
  };
}
