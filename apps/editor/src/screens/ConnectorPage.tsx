import { useState } from 'react';
import type { Change, VersionSummary } from '../api/client.js';
import { diffDefinitions } from '../definition-api.js';
import { compareSemver, latestVersionOf } from '../versions.js';
import { useAsync, useTask } from '../hooks.js';
import type { DefinitionLike, OperationLike } from '../model.js';
import { href } from '../router.js';
import { rolesOf, useSession } from '../session.js';
import { openDraft } from '../state/drafts.js';
import { ConnectorIcon, ErrorBox, formatTime, Loading, PageHeader } from './shared.js';

function versionsOf(list: Array<string | VersionSummary> | undefined): VersionSummary[] {
  return (list ?? [])
    .map((v) => (typeof v === 'string' ? { version: v } : v))
    .sort((a, b) => compareSemver(b.version, a.version));
}

export function ConnectorPage({ id }: { id: string }) {
  const { api, identity } = useSession();
  const roles = rolesOf(identity);
  const connector = useAsync(() => api.getConnector(id), [api, id]);
  const versions = versionsOf(connector.data?.versions);
  const latest = connector.data ? latestVersionOf(connector.data) : undefined;
  const [picked, setPicked] = useState<string>();
  const shown = picked ?? latest;

  // The latest definition comes with the connector; another version is fetched when picked.
  const picked_ = useAsync(async () => {
    if (!shown) return undefined;
    if (shown === latest && connector.data?.definition) return connector.data.definition;
    return (await api.getVersion(id, shown)).definition;
  }, [api, id, shown, latest, connector.data]);
  // The runtime's changelog holds the gate's diff of each version; without one, diff here.
  const needDiff = !!connector.data && !connector.data.changelog;
  const definitions = useAsync(async () => {
    if (!needDiff) return new Map<string, DefinitionLike>();
    const entries = await Promise.all(
      versions.map(
        async (v) => [v.version, (await api.getVersion(id, v.version)).definition] as const,
      ),
    );
    return new Map<string, DefinitionLike>(entries);
  }, [api, id, needDiff, versions.map((v) => v.version).join(',')]);

  if (connector.loading && !connector.data) return <Loading what="the connector" />;
  if (connector.error) return <ErrorBox error={connector.error} onRetry={connector.reload} />;
  const c = connector.data;
  if (!c) return null;
  const definition = picked_.data;
  const icon = c.icon ?? c.definition?.icon;
  const categories = c.categories ?? c.definition?.categories ?? [];
  const deprecation =
    c.deprecation ??
    versions.find((v) => v.version === latest)?.deprecation ??
    c.definition?.deprecation;
  const changelog = versions.map(
    (v, i): { version: VersionSummary; changes: Change[] | undefined } => {
      const logged = c.changelog?.find((entry) => entry.version === v.version);
      if (logged) return { version: v, changes: versions[i + 1] ? logged.changes : [] };
      const older = versions[i + 1];
      const a = older ? definitions.data?.get(older.version) : undefined;
      const b = definitions.data?.get(v.version);
      return { version: v, changes: a && b ? diffDefinitions(a, b).changes : undefined };
    },
  );

  return (
    <div className="page">
      <PageHeader
        back={{ href: href({ name: 'catalog' }), label: 'Catalog' }}
        title={
          <span className="title-with-icon">
            <ConnectorIcon icon={icon} name={c.name || c.id} size={36} /> {c.name || c.id}
            {deprecation && <span className="badge badge-warn">Deprecated</span>}
          </span>
        }
      >
        {roles.tenant && latest && (
          <a
            className="btn btn-primary"
            href={href({ name: 'enable', connectorId: id, version: shown })}
          >
            Enable
          </a>
        )}
        {roles.publisher && definition && (
          <button
            type="button"
            className="btn"
            onClick={() => openDraft(structuredClone(definition), { baseVersion: shown })}
          >
            Edit in builder
          </button>
        )}
      </PageHeader>
      {c.description && <p className="lead">{c.description}</p>}
      {categories.length > 0 && (
        <div className="tags page-tags">
          {categories.map((t) => (
            <span key={t} className="tag">
              {t}
            </span>
          ))}
        </div>
      )}
      {deprecation && (
        <p className="notice notice-warn">
          {deprecation.message} {deprecation.sunset && <>Sunset {deprecation.sunset}.</>}
        </p>
      )}
      <div className="two-col">
        <section>
          <h2>Operations {shown && <span className="muted">in v{shown}</span>}</h2>
          {picked_.loading && !definition && <Loading what="the definition" />}
          {definition && (
            <>
              <h3>Actions</h3>
              <OperationList
                operations={definition.actions}
                tag={(op) => String(op.urgency ?? 'realtime')}
              />
              <h3>Triggers</h3>
              <OperationList operations={definition.triggers} tag={(op) => String(op.kind ?? '')} />
            </>
          )}
        </section>
        <section>
          <h2>Versions</h2>
          <ul className="list versions">
            {changelog.map(({ version: v, changes }) => (
              <li
                key={v.version}
                className={`list-row col${v.version === shown ? ' current' : ''}`}
              >
                <div className="row">
                  <button
                    type="button"
                    className="linklike strong"
                    onClick={() => setPicked(v.version)}
                    aria-pressed={v.version === shown}
                  >
                    v{v.version}
                  </button>
                  {v.version === latest && <span className="tag">latest</span>}
                  {(v.deprecated || v.deprecation) && (
                    <span className="badge badge-warn">Deprecated</span>
                  )}
                  <span className="muted small">{formatTime(v.publishedAt)}</span>
                  {roles.publisher && !v.deprecation && (
                    <Deprecate id={id} version={v.version} onDone={connector.reload} />
                  )}
                </div>
                {changes && changes.length > 0 && (
                  <ul className="changelog">
                    {changes.map((ch, i) => (
                      <li key={i}>
                        <span className={`class-badge class-${ch.class}`}>{ch.class}</span>{' '}
                        {ch.reason || `${ch.change} ${ch.pointer}`}
                      </li>
                    ))}
                  </ul>
                )}
                {changes && changes.length === 0 && (
                  <span className="muted small">No changes to the contract.</span>
                )}
              </li>
            ))}
          </ul>
        </section>
      </div>
    </div>
  );
}

