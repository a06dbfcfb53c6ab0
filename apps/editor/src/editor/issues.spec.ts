import { describe, expect, it } from 'vitest';
import { makeConnector } from '../fixtures.js';
import { describePointer, issuesByNode, targetOf } from './issues.js';

describe('issue pointers', () => {
  const def = makeConnector();
  it('resolves a node field pointer to the node and field', () => {
    expect(targetOf(def, '/actions/createContact/flow/nodes/1/path')).toEqual({
      kind: 'node',
      flow: { kind: 'actions', name: 'createContact' },
      nodeId: 'create',
      field: '/path',
    });
    expect(describePointer(def, '/actions/createContact/flow/nodes/1/path')).toBe(
      'Action createContact › node create › path',
    );
  });

  it('sends connector-level pointers to their section', () => {
    expect(targetOf(def, '/auth/type')).toEqual({ kind: 'section', section: 'auth' });
    expect(targetOf(def, '/actions/createContact/input')).toEqual({
      kind: 'operation',
      flow: { kind: 'actions', name: 'createContact' },
    });
    expect(targetOf(def, '/version')).toEqual({ kind: 'section', section: 'general' });
  });

  it('groups a flow`s issues by node, edge issues on their source node', () => {
    const map = issuesByNode(def, { kind: 'actions', name: 'syncContacts' }, [
      {
        pointer: '/actions/syncContacts/flow/nodes/0/cases/0/condition',
        code: 'JSONATA',
        message: 'bad',
      },
      { pointer: '/actions/syncContacts/flow/edges/2', code: 'DANGLING', message: 'edge' },
      { pointer: '/actions/createContact/flow/nodes/0', code: 'X', message: 'other flow' },
    ]);
    expect([...map.keys()]).toEqual(['check', 'loop']);
    expect(map.get('check')![0]!.field).toBe('/cases/0/condition');
  });
});
