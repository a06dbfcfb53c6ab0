import type { DefinitionLike, FlowLayout, FlowLike, FlowRef, Position } from '../model.js';

export const COLUMN_WIDTH = 280;
export const ROW_HEIGHT = 130;
export const WRAP_COLUMNS = 10;

/**
 * Layered left-to-right layout for flows that carry no positions (imported or hand-written
 * definitions): a node's column is its longest distance from the entry, rows follow the order
 * nodes appear in the definition. forEach bodies sit one row band below their loop.
 */
export function autoLayout(flow: FlowLike): FlowLayout {
  const ids = flow.nodes.map((n) => n.id);
  const known = new Set(ids);
  const outgoing = new Map<string, string[]>();
  const indegree = new Map<string, number>(ids.map((id) => [id, 0]));
  const addEdge = (from: string, to: string): void => {
    if (!known.has(from) || !known.has(to) || from === to) return;
    outgoing.set(from, [...(outgoing.get(from) ?? []), to]);
    indegree.set(to, (indegree.get(to) ?? 0) + 1);
  };
  for (const edge of flow.edges) addEdge(edge.from, edge.to);
  for (const node of flow.nodes) {
    if (node.type === 'forEach' && typeof node.body === 'string') addEdge(node.id, node.body);
  }

  // Longest-path layering over a topological order (Kahn); nodes left in a cycle keep column 0
  // relative to where they were reached, which is enough to keep them visible and apart.
  const column = new Map<string, number>(ids.map((id) => [id, 0]));
  const remaining = new Map(indegree);
  const queue = ids.filter((id) => (remaining.get(id) ?? 0) === 0);
  while (queue.length > 0) {
    const id = queue.shift() as string;
    for (const next of outgoing.get(id) ?? []) {
      column.set(next, Math.max(column.get(next) ?? 0, (column.get(id) ?? 0) + 1));
      remaining.set(next, (remaining.get(next) ?? 0) - 1);
      if (remaining.get(next) === 0) queue.push(next);
    }
  }

  const bodyBand = new Set(flow.nodes.filter((n) => typeof n.parent === 'string').map((n) => n.id));
  const rowsUsed = new Map<string, number>();
  const spots = ids.map((id) => {
    const col = column.get(id) ?? 0;
    const body = bodyBand.has(id);
    const key = `${body ? 'body' : 'main'}:${col}`;
    const row = rowsUsed.get(key) ?? 0;
    rowsUsed.set(key, row + 1);
    return { id, col, row, body };
  });
  const most = (band: string): number =>
    Math.max(0, ...[...rowsUsed].filter(([k]) => k.startsWith(band)).map(([, v]) => v));
  const mainRows = Math.max(1, most('main'));
  const bodyRows = most('body');
  // Long chains wrap onto further bands of WRAP_COLUMNS, so a 200-step flow reads as a page, not a line.
  const bandRows = mainRows + bodyRows + 1;
  const layout: FlowLayout = {};
  for (const { id, col, row, body } of spots) {
    const band = Math.floor(col / WRAP_COLUMNS);
    layout[id] = {
      x: (col % WRAP_COLUMNS) * COLUMN_WIDTH,
      y: (band * bandRows + (body ? mainRows : 0) + row) * ROW_HEIGHT,
    };
  }
  return layout;
}

export function layoutKey(ref: FlowRef): string {
  return `${ref.kind}.${ref.name}`;
}

export function readLayout(definition: DefinitionLike, ref: FlowRef): FlowLayout | undefined {
  return definition.layout?.[layoutKey(ref)];
}

export function writeLayout(
  definition: DefinitionLike,
  ref: FlowRef,
  layout: FlowLayout | undefined,
): DefinitionLike {
  const next = { ...(definition.layout ?? {}) };
  if (layout) next[layoutKey(ref)] = layout;
  else delete next[layoutKey(ref)];
  if (Object.keys(next).length === 0) {
    const { layout: _drop, ...rest } = definition;
    return rest as DefinitionLike;
  }
  return { ...definition, layout: next };
}

export function roundPosition(p: Position): Position {
  return { x: Math.round(p.x), y: Math.round(p.y) };
}
