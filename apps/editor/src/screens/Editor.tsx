import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useReducer, useState } from 'react';
import type { ChangeEvent, PointerEvent as ReactPointerEvent } from 'react';
import type { Issue } from '../api/client.js';
import { Canvas } from '../canvas/Canvas.js';
import { Palette } from '../canvas/Palette.js';
import { canonical, parseJsonText, validateDefinition } from '../definition-api.js';
import { blankConnector } from '../editor/new-connector.js';
import { issueCountByFlow, issuesByNode, targetOf } from '../editor/issues.js';
import { Outline } from '../editor/Outline.js';
import { ProblemsPanel } from '../editor/ProblemsPanel.js';
import { PublishPanel } from '../editor/PublishPanel.js';
import { TestPanel } from '../editor/TestPanel.js';
import { addNodeAt } from '../graph/edit.js';
import { flowPointer, getFlow, listFlows, sameRef } from '../graph/flows.js';
import { writeLayout } from '../graph/layout.js';
import { updateNode } from '../graph/ops.js';
import {
  OperationInspector,
  SECTION_TITLES,
  SectionInspector,
} from '../inspector/ConnectorInspector.js';
import type { Section } from '../inspector/ConnectorInspector.js';
import { indexIssues, IssuesContext } from '../inspector/issues-context.js';
import { NodeInspector } from '../inspector/NodeInspector.js';
import { isObject } from '../model.js';
import type { DefinitionLike, FlowKind, FlowNodeLike, FlowRef, NodeType } from '../model.js';
import { href, navigate } from '../router.js';
import {
  currentDraftId,
  deleteDraft,
  listDrafts,
  loadDraft,
  openDraft,
  saveDraft,
} from '../state/drafts.js';
import type { Draft } from '../state/drafts.js';
import { historyReducer, initHistory } from '../state/history.js';

export function Editor({ draftId, start = false }: { draftId?: string; start?: boolean }) {
  const draft = draftId ? loadDraft(draftId) : undefined;
  useEffect(() => {
    if (!draftId && !start) {
      const current = currentDraftId();
      if (current && loadDraft(current)) navigate({ name: 'editor', draftId: current });
    }
  }, [draftId, start]);
  if (!draft) return <StartScreen missing={!!draftId} />;
  return (
    <ReactFlowProvider key={draft.draftId}>
      <Workspace draft={draft} />
    </ReactFlowProvider>
  );
}

