// A fake OAuth 2.0 provider (authorize + token endpoints, RFC 6749 / RFC 7636) and a fake partner
// API that accepts only the access tokens this provider issued and still considers live.
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export interface TokenCall {
  grantType: string;
  /** How the client authenticated: `basic`, `body` or `none`. */
  clientAuth: 'basic' | 'body' | 'none';
  /** For code exchanges: whether the PKCE verifier matched the challenge of /authorize. */
  pkceVerified?: boolean;
  status: number;
  error?: string;
}

export interface PartnerCall {
  path: string;
  authorization: string | undefined;
  status: number;
  body: unknown;
}

interface Code {
  clientId: string;
  redirectUri: string;
  challenge: string | undefined;
  method: string | undefined;
  scope: string;
  used: boolean;
  expiresAt: number;
}

export interface FakeProvider {
  url: string;
  partnerUrl: string;
  clientId: string;
  clientSecret: string;
  /** Every token endpoint request, in order. */
  tokenCalls: TokenCall[];
  partnerCalls: PartnerCall[];
  /** Every access and refresh token ever issued (for "appears nowhere" checks). */
  issued: string[];
  /** Lifetime of access tokens issued from now on. */
  accessTtlSec: number;
  /** The next /authorize answers `error=access_denied`. */
  denyNext: boolean;
  /** How long a refresh takes to answer (the old refresh token is spent on arrival). */
  refreshDelayMs: number;
  /** Access tokens the partner accepts right now. */
  liveAccess(): string[];
  /** The partner answers 401 to every token issued so far (refresh tokens stay valid). */
  revokeAccessTokens(): void;
  /** Access and refresh tokens issued so far all die: a refresh then gets `invalid_grant`. */
  revokeEverything(): void;
  /** Successful refreshes. */
  refreshCount(): number;
  /** Every refresh request, refused ones included. */
  refreshAttempts(): number;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
    }),
  );
}