function OperationList({
  operations,
  tag,
}: {
  operations: Record<string, OperationLike> | undefined;
  tag: (op: OperationLike) => string;
}) {
  const entries = Object.entries(operations ?? {});
  if (entries.length === 0) return <p className="muted">None.</p>;
  return (
    <ul className="list">
      {entries.map(([name, op]) => (
        <li key={name} className="list-row col">
          <div>
            <strong>{typeof op.title === 'string' ? op.title : name}</strong>{' '}
            <code className="muted">{name}</code>
            <span className="tag">{tag(op)}</span>
          </div>
          {typeof op.description === 'string' && <span className="muted">{op.description}</span>}
        </li>
      ))}
    </ul>
  );
}

/** Marks a version deprecated: its calls then answer with Deprecation and Sunset headers. */
function Deprecate({ id, version, onDone }: { id: string; version: string; onDone: () => void }) {
  const { api } = useSession();
  const [open, setOpen] = useState(false);
  const [message, setMessage] = useState('');
  const [sunset, setSunset] = useState('');
  const { busy, error, run } = useTask();
  if (!open) {
    return (
      <button
        type="button"
        className="btn btn-small btn-ghost deprecate"
        onClick={() => setOpen(true)}
      >
        Deprecate…
      </button>
    );
  }
  return (
    <form
      className="deprecate-form"
      onSubmit={(e) => {
        e.preventDefault();
        void run(async () => {
          await api.deprecate(id, version, { message, ...(sunset ? { sunset } : {}) });
          setOpen(false);
          onDone();
        });
      }}
    >
      <input
        className="input"
        required
        autoFocus
        aria-label={`Why ${version} is deprecated`}
        placeholder="What to move to instead"
        value={message}
        onChange={(e) => setMessage(e.target.value)}
      />
      <input
        className="input"
        type="date"
        aria-label="Sunset date"
        value={sunset}
        onChange={(e) => setSunset(e.target.value)}
      />
      <button type="submit" className="btn btn-small btn-primary" disabled={busy}>
        Deprecate {version}
      </button>
      <button type="button" className="btn btn-small btn-ghost" onClick={() => setOpen(false)}>
        Cancel
      </button>
      {error && <p className="error-text">{error}</p>}
    </form>
  );
}
