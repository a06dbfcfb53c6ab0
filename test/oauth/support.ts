// What both OAuth specs share: the connector, the OAuth app, and a browser's round trip.
import request from 'supertest';
import { expect } from 'vitest';
import type { Call } from '../support/api.js';
import { makeConnector } from '../support/factories.js';
import type { Definition } from '../support/factories.js';
import type { RuntimeProcess } from '../support/runtime.js';
import type { FakeProvider } from './fake-provider.js';

export const CONNECTOR_ID = 'oauthy';

export function oauthConnector(provider: FakeProvider): Definition {
  const definition = makeConnector(provider.partnerUrl, {
    id: CONNECTOR_ID,
    name: 'OAuthy',
    auth: {
      type: 'oauth2AuthorizationCode',
      authorizeUrl: `${provider.url}/authorize`,
      tokenUrl: `${provider.url}/token`,
      scopes: ['messages:write', 'profile'],
      pkce: true,
      tokenAuth: 'basic',
      extraAuthorizeParams: { access_type: 'offline' },
      refresh: { enabled: true, skewSec: 30 },
    },
  });
  delete definition.triggers;
  return definition;
}

export async function putOAuthApp(runtime: RuntimeProcess, provider: FakeProvider): Promise<void> {
  const put = await request(runtime.url)
    .put(`/v1/connectors/${CONNECTOR_ID}/oauth-app`)
    .set('authorization', `Bearer ${runtime.adminKey}`)
    .send({ clientId: provider.clientId, clientSecret: provider.clientSecret });
  expect(put.status, put.text).toBe(200);
}

/** A browser after Connect: opens the authorize URL, follows the provider back to the callback. */
export async function authorize(authorizeUrl: string, publicUrl: string): Promise<string> {
  const res = await fetch(authorizeUrl, { redirect: 'manual' });
  expect(res.status).toBe(302);
  const location = res.headers.get('location') ?? '';
  expect(location.startsWith(`${publicUrl}/oauth/callback?`)).toBe(true);
  return location.slice(publicUrl.length);
}

export class OAuthSteps {
  constructor(
    private readonly call: Call,
    private readonly publicUrl: string,
    /** Sees every response, for the "tokens appear nowhere" checks. */
    private readonly record: (res: request.Response) => request.Response = (res) => res,
  ) {}

  async start(installationId: string, key: string) {
    const res = this.record(
      await this.call('post', `/v1/installations/${installationId}/oauth/start`, key).expect(200),
    );
    return res.body as { authorizeUrl: string; state: string; expiresAt: string };
  }

  authorize(authorizeUrl: string): Promise<string> {
    return authorize(authorizeUrl, this.publicUrl);
  }

  async connect(installationId: string, key: string): Promise<request.Response> {
    const { authorizeUrl } = await this.start(installationId, key);
    const callback = await this.authorize(authorizeUrl);
    return this.record(await this.call('get', callback, ''));
  }
}