export async function startFakeProvider(
  options: { clientAuth?: 'basic' | 'body' } = {},
): Promise<FakeProvider> {
  const clientAuth = options.clientAuth ?? 'basic';
  const clientId = 'plugboard-client';
  const clientSecret = `cs_${randomBytes(12).toString('hex')}`;
  const codes = new Map<string, Code>();
  const access = new Map<string, { expiresAt: number; live: boolean }>();
  const refresh = new Map<string, { live: boolean; scope: string }>();
  const token = (prefix: string) => `${prefix}_${randomBytes(16).toString('hex')}`;

  const provider: FakeProvider = {
    url: '',
    partnerUrl: '',
    clientId,
    clientSecret,
    tokenCalls: [],
    partnerCalls: [],
    issued: [],
    accessTtlSec: 3600,
    denyNext: false,
    refreshDelayMs: 0,
    liveAccess: () =>
      [...access.entries()].filter(([, a]) => a.live && a.expiresAt > Date.now()).map(([t]) => t),
    revokeAccessTokens: () => {
      for (const a of access.values()) a.live = false;
    },
    revokeEverything: () => {
      for (const a of access.values()) a.live = false;
      for (const r of refresh.values()) r.live = false;
    },
    refreshAttempts: () =>
      provider.tokenCalls.filter((c) => c.grantType === 'refresh_token').length,
    refreshCount: () =>
      provider.tokenCalls.filter((c) => c.grantType === 'refresh_token' && c.status === 200).length,
    close: async () => {
      await Promise.all([
        new Promise((r) => providerServer.close(r)),
        new Promise((r) => partnerServer.close(r)),
      ]);
    },
  };

  const issue = (scope: string) => {
    const accessToken = token('at');
    const refreshToken = token('rt');
    access.set(accessToken, { expiresAt: Date.now() + provider.accessTtlSec * 1000, live: true });
    refresh.set(refreshToken, { live: true, scope });
    provider.issued.push(accessToken, refreshToken);
    return {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: provider.accessTtlSec,
      refresh_token: refreshToken,
      scope,
    };
  };

  const providerServer = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', provider.url);
      if (req.method === 'GET' && url.pathname === '/authorize') {
        const q = url.searchParams;
        const redirectUri = q.get('redirect_uri') ?? '';
        if (q.get('client_id') !== clientId || q.get('response_type') !== 'code' || !redirectUri) {
          res.writeHead(400, { 'content-type': 'text/plain' });
          res.end('bad authorization request');
          return;
        }
        const back = new URL(redirectUri);
        back.searchParams.set('state', q.get('state') ?? '');
        if (provider.denyNext) {
          provider.denyNext = false;
          back.searchParams.set('error', 'access_denied');
          back.searchParams.set('error_description', 'The user declined the request');
        } else {
          const code = token('code');
          codes.set(code, {
            clientId,
            redirectUri,
            challenge: q.get('code_challenge') ?? undefined,
            method: q.get('code_challenge_method') ?? undefined,
            scope: q.get('scope') ?? '',
            used: false,
            expiresAt: Date.now() + 60_000,
          });
          back.searchParams.set('code', code);
        }
        res.writeHead(302, { location: back.href });
        res.end();
        return;
      }
      if (req.method === 'POST' && url.pathname === '/token') {
        const form = new URLSearchParams(await readBody(req));
        const grantType = form.get('grant_type') ?? '';
        const call: TokenCall = { grantType, clientAuth: 'none', status: 200 };
        provider.tokenCalls.push(call);
        const fail = (status: number, error: string) => {
          call.status = status;
          call.error = error;
          json(res, status, { error, error_description: `fake provider: ${error}` });
        };
        let id = form.get('client_id');
        let secret = form.get('client_secret');
        const header = req.headers.authorization;
        if (header?.startsWith('Basic ')) {
          const [user = '', pass = ''] = Buffer.from(header.slice(6), 'base64')
            .toString('utf8')
            .split(':');
          id = decodeURIComponent(user);
          secret = decodeURIComponent(pass);
          call.clientAuth = 'basic';
        } else if (secret !== null) {
          call.clientAuth = 'body';
        }
        if (call.clientAuth !== clientAuth || id !== clientId || secret !== clientSecret) {
          fail(401, 'invalid_client');
          return;
        }
        if (grantType === 'authorization_code') {
          const code = codes.get(form.get('code') ?? '');
          if (!code || code.used || code.expiresAt < Date.now()) {
            fail(400, 'invalid_grant');
            return;
          }
          code.used = true;
          if (code.redirectUri !== form.get('redirect_uri')) {
            fail(400, 'invalid_grant');
            return;
          }
          const verifier = form.get('code_verifier') ?? '';
          call.pkceVerified =
            code.method === 'S256' &&
            createHash('sha256').update(verifier).digest('base64url') === code.challenge;
          if (code.challenge !== undefined && !call.pkceVerified) {
            fail(400, 'invalid_grant');
            return;
          }
          json(res, 200, issue(code.scope));
          return;
        }
        if (grantType === 'refresh_token') {
          const old = refresh.get(form.get('refresh_token') ?? '');
          if (!old?.live) {
            fail(400, 'invalid_grant');
            return;
          }
          // Rotation: a refresh token works once.
          old.live = false;
          if (provider.refreshDelayMs > 0)
            await new Promise((r) => setTimeout(r, provider.refreshDelayMs));
          json(res, 200, issue(old.scope));
          return;
        }
        fail(400, 'unsupported_grant_type');
        return;
      }
      res.writeHead(404);
      res.end();
    })();
  });

  const partnerServer = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      const authorization = req.headers.authorization;
      const bearer = authorization?.startsWith('Bearer ') ? authorization.slice(7) : '';
      const entry = access.get(bearer);
      const body = raw ? (JSON.parse(raw) as unknown) : null;
      const ok = entry !== undefined && entry.live && entry.expiresAt > Date.now();
      const status = ok ? 200 : 401;
      provider.partnerCalls.push({ path: req.url ?? '', authorization, status, body });
      // Like some debugging endpoints, it echoes the header it got: the runtime must mask it.
      if (ok) json(res, 200, { ok: true, received: body, authorization });
      else json(res, 401, { error: 'invalid_token' });
    })();
  });

  provider.url = await listen(providerServer);
  provider.partnerUrl = await listen(partnerServer);
  return provider;
}
