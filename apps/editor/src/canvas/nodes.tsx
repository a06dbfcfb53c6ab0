import { Handle, Position } from '@xyflow/react';
import type { NodeProps, NodeTypes } from '@xyflow/react';
import { memo, useCallback } from 'react';
import type { ChangeEvent, ReactNode } from 'react';
import type {
  BranchFlowNode,
  FlowNodeData,
  ForEachFlowNode,
  HttpFlowNode,
  UnknownFlowNode,
} from '../graph/types.js';
import type {
  CodeFlowNode,
  FailFlowNode,
  OutputFlowNode,
  TransformFlowNode,
} from '../graph/types.js';
import { BODY_HANDLE, DEFAULT_BRANCH, NEXT_HANDLE } from '../graph/types.js';
import { isNodeType } from '../model.js';
import { useCanvasActions } from './actions-context.js';
import { NODE_META, summarize } from './meta.js';

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'];

function Card({
  id,
  data,
  selected,
  children,
  terminal,
}: {
  id: string;
  data: FlowNodeData<string>;
  selected: boolean;
  children?: ReactNode;
  terminal?: boolean;
}) {
  const { node, issues, entry } = data;
  const meta = isNodeType(node.type) ? NODE_META[node.type] : { short: node.type, glyph: '?' };
  const title = typeof node.title === 'string' && node.title ? node.title : id;
  const problems = issues.length;
  return (
    <div
      className={`pb-node pb-node-${isNodeType(node.type) ? node.type : 'unknown'}${selected ? ' selected' : ''}${problems ? ' has-issues' : ''}`}
      data-node-id={id}
      title={problems ? issues.map((i) => i.message).join('\n') : undefined}
    >
      <Handle type="target" position={Position.Left} className="pb-handle" />
      <div className="pb-node-head">
        <span className="pb-node-glyph" aria-hidden="true">
          {meta.glyph}
        </span>
        <span className="pb-node-type">{meta.short}</span>
        {entry && <span className="pb-node-tag">start</span>}
        {problems > 0 ? (
          <span
            className="pb-node-issues"
            aria-label={`${problems} problem${problems === 1 ? '' : 's'}`}
          >
            {problems}
          </span>
        ) : (
          <span className="pb-node-ok" aria-label="valid">
            ✓
          </span>
        )}
      </div>
      <div className="pb-node-title">{title}</div>
      <div className="pb-node-summary">{summarize(node)}</div>
      {children}
      {!terminal && <Handle type="source" position={Position.Right} className="pb-handle" />}
    </div>
  );
}

export const HttpNodeView = memo(function HttpNodeView({
  id,
  data,
  selected,
}: NodeProps<HttpFlowNode>) {
  const { updateNode } = useCanvasActions();
  const onMethod = useCallback(
    (e: ChangeEvent<HTMLSelectElement>) => updateNode(id, { ...data.node, method: e.target.value }),
    [id, data.node, updateNode],
  );
  return (
    <Card id={id} data={data} selected={selected}>
      <select
        className="nodrag pb-node-method"
        aria-label={`Method of ${id}`}
        value={typeof data.node.method === 'string' ? data.node.method : 'GET'}
        onChange={onMethod}
      >
        {HTTP_METHODS.map((m) => (
          <option key={m}>{m}</option>
        ))}
      </select>
    </Card>
  );
});

type Step = TransformFlowNode | CodeFlowNode | UnknownFlowNode;
export const StepNodeView = memo(function StepNodeView({ id, data, selected }: NodeProps<Step>) {
  return <Card id={id} data={data} selected={selected} />;
});

type Terminal = OutputFlowNode | FailFlowNode;
export const TerminalNodeView = memo(function TerminalNodeView({
  id,
  data,
  selected,
}: NodeProps<Terminal>) {
  return <Card id={id} data={data} selected={selected} terminal />;
});

export const BranchNodeView = memo(function BranchNodeView({
  id,
  data,
  selected,
}: NodeProps<BranchFlowNode>) {
  const cases = Array.isArray(data.node.cases)
    ? (data.node.cases as Array<{ when?: unknown }>)
    : [];
  const labels = [
    ...cases.map((c) => (typeof c.when === 'string' ? c.when : '')).filter(Boolean),
    DEFAULT_BRANCH,
  ];
  return (
    <Card id={id} data={data} selected={selected} terminal>
      <div className="pb-branch-outs">
        {labels.map((label) => (
          <div key={label} className="pb-branch-out">
            <span>{label}</span>
            <Handle
              type="source"
              id={label}
              position={Position.Right}
              className="pb-handle pb-handle-case"
            />
          </div>
        ))}
      </div>
    </Card>
  );
});

export const ForEachNodeView = memo(function ForEachNodeView({
  id,
  data,
  selected,
}: NodeProps<ForEachFlowNode>) {
  return (
    <Card id={id} data={data} selected={selected} terminal>
      <Handle type="source" id={NEXT_HANDLE} position={Position.Right} className="pb-handle" />
      <div className="pb-loop-body">each element ↓</div>
      <Handle
        type="source"
        id={BODY_HANDLE}
        position={Position.Bottom}
        className="pb-handle pb-handle-body"
      />
    </Card>
  );
});

/** Module scope: a new object per render would remount every node (React Flow warning 002). */
export const nodeTypes: NodeTypes = {
  http: HttpNodeView,
  transform: StepNodeView,
  code: StepNodeView,
  branch: BranchNodeView,
  forEach: ForEachNodeView,
  output: TerminalNodeView,
  fail: TerminalNodeView,
  unknown: StepNodeView,
};
