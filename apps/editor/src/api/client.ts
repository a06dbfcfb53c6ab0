import type { DefinitionLike, JsonObject } from '../model.js';

/** The runtime's error body, `{ error: { code, message, details? } }`, as a thrown value. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** The whole error answer, for routes that send more beside `error` (the publish report). */
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface Issue {
  pointer: string;
  code: string;
  message: string;
}

export interface Change {
  pointer: string;
  change: string;
  class: 'compatible' | 'breaking';
  reason: string;
}

export interface PublishReport {
  valid: boolean;
  errors: Issue[];
  changes: Change[];
  requiredBump: 'major' | 'minor' | 'patch' | 'none';
  contracts: Array<{ name: string; passed: boolean; diff?: unknown; error?: unknown }>;
}

export interface ConnectorSummary {
  id: string;
  name: string;
  description?: string;
  icon?: string;
  categories?: string[];
  publisher?: string;
  latestVersion?: string;
  versions?: Array<string | VersionSummary>;
  deprecation?: { message?: string; sunset?: string } | null;
  [key: string]: unknown;
}

export interface VersionSummary {
  version: string;
  publishedAt?: string;
  digest?: string;
  deprecated?: boolean;
  deprecation?: { message?: string; sunset?: string } | null;
  changes?: Change[];
  requiredBump?: string;
  [key: string]: unknown;
}

export interface ConnectorDetail extends ConnectorSummary {
  versions?: Array<string | VersionSummary>;
  /** The latest version's definition. */
  definition?: DefinitionLike;
  changelog?: Array<{
    version: string;
    publishedAt?: string;
    changes?: Change[];
    requiredBump?: string;
  }>;
}

export interface ConnectorVersion {
  id?: string;
  version?: string;
  definition: DefinitionLike;
  [key: string]: unknown;
}

export interface NodeTraceView {
  id: string;
  type: string;
  input?: unknown;
  output?: unknown;
  durationMs?: number;
  request?: unknown;
  response?: unknown;
  error?: { code: string; message: string; details?: unknown } | null;
}

export interface TestRunResult {
  status: 'succeeded' | 'failed';
  output?: unknown;
  items?: Array<{
    index: number;
    status: 'ok' | 'failed';
    output?: unknown;
    error?: { code: string; message: string };
  }>;
  error?: { code: string; message: string; class?: string; details?: unknown };
  trace: NodeTraceView[];
  calls?: Array<{
    method: string;
    url: string;
    status?: number;
    attempt?: number;
    durationMs?: number;
    outcome?: string;
  }>;
  durationMs?: number;
}

export interface TestRunRequest {
  definition: DefinitionLike;
  action: string;
  input?: unknown;
  items?: unknown[];
  config?: JsonObject;
  credentials?: Record<string, string>;
  interactions?: unknown[];
}

export interface Installation {
  id: string;
  connectorId: string;
  version: string;
  range?: string;
  status: string;
  tenantId?: string;
  config?: JsonObject;
  createdAt?: string;
  [key: string]: unknown;
}

/** `GET /v1/installations/:id/oauth`: the code-flow connection of an installation. */
export interface OAuthConnectionState {
  oauth: boolean;
  state: 'not_connected' | 'connected' | 'needs_reauth';
  scopes: string[];
  expiresAt: string | null;
}

export interface InstallationHealth {
  successRate?: number | null;
  latencyMs?: { p50?: number | null; p99?: number | null } | null;
  latencyP50Ms?: number | null;
  latencyP99Ms?: number | null;
  duplicates?: number;
  queueDepth?: number;
  lag?: number | null;
  lagMs?: number | null;
  remainingQuota?: unknown;
  backoff?: unknown;
  budgetLeft?: unknown;
  lastSuccessAt?: string | null;
  [key: string]: unknown;
}

export interface RunSummary {
  id: string;
  status: string;
  action?: string;
  trigger?: string;
  installationId?: string;
  batchId?: string | null;
  replayOf?: string | null;
  error?: { code: string; message: string } | null;
  createdAt?: string;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  items?: unknown;
  [key: string]: unknown;
}

export interface Identity {
  scopes: string[];
  tenantId?: string | null;
  name?: string;
}

export interface EventsAnswer {
  events: Array<{ id: string; status: 'accepted' | 'duplicate' | 'rejected'; errors?: Issue[] }>;
  correlationId: string;
}

