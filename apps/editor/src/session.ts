import { createContext, useContext } from 'react';
import type { ApiClient, Identity } from './api/client.js';

export interface Session {
  key: string;
  identity: Identity;
  api: ApiClient;
}

const STORAGE = 'plugboard.session';

export function readStoredSession(): { key: string; identity: Identity } | null {
  try {
    const raw = sessionStorage.getItem(STORAGE);
    return raw ? (JSON.parse(raw) as { key: string; identity: Identity }) : null;
  } catch {
    return null;
  }
}

export function storeSession(value: { key: string; identity: Identity } | null): void {
  if (value) sessionStorage.setItem(STORAGE, JSON.stringify(value));
  else sessionStorage.removeItem(STORAGE);
}

export function isAdmin(identity: Identity): boolean {
  return identity.scopes.includes('admin');
}

/** What a key may see: the editor needs publish rights, tenant screens need installation rights. */
export function rolesOf(identity: Identity): {
  admin: boolean;
  publisher: boolean;
  tenant: boolean;
} {
  const admin = isAdmin(identity);
  const has = (scope: string): boolean => admin || identity.scopes.includes(scope);
  return {
    admin,
    publisher: has('catalog:publish'),
    tenant:
      !!identity.tenantId ||
      identity.scopes.includes('installations:read') ||
      identity.scopes.includes('installations:write'),
  };
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in screen');
  return session;
}