function StartScreen({ missing }: { missing: boolean }) {
  const drafts = listDrafts();
  const [error, setError] = useState<string>();
  const onImport = (event: ChangeEvent<HTMLInputElement>): void => {
    const file = event.target.files?.[0];
    if (!file) return;
    void file.text().then((text) => {
      const parsed = parseJsonText(text);
      if ('error' in parsed)
        return setError(
          `${file.name}, line ${parsed.error.line}, column ${parsed.error.column}: ${parsed.error.message}`,
        );
      if (!isObject(parsed.value))
        return setError(`${file.name} does not hold a connector definition object.`);
      openDraft(parsed.value as DefinitionLike, { importedText: text });
    });
  };
  return (
    <div className="start">
      <h1>Builder</h1>
      {missing && <p className="error-text">That draft is not in this browser any more.</p>}
      <div className="start-cards">
        <button type="button" className="start-card" onClick={() => openDraft(blankConnector())}>
          <strong>New connector</strong>
          <span className="muted">
            Start from an empty action and build its flow on the canvas.
          </span>
        </button>
        <label className="start-card">
          <strong>Import connector.json</strong>
          <span className="muted">Open a definition from a connector package; layout is kept.</span>
          <input
            type="file"
            accept=".json,application/json"
            className="sr-only"
            onChange={onImport}
            aria-label="Import connector.json"
          />
        </label>
        <a className="start-card" href={href({ name: 'catalog' })}>
          <strong>Edit a published connector</strong>
          <span className="muted">Pick one in the catalog and start a new version from it.</span>
        </a>
      </div>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      {drafts.length > 0 && (
        <section className="drafts">
          <h2>Drafts in this browser</h2>
          <ul className="list">
            {drafts.map((d) => (
              <li key={d.draftId} className="list-row">
                <a href={href({ name: 'editor', draftId: d.draftId })}>
                  <strong>{d.definition.name || d.definition.id}</strong>{' '}
                  <span className="muted">
                    {d.definition.id}@{d.definition.version}
                  </span>
                </a>
                <span className="muted small">saved {new Date(d.updatedAt).toLocaleString()}</span>
                <button
                  type="button"
                  className="btn btn-small btn-danger-ghost"
                  onClick={() => {
                    deleteDraft(d.draftId);
                    navigate({ name: 'drafts' });
                    window.location.reload();
                  }}
                >
                  Discard
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

type Dock = 'problems' | 'test' | 'publish';
const DOCK_HEIGHT = 'plugboard.dockHeight';
const clampDock = (h: number): number =>
  Math.max(120, Math.min(Math.round(window.innerHeight * 0.7), h));
type Panel = { kind: 'flow' } | { kind: 'section'; section: Section };

function Workspace({ draft }: { draft: Draft }) {
  const [history, dispatch] = useReducer(historyReducer, draft.definition, initHistory);
  const definition = history.present;
  const [contracts, setContracts] = useState<unknown[]>(draft.contracts ?? []);
  // The open action or trigger survives a reload, like the draft itself.
  const openKey = `plugboard.openFlow.${draft.draftId}`;
  const [flowRef, setFlowRef] = useState<FlowRef | undefined>(() => {
    const flows = listFlows(draft.definition);
    const saved = sessionStorage.getItem(openKey);
    return flows.find((f) => `${f.kind}.${f.name}` === saved) ?? flows[0];
  });
  useEffect(() => {
    if (flowRef) sessionStorage.setItem(openKey, `${flowRef.kind}.${flowRef.name}`);
  }, [flowRef, openKey]);
  const [panel, setPanel] = useState<Panel>(() =>
    listFlows(draft.definition)[0] ? { kind: 'flow' } : { kind: 'section', section: 'general' },
  );
  const [selectedNodeId, setSelectedNodeId] = useState<string | null>(null);
  const [dock, setDock] = useState<Dock>('problems');
  const [dockOpen, setDockOpen] = useState(true);
  const [dockHeight, setDockHeight] = useState(
    () => Number(localStorage.getItem(DOCK_HEIGHT)) || 260,
  );
  useEffect(() => localStorage.setItem(DOCK_HEIGHT, String(dockHeight)), [dockHeight]);
  const startResize = useCallback(
    (event: ReactPointerEvent) => {
      const startY = event.clientY;
      const start = dockHeight;
      const move = (e: PointerEvent): void => setDockHeight(clampDock(start + startY - e.clientY));
      const up = (): void => {
        window.removeEventListener('pointermove', move);
        window.removeEventListener('pointerup', up);
      };
      window.addEventListener('pointermove', move);
      window.addEventListener('pointerup', up);
    },
    [dockHeight],
  );
  const [focusPointer, setFocusPointer] = useState<string>();
  const [reveal, setReveal] = useState<{ id: string }>();
  const rf = useReactFlow();

  // Drafts are saved as you go, so a reload or a crash loses nothing.
  useEffect(() => {
    const t = setTimeout(() => saveDraft({ ...draft, definition, contracts }), 250);
    return () => clearTimeout(t);
  }, [draft, definition, contracts]);

  const issues = useMemo(() => validateDefinition(definition), [definition]);
  const issueIndex = useMemo(() => indexIssues(issues), [issues]);
  const nodeIssues = useMemo(
    () => (flowRef ? issuesByNode(definition, flowRef, issues) : new Map()),
    [definition, flowRef, issues],
  );
  const flowIssues = useMemo(() => issueCountByFlow(definition, issues), [definition, issues]);

  const edit = useCallback(
    (next: DefinitionLike, tag?: string) => dispatch({ type: 'edit', definition: next, tag }),
    [],
  );
  const undo = useCallback(() => dispatch({ type: 'undo' }), []);
  const redo = useCallback(() => dispatch({ type: 'redo' }), []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const target = e.target as HTMLElement | null;
      if (
        target &&
        (target.closest('input, textarea, select, [contenteditable="true"]') ||
          target.isContentEditable)
      )
        return;
      if (!(e.ctrlKey || e.metaKey)) return;
      const key = e.key.toLowerCase();
      if (key === 'z' && !e.shiftKey) {
        e.preventDefault();
        undo();
      } else if ((key === 'z' && e.shiftKey) || key === 'y') {
        e.preventDefault();
        redo();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [undo, redo]);

  // The open flow or node may vanish on undo or rename; fall back to what still exists.
  const flows = listFlows(definition);
  const activeRef = flowRef && flows.some((f) => sameRef(f, flowRef)) ? flowRef : flows[0];
  const flow = activeRef ? getFlow(definition, activeRef) : undefined;
  const nodeIndex =
    flow && selectedNodeId ? flow.nodes.findIndex((n) => n.id === selectedNodeId) : -1;
  const selectedNode = nodeIndex >= 0 ? flow?.nodes[nodeIndex] : undefined;

  const pickFlow = useCallback((ref: FlowRef) => {
    setFlowRef(ref);
    setPanel({ kind: 'flow' });
    setSelectedNodeId(null);
  }, []);

  const jump = useCallback(
    (issue: Issue) => {
      const target = targetOf(definition, issue.pointer);
      switch (target.kind) {
        case 'node':
          setFlowRef(target.flow);
          setPanel({ kind: 'flow' });
          setSelectedNodeId(target.nodeId);
          setReveal({ id: target.nodeId });
          break;
        case 'operation':
          setFlowRef(target.flow);
          setPanel({ kind: 'flow' });
          setSelectedNodeId(null);
          break;
        case 'section':
          setPanel({ kind: 'section', section: target.section });
          break;
      }
      setFocusPointer(issue.pointer);
    },
    [definition],
  );

  // Focus the field an issue names once its form has rendered; walk up to the nearest field shown.
  useEffect(() => {
    if (focusPointer === undefined) return;
    const t = setTimeout(() => {
      let pointer = focusPointer;
      for (;;) {
        const el = document.querySelector<HTMLElement>(
          `.inspector [data-pointer="${CSS.escape(pointer)}"]`,
        );
        if (el) {
          el.scrollIntoView({ block: 'center' });
          el.focus();
          break;
        }
        if (!pointer) break;
        pointer = pointer.slice(0, pointer.lastIndexOf('/'));
      }
      setFocusPointer(undefined);
    }, 60);
    return () => clearTimeout(t);
  }, [focusPointer]);

  const addNode = useCallback(
    (type: NodeType) => {
      if (!activeRef) return;
      const box = document.querySelector('.canvas')?.getBoundingClientRect();
      const center = box
        ? rf.screenToFlowPosition({
            x: box.left + box.width / 2 - 100,
            y: box.top + box.height / 2 - 40,
          })
        : { x: 0, y: 0 };
      const offset = (flow?.nodes.length ?? 0) % 5;
      const added = addNodeAt(definition, activeRef, type, {
        x: center.x + offset * 24,
        y: center.y + offset * 24,
      });
      edit(added.definition, 'add');
      setSelectedNodeId(added.id);
      setPanel({ kind: 'flow' });
    },
    [activeRef, definition, edit, flow, rf],
  );

  const onNodeChange = useCallback(
    (node: FlowNodeLike) => {
      if (!activeRef || !selectedNode) return;
      edit(updateNode(definition, activeRef, selectedNode.id, node), `node:${selectedNode.id}`);
      if (node.id !== selectedNode.id) setSelectedNodeId(node.id);
    },
    [activeRef, definition, edit, selectedNode],
  );

  const deleteSelected = useCallback(() => {
    if (!selectedNode) return;
    void rf.deleteElements({ nodes: [{ id: selectedNode.id }] });
  }, [rf, selectedNode]);

  const addOperation = useCallback(
    (kind: FlowKind, name: string) => {
      const operation =
        kind === 'actions'
          ? {
              title: name,
              input: { type: 'object', properties: {}, additionalProperties: false },
              output: { type: 'object' },
              urgency: 'realtime',
              flow: { nodes: [], edges: [] },
            }
          : {
              kind: 'webhook',
              title: name,
              event: { type: 'object' },
              flow: { nodes: [], edges: [] },
            };
      edit(
        { ...definition, [kind]: { ...(definition[kind] ?? {}), [name]: operation } },
        'add-operation',
      );
      pickFlow({ kind, name });
    },
    [definition, edit, pickFlow],
  );

  const removeOperation = useCallback(
    (ref: FlowRef) => {
      const rest = { ...(definition[ref.kind] ?? {}) };
      delete rest[ref.name];
      edit(writeLayout({ ...definition, [ref.kind]: rest }, ref, undefined), 'remove-operation');
    },
    [definition, edit],
  );

  const autoArrange = useCallback(() => {
    if (!activeRef) return;
    edit(writeLayout(definition, activeRef, undefined), 'layout');
    setTimeout(() => void rf.fitView({ duration: 250, maxZoom: 1.1 }), 30);
  }, [activeRef, definition, edit, rf]);

  const exportJson = useCallback(() => {
    const imported = draft.importedText ? parseJsonText(draft.importedText) : undefined;
    const unchanged =
      imported &&
      'value' in imported &&
      canonical(imported.value) === canonical(definition) &&
      JSON.stringify(imported.value) === JSON.stringify(definition);
    const text =
      unchanged && draft.importedText
        ? draft.importedText
        : `${JSON.stringify(definition, null, 2)}\n`;
    const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'connector.json';
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }, [definition, draft.importedText]);

  const operation = activeRef ? definition[activeRef.kind]?.[activeRef.name] : undefined;

  return (
    <IssuesContext.Provider value={issueIndex}>
      <div className={`workspace${dockOpen ? '' : ' dock-closed'}`}>
        <aside className="sidebar">
          <div className="sidebar-head">
            <a className="back-link" href={href({ name: 'drafts' })}>
              ← Drafts
            </a>
            <div className="connector-name" title={definition.id}>
              {definition.name || definition.id}
            </div>
            <div className="muted small mono">
              {definition.id}@{definition.version}
            </div>
          </div>
          <Outline
            definition={definition}
            flowRef={panel.kind === 'flow' ? activeRef : undefined}
            section={panel.kind === 'section' ? panel.section : undefined}
            flowIssues={flowIssues}
            onPickFlow={pickFlow}
            onPickSection={(section) => setPanel({ kind: 'section', section })}
            onAddOperation={addOperation}
            onRemoveOperation={removeOperation}
          />
          {activeRef && (
            <div className="sidebar-palette">
              <div className="outline-title">
                <span>Add a step</span>
              </div>
              <Palette onAdd={addNode} />
            </div>
          )}
        </aside>

        <section className="stage" aria-label="Flow">
          <div className="toolbar">
            <div className="toolbar-title">
              {activeRef ? (
                <>
                  <span className="muted">
                    {activeRef.kind === 'actions' ? 'Action' : 'Trigger'}
                  </span>{' '}
                  <strong>{activeRef.name}</strong>
                  {typeof operation?.title === 'string' && (
                    <span className="muted"> — {operation.title}</span>
                  )}
                </>
              ) : (
                <span className="muted">No action or trigger yet: add one in the outline.</span>
              )}
            </div>
            <div className="toolbar-actions">
              <button
                type="button"
                className="btn btn-small"
                onClick={undo}
                disabled={history.past.length === 0}
                title="Undo (Ctrl+Z)"
              >
                Undo
              </button>
              <button
                type="button"
                className="btn btn-small"
                onClick={redo}
                disabled={history.future.length === 0}
                title="Redo (Ctrl+Shift+Z)"
              >
                Redo
              </button>
              <button
                type="button"
                className="btn btn-small"
                onClick={autoArrange}
                disabled={!activeRef}
                title="Arrange the nodes left to right"
              >
                Auto-layout
              </button>
              <span className="toolbar-sep" />
              <button type="button" className="btn btn-small" onClick={exportJson}>
                Export
              </button>
              <button
                type="button"
                className={`btn btn-small validity ${issues.length ? 'invalid' : 'valid'}`}
                onClick={() => {
                  setDock('problems');
                  setDockOpen(true);
                }}
              >
                {issues.length
                  ? `${issues.length} problem${issues.length === 1 ? '' : 's'}`
                  : 'Valid'}
              </button>
            </div>
          </div>
          <div className="canvas-wrap">
            {activeRef && flow && flow.nodes.length === 0 && (
              <div className="canvas-hint">
                Drag a step from the left onto the canvas to start this flow.
              </div>
            )}
            {activeRef && (
              <Canvas
                key={`${activeRef.kind}.${activeRef.name}`}
                definition={definition}
                flowRef={activeRef}
                issuesByNode={nodeIssues}
                selectedNodeId={selectedNodeId}
                onEdit={edit}
                onSelectNode={setSelectedNodeId}
                reveal={reveal}
              />
            )}
          </div>
          <div className="dock">
            {dockOpen && (
              <div
                className="dock-resizer"
                role="separator"
                aria-orientation="horizontal"
                aria-label="Resize the panel"
                aria-valuenow={dockHeight}
                tabIndex={0}
                onPointerDown={startResize}
                onKeyDown={(e) => {
                  if (e.key === 'ArrowUp') setDockHeight((h) => clampDock(h + 24));
                  if (e.key === 'ArrowDown') setDockHeight((h) => clampDock(h - 24));
                }}
              />
            )}
            <div className="dock-tabs" role="tablist" aria-label="Panels">
              {(['problems', 'test', 'publish'] as const).map((d) => (
                <button
                  key={d}
                  type="button"
                  role="tab"
                  aria-selected={dockOpen && dock === d}
                  className={dockOpen && dock === d ? 'active' : undefined}
                  onClick={() => {
                    setDock(d);
                    setDockOpen(true);
                  }}
                >
                  {d === 'problems'
                    ? `Problems${issues.length ? ` (${issues.length})` : ''}`
                    : d === 'test'
                      ? 'Test'
                      : 'Publish'}
                </button>
              ))}
              <button
                type="button"
                className="btn btn-icon dock-toggle"
                aria-label={dockOpen ? 'Collapse panel' : 'Expand panel'}
                onClick={() => setDockOpen(!dockOpen)}
              >
                {dockOpen ? '▾' : '▴'}
              </button>
            </div>
            {dockOpen && (
              <div className="dock-body" role="tabpanel" style={{ height: dockHeight }}>
                {dock === 'problems' && (
                  <ProblemsPanel definition={definition} issues={issues} onJump={jump} />
                )}
                {dock === 'test' && (
                  <TestPanel
                    definition={definition}
                    flowRef={activeRef}
                    hasProblems={issues.length > 0}
                    onSaveContract={(c) => setContracts((list) => [...list, c])}
                    onSelectNode={(id) => setSelectedNodeId(id)}
                    savedContracts={contracts.length}
                  />
                )}
                {dock === 'publish' && (
                  <PublishPanel
                    definition={definition}
                    contracts={contracts}
                    problems={issues.length}
                    onSetVersion={(version) => edit({ ...definition, version }, 'version')}
                    onPublished={(version) =>
                      saveDraft({ ...draft, definition, contracts, baseVersion: version })
                    }
                  />
                )}
              </div>
            )}
          </div>
        </section>

        <aside className="inspector" aria-label="Inspector">
          {panel.kind === 'section' ? (
            <>
              <h2 className="inspector-title">{SECTION_TITLES[panel.section]}</h2>
              <SectionInspector section={panel.section} definition={definition} onChange={edit} />
            </>
          ) : selectedNode && activeRef && flow ? (
            <>
              <h2 className="inspector-title">
                {typeof selectedNode.title === 'string' && selectedNode.title
                  ? selectedNode.title
                  : selectedNode.id}
              </h2>
              <NodeInspector
                key={`${activeRef.kind}.${activeRef.name}:${nodeIndex}`}
                node={selectedNode}
                pointer={`${flowPointer(activeRef)}/nodes/${nodeIndex}`}
                siblingIds={flow.nodes.filter((n) => n.id !== selectedNode.id).map((n) => n.id)}
                onChange={onNodeChange}
                onDelete={deleteSelected}
                hasLoops={flow.nodes.some((n) => n.type === 'forEach')}
              />
            </>
          ) : activeRef ? (
            <>
              <h2 className="inspector-title">
                {activeRef.kind === 'actions' ? 'Action' : 'Trigger'} {activeRef.name}
              </h2>
              <p className="help inspector-intro">
                Select a node to edit it. These are the{' '}
                {activeRef.kind === 'actions' ? 'action' : 'trigger'}'s own settings.
              </p>
              <OperationInspector definition={definition} flowRef={activeRef} onChange={edit} />
            </>
          ) : (
            <p className="muted">Add an action or a trigger to start.</p>
          )}
        </aside>
      </div>
    </IssuesContext.Provider>
  );
}
