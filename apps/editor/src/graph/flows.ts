import type { DefinitionLike, FlowLike, FlowRef, OperationLike } from '../model.js';

/** Every action and trigger that has (or can have) a flow, actions first, in definition order. */
export function listFlows(definition: DefinitionLike): FlowRef[] {
  const refs: FlowRef[] = [];
  for (const name of Object.keys(definition.actions ?? {})) refs.push({ kind: 'actions', name });
  for (const name of Object.keys(definition.triggers ?? {})) refs.push({ kind: 'triggers', name });
  return refs;
}

export function getOperation(definition: DefinitionLike, ref: FlowRef): OperationLike | undefined {
  return definition[ref.kind]?.[ref.name];
}

export function getFlow(definition: DefinitionLike, ref: FlowRef): FlowLike | undefined {
  return getOperation(definition, ref)?.flow;
}

export function flowPointer(ref: FlowRef): string {
  return `/${ref.kind}/${escapePointer(ref.name)}/flow`;
}

export function sameRef(a: FlowRef | undefined, b: FlowRef | undefined): boolean {
  return !!a && !!b && a.kind === b.kind && a.name === b.name;
}

/** Replaces one operation's flow, copying only the objects on the path so the rest stays shared. */
export function setFlow(definition: DefinitionLike, ref: FlowRef, flow: FlowLike): DefinitionLike {
  const operations = definition[ref.kind] ?? {};
  const operation = operations[ref.name] ?? {};
  return { ...definition, [ref.kind]: { ...operations, [ref.name]: { ...operation, flow } } };
}

export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function parsePointer(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .replace(/^\//, '')
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}