/** A route: a trigger of one installation feeding an action of another (or the same one). */
export interface RouteView {
  id: string;
  tenantId?: string;
  name: string;
  source: { installationId: string; trigger: string; kind?: 'webhook' | 'poll' };
  target: { installationId: string; action: string };
  filter?: string | null;
  mapping: string;
  ordering?: { key: string; sequence?: string } | null;
  enabled: boolean;
  sample?: unknown;
  createdAt?: string;
  updatedAt?: string;
}

/** One example event through the route: `passed` is false when the filter drops it. */
export interface DryRunExample {
  example: number;
  passed: boolean;
  input?: unknown;
  orderKey?: string;
  sequence?: string | number;
}

export interface RouteRefusal extends Issue {
  example?: number;
  target?: Issue;
}

export interface RouteBody {
  name: string;
  source: { installationId: string; trigger: string };
  target: { installationId: string; action: string };
  filter?: string | null;
  mapping: string;
  enabled?: boolean;
  ordering?: { key: string; sequence?: string } | null;
  sample?: unknown;
}

/** A route check: saved with its dry run, or refused (422) with pointers and what the dry run gave. */
export type RouteCheck =
  | { saved: true; route: RouteView; dryRun: DryRunExample[] }
  | {
      saved: false;
      code: string;
      message: string;
      errors: RouteRefusal[];
      dryRun?: DryRunExample[];
    };

export interface TriggerState {
  name: string;
  kind: 'webhook' | 'poll';
  title?: string;
  routes: { total: number; enabled: number };
  poll?: {
    intervalMs: number;
    status: 'idle' | 'polling' | 'backoff' | 'scheduled';
    failures: number;
    lastError?: string | null;
    backoffMs?: number;
    lastSuccessAt?: string | null;
    nextPollAt?: string | null;
    recordsTotal?: number;
  };
}

export interface TriggerRecord {
  id: string;
  recordKey: string;
  state: string;
  data: unknown;
  createdAt?: string;
}

type Query = Record<string, string | number | undefined>;

/** A thin typed client over the runtime's routes (DESIGN.md "Routes"); one instance per API key. */
export class ApiClient {
  constructor(
    private readonly key: string,
    private readonly baseUrl = '',
  ) {}

