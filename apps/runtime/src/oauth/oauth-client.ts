// The two requests this runtime makes to a provider's token endpoint (RFC 6749 4.1.3 and 6), with
// PKCE (RFC 7636). Requests go through the engine's network transport, so the same address rules
// (no private or loopback hosts unless allowed) and timeouts apply as to any partner call.
import { createHash, randomBytes } from 'node:crypto';
import type { Auth } from '@plugboard/definition';
import type { EgressTransport } from '../platform/ports.js';

/** The `oauth2AuthorizationCode` auth block, as the definition package generates it. */
export type AuthorizationCodeAuth = Extract<Auth, { type: 'oauth2AuthorizationCode' }>;

/** The engine's egress transport (platform port). */
export type TokenTransport = EgressTransport;

export interface TokenGrant {
  accessToken: string;
  refreshToken?: string;
  /** Epoch ms, or null when the provider gave no `expires_in`. */
  expiresAt: number | null;
  scopes: string[];
}

/** The provider answered with an OAuth error (`invalid_grant`, `invalid_client`, ...). */
export class OAuthGrantError extends Error {
  constructor(
    readonly error: string,
    readonly description: string | undefined,
    readonly status: number,
  ) {
    super(`the token endpoint answered ${status} ${error}`);
    this.name = 'OAuthGrantError';
  }
}

export function isAuthorizationCode(auth: unknown): auth is AuthorizationCodeAuth {
  return (
    typeof auth === 'object' &&
    auth !== null &&
    (auth as { type?: unknown }).type === 'oauth2AuthorizationCode'
  );
}

export function pkcePair(): { verifier: string; challenge: string } {
  // 32 random bytes give a 43-character verifier, the shortest RFC 7636 allows.
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** URLs of the auth block may template `config` values (`https://{{ config.subdomain }}.x.com`). */
export function renderConfigTemplate(template: string, config: Record<string, unknown>): string {
  return template.replace(/\{\{\s*config\.([\w.]+)\s*\}\}/g, (_match, path: string) => {
    let value: unknown = config;
    for (const part of path.split('.')) {
      value =
        typeof value === 'object' && value !== null
          ? (value as Record<string, unknown>)[part]
          : undefined;
    }
    return typeof value === 'string' || typeof value === 'number'
      ? encodeURIComponent(String(value))
      : '';
  });
}

export function buildAuthorizeUrl(
  auth: AuthorizationCodeAuth,
  config: Record<string, unknown>,
  params: { clientId: string; redirectUri: string; state: string; challenge?: string },
): string {
  const url = new URL(renderConfigTemplate(auth.authorizeUrl, config));
  for (const [name, value] of Object.entries(auth.extraAuthorizeParams ?? {}))
    url.searchParams.set(name, value);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', params.clientId);
  url.searchParams.set('redirect_uri', params.redirectUri);
  const scopes = auth.scopes ?? [];
  if (scopes.length > 0) url.searchParams.set('scope', scopes.join(auth.scopeSeparator ?? ' '));
  url.searchParams.set('state', params.state);
  if (params.challenge !== undefined) {
    url.searchParams.set('code_challenge', params.challenge);
    url.searchParams.set('code_challenge_method', 'S256');
  }
  return url.href;
}

export interface TokenRequest {
  auth: AuthorizationCodeAuth;
  config: Record<string, unknown>;
  client: { clientId: string; clientSecret: string };
  /** `grant_type` and its parameters. */
  params: Record<string, string>;
  transport: TokenTransport;
  timeoutMs: number;
}

export async function requestToken(request: TokenRequest): Promise<TokenGrant> {
  const { auth, client } = request;
  const form = new URLSearchParams(request.params);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  if (auth.tokenAuth === 'basic') {
    // RFC 6749 2.3.1: both parts are form-encoded before they are joined.
    const pair = `${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
  } else {
    form.set('client_id', client.clientId);
    form.set('client_secret', client.clientSecret);
  }
  const response = await request.transport.send({
    method: 'POST',
    url: new URL(renderConfigTemplate(auth.tokenUrl, request.config)),
    headers,
    body: Buffer.from(form.toString()),
    timeoutMs: request.timeoutMs,
    maxResponseBytes: 64 * 1024,
  });
  let body: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(response.body.toString('utf8')) as unknown;
    if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON: no access_token, reported below.
  }
  if (response.status < 200 || response.status >= 300 || typeof body.access_token !== 'string') {
    const error = typeof body.error === 'string' ? body.error : `http_${response.status}`;
    const description =
      typeof body.error_description === 'string' ? body.error_description : undefined;
    throw new OAuthGrantError(error, description, response.status);
  }
  const expiresIn = Number(body.expires_in);
  // RFC 6749 5.1: without `scope` the granted scopes are the requested ones.
  const granted =
    typeof body.scope === 'string'
      ? body.scope.split(/[\s,]+/).filter(Boolean)
      : (auth.scopes ?? []);
  return {
    accessToken: body.access_token,
    ...(typeof body.refresh_token === 'string' ? { refreshToken: body.refresh_token } : {}),
    expiresAt: Number.isFinite(expiresIn) && expiresIn > 0 ? Date.now() + expiresIn * 1000 : null,
    scopes: granted,
  };
}
