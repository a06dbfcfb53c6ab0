import { useCallback, useState } from 'react';
import { describeError } from '../api/client.js';
import { useAsync } from '../hooks.js';
import { useSession } from '../session.js';
import { ErrorBox, formatTime } from './shared.js';

const STATE_LABEL: Record<string, string> = {
  connected: 'Connected',
  needs_reauth: 'Needs reconnecting',
  not_connected: 'Not connected',
};

/**
 * Connect / Reconnect for installations of connectors that authorize with OAuth 2.0's code flow:
 * the runtime hands out the provider's authorize URL and brings the browser back here after.
 */
export function OAuthConnection({ id }: { id: string }) {
  const { api } = useSession();
  const connection = useAsync(() => api.oauthConnection(id), [api, id]);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const connect = useCallback(async () => {
    setError(undefined);
    setBusy(true);
    try {
      const { authorizeUrl } = await api.startOAuth(id);
      window.location.assign(authorizeUrl);
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  }, [api, id]);

  const data = connection.data;
  if (!data?.oauth) return null;
  const justConnected = /[?&]oauth=connected\b/.test(window.location.hash);
  return (
    <section aria-label="Connection">
      <h2>Connection</h2>
      {justConnected && data.state === 'connected' && (
        <p className="notice" role="status">
          Connected to the provider.
        </p>
      )}
      <dl className="metrics">
        <div className="metric">
          <dt>State</dt>
          <dd data-testid="oauth-state">{STATE_LABEL[data.state] ?? data.state}</dd>
        </div>
        <div className="metric">
          <dt>Scopes granted</dt>
          <dd>{data.scopes.length > 0 ? data.scopes.join(', ') : '—'}</dd>
        </div>
        <div className="metric">
          <dt>Token expires</dt>
          <dd>{formatTime(data.expiresAt)}</dd>
        </div>
      </dl>
      {data.state === 'needs_reauth' && (
        <p className="notice" role="alert">
          The provider no longer accepts this installation&apos;s authorization. Its queued items
          wait; reconnect to deliver them.
        </p>
      )}
      {error && <ErrorBox error={error} />}
      <button
        type="button"
        className="btn btn-primary"
        disabled={busy}
        onClick={() => void connect()}
      >
        {data.state === 'not_connected' ? 'Connect' : 'Reconnect'}
      </button>
    </section>
  );
}
