// Credentials meet the request here, host side, after the isolate has built everything else.
import { createHash } from 'node:crypto';
import type { AuthView } from '../definition.js';
import { EngineError } from '../errors.js';
import type { OAuthTokenProvider } from '../types.js';
import type { Transport } from './transport.js';

export interface AuthTarget {
  url: URL;
  headers: Record<string, string>;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

/**
 * OAuth2 client-credentials tokens, shared by every run of the engine and keyed by token URL,
 * client and scopes (plus a hash of the secret, so a rotated secret fetches a new token).
 */
export class TokenCache {
  private readonly tokens = new Map<string, CachedToken>();
  private readonly pending = new Map<string, Promise<string>>();

  private key(
    auth: Extract<AuthView, { type: 'oauth2ClientCredentials' }>,
    id: string,
    secret: string,
  ): string {
    const scopes = [...(auth.scopes ?? [])].sort().join(' ');
    const secretHash = createHash('sha256').update(secret).digest('hex');
    return `${auth.tokenUrl}\n${id}\n${scopes}\n${secretHash}`;
  }

  invalidate(
    auth: Extract<AuthView, { type: 'oauth2ClientCredentials' }>,
    id: string,
    secret: string,
  ): void {
    this.tokens.delete(this.key(auth, id, secret));
  }

  async get(
    auth: Extract<AuthView, { type: 'oauth2ClientCredentials' }>,
    id: string,
    secret: string,
    transport: Transport,
    timeoutMs: number,
  ): Promise<string> {
    const key = this.key(auth, id, secret);
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt > Date.now()) return cached.token;
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    const fetching = fetchToken(auth, id, secret, transport, timeoutMs)
      .then(({ token, expiresInSec }) => {
        // Refresh a little early so a token never expires mid-request.
        const ttlMs = Math.max(0, (expiresInSec ?? 3600) * 1000 - 30_000);
        this.tokens.set(key, { token, expiresAt: Date.now() + ttlMs });
        return token;
      })
      .finally(() => this.pending.delete(key));
    this.pending.set(key, fetching);
    return fetching;
  }
}

async function fetchToken(
  auth: Extract<AuthView, { type: 'oauth2ClientCredentials' }>,
  id: string,
  secret: string,
  transport: Transport,
  timeoutMs: number,
): Promise<{ token: string; expiresInSec?: number }> {
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (auth.scopes && auth.scopes.length > 0) form.set('scope', auth.scopes.join(' '));
  if (auth.audience) form.set('audience', auth.audience);
  const basic = Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString(
    'base64',
  );
  const response = await transport.send({
    method: 'POST',
    url: new URL(auth.tokenUrl),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
      authorization: `Basic ${basic}`,
    },
    body: Buffer.from(form.toString()),
    timeoutMs,
    maxResponseBytes: 64 * 1024,
  });
  let parsed: { access_token?: unknown; expires_in?: unknown } = {};
  try {
    parsed = JSON.parse(response.body.toString('utf8')) as typeof parsed;
  } catch {
    // handled below: no access_token
  }
  if (response.status < 200 || response.status >= 300 || typeof parsed.access_token !== 'string') {
    const transient = response.status >= 500 || response.status === 429;
    throw new EngineError(
      transient ? 'PARTNER_TRANSIENT' : 'PARTNER_PERMANENT',
      `the OAuth2 token request to ${auth.tokenUrl} answered ${response.status} without an access_token: check the installation's clientId and clientSecret (/auth/tokenUrl)`,
      { status: response.status },
    );
  }
  const expires = Number(parsed.expires_in);
  return {
    token: parsed.access_token,
    ...(Number.isFinite(expires) ? { expiresInSec: expires } : {}),
  };
}

export function setHeader(headers: Record<string, string>, name: string, value: string): void {
  for (const key of Object.keys(headers))
    if (key.toLowerCase() === name.toLowerCase()) delete headers[key];
  headers[name.toLowerCase()] = value;
}

export interface AuthContext {
  tokens: TokenCache;
  /** The transport that fetches OAuth2 tokens. */
  transport: Transport;
  timeoutMs: number;
  /** Secret values that appeared while authenticating (access tokens), for masking. */
  secrets: Set<string>;
  /** Authorization-code tokens kept by the host; without it `credentials.accessToken` is used. */
  oauth?: OAuthTokenProvider;
}

/**
 * Adds the installation's credentials to the request. A credential that is absent is not invented:
 * the partner's 401 then tells the user which one to set.
 */
export async function applyAuth(
  auth: AuthView | undefined,
  credentials: Record<string, string>,
  target: AuthTarget,
  context: AuthContext,
): Promise<void> {
  if (!auth) return;
  switch (auth.type) {
    case 'none':
      return;
    case 'apiKey': {
      const key = credentials.apiKey;
      if (key === undefined) return;
      const value = `${auth.prefix ?? ''}${key}`;
      if (auth.in === 'query') target.url.searchParams.set(auth.name, value);
      else setHeader(target.headers, auth.name, value);
      return;
    }
    case 'bearer': {
      if (credentials.token !== undefined)
        setHeader(target.headers, 'authorization', `Bearer ${credentials.token}`);
      return;
    }
    case 'basic': {
      if (credentials.username === undefined && credentials.password === undefined) return;
      const pair = `${credentials.username ?? ''}:${credentials.password ?? ''}`;
      setHeader(target.headers, 'authorization', `Basic ${Buffer.from(pair).toString('base64')}`);
      return;
    }
    case 'oauth2ClientCredentials': {
      // A pre-issued token (contract runs, tests) skips the token endpoint.
      let token = credentials.accessToken;
      if (token === undefined) {
        const { clientId, clientSecret } = credentials;
        if (clientId === undefined || clientSecret === undefined) return;
        token = await context.tokens.get(
          auth,
          clientId,
          clientSecret,
          context.transport,
          context.timeoutMs,
        );
      }
      context.secrets.add(token);
      setHeader(target.headers, 'authorization', `Bearer ${token}`);
      return;
    }
    case 'oauth2AuthorizationCode': {
      // The host's token store refreshes before expiry; a pre-issued token (contracts) is presented as is.
      const token = context.oauth ? await context.oauth.accessToken() : credentials.accessToken;
      if (token === undefined) return;
      context.secrets.add(token);
      setHeader(target.headers, 'authorization', `Bearer ${token}`);
      return;
    }
    default:
      return;
  }
}
