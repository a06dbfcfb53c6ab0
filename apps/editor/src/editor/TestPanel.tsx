import { useState } from 'react';
import type { NodeTraceView, TestRunRequest, TestRunResult } from '../api/client.js';
import { useTask } from '../hooks.js';
import { JsonInput } from '../inspector/fields.js';
import type { DefinitionLike, FlowRef, JsonObject } from '../model.js';
import { TableHead } from '../screens/shared.js';
import { useSession } from '../session.js';
import { contractFromRun } from './contract.js';

export interface TestPanelProps {
  definition: DefinitionLike;
  flowRef: FlowRef | undefined;
  hasProblems: boolean;
  onSaveContract: (contract: Record<string, unknown>) => void;
  onSelectNode: (id: string) => void;
  savedContracts: number;
}

function sampleFor(definition: DefinitionLike, action: string): unknown {
  const op = definition.actions?.[action];
  const examples = (op?.input as { examples?: unknown[] } | undefined)?.examples;
  if (Array.isArray(examples) && examples.length > 0)
    return op?.urgency === 'batched' ? [examples[0]] : examples[0];
  return op?.urgency === 'batched' ? [{}] : {};
}

/** Runs the open action of the draft through `POST /v1/test-runs` and shows each node as it went. */
export function TestPanel({
  definition,
  flowRef,
  hasProblems,
  onSaveContract,
  onSelectNode,
  savedContracts,
}: TestPanelProps) {
  const { api } = useSession();
  const action = flowRef?.kind === 'actions' ? flowRef.name : undefined;
  const batched = action ? definition.actions?.[action]?.urgency === 'batched' : false;
  const [inputs, setInputs] = useState<Record<string, unknown>>({});
  const [config, setConfig] = useState<unknown>({});
  const [credentials, setCredentials] = useState<unknown>({});
  const [interactions, setInteractions] = useState<unknown>(undefined);
  const { busy, error, run: runTask } = useTask();
  const [run, setRun] = useState<{ request: TestRunRequest; result: TestRunResult }>();
  const [open, setOpen] = useState<string>();
  const [caseName, setCaseName] = useState('');

  if (!action)
    return (
      <div className="panel-empty">
        Open an action to test it. Triggers are tested by sending their webhook to an installation.
      </div>
    );
  const input = action in inputs ? inputs[action] : sampleFor(definition, action);

  const start = (): Promise<void> => {
    const request: TestRunRequest = {
      definition,
      action,
      ...(batched ? { items: Array.isArray(input) ? input : [input] } : { input }),
      ...(config && Object.keys(config as object).length ? { config: config as JsonObject } : {}),
      ...(credentials && Object.keys(credentials as object).length
        ? { credentials: credentials as Record<string, string> }
        : {}),
      ...(Array.isArray(interactions) ? { interactions } : {}),
    };
    return runTask(async () => {
      setRun({ request, result: await api.testRun(request) });
      setOpen(undefined);
    });
  };

  return (
    <div className="test-panel">
      <div className="test-inputs">
        <div className="field">
          <label className="field-label" htmlFor="field_test_input">
            {batched ? 'Sample items (array)' : 'Sample input'}
          </label>
          <JsonInput
            pointer="#test/input"
            value={input}
            onChange={(v) => setInputs({ ...inputs, [action]: v })}
            rows={5}
          />
        </div>
        <details className="test-more">
          <summary>Config, credentials and recorded interactions</summary>
          <div className="field">
            <span className="field-label">Config</span>
            <JsonInput pointer="#test/config" value={config} onChange={setConfig} rows={3} />
          </div>
          <div className="field">
            <span className="field-label">
              Credentials (sent to the runtime for this run only; never stored)
            </span>
            <JsonInput
              pointer="#test/credentials"
              value={credentials}
              onChange={setCredentials}
              rows={3}
            />
          </div>
          <div className="field">
            <span className="field-label">
              Recorded interactions (optional: no network, like a contract)
            </span>
            <JsonInput
              pointer="#test/interactions"
              value={interactions}
              onChange={setInteractions}
              rows={3}
            />
          </div>
        </details>
        <div className="row">
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => void start()}
            disabled={busy}
          >
            {busy ? 'Running…' : `Run ${action}`}
          </button>
          {hasProblems && (
            <span className="muted small">
              The draft has problems; the run may fail validation.
            </span>
          )}
        </div>
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
      </div>
      <div className="test-result" aria-live="polite">
        {!run && (
          <div className="panel-empty">Run the action to see each node's input and output.</div>
        )}
        {run && (
          <>
            <div className="run-head">
              <span className={`status-badge status-${run.result.status}`}>
                {run.result.status}
              </span>
              {run.result.durationMs !== undefined && (
                <span className="muted">{Math.round(run.result.durationMs)} ms</span>
              )}
              {run.result.error && (
                <span className="run-error">
                  <code>{run.result.error.code}</code> {run.result.error.message}
                </span>
              )}
            </div>
            <table className="trace">
              <TableHead columns={['Node', 'Type', 'Duration', 'Result']} />
              <tbody>
                {run.result.trace.map((t, i) => (
                  <TraceRow
                    key={`${t.id}:${i}`}
                    trace={t}
                    open={open === `${t.id}:${i}`}
                    onToggle={() => {
                      setOpen(open === `${t.id}:${i}` ? undefined : `${t.id}:${i}`);
                      onSelectNode(t.id);
                    }}
                  />
                ))}
              </tbody>
            </table>
            <div className="field">
              <span className="field-label">{run.result.items ? 'Items' : 'Output'}</span>
              <pre className="json-view">
                {JSON.stringify(run.result.items ?? run.result.output ?? null, null, 2)}
              </pre>
            </div>
            <form
              className="row"
              onSubmit={(e) => {
                e.preventDefault();
                onSaveContract(
                  contractFromRun(
                    caseName.trim() || `${action} ${run.result.status}`,
                    run.request,
                    run.result,
                  ),
                );
                setCaseName('');
              }}
            >
              <input
                className="input"
                aria-label="Contract case name"
                placeholder="Contract case name"
                value={caseName}
                onChange={(e) => setCaseName(e.target.value)}
              />
              <button type="submit" className="btn">
                Save as contract case
              </button>
              <span className="muted small">
                {savedContracts} saved; published with the connector
              </span>
            </form>
          </>
        )}
      </div>
    </div>
  );
}

