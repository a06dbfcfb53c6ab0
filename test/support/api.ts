// supertest against a runtime child process, plus the setup most specs share.
import request from 'supertest';
import type { RuntimeProcess } from './runtime.js';
import { bundle, makeConnector } from './factories.js';
import type { Definition } from './factories.js';

export type Call = (
  method: 'get' | 'post' | 'patch' | 'delete',
  path: string,
  key?: string,
) => request.Test;

export function api(runtime: RuntimeProcess): Call {
  return (method, path, key = runtime.adminKey) => {
    const test = request(runtime.url)[method](path);
    return key === '' ? test : test.set('authorization', `Bearer ${key}`);
  };
}

export interface TenantSetup {
  tenantId: string;
  /** A key of the tenant with every tenant-level scope. */
  key: string;
  installationId: string;
  definition: Definition;
}

export const TENANT_SCOPES = [
  'catalog:read',
  'installations:read',
  'installations:write',
  'actions:invoke',
  'events:write',
  'runs:read',
  'runs:replay',
];

export async function publish(
  call: Call,
  definition: Definition,
  contracts: unknown[] = [],
): Promise<void> {
  const res = await call('post', '/v1/connectors').send(bundle(definition, contracts));
  if (res.status !== 201 && res.status !== 200)
    throw new Error(`publish failed ${res.status}: ${JSON.stringify(res.body)}`);
}

export async function makeTenant(
  call: Call,
  name: string,
  connectorId = 'acme',
  credentials: Record<string, string> = {
    token: `tok-${name}-secret-value`,
    webhookSecret: `whsec-${name}-value`,
  },
): Promise<Omit<TenantSetup, 'definition'>> {
  const tenant = await call('post', '/v1/tenants').send({ name }).expect(201);
  const key = await call('post', '/v1/api-keys')
    .send({ tenantId: tenant.body.id, scopes: TENANT_SCOPES, name: 'all' })
    .expect(201);
  const installation = await call('post', '/v1/installations', key.body.key)
    .send({ connectorId, config: { region: 'eu' }, credentials })
    .expect(201);
  return {
    tenantId: tenant.body.id as string,
    key: key.body.key as string,
    installationId: installation.body.id as string,
  };
}

export async function standardSetup(
  call: Call,
  partnerUrl: string,
  name = 'tenant-a',
): Promise<TenantSetup> {
  const definition = makeConnector(partnerUrl);
  await publish(call, definition);
  return { ...(await makeTenant(call, name)), definition };
}
