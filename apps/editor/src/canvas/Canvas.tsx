import {
  Background,
  BackgroundVariant,
  Controls,
  MarkerType,
  MiniMap,
  ReactFlow,
  applyEdgeChanges,
  applyNodeChanges,
  reconnectEdge,
  useReactFlow,
} from '@xyflow/react';
import type {
  Connection,
  EdgeChange,
  IsValidConnection,
  NodeChange,
  OnDelete,
  OnNodeDrag,
  OnSelectionChangeFunc,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { DragEvent } from 'react';
import { addNodeAt } from '../graph/edit.js';
import { flowToGraph, graphToFlow } from '../graph/mapping.js';
import { updateNode } from '../graph/ops.js';
import type { NodeIssue, PbEdge, PbNode } from '../graph/types.js';
import { BODY_HANDLE } from '../graph/types.js';
import { isNodeType } from '../model.js';
import type { DefinitionLike, FlowNodeLike, FlowRef } from '../model.js';
import { CanvasActionsContext } from './actions-context.js';
import type { CanvasActions } from './actions-context.js';
import { edgeTypes } from './FlowEdge.js';
import { TYPE_COLOR } from './meta.js';
import { nodeTypes } from './nodes.js';

export const DRAG_MIME = 'application/x-plugboard-node';

export interface CanvasProps {
  definition: DefinitionLike;
  flowRef: FlowRef;
  issuesByNode: ReadonlyMap<string, readonly NodeIssue[]>;
  selectedNodeId: string | null;
  onEdit: (definition: DefinitionLike, tag?: string) => void;
  onSelectNode: (id: string | null) => void;
  /** Set anew for every request to scroll a node into view. */
  reveal?: { id: string } | undefined;
}

const NO_ISSUES: readonly NodeIssue[] = [];
const defaultEdgeOptions = {
  type: 'flow',
  markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18 },
} as const;
const deleteKeys = ['Backspace', 'Delete'];
const multiKeys = ['Meta', 'Control'];
const minimapColor = (node: PbNode): string => TYPE_COLOR[node.type ?? 'unknown'] ?? '#64748b';
const proOptions = { hideAttribution: true };
const minimapStyle = { width: 168, height: 112 };

/**
 * Keeps node objects whose definition node, issues and position did not change, so React Flow
 * and the memoised node components skip them: a 200-node canvas re-renders only what changed.
 */
function mergeNodes(
  prev: readonly PbNode[],
  next: readonly PbNode[],
  issues: CanvasProps['issuesByNode'],
  selected: string | null,
): PbNode[] {
  const before = new Map(prev.map((n) => [n.id, n]));
  return next.map((n) => {
    const old = before.get(n.id);
    const nodeIssues = issues.get(n.id) ?? NO_ISSUES;
    const isSelected = selected !== null ? n.id === selected : !!old?.selected;
    if (
      old &&
      old.data.node === n.data.node &&
      old.data.issues === nodeIssues &&
      old.data.entry === n.data.entry &&
      old.position.x === n.position.x &&
      old.position.y === n.position.y &&
      old.type === n.type
    ) {
      return old.selected === isSelected ? old : ({ ...old, selected: isSelected } as PbNode);
    }
    return { ...n, selected: isSelected, data: { ...n.data, issues: nodeIssues } } as PbNode;
  });
}

function mergeEdges(prev: readonly PbEdge[], next: readonly PbEdge[]): PbEdge[] {
  const before = new Map(prev.map((e) => [e.id, e]));
  return next.map((e) => {
    const old = before.get(e.id);
    if (
      old &&
      old.data?.edge === e.data?.edge &&
      old.source === e.source &&
      old.target === e.target &&
      old.sourceHandle === e.sourceHandle
    )
      return old;
    return { ...e, selected: old?.selected ?? false };
  });
}

