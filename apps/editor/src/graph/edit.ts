import type { DefinitionLike, FlowRef, NodeType, Position } from '../model.js';
import { getFlow, setFlow } from './flows.js';
import { flowToGraph, graphToFlow } from './mapping.js';
import { createNode } from './ops.js';
import type { PbNode } from './types.js';

/** Adds a node of `type` at `position` (canvas coordinates); returns the definition and the new id. */
export function addNodeAt(
  definition: DefinitionLike,
  ref: FlowRef,
  type: NodeType,
  position: Position,
): { definition: DefinitionLike; id: string } {
  let def = definition;
  if (!getFlow(def, ref)) def = setFlow(def, ref, { nodes: [], edges: [] });
  const node = createNode(getFlow(def, ref), type);
  const { nodes, edges } = flowToGraph(def, ref);
  const added = { id: node.id, type, position, data: { node, issues: [], entry: false } } as PbNode;
  return { definition: graphToFlow(def, ref, [...nodes, added], edges), id: node.id };
}
