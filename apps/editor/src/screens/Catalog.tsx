import { useMemo, useState } from 'react';
import type { VersionSummary } from '../api/client.js';
import { latestVersionOf } from '../versions.js';
import { useAsync } from '../hooks.js';
import { href } from '../router.js';
import { useSession } from '../session.js';
import { ConnectorIcon, ErrorBox, Loading, PageHeader } from './shared.js';

export function Catalog() {
  const { api } = useSession();
  // The list may carry only names and versions: icons, categories and deprecation come from each
  // connector's page then (catalogs are tens of connectors, fetched in parallel).
  const list = useAsync(async () => {
    const connectors = await api.listConnectors();
    return Promise.all(
      connectors.map(async (c) => {
        if (c.categories !== undefined) return c;
        const detail = await api.getConnector(c.id);
        const latest = detail.definition;
        const versions = (detail.versions ?? []).filter(
          (v): v is VersionSummary => typeof v === 'object',
        );
        const latestVersion = versions.find((v) => v.version === detail.latestVersion);
        return {
          ...c,
          icon: c.icon ?? latest?.icon,
          categories: latest?.categories ?? [],
          deprecation: c.deprecation ?? latestVersion?.deprecation ?? latest?.deprecation ?? null,
        };
      }),
    );
  }, [api]);
  const [query, setQuery] = useState('');
  const [category, setCategory] = useState('');
  const [showDeprecated, setShowDeprecated] = useState(true);

  const connectors = useMemo(() => list.data ?? [], [list.data]);
  const categories = useMemo(
    () => [...new Set(connectors.flatMap((c) => c.categories ?? []))].sort(),
    [connectors],
  );
  const q = query.trim().toLowerCase();
  const shown = connectors.filter(
    (c) =>
      (!q ||
        [c.name, c.id, c.description ?? '', ...(c.categories ?? [])].some((t) =>
          t.toLowerCase().includes(q),
        )) &&
      (!category || (c.categories ?? []).includes(category)) &&
      (showDeprecated || !c.deprecation),
  );

  return (
    <div className="page">
      <PageHeader title="Catalog" />
      <div className="filters" role="search">
        <input
          className="input search"
          type="search"
          placeholder="Search connectors"
          aria-label="Search connectors"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <select
          className="input"
          aria-label="Category"
          value={category}
          onChange={(e) => setCategory(e.target.value)}
        >
          <option value="">All categories</option>
          {categories.map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={showDeprecated}
            onChange={(e) => setShowDeprecated(e.target.checked)}
          />{' '}
          Show deprecated
        </label>
      </div>
      {list.loading && !list.data && <Loading what="the catalog" />}
      {list.error && <ErrorBox error={list.error} onRetry={list.reload} />}
      {list.data && shown.length === 0 && (
        <div className="empty-state">
          {connectors.length === 0
            ? 'No connectors are published yet.'
            : 'No connector matches this search.'}
        </div>
      )}
      <ul className="cards" aria-label="Connectors">
        {shown.map((c) => (
          <li key={c.id}>
            <a className="card" href={href({ name: 'connector', id: c.id })}>
              <div className="card-head">
                <ConnectorIcon icon={c.icon} name={c.name || c.id} />
                <div>
                  <div className="card-title">{c.name || c.id}</div>
                  <div className="muted small mono">
                    {c.id} · v{latestVersionOf(c) ?? '?'}
                  </div>
                </div>
                {c.deprecation && <span className="badge badge-warn">Deprecated</span>}
              </div>
              {c.description && <p className="card-text">{c.description}</p>}
              <div className="tags">
                {(c.categories ?? []).map((t) => (
                  <span key={t} className="tag">
                    {t}
                  </span>
                ))}
              </div>
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}
