// Versions of one connector for the versioning specs, built from the shared factory.
import { createHash } from 'node:crypto';
import { makeConnector } from '../support/factories.js';
import type { Definition } from '../support/factories.js';
import request from 'supertest';
import { afterAll, beforeAll } from 'vitest';
import { api } from '../support/api.js';
import type { Call } from '../support/api.js';
import { startFakePartner } from '../support/fake-partner.js';
import type { FakePartner } from '../support/fake-partner.js';
import { eventually, startRuntime } from '../support/runtime.js';
import type { RuntimeProcess } from '../support/runtime.js';
import { freshDatabase } from '../support/services.js';

type Schema = { properties: Record<string, unknown>; required?: string[] };
type Actions = Record<string, { input: Schema; flow: { nodes: Array<Record<string, unknown>> } }>;

export const actionsOf = (d: Definition) => d.actions as Actions;

/** 1.0.0 of connector `id`, pointed at the fake partner. */
export function v1(partnerUrl: string, id: string): Definition {
  return makeConnector(partnerUrl, { id, name: id });
}

/** 1.1.0: `send` gains an optional `priority` (a compatible, minor change). */
export function v11(partnerUrl: string, id: string): Definition {
  const next = structuredClone(v1(partnerUrl, id));
  next.version = '1.1.0';
  actionsOf(next).send!.input.properties.priority = { type: 'string' };
  return next;
}

/** The share of installations a staged roll-out moves: its documented deterministic order. */
export function expectedShare(ids: string[], version: string, percent: number): string[] {
  const rank = (id: string) => createHash('sha256').update(`${id}@${version}`).digest('hex');
  const ordered = [...ids].sort((a, b) => (rank(a) < rank(b) ? -1 : 1));
  return ordered.slice(0, Math.floor((percent * ids.length) / 100)).sort();
}

export async function versionOf(call: Call, installationId: string): Promise<string> {
  const res = await call('get', `/v1/installations/${installationId}`).expect(200);
  return res.body.version as string;
}

/** Waits out the installation read cache (about a second) until the version settles on `want`. */
export async function eventuallyOn(call: Call, installationId: string, want: string) {
  return eventually(async () =>
    (await versionOf(call, installationId)) === want ? want : undefined,
  );
}

export interface World {
  runtime: RuntimeProcess;
  partner: FakePartner;
  call: Call;
}

/**
 * One runtime and one fake partner for a spec file, started before its tests and stopped after;
 * with `postgres`, the runtime keeps its data in a fresh PostgreSQL database instead of SQLite.
 */
export function world(options: { postgres?: boolean } = {}): World {
  const w = {} as World;
  let database: ReturnType<typeof freshDatabase> | undefined;
  beforeAll(async () => {
    if (options.postgres) database = freshDatabase();
    w.partner = await startFakePartner();
    w.runtime = await startRuntime(database ? { env: { DATABASE_URL: database.url } } : {});
    w.call = api(w.runtime);
  });
  afterAll(async () => {
    await w.runtime?.stop();
    await w.partner?.close();
    database?.drop();
  });
  return w;
}

/** `PUT` with the admin key (the shared `Call` has no PUT). */
export function put(w: World, path: string): request.Test {
  return request(w.runtime.url).put(path).set('authorization', `Bearer ${w.runtime.adminKey}`);
}
