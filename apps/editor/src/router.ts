import { useEffect, useState } from 'react';

export type Route =
  | { name: 'catalog' }
  | { name: 'connector'; id: string }
  | { name: 'editor'; draftId?: string }
  | { name: 'drafts' }
  | { name: 'installations' }
  | { name: 'installation'; id: string }
  | { name: 'enable'; connectorId: string; version?: string }
  | { name: 'routes' }
  | { name: 'route'; id?: string };

/** Hash routes, so the runtime can serve the build as static files with no fallback rules. */
export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(query);
  switch (parts[0]) {
    case 'connectors':
      return parts[1] ? { name: 'connector', id: parts[1] } : { name: 'catalog' };
    case 'editor':
      return parts[1] ? { name: 'editor', draftId: parts[1] } : { name: 'editor' };
    case 'drafts':
      return { name: 'drafts' };
    case 'installations':
      return parts[1] ? { name: 'installation', id: parts[1] } : { name: 'installations' };
    case 'enable':
      return parts[1]
        ? { name: 'enable', connectorId: parts[1], version: params.get('version') ?? undefined }
        : { name: 'catalog' };
    case 'routes':
      if (!parts[1]) return { name: 'routes' };
      return parts[1] === 'new' ? { name: 'route' } : { name: 'route', id: parts[1] };
    default:
      return { name: 'catalog' };
  }
}

export function href(route: Route): string {
  switch (route.name) {
    case 'catalog':
      return '#/catalog';
    case 'connector':
      return `#/connectors/${encodeURIComponent(route.id)}`;
    case 'editor':
      return route.draftId ? `#/editor/${encodeURIComponent(route.draftId)}` : '#/editor';
    case 'drafts':
      return '#/drafts';
    case 'installations':
      return '#/installations';
    case 'installation':
      return `#/installations/${encodeURIComponent(route.id)}`;
    case 'enable':
      return `#/enable/${encodeURIComponent(route.connectorId)}${route.version ? `?version=${encodeURIComponent(route.version)}` : ''}`;
    case 'routes':
      return '#/routes';
    case 'route':
      return route.id ? `#/routes/${encodeURIComponent(route.id)}` : '#/routes/new';
  }
}

export function navigate(route: Route): void {
  window.location.hash = href(route);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = (): void => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