export function Canvas({
  definition,
  flowRef,
  issuesByNode,
  selectedNodeId,
  onEdit,
  onSelectNode,
  reveal,
}: CanvasProps) {
  const rf = useReactFlow<PbNode, PbEdge>();
  const graph = useMemo(() => flowToGraph(definition, flowRef), [definition, flowRef]);
  const [nodes, setNodes] = useState<PbNode[]>(() =>
    mergeNodes([], graph.nodes, issuesByNode, selectedNodeId),
  );
  const [edges, setEdges] = useState<PbEdge[]>(() => mergeEdges([], graph.edges));
  // Fit only a flow that has nodes when opened: fitting an empty one would zoom onto the first drop.
  const [fitOnOpen] = useState(() => graph.nodes.length > 0);

  // Handlers read the latest values through refs so they can stay referentially stable.
  const latest = useRef({ definition, flowRef, nodes, edges, onEdit, onSelectNode });
  latest.current = { definition, flowRef, nodes, edges, onEdit, onSelectNode };

  useEffect(() => {
    setNodes((prev) => mergeNodes(prev, graph.nodes, issuesByNode, selectedNodeId));
    setEdges((prev) => mergeEdges(prev, graph.edges));
  }, [graph, issuesByNode, selectedNodeId]);

  // A jump from the problems panel centres its node (each request once), keeping the zoom.
  useEffect(() => {
    if (!reveal) return;
    const t = setTimeout(() => {
      const node = rf.getInternalNode(reveal.id);
      if (!node) return;
      const { x, y } = node.internals.positionAbsolute;
      const w = node.measured.width ?? 210;
      const h = node.measured.height ?? 80;
      const box = document.querySelector('.canvas')?.getBoundingClientRect();
      const topLeft = rf.flowToScreenPosition({ x, y });
      const bottomRight = rf.flowToScreenPosition({ x: x + w, y: y + h });
      const inView =
        box &&
        topLeft.x >= box.left &&
        topLeft.y >= box.top &&
        bottomRight.x <= box.right &&
        bottomRight.y <= box.bottom;
      if (inView) return;
      void rf.setCenter(x + w / 2, y + h / 2, { zoom: rf.getZoom(), duration: 250 });
    }, 30);
    return () => clearTimeout(t);
  }, [reveal, rf]);

  const commit = useCallback(
    (nextNodes: readonly PbNode[], nextEdges: readonly PbEdge[], tag: string) => {
      const { definition: def, flowRef: ref } = latest.current;
      latest.current.onEdit(graphToFlow(def, ref, nextNodes, nextEdges), tag);
    },
    [],
  );

  const onNodesChange = useCallback((changes: NodeChange<PbNode>[]) => {
    // Removals are committed by onDelete (once, with their edges); here only the view follows.
    setNodes((nds) => applyNodeChanges(changes, nds));
  }, []);
  const onEdgesChange = useCallback(
    (changes: EdgeChange<PbEdge>[]) => setEdges((eds) => applyEdgeChanges(changes, eds)),
    [],
  );

  const onDelete: OnDelete<PbNode, PbEdge> = useCallback(
    ({ nodes: gone, edges: goneEdges }) => {
      const nodeIds = new Set(gone.map((n) => n.id));
      const edgeIds = new Set(goneEdges.map((e) => e.id));
      const { nodes: nds, edges: eds } = latest.current;
      commit(
        nds.filter((n) => !nodeIds.has(n.id)),
        eds.filter((e) => !edgeIds.has(e.id) && !nodeIds.has(e.source) && !nodeIds.has(e.target)),
        'delete',
      );
      if (nodeIds.size > 0) latest.current.onSelectNode(null);
    },
    [commit],
  );

  const onConnect = useCallback(
    (connection: Connection) => {
      const { nodes: nds, edges: eds } = latest.current;
      // A loop has one body: drawing a new body link replaces the old one.
      const kept =
        connection.sourceHandle === BODY_HANDLE
          ? eds.filter((e) => !(e.source === connection.source && e.sourceHandle === BODY_HANDLE))
          : eds;
      const edge: PbEdge = {
        id: `new:${connection.source}:${connection.sourceHandle ?? ''}:${connection.target}`,
        type: 'flow',
        ...connection,
        data: connection.sourceHandle === BODY_HANDLE ? { body: true } : {},
      };
      commit(nds, [...kept, edge], 'connect');
    },
    [commit],
  );

  const onReconnect = useCallback(
    (oldEdge: PbEdge, connection: Connection) => {
      const { nodes: nds, edges: eds } = latest.current;
      commit(nds, reconnectEdge(oldEdge, connection, eds), 'reconnect');
    },
    [commit],
  );

  const isValidConnection: IsValidConnection<PbEdge> = useCallback((c) => {
    if (c.source === c.target) return false;
    const { edges: eds } = latest.current;
    return !eds.some(
      (e) =>
        e.source === c.source &&
        e.target === c.target &&
        (e.sourceHandle ?? null) === (c.sourceHandle ?? null),
    );
  }, []);

  const onNodeDragStop: OnNodeDrag<PbNode> = useCallback(
    (_event, _node, dragged) => {
      const moved = new Map(dragged.map((n) => [n.id, n.position]));
      const { nodes: nds, edges: eds } = latest.current;
      commit(
        nds.map((n) => (moved.has(n.id) ? ({ ...n, position: moved.get(n.id) } as PbNode) : n)),
        eds,
        'move',
      );
    },
    [commit],
  );

  const onSelectionChange: OnSelectionChangeFunc<PbNode, PbEdge> = useCallback(
    ({ nodes: picked }) => {
      latest.current.onSelectNode(picked.length === 1 ? (picked[0]?.id ?? null) : null);
    },
    [],
  );

  const onDragOver = useCallback((event: DragEvent) => {
    if (event.dataTransfer.types.includes(DRAG_MIME)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = 'move';
    }
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const type = event.dataTransfer.getData(DRAG_MIME);
      if (!isNodeType(type)) return;
      event.preventDefault();
      const position = rf.screenToFlowPosition({ x: event.clientX - 100, y: event.clientY - 30 });
      const { definition: def, flowRef: ref } = latest.current;
      const added = addNodeAt(def, ref, type, position);
      latest.current.onEdit(added.definition, 'add');
      latest.current.onSelectNode(added.id);
    },
    [rf],
  );

  const actions = useMemo<CanvasActions>(
    () => ({
      updateNode: (id: string, node: FlowNodeLike) => {
        const { definition: def, flowRef: ref } = latest.current;
        latest.current.onEdit(updateNode(def, ref, id, node), `node:${id}`);
      },
    }),
    [],
  );

  return (
    <CanvasActionsContext.Provider value={actions}>
      <div className="canvas" onDragOver={onDragOver} onDrop={onDrop}>
        <ReactFlow<PbNode, PbEdge>
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          defaultEdgeOptions={defaultEdgeOptions}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onConnect={onConnect}
          onReconnect={onReconnect}
          onDelete={onDelete}
          onNodeDragStop={onNodeDragStop}
          onSelectionChange={onSelectionChange}
          isValidConnection={isValidConnection}
          deleteKeyCode={deleteKeys}
          multiSelectionKeyCode={multiKeys}
          selectionKeyCode="Shift"
          fitView={fitOnOpen}
          fitViewOptions={{ maxZoom: 1.1, padding: 0.2 }}
          minZoom={0.1}
          proOptions={proOptions}
          aria-label="Flow canvas"
        >
          <Background variant={BackgroundVariant.Dots} gap={18} size={1.2} color="#cbd5e1" />
          <MiniMap<PbNode>
            pannable
            zoomable
            nodeColor={minimapColor}
            ariaLabel="Flow overview"
            style={minimapStyle}
          />
          <Controls />
        </ReactFlow>
      </div>
    </CanvasActionsContext.Provider>
  );
}
