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
export function line(...nodes: FlowNodeView[]): FlowView {
  const edges = nodes.slice(1).map((node, i) => ({ from: nodes[i]?.id ?? '', to: node.id }));
  return { nodes, edges };
}

export function withAction(
  definition: ConnectorDefinition,
  name: string,
  flow: FlowView,
  extra: { urgency?: 'realtime' | 'batched'; output?: unknown } = {},
): ConnectorDefinition {
  return {
    ...definition,
    actions: {
      ...definition.actions,
      [name]: { input: {}, output: extra.output ?? {}, ...extra, flow },
    },
  };
}