function TraceRow({
  trace,
  open,
  onToggle,
}: {
  trace: NodeTraceView;
  open: boolean;
  onToggle: () => void;
}) {
  const failed = !!trace.error;
  return (
    <>
      <tr className={`trace-row${failed ? ' failed' : ''}`}>
        <td>
          <button type="button" className="linklike" aria-expanded={open} onClick={onToggle}>
            {open ? '▾' : '▸'} {trace.id}
          </button>
        </td>
        <td>{trace.type}</td>
        <td>
          {trace.durationMs !== undefined ? `${Math.round(trace.durationMs * 10) / 10} ms` : '—'}
        </td>
        <td>
          {failed ? (
            <code className="error-code">{trace.error?.code}</code>
          ) : (
            <span className="ok-text">ok</span>
          )}
        </td>
      </tr>
      {open && (
        <tr className="trace-detail">
          <td colSpan={4}>
            <div className="trace-grid">
              <TraceBlock title="Input" value={trace.input} />
              <TraceBlock title="Output" value={trace.output} />
              {trace.request !== undefined && (
                <TraceBlock title="Partner request" value={trace.request} />
              )}
              {trace.response !== undefined && (
                <TraceBlock title="Partner response" value={trace.response} />
              )}
              {trace.error && <TraceBlock title="Error" value={trace.error} />}
            </div>
          </td>
        </tr>
      )}
    </>
  );
}

function TraceBlock({ title, value }: { title: string; value: unknown }) {
  return (
    <div>
      <div className="field-label">{title}</div>
      <pre className="json-view">{value === undefined ? '—' : JSON.stringify(value, null, 2)}</pre>
    </div>
  );
}
