import { useState } from 'react';
import type { PublishReport } from '../api/client.js';
import { bump, compareSemver, latestVersionOf } from '../versions.js';
import { canonical, diffDefinitions } from '../definition-api.js';
import { useAsync, useTask } from '../hooks.js';
import type { DefinitionLike } from '../model.js';
import { TableHead } from '../screens/shared.js';
import { useSession } from '../session.js';

async function sha256(text: string): Promise<string | undefined> {
  if (!globalThis.crypto?.subtle) return undefined;
  const hash = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return `sha256:${[...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export interface PublishPanelProps {
  definition: DefinitionLike;
  contracts: unknown[];
  problems: number;
  onSetVersion: (version: string) => void;
  onPublished: (version: string) => void;
}

/** The compatibility report against the latest published version, then the publish gate's answer. */
export function PublishPanel({
  definition,
  contracts,
  problems,
  onSetVersion,
  onPublished,
}: PublishPanelProps) {
  const { api } = useSession();
  // Looked up in the list first: asking for a connector never published would be a 404.
  const previous = useAsync(async () => {
    const listed = (await api.listConnectors()).find((c) => c.id === definition.id);
    const latest = listed ? latestVersionOf(listed) : undefined;
    if (!latest) return null;
    return {
      version: latest,
      definition: (await api.getVersion(definition.id, latest)).definition,
    };
  }, [api, definition.id]);
  const { busy, error, run } = useTask();
  const [answer, setAnswer] = useState<{
    published: boolean;
    report: PublishReport;
    version: string;
  }>();

  const prev = previous.data;
  const report = prev ? diffDefinitions(prev.definition, definition) : undefined;
  const sameVersion = prev ? compareSemver(definition.version, prev.version) <= 0 : false;
  const bumpKind = report && report.requiredBump !== 'none' ? report.requiredBump : undefined;
  const suggested = prev && bumpKind ? bump(prev.version, bumpKind) : undefined;
  const bumpTooSmall = !!(prev && suggested && compareSemver(definition.version, suggested) < 0);

  const publish = (): Promise<void> =>
    run(async () => {
      const digest = await sha256(canonical(definition));
      const result = await api.publish({
        format: 'plugboard.bundle/1',
        definition,
        contracts,
        ...(digest ? { digest } : {}),
      });
      setAnswer({ ...result, version: definition.version });
      if (result.published) {
        onPublished(definition.version);
        previous.reload();
      }
    });

  return (
    <div className="publish-panel">
      <div className="publish-report">
        <h3 className="panel-title">
          Compatibility {prev ? `with ${definition.id}@${prev.version}` : ''}
        </h3>
        {previous.loading && <p className="muted">Loading the published versions…</p>}
        {previous.error && <p className="error-text">{previous.error}</p>}
        {!previous.loading && !previous.error && !prev && (
          <p className="muted">
            This is the first version of {definition.id}: there is nothing to compare with.
          </p>
        )}
        {report && (
          <>
            <p>
              Required bump:{' '}
              <span className={`bump bump-${report.requiredBump}`}>{report.requiredBump}</span>
              {suggested && (
                <>
                  {' '}
                  — next version at least <code>{suggested}</code>
                </>
              )}
            </p>
            {report.changes.length === 0 ? (
              <p className="muted">No changes against the published version.</p>
            ) : (
              <table className="changes">
                <TableHead columns={['Change', 'Where', 'Class', 'Why']} />
                <tbody>
                  {report.changes.map((c, i) => (
                    <tr key={i}>
                      <td>{c.change}</td>
                      <td>
                        <code>{c.pointer}</code>
                      </td>
                      <td>
                        <span className={`class-badge class-${c.class}`}>{c.class}</span>
                      </td>
                      <td>{c.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        )}
      </div>
      <div className="publish-actions">
        <div className="field">
          <label className="field-label" htmlFor="publish-version">
            Version to publish
          </label>
          <div className="row">
            <input
              id="publish-version"
              className="input mono"
              value={definition.version}
              onChange={(e) => onSetVersion(e.target.value)}
            />
            {suggested && (sameVersion || bumpTooSmall) && (
              <button
                type="button"
                className="btn btn-small"
                onClick={() => onSetVersion(suggested)}
              >
                Use {suggested}
              </button>
            )}
            {prev && !suggested && sameVersion && (
              <button
                type="button"
                className="btn btn-small"
                onClick={() => onSetVersion(bump(prev.version, 'patch'))}
              >
                Use {bump(prev.version, 'patch')}
              </button>
            )}
          </div>
          {sameVersion && (
            <p className="error-text">
              Versions are immutable: {prev?.version} is already published.
            </p>
          )}
          {!sameVersion && bumpTooSmall && (
            <p className="error-text">These changes need a {bumpKind} version bump.</p>
          )}
        </div>
        <p className="muted small">
          {contracts.length} contract case{contracts.length === 1 ? '' : 's'} from test runs go with
          it. {problems > 0 && `${problems} problem${problems === 1 ? '' : 's'} to fix first.`}
        </p>
        <button
          type="button"
          className="btn btn-primary"
          onClick={() => void publish()}
          disabled={busy}
        >
          {busy ? 'Publishing…' : `Publish ${definition.id}@${definition.version}`}
        </button>
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
        {answer && answer.version === definition.version && (
          <GateAnswer answer={answer} id={definition.id} />
        )}
      </div>
    </div>
  );
}

function GateAnswer({
  answer,
  id,
}: {
  answer: { published: boolean; report: PublishReport; version: string };
  id: string;
}) {
  const { report } = answer;
  return (
    <div className={`gate ${answer.published ? 'gate-ok' : 'gate-refused'}`} role="status">
      <strong>
        {answer.published
          ? `Published ${id}@${answer.version}`
          : 'The publish gate refused this version'}
      </strong>
      {report.errors.length > 0 && (
        <ul>
          {report.errors.map((e, i) => (
            <li key={i}>
              <code>{e.code}</code> {e.message} <span className="muted">{e.pointer}</span>
            </li>
          ))}
        </ul>
      )}
      {report.contracts.length > 0 && (
        <ul>
          {report.contracts.map((c, i) => (
            <li key={i}>
              {c.passed ? '✓' : '✗'} contract {c.name}
              {!c.passed && (c.diff ?? c.error) !== undefined && (
                <pre className="json-view">{JSON.stringify(c.diff ?? c.error, null, 2)}</pre>
              )}
            </li>
          ))}
        </ul>
      )}
      {report.changes.some((c) => c.class === 'breaking') && (
        <p>
          Breaking changes: {report.changes.filter((c) => c.class === 'breaking').length}, required
          bump {report.requiredBump}.
        </p>
      )}
    </div>
  );
}
