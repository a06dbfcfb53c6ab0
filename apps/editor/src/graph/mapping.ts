import type {
  DefinitionLike,
  FlowEdgeLike,
  FlowLayout,
  FlowLike,
  FlowNodeLike,
  FlowRef,
} from '../model.js';
import { isNodeType } from '../model.js';
import { getFlow, setFlow } from './flows.js';
import { autoLayout, readLayout, roundPosition, writeLayout } from './layout.js';
import type { PbEdge, PbNode } from './types.js';
import { BODY_HANDLE, DEFAULT_BRANCH, NEXT_HANDLE } from './types.js';

export interface Graph {
  nodes: PbNode[];
  edges: PbEdge[];
}

const EMPTY_FLOW: FlowLike = { nodes: [], edges: [] };

/** One action's or trigger's flow as React Flow nodes and edges; positions from `layout` or auto-layout. */
export function flowToGraph(definition: DefinitionLike, ref: FlowRef): Graph {
  const flow = getFlow(definition, ref) ?? EMPTY_FLOW;
  const saved = readLayout(definition, ref) ?? {};
  const needsAuto = flow.nodes.some((n) => !saved[n.id]);
  const auto = needsAuto ? autoLayout(flow) : {};
  const targets = new Set(flow.edges.map((e) => e.to));
  const bodies = new Set(
    flow.nodes.flatMap((n) => (n.type === 'forEach' && typeof n.body === 'string' ? [n.body] : [])),
  );
  const byId = new Map(flow.nodes.map((n) => [n.id, n]));

  const nodes = flow.nodes.map(
    (node) =>
      ({
        id: node.id,
        type: isNodeType(node.type) ? node.type : 'unknown',
        position: saved[node.id] ?? auto[node.id] ?? { x: 0, y: 0 },
        data: {
          node,
          issues: [],
          entry: !targets.has(node.id) && !bodies.has(node.id) && typeof node.parent !== 'string',
        },
      }) as PbNode,
  );

  const used = new Set<string>();
  const edges: PbEdge[] = flow.edges.map((edge) => {
    const source = byId.get(edge.from);
    return {
      id: uniqueEdgeId(edge.from, edge.to, edge.when, used),
      type: 'flow',
      source: edge.from,
      target: edge.to,
      sourceHandle: sourceHandleFor(source, edge.when),
      label: edge.when,
      data: { edge },
    };
  });
  for (const node of flow.nodes) {
    if (node.type !== 'forEach' || typeof node.body !== 'string') continue;
    edges.push({
      id: `body:${node.id}`,
      type: 'flow',
      source: node.id,
      target: node.body,
      sourceHandle: BODY_HANDLE,
      label: 'each',
      data: { body: true },
    });
  }
  return { nodes, edges };
}

/**
 * The inverse of flowToGraph: writes nodes, edges and positions back into the definition. Objects
 * that did not change are reused as they were (same keys, same order), and a flow that never had
 * a layout gets none unless a node was moved off its auto-layout spot, so import -> export is exact.
 */
export function graphToFlow(
  definition: DefinitionLike,
  ref: FlowRef,
  nodes: readonly PbNode[],
  edges: readonly PbEdge[],
): DefinitionLike {
  const original = getFlow(definition, ref);
  const bodyOf = new Map<string, string>();
  for (const edge of edges)
    if (edge.data?.body || edge.sourceHandle === BODY_HANDLE) bodyOf.set(edge.source, edge.target);

  const flowNodes: FlowNodeLike[] = nodes.map((rf) => {
    let node: FlowNodeLike =
      rf.data.node.id === rf.id ? rf.data.node : { ...rf.data.node, id: rf.id };
    // A node linked as a loop's body belongs to that loop.
    const loop = [...bodyOf].find(([, target]) => target === rf.id)?.[0];
    if (loop !== undefined && node.parent === undefined) node = { ...node, parent: loop };
    if (node.type === 'forEach') {
      const body = bodyOf.get(rf.id);
      if (body !== node.body) {
        node = { ...node };
        if (body === undefined) delete node.body;
        else node.body = body;
      }
    }
    return node;
  });
  const types = new Map(flowNodes.map((n) => [n.id, n.type]));

  const flowEdges: FlowEdgeLike[] = edges
    .filter((e) => !(e.data?.body || e.sourceHandle === BODY_HANDLE))
    .map((e) => {
      const prior = e.data?.edge;
      const fromBranch = types.get(e.source) === 'branch';
      const handle = e.sourceHandle ?? undefined;
      const when = fromBranch ? (handle ?? prior?.when ?? DEFAULT_BRANCH) : prior?.when;
      const priorWhen = prior
        ? (prior.when ?? (fromBranch ? DEFAULT_BRANCH : undefined))
        : undefined;
      if (prior && prior.from === e.source && prior.to === e.target && priorWhen === when)
        return prior;
      const next: FlowEdgeLike = { ...(prior ?? {}), from: e.source, to: e.target };
      if (
        when === undefined ||
        (fromBranch && when === DEFAULT_BRANCH && prior && prior.when === undefined)
      )
        delete next.when;
      else next.when = when;
      return next;
    });

  const flow: FlowLike = original
    ? sameArray(original.nodes, flowNodes) && sameArray(original.edges, flowEdges)
      ? original
      : { ...original, nodes: flowNodes, edges: flowEdges }
    : { nodes: flowNodes, edges: flowEdges };

  let next = flow === original ? definition : setFlow(definition, ref, flow);
  const positions: FlowLayout = {};
  for (const rf of nodes) positions[rf.id] = roundPosition(rf.position);
  const saved = readLayout(definition, ref);
  if (saved) {
    if (!samePositions(saved, positions, true)) next = writeLayout(next, ref, positions);
  } else if (!samePositions(autoLayout(flow), positions, false)) {
    next = writeLayout(next, ref, positions);
  }
  return next;
}

function sourceHandleFor(
  source: FlowNodeLike | undefined,
  when: string | undefined,
): string | null {
  if (source?.type === 'branch') return when ?? DEFAULT_BRANCH;
  if (source?.type === 'forEach') return NEXT_HANDLE;
  return null;
}

function uniqueEdgeId(
  from: string,
  to: string,
  when: string | undefined,
  used: Set<string>,
): string {
  const base = `${from}->${to}${when !== undefined ? `:${when}` : ''}`;
  let id = base;
  for (let n = 2; used.has(id); n++) id = `${base}#${n}`;
  used.add(id);
  return id;
}

function sameArray<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

/** `exact`: the saved layout must hold exactly these nodes (stale entries count as a change). */
function samePositions(saved: FlowLayout, positions: FlowLayout, exact: boolean): boolean {
  const ids = Object.keys(positions);
  if (exact && Object.keys(saved).length !== ids.length) return false;
  return ids.every((id) => saved[id]?.x === positions[id]?.x && saved[id]?.y === positions[id]?.y);
}
