import { useEffect, useState } from 'react';
import { describeError } from '../api/client.js';
import type { InstallationHealth, RunSummary } from '../api/client.js';
import { useAsync } from '../hooks.js';
import { href } from '../router.js';
import { useSession } from '../session.js';
import { ErrorBox, formatTime, Loading, PageHeader, TableHead } from './shared.js';

function pct(v: unknown): string {
  return typeof v === 'number' ? `${Math.round(v * (v <= 1 ? 1000 : 10)) / 10}%` : '—';
}
function ms(v: unknown): string {
  return typeof v === 'number' ? `${Math.round(v)} ms` : '—';
}
function show(v: unknown): string {
  if (v === undefined || v === null) return '—';
  if (typeof v === 'object') {
    return (
      Object.entries(v as Record<string, unknown>)
        .map(([k, x]) => `${k}: ${typeof x === 'object' ? JSON.stringify(x) : String(x)}`)
        .join(', ') || '—'
    );
  }
  return String(v);
}

function Metrics({ health }: { health: InstallationHealth }) {
  const p50 = health.latencyMs?.p50 ?? health.latencyP50Ms;
  const p99 = health.latencyMs?.p99 ?? health.latencyP99Ms;
  const items: Array<[string, string]> = [
    ['Success rate', pct(health.successRate)],
    ['Latency p50', ms(p50)],
    ['Latency p99', ms(p99)],
    ['Queue depth', show(health.queueDepth)],
    ['Quota left', show(health.remainingQuota)],
    ['Backoff', show(health.backoff)],
    ['Retry budget', show(health.budgetLeft)],
    ['Last success', formatTime(health.lastSuccessAt)],
  ];
  return (
    <dl className="metrics">
      {items.map(([k, v]) => (
        <div key={k} className="metric">
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? null;
}

export function healthFromRuns(runs: RunSummary[]): InstallationHealth {
  const finished = runs.filter(
    (r) => r.status === 'succeeded' || r.status === 'failed' || r.status === 'dead',
  );
  const ok = finished.filter((r) => r.status === 'succeeded');
  const durations = finished
    .map((r) => r.durationMs)
    .filter((d): d is number => typeof d === 'number')
    .sort((a, b) => a - b);
  return {
    successRate: finished.length ? ok.length / finished.length : null,
    latencyMs: { p50: percentile(durations, 0.5), p99: percentile(durations, 0.99) },
    queueDepth: runs.filter((r) => r.status === 'queued' || r.status === 'running').length,
    lastSuccessAt:
      ok
        .map((r) => r.finishedAt ?? r.createdAt)
        .filter((t): t is string => typeof t === 'string')
        .sort()
        .at(-1) ?? null,
  };
}

export function InstallationPage({ id }: { id: string }) {
  const { api } = useSession();
  const installation = useAsync(() => api.getInstallation(id), [api, id]);
  // Health comes from the runtime when it serves the route, else from the recent runs shown here.
  const health = useAsync(
    async () => ((await api.routes()).has('/v1/installations/{id}/health') ? api.health(id) : null),
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
}: {
  run: RunSummary;
  open: boolean;
  onToggle: () => void;
  onReplay: () => void;
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
          {failed && (
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
