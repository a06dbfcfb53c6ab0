import type { Issue } from '../api/client.js';
import { flowPointer, getFlow, listFlows, parsePointer } from '../graph/flows.js';
import type { NodeIssue } from '../graph/types.js';
import type { DefinitionLike, FlowRef } from '../model.js';
import type { Section } from '../inspector/ConnectorInspector.js';

/** Where an issue takes the user: a node of a flow, an operation's settings, or a connector section. */
export type IssueTarget =
  | { kind: 'node'; flow: FlowRef; nodeId: string; field: string }
  | { kind: 'operation'; flow: FlowRef }
  | { kind: 'section'; section: Section };

export function targetOf(definition: DefinitionLike, pointer: string): IssueTarget {
  const parts = parsePointer(pointer);
  const [head, name, sub, list, index] = parts;
  if ((head === 'actions' || head === 'triggers') && name !== undefined) {
    const flow: FlowRef = { kind: head, name };
    if (sub === 'flow' && (list === 'nodes' || list === 'edges') && index !== undefined) {
      const f = getFlow(definition, flow);
      const i = Number(index);
      const nodeId = list === 'nodes' ? f?.nodes[i]?.id : f?.edges[i]?.from;
      if (nodeId)
        return {
          kind: 'node',
          flow,
          nodeId,
          field: list === 'nodes' ? `/${parts.slice(5).join('/')}` : '',
        };
    }
    if (definition[head]?.[name]) return { kind: 'operation', flow };
  }
  switch (head) {
    case 'auth':
      return { kind: 'section', section: 'auth' };
    case 'config':
      return { kind: 'section', section: 'config' };
    case 'schemas':
      return { kind: 'section', section: 'schemas' };
    case 'limits':
      return { kind: 'section', section: 'limits' };
    default:
      return { kind: 'section', section: 'general' };
  }
}

/** Issues of one flow by node id; edge issues are shown on the edge's source node. */
export function issuesByNode(
  definition: DefinitionLike,
  ref: FlowRef,
  issues: readonly Issue[],
): Map<string, NodeIssue[]> {
  const prefix = flowPointer(ref);
  const flow = getFlow(definition, ref);
  const map = new Map<string, NodeIssue[]>();
  if (!flow) return map;
  for (const issue of issues) {
    if (!issue.pointer.startsWith(`${prefix}/`)) continue;
    const rest = parsePointer(issue.pointer.slice(prefix.length));
    const [list, index, ...field] = rest;
    const i = Number(index);
    const id =
      list === 'nodes' ? flow.nodes[i]?.id : list === 'edges' ? flow.edges[i]?.from : undefined;
    if (!id) continue;
    map.set(id, [
      ...(map.get(id) ?? []),
      { ...issue, field: field.length ? `/${field.join('/')}` : '' },
    ]);
  }
  return map;
}

/** Flow-level issues (e.g. an empty flow) by flow, for the outline's badges. */
export function issueCountByFlow(
  definition: DefinitionLike,
  issues: readonly Issue[],
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const ref of listFlows(definition)) {
    const prefix = `/${ref.kind}/${ref.name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    counts.set(
      `${ref.kind}.${ref.name}`,
      issues.filter((i) => i.pointer === prefix || i.pointer.startsWith(`${prefix}/`)).length,
    );
  }
  return counts;
}

/** "Action createContact › node shape › path", for the problems list. */
export function describePointer(definition: DefinitionLike, pointer: string): string {
  const target = targetOf(definition, pointer);
  switch (target.kind) {
    case 'node':
      return `${target.flow.kind === 'actions' ? 'Action' : 'Trigger'} ${target.flow.name} › node ${target.nodeId}${target.field && target.field !== '/' ? ` › ${target.field.slice(1).replace(/\//g, ' › ')}` : ''}`;
    case 'operation': {
      const rest = parsePointer(pointer).slice(2).join(' › ');
      return `${target.flow.kind === 'actions' ? 'Action' : 'Trigger'} ${target.flow.name}${rest ? ` › ${rest}` : ''}`;
    }
    case 'section':
      return pointer ? parsePointer(pointer).join(' › ') : 'Connector';
  }
}
