import { lazy, Suspense, useCallback, useMemo, useState } from 'react';
import { ApiClient } from './api/client.js';
import { ErrorBoundary } from './ErrorBoundary.js';
import type { Identity } from './api/client.js';
import { href, navigate, useRoute } from './router.js';
import type { Route } from './router.js';
import { Catalog } from './screens/Catalog.js';
import { SignIn } from './screens/SignIn.js';
import { readStoredSession, rolesOf, SessionContext, storeSession } from './session.js';
import type { Session } from './session.js';

// Screens are chunks of their own: the first paint needs only the shell and the catalog, and the
// builder's React Flow and the definition validator load when a screen needs them.
const Editor = lazy(() => import('./screens/Editor.js').then((m) => ({ default: m.Editor })));
const ConnectorPage = lazy(() =>
  import('./screens/ConnectorPage.js').then((m) => ({ default: m.ConnectorPage })),
);
const EnableConnector = lazy(() =>
  import('./screens/EnableConnector.js').then((m) => ({ default: m.EnableConnector })),
);
const Installations = lazy(() =>
  import('./screens/Installations.js').then((m) => ({ default: m.Installations })),
);
const InstallationPage = lazy(() =>
  import('./screens/InstallationPage.js').then((m) => ({ default: m.InstallationPage })),
);
const Routes = lazy(() => import('./screens/Routes.js').then((m) => ({ default: m.Routes })));
const RouteEditor = lazy(() =>
  import('./screens/RouteEditor.js').then((m) => ({ default: m.RouteEditor })),
);

export function App() {
  const [stored, setStored] = useState(readStoredSession);
  const route = useRoute();
  const session = useMemo<Session | null>(
    () =>
      stored
        ? { key: stored.key, identity: stored.identity, api: new ApiClient(stored.key) }
        : null,
    [stored],
  );

  const signIn = useCallback((key: string, identity: Identity) => {
    const value = { key, identity };
    storeSession(value);
    setStored(value);
  }, []);
  const signOut = useCallback(() => {
    storeSession(null);
    setStored(null);
    navigate({ name: 'catalog' });
  }, []);

  if (!session) return <SignIn onSignIn={signIn} />;
  const roles = rolesOf(session.identity);

  return (
    <SessionContext.Provider value={session}>
      <div className="app">
        <header className="topbar">
          <a className="brand" href={href({ name: 'catalog' })}>
            <span className="brand-mark" aria-hidden="true" />
            Plugboard
          </a>
          <nav className="topnav" aria-label="Main">
            <NavLink route={{ name: 'catalog' }} current={route} label="Catalog" />
            {roles.publisher && (
              <NavLink route={{ name: 'editor' }} current={route} label="Builder" />
            )}
            {roles.tenant && (
              <NavLink route={{ name: 'installations' }} current={route} label="Installations" />
            )}
            {roles.tenant && <NavLink route={{ name: 'routes' }} current={route} label="Routes" />}
          </nav>
          <div className="topbar-end">
            <span className="role-badge" title={session.identity.scopes.join(', ')}>
              {roles.admin
                ? 'Admin'
                : session.identity.tenantId
                  ? `Tenant ${session.identity.tenantId}`
                  : 'Tenant'}
            </span>
            <button type="button" className="btn btn-ghost" onClick={signOut}>
              Sign out
            </button>
          </div>
        </header>
        <main className="screen">
          <ErrorBoundary resetKey={window.location.hash}>
            <Suspense fallback={<p className="muted loading">Loading…</p>}>
              <Screen route={route} roles={roles} />
            </Suspense>
          </ErrorBoundary>
        </main>
      </div>
    </SessionContext.Provider>
  );
}

function NavLink({ route, current, label }: { route: Route; current: Route; label: string }) {
  const active =
    route.name === current.name ||
    (route.name === 'editor' && current.name === 'drafts') ||
    (route.name === 'catalog' && current.name === 'connector') ||
    (route.name === 'installations' &&
      (current.name === 'installation' || current.name === 'enable')) ||
    (route.name === 'routes' && current.name === 'route');
  return (
    <a
      href={href(route)}
      className={active ? 'active' : undefined}
      aria-current={active ? 'page' : undefined}
    >
      {label}
    </a>
  );
}

function Screen({ route, roles }: { route: Route; roles: ReturnType<typeof rolesOf> }) {
  switch (route.name) {
    case 'catalog':
      return <Catalog />;
    case 'connector':
      return <ConnectorPage id={route.id} />;
    case 'editor':
      return roles.publisher ? (
        <Editor draftId={route.draftId} />
      ) : (
        <Forbidden what="the builder" />
      );
    case 'drafts':
      return roles.publisher ? <Editor start /> : <Forbidden what="the builder" />;
    case 'installations':
      return <Installations />;
    case 'installation':
      return <InstallationPage id={route.id} />;
    case 'enable':
      return <EnableConnector connectorId={route.connectorId} version={route.version} />;
    case 'routes':
      return <Routes />;
    case 'route':
      return <RouteEditor key={route.id ?? 'new'} id={route.id} />;
  }
}

function Forbidden({ what }: { what: string }) {
  return (
    <div className="empty-state">
      <h2>Not available</h2>
      <p>
        This API key has no access to {what}. Sign in with a key that has the catalog:publish scope.
      </p>
    </div>
  );
}
