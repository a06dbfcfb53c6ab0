// Structural views of a connector definition, loose on purpose: the editor must carry every field
// it does not know through edits untouched (lossless import/export), so nothing here narrows a
// definition to the fields the UI understands.

export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = Record<string, unknown>;

export const NODE_TYPES = [
  'http',
  'transform',
  'code',
  'branch',
  'forEach',
  'output',
  'fail',
] as const;
export type NodeType = (typeof NODE_TYPES)[number];

export interface FlowNodeLike {
  id: string;
  type: string;
  [key: string]: unknown;
}

export interface FlowEdgeLike {
  from: string;
  to: string;
  when?: string;
  [key: string]: unknown;
}

export interface FlowLike {
  nodes: FlowNodeLike[];
  edges: FlowEdgeLike[];
  [key: string]: unknown;
}

export interface OperationLike {
  title?: string;
  description?: string;
  flow?: FlowLike;
  [key: string]: unknown;
}

export interface Position {
  x: number;
  y: number;
}

/** `layout["actions.<name>"][nodeId]` (or `triggers.<name>`): editor positions only. */
export type FlowLayout = Record<string, Position>;
export type LayoutLike = Record<string, FlowLayout>;

export interface DefinitionLike {
  id: string;
  version: string;
  name: string;
  description?: string;
  categories?: string[];
  icon?: string;
  actions?: Record<string, OperationLike>;
  triggers?: Record<string, OperationLike>;
  layout?: LayoutLike;
  deprecation?: { message?: string; sunset?: string };
  [key: string]: unknown;
}

export type FlowKind = 'actions' | 'triggers';
export interface FlowRef {
  kind: FlowKind;
  name: string;
}

export function isNodeType(value: string): value is NodeType {
  return (NODE_TYPES as readonly string[]).includes(value);
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
