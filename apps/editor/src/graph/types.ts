import type { Edge, Node } from '@xyflow/react';
import type { FlowEdgeLike, FlowNodeLike, NodeType } from '../model.js';

/** A validation problem already resolved to the node (and field, relative to the node) it names. */
export interface NodeIssue {
  pointer: string;
  field: string;
  code: string;
  message: string;
}

export type FlowNodeData<T extends string> = {
  node: FlowNodeLike & { type: T };
  issues: readonly NodeIssue[];
  entry: boolean;
};

export type HttpFlowNode = Node<FlowNodeData<'http'>, 'http'>;
export type TransformFlowNode = Node<FlowNodeData<'transform'>, 'transform'>;
export type CodeFlowNode = Node<FlowNodeData<'code'>, 'code'>;
export type BranchFlowNode = Node<FlowNodeData<'branch'>, 'branch'>;
export type ForEachFlowNode = Node<FlowNodeData<'forEach'>, 'forEach'>;
export type OutputFlowNode = Node<FlowNodeData<'output'>, 'output'>;
export type FailFlowNode = Node<FlowNodeData<'fail'>, 'fail'>;
/** A node type this editor build does not know: shown generically and carried through untouched. */
export type UnknownFlowNode = Node<FlowNodeData<string>, 'unknown'>;

export type PbNode =
  | HttpFlowNode
  | TransformFlowNode
  | CodeFlowNode
  | BranchFlowNode
  | ForEachFlowNode
  | OutputFlowNode
  | FailFlowNode
  | UnknownFlowNode;

export type PbEdgeData = {
  /** The definition's edge this one shows; absent for edges drawn in the editor. */
  edge?: FlowEdgeLike;
  /** A forEach's `body` link, drawn as an edge but stored as the loop node's `body` field. */
  body?: boolean;
};
export type PbEdge = Edge<PbEdgeData, 'flow'>;

export const BODY_HANDLE = 'body';
export const NEXT_HANDLE = 'next';
export const DEFAULT_BRANCH = 'default';

export type { NodeType };
