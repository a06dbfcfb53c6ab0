import { useAsync } from '../hooks.js';
import { href } from '../router.js';
import { useSession } from '../session.js';
import { ErrorBox, formatTime, Loading, PageHeader, TableHead } from './shared.js';

export function Installations() {
  const { api } = useSession();
  const list = useAsync(() => api.listInstallations(), [api]);
  return (
    <div className="page">
      <PageHeader title="Installations">
        <a className="btn" href={href({ name: 'catalog' })}>
          Enable a connector
        </a>
      </PageHeader>
      {list.loading && !list.data && <Loading what="installations" />}
      {list.error && <ErrorBox error={list.error} onRetry={list.reload} />}
      {list.data && list.data.length === 0 && (
        <div className="empty-state">
          No installations yet. Enable a connector from the catalog.
        </div>
      )}
      {list.data && list.data.length > 0 && (
        <table className="table">
          <TableHead columns={['Connector', 'Version', 'Status', 'Created']} />
          <tbody>
            {list.data.map((i) => (
              <tr key={i.id}>
                <td>
                  <a href={href({ name: 'installation', id: i.id })}>{i.connectorId}</a>{' '}
                  <span className="muted small mono">{i.id}</span>
                </td>
                <td className="mono">
                  {i.version} {i.range && <span className="muted">({i.range})</span>}
                </td>
                <td>
                  <span className={`status-badge status-${i.status}`}>{i.status}</span>
                </td>
                <td>{formatTime(i.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
