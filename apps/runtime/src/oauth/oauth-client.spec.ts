import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  buildAuthorizeUrl,
  OAuthGrantError,
  pkcePair,
  renderConfigTemplate,
  requestToken,
} from './oauth-client.js';
import type { AuthorizationCodeAuth, TokenTransport } from './oauth-client.js';

const auth: AuthorizationCodeAuth = {
  type: 'oauth2AuthorizationCode',
  authorizeUrl: 'https://{{ config.team }}.example.com/oauth/authorize',
  tokenUrl: 'https://{{ config.team }}.example.com/oauth/token',
  scopes: ['chat:write', 'users:read'],
};

/** A token endpoint in memory: records what it was sent and answers as told. */
function endpoint(status: number, body: string) {
  const sent: Array<{ url: string; headers: Record<string, string>; form: URLSearchParams }> = [];
  const transport: TokenTransport = {
    send: (request) => {
      sent.push({
        url: request.url.href,
        headers: request.headers,
        form: new URLSearchParams(request.body?.toString('utf8') ?? ''),
      });
      return Promise.resolve({ status, headers: {}, body: Buffer.from(body) });
    },
  };
  return { transport, sent };
}

describe('authorize URL', () => {
  it('carries the flow parameters, the scopes joined by the separator, and the S256 challenge', () => {
    const url = new URL(
      buildAuthorizeUrl(
        { ...auth, scopeSeparator: ',', extraAuthorizeParams: { access_type: 'offline' } },
        { team: 'acme' },
        {
          clientId: 'cid',
          redirectUri: 'https://pb.example/oauth/callback',
          state: 's1',
          challenge: 'ch',
        },
      ),
    );
    expect(url.host).toBe('acme.example.com');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      access_type: 'offline',
      response_type: 'code',
      client_id: 'cid',
      redirect_uri: 'https://pb.example/oauth/callback',
      scope: 'chat:write,users:read',
      state: 's1',
      code_challenge: 'ch',
      code_challenge_method: 'S256',
    });
  });

  it('does not let extra parameters replace the state or the client id', () => {
    const url = new URL(
      buildAuthorizeUrl(
        { ...auth, extraAuthorizeParams: { state: 'forged', client_id: 'other' } },
        { team: 'acme' },
        { clientId: 'cid', redirectUri: 'https://pb.example/cb', state: 'real' },
      ),
    );
    expect(url.searchParams.get('state')).toBe('real');
    expect(url.searchParams.get('client_id')).toBe('cid');
    expect(url.searchParams.has('code_challenge')).toBe(false);
  });

  it('encodes config values, so a config value cannot change the host', () => {
    expect(renderConfigTemplate(auth.authorizeUrl, { team: 'evil.com/x?' })).toBe(
      'https://evil.com%2Fx%3F.example.com/oauth/authorize',
    );
    expect(renderConfigTemplate(auth.authorizeUrl, {})).toBe(
      'https://.example.com/oauth/authorize',
    );
  });
});

describe('PKCE', () => {
  it('makes a 43-character verifier whose S256 digest is the challenge', () => {
    const { verifier, challenge } = pkcePair();
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(createHash('sha256').update(verifier).digest('base64url')).toBe(challenge);
    expect(pkcePair().verifier).not.toBe(verifier);
  });
});

describe('token request', () => {
  const client = { clientId: 'id:with space', clientSecret: 's3cr:t/+' };

  it('basic: form-encodes id and secret before joining them (RFC 6749 2.3.1)', async () => {
    const { transport, sent } = endpoint(
      200,
      JSON.stringify({ access_token: 'at', refresh_token: 'rt', expires_in: 60, scope: 'a b' }),
    );
    const grant = await requestToken({
      auth: { ...auth, tokenAuth: 'basic' },
      config: { team: 'acme' },
      client,
      params: { grant_type: 'authorization_code', code: 'c' },
      transport,
      timeoutMs: 1000,
    });
    const [user, pass] = Buffer.from(sent[0]!.headers.authorization!.slice(6), 'base64')
      .toString('utf8')
      .split(':');
    expect([decodeURIComponent(user!), decodeURIComponent(pass!)]).toEqual([
      client.clientId,
      client.clientSecret,
    ]);
    expect(sent[0]!.form.has('client_secret')).toBe(false);
    expect(sent[0]!.url).toBe('https://acme.example.com/oauth/token');
    expect(grant).toMatchObject({ accessToken: 'at', refreshToken: 'rt', scopes: ['a', 'b'] });
    expect(grant.expiresAt! - Date.now()).toBeGreaterThan(55_000);
  });

  it('body: sends the client in the form; without a scope answer the requested scopes count as granted', async () => {
    const { transport, sent } = endpoint(200, JSON.stringify({ access_token: 'at' }));
    const grant = await requestToken({
      auth,
      config: { team: 'acme' },
      client,
      params: { grant_type: 'refresh_token', refresh_token: 'rt' },
      transport,
      timeoutMs: 1000,
    });
    expect(sent[0]!.form.get('client_secret')).toBe(client.clientSecret);
    expect(sent[0]!.headers.authorization).toBeUndefined();
    expect(grant).toEqual({ accessToken: 'at', expiresAt: null, scopes: auth.scopes });
  });

  it('reports the OAuth error code, or the status when the answer is not JSON', async () => {
    const refused = endpoint(
      400,
      JSON.stringify({ error: 'invalid_grant', error_description: 'used' }),
    );
    const error = await requestToken({
      auth,
      config: {},
      client,
      params: { grant_type: 'refresh_token', refresh_token: 'old' },
      transport: refused.transport,
      timeoutMs: 1000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuthGrantError);
    expect(error).toMatchObject({ error: 'invalid_grant', description: 'used', status: 400 });
    const html = endpoint(502, '<html>bad gateway</html>');
    await expect(
      requestToken({
        auth,
        config: {},
        client,
        params: { grant_type: 'refresh_token', refresh_token: 'x' },
        transport: html.transport,
        timeoutMs: 1000,
      }),
    ).rejects.toMatchObject({ error: 'http_502' });
  });
});
