import type { DefinitionLike, FlowLike, FlowNodeLike, FlowRef, NodeType } from '../model.js';
import { getFlow, setFlow } from './flows.js';
import { readLayout, writeLayout } from './layout.js';

/** The smallest valid-looking configuration of each node type, so a dropped node is useful at once. */
export function defaultNodeFields(type: NodeType): Omit<FlowNodeLike, 'id' | 'type'> {
  switch (type) {
    case 'http':
      return { method: 'GET', path: '/' };
    case 'transform':
      return { expression: 'input' };
    case 'code':
      return { source: 'return ctx.input;' };
    case 'branch':
      return { cases: [{ when: 'yes', condition: 'true' }] };
    case 'forEach':
      return { over: 'input.items', concurrency: 1 };
    case 'output':
      return { value: 'steps' };
    case 'fail':
      return { code: 'FAILED', message: 'The request failed' };
  }
}

export function uniqueNodeId(flow: FlowLike | undefined, base: string): string {
  const taken = new Set((flow?.nodes ?? []).map((n) => n.id));
  const stem = base.replace(/[^A-Za-z0-9_]/g, '') || 'node';
  if (!taken.has(stem)) return stem;
  for (let n = 2; ; n++) if (!taken.has(`${stem}${n}`)) return `${stem}${n}`;
}

export function createNode(flow: FlowLike | undefined, type: NodeType): FlowNodeLike {
  return { id: uniqueNodeId(flow, type), type, ...defaultNodeFields(type) };
}

/** Replaces one node's fields (the inspector's edits), keeping its place in the flow. */
export function updateNode(
  definition: DefinitionLike,
  ref: FlowRef,
  id: string,
  node: FlowNodeLike,
): DefinitionLike {
  const flow = getFlow(definition, ref);
  if (!flow) return definition;
  if (node.id !== id)
    return updateNode(renameNode(definition, ref, id, node.id), ref, node.id, node);
  return setFlow(definition, ref, {
    ...flow,
    nodes: flow.nodes.map((n) => (n.id === id ? node : n)),
  });
}

/** Renames a node everywhere the definition refers to it by id: edges, loop bodies, parents, layout. */
export function renameNode(
  definition: DefinitionLike,
  ref: FlowRef,
  from: string,
  to: string,
): DefinitionLike {
  const flow = getFlow(definition, ref);
  if (!flow || from === to || flow.nodes.some((n) => n.id === to)) return definition;
  const nodes = flow.nodes.map((n) => {
    let next = n.id === from ? { ...n, id: to } : n;
    if (next.body === from) next = { ...next, body: to };
    if (next.parent === from) next = { ...next, parent: to };
    return next;
  });
  const edges = flow.edges.map((e) =>
    e.from === from || e.to === from
      ? { ...e, from: e.from === from ? to : e.from, to: e.to === from ? to : e.to }
      : e,
  );
  let next = setFlow(definition, ref, { ...flow, nodes, edges });
  const layout = readLayout(definition, ref);
  if (layout?.[from]) {
    const renamed = Object.fromEntries(
      Object.entries(layout).map(([k, v]) => [k === from ? to : k, v]),
    );
    next = writeLayout(next, ref, renamed);
  }
  return next;
}