  private async request<T>(
    method: string,
    path: string,
    body?: unknown,
    query?: Query,
    headers?: Record<string, string>,
  ): Promise<T> {
    const search = query
      ? Object.entries(query)
          .filter(([, v]) => v !== undefined && v !== '')
          .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
          .join('&')
      : '';
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}${search ? `?${search}` : ''}`, {
        method,
        headers: {
          authorization: `Bearer ${this.key}`,
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
    } catch {
      throw new ApiError(
        0,
        'NETWORK_ERROR',
        'The runtime did not answer. Is it running and reachable from this page?',
      );
    }
    const text = await response.text();
    let parsed: unknown = undefined;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    if (!response.ok) {
      const err = (
        parsed as { error?: { code?: string; message?: string; details?: unknown } } | undefined
      )?.error;
      throw new ApiError(
        response.status,
        err?.code ?? `HTTP_${response.status}`,
        err?.message ?? `${method} ${path} answered ${response.status}`,
        err?.details,
        parsed,
      );
    }
    return parsed as T;
  }

  /**
   * Who this key is. The runtime's `GET /v1/api-keys/current` answers directly; a runtime without it
   * is probed: any key reads the catalog, and only an admin key reads the tenant list.
   */
  /** Paths the runtime serves, from its OpenAPI document, so screens skip features it lacks. */
  routes(): Promise<Set<string>> {
    this.routeSet ??= this.request<{ paths?: Record<string, unknown> }>('GET', '/docs-json').then(
      (doc) => new Set(Object.keys(doc.paths ?? {})),
      () => new Set<string>(),
    );
    return this.routeSet;
  }
  private routeSet: Promise<Set<string>> | undefined;

  async identity(): Promise<Identity> {
    try {
      const me = await this.request<Partial<Identity> & { apiKey?: Partial<Identity> }>(
        'GET',
        '/v1/api-keys/current',
      );
      const source = me.apiKey ?? me;
      return { scopes: source.scopes ?? [], tenantId: source.tenantId ?? null, name: source.name };
    } catch (error) {
      if (!(error instanceof ApiError) || (error.status !== 404 && error.status !== 405))
        throw error;
    }
    await this.request('GET', '/v1/connectors');
    try {
      await this.request('GET', '/v1/audit', undefined, { limit: 1 });
      return { scopes: ['admin'], tenantId: null };
    } catch (error) {
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
        return {
          scopes: [
            'catalog:read',
            'installations:read',
            'installations:write',
            'events:write',
            'runs:read',
            'runs:replay',
          ],
          tenantId: undefined,
        };
      }
      throw error;
    }
  }

  listConnectors(query?: { q?: string; category?: string }): Promise<ConnectorSummary[]> {
    return this.request<
      ConnectorSummary[] | { connectors?: ConnectorSummary[]; items?: ConnectorSummary[] }
    >('GET', '/v1/connectors', undefined, query).then(unwrapList('connectors'));
  }

  getConnector(id: string): Promise<ConnectorDetail> {
    return this.request('GET', `/v1/connectors/${encodeURIComponent(id)}`);
  }

  async getVersion(id: string, version: string): Promise<ConnectorVersion> {
    const answer = await this.request<ConnectorVersion | DefinitionLike>(
      'GET',
      `/v1/connectors/${encodeURIComponent(id)}/versions/${encodeURIComponent(version)}`,
    );
    if ('definition' in answer && answer.definition) return answer as ConnectorVersion;
    return { definition: answer as DefinitionLike };
  }

  /** 201 and 422 both carry the gate's report; only other failures throw. */
  async publish(bundle: {
    format: 'plugboard.bundle/1';
    definition: DefinitionLike;
    contracts: unknown[];
    digest?: string;
    readme?: string;
  }): Promise<{ published: boolean; report: PublishReport }> {
    try {
      const answer = await this.request<{ report: PublishReport }>(
        'POST',
        '/v1/connectors',
        bundle,
      );
      return { published: true, report: answer.report };
    } catch (error) {
      if (error instanceof ApiError && error.status === 422) {
        const report = (error.body as { report?: PublishReport } | undefined)?.report;
        if (report && typeof report === 'object' && 'valid' in report)
          return { published: false, report };
      }
      throw error;
    }
  }

  deprecate(
    id: string,
    version: string,
    body: { message: string; sunset?: string },
  ): Promise<unknown> {
    return this.request(
      'POST',
      `/v1/connectors/${encodeURIComponent(id)}/versions/${encodeURIComponent(version)}/deprecate`,
      body,
    );
  }

  testRun(body: TestRunRequest): Promise<TestRunResult> {
    return this.request<TestRunResult | { run: TestRunResult }>('POST', '/v1/test-runs', body).then(
      (r) => ('run' in r ? r.run : r),
    );
  }

  listInstallations(): Promise<Installation[]> {
    return this.request<
      Installation[] | { installations?: Installation[]; items?: Installation[] }
    >('GET', '/v1/installations').then(unwrapList('installations'));
  }

  createInstallation(body: {
    connectorId: string;
    version?: string;
    config: JsonObject;
    credentials: Record<string, string>;
    tenantId?: string;
  }): Promise<Installation> {
    return this.request('POST', '/v1/installations', body);
  }

  getInstallation(id: string): Promise<Installation> {
    return this.request('GET', `/v1/installations/${encodeURIComponent(id)}`);
  }

  /** Rotates credentials (the whole set is replaced), moves the version range, and so on. */
  updateInstallation(
    id: string,
    body: {
      version?: string;
      credentials?: Record<string, string>;
      config?: JsonObject;
      name?: string;
      status?: 'enabled' | 'disabled';
    },
  ): Promise<Installation> {
    return this.request('PATCH', `/v1/installations/${encodeURIComponent(id)}`, body);
  }

  oauthConnection(id: string): Promise<OAuthConnectionState> {
    return this.request('GET', `/v1/installations/${encodeURIComponent(id)}/oauth`);
  }

  startOAuth(id: string): Promise<{ authorizeUrl: string; expiresAt: string }> {
    return this.request('POST', `/v1/installations/${encodeURIComponent(id)}/oauth/start`);
  }

  deleteInstallation(id: string): Promise<unknown> {
    return this.request('DELETE', `/v1/installations/${encodeURIComponent(id)}`);
  }

  health(id: string): Promise<InstallationHealth> {
    return this.request('GET', `/v1/installations/${encodeURIComponent(id)}/health`);
  }

  sendEvents(
    installationId: string,
    events: Array<{ action: string; data: unknown; id?: string }>,
  ): Promise<EventsAnswer> {
    return this.request('POST', `/v1/installations/${encodeURIComponent(installationId)}/events`, {
      events,
    });
  }

  invoke(
    installationId: string,
    action: string,
    input: unknown,
  ): Promise<{ runId: string; output: unknown }> {
    return this.request(
      'POST',
      `/v1/installations/${encodeURIComponent(installationId)}/actions/${encodeURIComponent(action)}`,
      input,
    );
  }

  listRuns(query: {
    installationId?: string;
    status?: string;
    limit?: number;
  }): Promise<RunSummary[]> {
    return this.request<RunSummary[] | { runs?: RunSummary[]; items?: RunSummary[] }>(
      'GET',
      '/v1/runs',
      undefined,
      query,
    ).then(unwrapList('runs'));
  }

  getRun(id: string): Promise<RunSummary> {
    return this.request('GET', `/v1/runs/${encodeURIComponent(id)}`);
  }

  replayRun(id: string, items?: number[]): Promise<unknown> {
    return this.request(
      'POST',
      `/v1/runs/${encodeURIComponent(id)}/replay`,
      items ? { items } : {},
    );
  }

  replayBatch(id: string, items?: number[]): Promise<unknown> {
    return this.request(
      'POST',
      `/v1/batches/${encodeURIComponent(id)}/replay`,
      items ? { items } : {},
    );
  }

  listRoutes(): Promise<RouteView[]> {
    return this.request<RouteView[] | { routes?: RouteView[] }>('GET', '/v1/routes').then(
      unwrapList('routes'),
    );
  }

  getRoute(id: string): Promise<RouteView> {
    return this.request('GET', `/v1/routes/${encodeURIComponent(id)}`);
  }

  /** Creates (no id) or changes a route; a 422 is the dry run's refusal, answered, not thrown. */
  async checkRoute(id: string | undefined, body: Partial<RouteBody>): Promise<RouteCheck> {
    try {
      const answer = await this.request<RouteView & { dryRun?: DryRunExample[] }>(
        id ? 'PATCH' : 'POST',
        id ? `/v1/routes/${encodeURIComponent(id)}` : '/v1/routes',
        body,
      );
      const { dryRun = [], ...route } = answer;
      return { saved: true, route, dryRun };
    } catch (error) {
      if (error instanceof ApiError && error.status === 422) {
        const details = (error.details ?? {}) as {
          errors?: RouteRefusal[];
          dryRun?: DryRunExample[];
        };
        return {
          saved: false,
          code: error.code,
          message: error.message,
          errors: Array.isArray(details.errors) ? details.errors : [],
          dryRun: details.dryRun,
        };
      }
      throw error;
    }
  }

  setRouteEnabled(id: string, enabled: boolean): Promise<RouteView> {
    return this.request('PATCH', `/v1/routes/${encodeURIComponent(id)}`, { enabled });
  }

  deleteRoute(id: string): Promise<unknown> {
    return this.request('DELETE', `/v1/routes/${encodeURIComponent(id)}`);
  }

  triggers(installationId: string): Promise<TriggerState[]> {
    return this.request<{ triggers?: TriggerState[] }>(
      'GET',
      `/v1/installations/${encodeURIComponent(installationId)}/triggers`,
    ).then(unwrapList('triggers'));
  }

  triggerRecords(installationId: string, trigger: string, limit = 5): Promise<TriggerRecord[]> {
    return this.request<{ records?: TriggerRecord[] }>(
      'GET',
      `/v1/installations/${encodeURIComponent(installationId)}/triggers/${encodeURIComponent(trigger)}/records`,
      undefined,
      { limit },
    ).then(unwrapList('records'));
  }
}

function unwrapList<T>(key: string): (answer: T[] | Record<string, unknown>) => T[] {
  return (answer) => {
    if (Array.isArray(answer)) return answer;
    const list = answer[key] ?? answer.items ?? answer.data;
    return Array.isArray(list) ? (list as T[]) : [];
  };
}

export function describeError(error: unknown): string {
  if (error instanceof ApiError) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return error.message;
  return String(error);
}
