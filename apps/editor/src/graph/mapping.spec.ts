import { describe, expect, it } from 'vitest';
import { makeConnector } from '../fixtures.js';
import type { DefinitionLike, FlowRef } from '../model.js';
import { getFlow, listFlows } from './flows.js';
import { autoLayout, readLayout } from './layout.js';
import { flowToGraph, graphToFlow } from './mapping.js';
import { renameNode } from './ops.js';
import type { PbEdge } from './types.js';

// Whatever connector packages exist in the repo right now; each must survive the editor untouched.
const shipped = import.meta.glob<DefinitionLike>('../../../../connectors/*/connector.json', {
  eager: true,
  import: 'default',
});

const create: FlowRef = { kind: 'actions', name: 'createContact' };
const sync: FlowRef = { kind: 'actions', name: 'syncContacts' };

function roundTrip(definition: DefinitionLike): DefinitionLike {
  let next = definition;
  for (const ref of listFlows(definition)) {
    const { nodes, edges } = flowToGraph(next, ref);
    next = graphToFlow(next, ref, nodes, edges);
  }
  return next;
}

describe('definition <-> graph', () => {
  const cases: Array<[string, DefinitionLike]> = [
    ['fixture without layout', makeConnector()],
    ['fixture with layout', roundTripMoved(makeConnector())],
    ...Object.entries(shipped).map(([file, def]): [string, DefinitionLike] => [
      file.replace(/^.*connectors\//, ''),
      def,
    ]),
  ];

  it.each(cases)('round-trips %s exactly', (_name, definition) => {
    const text = JSON.stringify(definition, null, 2);
    const back = roundTrip(structuredClone(definition));
    expect(JSON.stringify(back, null, 2)).toBe(text);
  });

  it('maps nodes, branch labels and loop bodies onto the canvas', () => {
    const { nodes, edges } = flowToGraph(makeConnector(), sync);
    expect(nodes.map((n) => [n.id, n.type, n.data.entry])).toEqual([
      ['check', 'branch', true],
      ['loop', 'forEach', false],
      ['put', 'http', false],
      ['single', 'code', false],
      ['result', 'output', false],
      ['nope', 'fail', true],
    ]);
    const labelled = edges.map((e) => [e.source, e.target, e.sourceHandle, e.label]);
    expect(labelled).toContainEqual(['check', 'loop', 'many', 'many']);
    expect(labelled).toContainEqual(['check', 'single', 'default', 'default']);
    expect(labelled).toContainEqual(['loop', 'put', 'body', 'each']);
  });

  it('lays out a definition without positions left to right, no two nodes on one spot', () => {
    const flow = getFlow(makeConnector(), create);
    const layout = autoLayout(flow!);
    expect(layout.shape!.x).toBeLessThan(layout.create!.x);
    expect(layout.create!.x).toBeLessThan(layout.done!.x);
    const sync_ = autoLayout(getFlow(makeConnector(), sync)!);
    const spots = Object.values(sync_).map((p) => `${p.x},${p.y}`);
    expect(new Set(spots).size).toBe(spots.length);
  });

  it('wraps a long chain onto several bands instead of one endless row', () => {
    const nodes = Array.from({ length: 35 }, (_, i) => ({
      id: `n${i}`,
      type: 'transform',
      expression: 'input',
    }));
    const edges = nodes.slice(1).map((n, i) => ({ from: `n${i}`, to: n.id }));
    const layout = autoLayout({ nodes, edges });
    const xs = Object.values(layout).map((p) => p.x);
    expect(Math.max(...xs)).toBeLessThan(10 * 280);
    const spots = Object.values(layout).map((p) => `${p.x},${p.y}`);
    expect(new Set(spots).size).toBe(35);
    expect(layout.n10!.y).toBeGreaterThan(layout.n9!.y);
  });

  it('keeps no layout until a node is moved, then keeps every position in `layout`', () => {
    const def = makeConnector();
    const { nodes, edges } = flowToGraph(def, create);
    expect(graphToFlow(def, create, nodes, edges).layout).toBeUndefined();
    const moved = nodes.map((n) =>
      n.id === 'done' ? { ...n, position: { x: 901.4, y: 33.6 } } : n,
    );
    const next = graphToFlow(def, create, moved, edges);
    expect(readLayout(next, create)).toEqual({
      ...autoLayout(getFlow(def, create)!),
      done: { x: 901, y: 34 },
    });
    expect(flowToGraph(next, create).nodes.find((n) => n.id === 'done')!.position).toEqual({
      x: 901,
      y: 34,
    });
  });

  it('writes new connections back as edges, with the branch case taken from the handle', () => {
    const def = makeConnector();
    const { nodes, edges } = flowToGraph(def, sync);
    const drawn: PbEdge = {
      id: 'x',
      source: 'check',
      sourceHandle: 'default',
      target: 'nope',
      type: 'flow',
    };
    const next = graphToFlow(def, sync, nodes, [
      ...edges.filter((e) => e.target !== 'single'),
      drawn,
    ]);
    expect(getFlow(next, sync)!.edges).toEqual([
      { from: 'check', to: 'loop', when: 'many' },
      { from: 'loop', to: 'result' },
      { from: 'single', to: 'result', note: 'kept as written' },
      { from: 'check', to: 'nope', when: 'default' },
    ]);
  });

  it('stores a loop body link as the forEach node`s body and drops it when the link is deleted', () => {
    const def = makeConnector();
    const { nodes, edges } = flowToGraph(def, sync);
    const next = graphToFlow(
      def,
      sync,
      nodes,
      edges.filter((e) => !e.data?.body),
    );
    const loop = getFlow(next, sync)!.nodes.find((n) => n.id === 'loop')!;
    expect(loop).not.toHaveProperty('body');
    expect(getFlow(next, sync)!.nodes.find((n) => n.id === 'put')).toBe(
      getFlow(def, sync)!.nodes[2],
    );
  });

  it('makes a node drawn as a loop`s body that loop`s body and child', () => {
    const def = makeConnector();
    const { nodes, edges } = flowToGraph(def, sync);
    const rest = edges.filter((e) => !e.data?.body);
    const drawn: PbEdge = {
      id: 'b',
      source: 'loop',
      sourceHandle: 'body',
      target: 'single',
      type: 'flow',
    };
    const flow = getFlow(graphToFlow(def, sync, nodes, [...rest, drawn]), sync)!;
    expect(flow.nodes.find((n) => n.id === 'loop')!.body).toBe('single');
    expect(flow.nodes.find((n) => n.id === 'single')!.parent).toBe('loop');
  });

  it('renames a node in edges, bodies and parents', () => {
    const next = renameNode(makeConnector(), sync, 'put', 'upsert');
    const flow = getFlow(next, sync)!;
    expect(flow.nodes.find((n) => n.id === 'loop')!.body).toBe('upsert');
    expect(flow.nodes.find((n) => n.id === 'upsert')!.parent).toBe('loop');
  });
});

function roundTripMoved(def: DefinitionLike): DefinitionLike {
  const { nodes, edges } = flowToGraph(def, create);
  return graphToFlow(
    def,
    create,
    nodes.map((n, i) => ({ ...n, position: { x: i * 300, y: 40 } })),
    edges,
  );
}
