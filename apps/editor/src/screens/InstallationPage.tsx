import { useEffect, useState } from 'react';
import { describeError } from '../api/client.js';
import type { RunSummary } from '../api/client.js';
import { useAsync } from '../hooks.js';
import { href } from '../router.js';
import { isAdmin, useSession } from '../session.js';
import { ChangeVersion } from './ChangeVersion.js';
import { healthFromApi, healthFromRuns } from './health.js';
import { OAuthConnection } from './OAuthConnection.js';
import { RotateCredentials } from './RotateCredentials.js';
import type { HealthView } from './health.js';
import { ErrorBox, formatTime, Loading, PageHeader, TableHead } from './shared.js';

function pct(v: number | null): string {
  return v === null ? '—' : `${Math.round(v * 1000) / 10}%`;
}
function ms(v: number | null): string {
  return v === null ? '—' : `${Math.round(v)} ms`;
}

function Metrics({ health }: { health: HealthView }) {
  const items: Array<[string, string, string?]> = [
    ['Success rate', pct(health.successRate)],
    ['Latency p50', ms(health.p50)],
    ['Latency p99', ms(health.p99)],
    [
      'Queue depth',
      health.queueDepth === null
        ? '—'
        : `${health.queueDepth}${health.lagSeconds ? ` (lag ${health.lagSeconds} s)` : ''}`,
    ],
    ['Quota left', health.quota, health.policyNote],
    ['Backoff', health.backoff, health.policyNote],
    ['Retry budget', health.budget, health.policyNote],
    ['Last success', formatTime(health.lastSuccessAt)],
  ];
  return (
    <dl className="metrics">
      {items.map(([k, v, note]) => (
        <div key={k} className="metric" title={note}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export function InstallationPage({ id }: { id: string }) {
  const { api, identity } = useSession();
  const canChange = isAdmin(identity) || identity.scopes.includes('installations:write');
  const installation = useAsync(() => api.getInstallation(id), [api, id]);
  // Health comes from the runtime when it serves the route, else from the recent runs shown here.
  const health = useAsync(
    async () =>
      (await api.routes()).has('/v1/installations/{id}/health')
        ? api.health(id).then(healthFromApi)
        : null,
    [api, id],
  );
  const runs = useAsync(() => api.listRuns({ installationId: id, limit: 25 }), [api, id]);
  const [message, setMessage] = useState<string>();
  const [open, setOpen] = useState<string>();

  // Runs and health move on their own (queued events finish later): refresh while the page is open.
  useEffect(() => {
    const t = setInterval(() => {
      runs.reload();
      health.reload();
    }, 3000);
    return () => clearInterval(t);
  }, [runs.reload, health.reload]);

  const replay = async (run: RunSummary): Promise<void> => {
    setMessage(undefined);
    try {
      if (run.batchId) await api.replayBatch(run.batchId);
      else await api.replayRun(run.id);
      setMessage(`Replay of ${run.batchId ? `batch ${run.batchId}` : `run ${run.id}`} queued.`);
      runs.reload();
    } catch (err) {
      setMessage(describeError(err));
    }
  };

  if (installation.loading && !installation.data) return <Loading what="the installation" />;
  if (installation.error)
    return <ErrorBox error={installation.error} onRetry={installation.reload} />;
  const inst = installation.data;
  if (!inst) return null;

  return (
    <div className="page">
      <PageHeader
        back={{ href: href({ name: 'installations' }), label: 'Installations' }}
        title={
          <>
            {inst.connectorId} <span className="muted mono small">{inst.id}</span>
          </>
        }
      >
        <span className={`status-badge status-${inst.status}`}>{inst.status}</span>
      </PageHeader>
      <p className="muted mono">
        version {inst.version}
        {inst.range ? ` (range ${inst.range})` : ''}
      </p>
      <OAuthConnection id={inst.id} />
      {canChange && (
        <section aria-label="Settings" className="installation-settings">
          <ChangeVersion installation={inst} onChanged={installation.reload} />
          <RotateCredentials id={inst.id} connectorId={inst.connectorId} version={inst.version} />
        </section>
      )}
      <section>
        <h2>Health</h2>
        {health.error && <ErrorBox error={health.error} />}
        {health.data && <Metrics health={health.data} />}
        {health.data === null && runs.data && <Metrics health={healthFromRuns(runs.data)} />}
      </section>
      <section>
        <h2>Recent runs</h2>
        {message && (
          <p className="notice" role="status">
            {message}
          </p>
        )}
        {runs.error && <ErrorBox error={runs.error} />}
        {runs.data && runs.data.length === 0 && (
          <p className="muted">No runs yet. Send an event or call an action.</p>
        )}
        {runs.data && runs.data.length > 0 && (
          <table className="table runs">
            <TableHead
              columns={[
                'Run',
                'Action',
                'Status',
                'Error',
                'When',
                { label: 'Replay', hidden: true },
              ]}
            />
            <tbody>
              {runs.data.map((run) => (
                <RunRow
                  key={run.id}
                  run={run}
                  open={open === run.id}
                  onToggle={() => setOpen(open === run.id ? undefined : run.id)}
                  onReplay={() => void replay(run)}
                  replayedBy={runs.data?.find((r) => r.replayOf === run.id)?.id}
                />
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}

function RunRow({
  run,
  open,
  onToggle,
  onReplay,
  replayedBy,
}: {
  run: RunSummary;
  open: boolean;
  onToggle: () => void;
  onReplay: () => void;
  /** The run that replayed this one, if any: a replayed failure is not offered again. */
  replayedBy: string | undefined;
}) {
  const failed = run.status === 'failed' || run.status === 'dead' || run.status === 'partial';
  return (
    <>
      <tr className={failed ? 'failed' : undefined}>
        <td>
          <button type="button" className="linklike mono" aria-expanded={open} onClick={onToggle}>
            {open ? '▾' : '▸'} {run.id}
          </button>
        </td>
        <td>{run.action ?? run.trigger ?? '—'}</td>
        <td>
          <span className={`status-badge status-${run.status}`}>{run.status}</span>
        </td>
        <td>{run.error ? <code className="error-code">{run.error.code}</code> : ''}</td>
        <td>{formatTime(run.finishedAt ?? run.createdAt ?? run.startedAt)}</td>
        <td>
          {failed && replayedBy && <span className="muted small">replayed</span>}
          {failed && !replayedBy && (
            <button type="button" className="btn btn-small" onClick={onReplay}>
              Replay failed
            </button>
          )}
        </td>
      </tr>
      {open && (
        <tr className="trace-detail">
          <td colSpan={6}>
            <pre className="json-view">{JSON.stringify(run, null, 2)}</pre>
          </td>
        </tr>
      )}
    </>
  );
}
