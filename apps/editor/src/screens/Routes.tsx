import { useEffect, useState } from 'react';
import { describeError } from '../api/client.js';
import type { Installation, RouteView } from '../api/client.js';
import { useAsync } from '../hooks.js';
import { href } from '../router.js';
import { useSession } from '../session.js';
import { ErrorBox, Loading, PageHeader, TableHead } from './shared.js';

/** "github: issues" for an installation id, or the bare id when the installation is gone. */
export function endpointLabel(
  installations: readonly Installation[] | undefined,
  id: string,
  name: string,
): string {
  const installation = installations?.find((i) => i.id === id);
  return `${installation ? installation.connectorId : id} · ${name}`;
}

export function Routes() {
  const { api } = useSession();
  const list = useAsync(() => Promise.all([api.listRoutes(), api.listInstallations()]), [api]);
  const [message, setMessage] = useState<string>();
  const [busy, setBusy] = useState<string>();
  // The toggle shows the asked-for state at once; the list's answer replaces it, a failure undoes it.
  const [asked, setAsked] = useState<Readonly<Record<string, boolean>>>({});

  const act = async (route: RouteView, task: () => Promise<unknown>, done: string) => {
    setBusy(route.id);
    setMessage(undefined);
    try {
      await task();
      setMessage(done);
      list.reload();
    } catch (error) {
      setAsked({});
      setMessage(describeError(error));
    } finally {
      setBusy(undefined);
    }
  };

  useEffect(() => setAsked({}), [list.data]);

  const [routes, installations] = list.data ?? [];
  return (
    <div className="page">
      <PageHeader title="Routes">
        <a className="btn btn-primary" href={href({ name: 'route' })}>
          New route
        </a>
      </PageHeader>
      <p className="lead muted">
        A route sends each event of one installation&apos;s trigger, filtered and mapped, to an
        action of another installation.
      </p>
      {message && (
        <p className="notice" role="status">
          {message}
        </p>
      )}
      {list.loading && !list.data && <Loading what="routes" />}
      {list.error && <ErrorBox error={list.error} onRetry={list.reload} />}
      {routes && routes.length === 0 && (
        <div className="empty-state">
          No routes yet. Create one to connect a trigger to an action.
        </div>
      )}
      {routes && routes.length > 0 && (
        <table className="table routes-table">
          <TableHead
            columns={[
              'Name',
              'Source',
              { label: 'to', hidden: true },
              'Target',
              'Enabled',
              { label: 'Delete', hidden: true },
            ]}
          />
          <tbody>
            {routes.map((r) => (
              <tr key={r.id} className={r.enabled ? undefined : 'route-disabled'}>
                <td>
                  <a href={href({ name: 'route', id: r.id })}>{r.name}</a>
                </td>
                <td className="mono">
                  {endpointLabel(installations, r.source.installationId, r.source.trigger)}
                  {r.source.kind && <span className="tag">{r.source.kind}</span>}
                </td>
                <td aria-hidden="true" className="route-arrow">
                  →
                </td>
                <td className="mono">
                  {endpointLabel(installations, r.target.installationId, r.target.action)}
                </td>
                <td>
                  <label className="checkbox">
                    <input
                      type="checkbox"
                      checked={asked[r.id] ?? r.enabled}
                      disabled={busy === r.id}
                      aria-label={`${r.name} enabled`}
                      onChange={(e) => {
                        const enabled = e.target.checked;
                        setAsked({ [r.id]: enabled });
                        void act(
                          r,
                          () => api.setRouteEnabled(r.id, enabled),
                          `${r.name} ${enabled ? 'enabled' : 'disabled'}.`,
                        );
                      }}
                    />
                    {(asked[r.id] ?? r.enabled) ? 'on' : 'off'}
                  </label>
                </td>
                <td>
                  <button
                    type="button"
                    className="btn btn-small btn-danger-ghost"
                    disabled={busy === r.id}
                    onClick={() => {
                      if (window.confirm(`Delete route ${r.name}? Its events stop at once.`))
                        void act(r, () => api.deleteRoute(r.id), `${r.name} deleted.`);
                    }}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
