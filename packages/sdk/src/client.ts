import type { Bundle, ConnectorDefinition, DiffReport, Issue } from '@plugboard/definition';

/** Options of {@link createClient}. */
export interface ClientOptions {
  /** Base URL of a Plugboard runtime, e.g. `http://localhost:3000`. */
  url: string;
  /** API key (`pb_<id>_<secret>`), sent as `Authorization: Bearer <key>`. */
  key?: string;
  /** Extra headers on every request (for example `X-Correlation-Id`). */
  headers?: Record<string, string>;
  /** Abort a request after this many milliseconds. Default 30 000. */
  timeoutMs?: number;
  /** The fetch to use; defaults to the global one (tests and proxies swap it). */
  fetch?: typeof fetch;
}

/** The error every client method throws for a 4xx/5xx answer or a failed connection. */
export class PlugboardApiError extends Error {
  override readonly name = 'PlugboardApiError';
  constructor(
    /** HTTP status; 0 when the runtime could not be reached. */
    readonly status: number,
    /** The runtime's error code (`CONNECTOR_NOT_FOUND`, `VALIDATION_FAILED`, ...), or `NETWORK_ERROR`. */
    readonly code: string,
    message: string,
    /** The error's details as the runtime sent them (JSON-pointer errors, a publish report, ...). */
    readonly details?: unknown,
    /** The whole parsed response body. */
    readonly body?: unknown,
  ) {
    super(message);
  }
}

/** The publish gate's verdict on a bundle (`POST /v1/connectors`, 201 or 422). */
export interface PublishReport {
  /** Whether the bundle passed every check; a refused bundle stores nothing. */
  valid: boolean;
  /** Schema, semantic, digest and version problems, each with a JSON pointer. */
  errors: Issue[];
  /** The compatibility diff against the previous version in the same major line. */
  changes: DiffReport['changes'];
  /** The bump the changes require. */
  requiredBump: DiffReport['requiredBump'];
  /** The version compared against (the newest before this one), or null for a first publish. */
  previousVersion?: string | null;
  /** The bump the version numbers make, or null for a first publish. */
  actualBump?: DiffReport['requiredBump'] | null;
  /** Every contract run: the package's own and each registered consumer contract. */
  contracts: Array<{
    name: string;
    passed: boolean;
    consumer?: string;
    diff?: unknown;
    error?: unknown;
  }>;
}

/** A successful publish: 201 for a new version, 200 when the same content was already published. */
export interface PublishResult {
  /** The HTTP status of the answer. */
  status: number;
  /** The stored version. */
  connector: { id: string; version: string; digest: string };
  report: PublishReport;
}

/** A connector in the catalog list. */
export interface CatalogEntry {
  id: string;
  name: string;
  description: string;
  /** The newest published version. */
  latestVersion: string;
  /** Every published version. */
  versions: string[];
}

/** One published version, as the catalog lists it. */
export interface VersionSummary {
  connectorId: string;
  version: string;
  /** `sha256:<hex>` of the canonical definition; versions are immutable by digest. */
  digest: string;
  deprecation?: { message: string; sunset?: string } | null;
  /** ISO timestamp. */
  publishedAt: string;
}

/** A connector with its versions, newest definition and changelog. */
export interface CatalogConnector {
  id: string;
  name: string;
  description: string;
  latestVersion: string;
  versions: VersionSummary[];
  /** The definition of `latestVersion`. */
  definition?: ConnectorDefinition;
  /** One entry per version, built from the publish diffs. */
  changelog?: Array<{
    version: string;
    publishedAt: string;
    changes: DiffReport['changes'];
    requiredBump: DiffReport['requiredBump'];
  }>;
  [field: string]: unknown;
}

/** One published version of a connector with everything it was published with. */
export interface CatalogVersion extends VersionSummary {
  definition: ConnectorDefinition;
  contracts?: unknown[];
  readme?: string;
  /** The publish gate's report for this version. */
  report?: PublishReport;
  [field: string]: unknown;
}

/** Body of `POST /v1/installations`. */
export interface CreateInstallation {
  connectorId: string;
  /** A semver range; defaults to `^` the newest version. */
  version?: string;
  config?: Record<string, unknown>;
  /** Secrets (`apiKey`, `token`, ...): stored encrypted, never returned. */
  credentials?: Record<string, string>;
  quotas?: Record<string, unknown>;
  /** With an admin key: the tenant to create the installation in. */
  tenantId?: string;
}

/** Body of `PATCH /v1/installations/:id`. */
export type UpdateInstallation = Partial<Omit<CreateInstallation, 'connectorId' | 'tenantId'>> & {
  status?: string;
  [field: string]: unknown;
};

/** An installation: a tenant's use of one connector version. Credentials are never included. */
export interface Installation {
  id: string;
  connectorId: string;
  /** The exact version in use. */
  version: string;
  /** The range the installation follows. */
  range: string;
  status: string;
  config?: Record<string, unknown>;
  [field: string]: unknown;
}

/** `GET /v1/installations/:id/health`. */
export interface InstallationHealth {
  successRate?: number;
  latencyMs?: { p50?: number; p99?: number };
  duplicates?: number;
  queueDepth?: number;
  lagMs?: number;
  remainingQuota?: unknown;
  backoff?: unknown;
  lastSuccessAt?: string | null;
  [field: string]: unknown;
}

/** One event for an action, as `POST /v1/installations/:id/events` takes it. */
export interface PlugboardEvent {
  action: string;
  data: unknown;
  /** Names the event inside a list, for de-duplication. */
  id?: string;
  /** The connector version the payload was written for (older payloads are migrated). */
  schemaVersion?: string;
}

/** The 202 answer to an events post. */
export interface EventsAccepted {
  events: Array<{ id: string; status: 'accepted' | 'duplicate' | 'rejected'; errors?: Issue[] }>;
  correlationId: string;
}

/** A run of an action or trigger. */
export interface Run {
  id: string;
  status: string;
  installationId?: string;
  action?: string;
  connectorVersion?: string;
  output?: unknown;
  error?: { code: string; message: string; details?: unknown };
  [field: string]: unknown;
}

/** A batch of items of a batched action. */
export interface Batch {
  id: string;
  status?: string;
  items?: Array<{ index?: number; id?: string; status: string; output?: unknown; error?: unknown }>;
  [field: string]: unknown;
}

/** Filters of `GET /v1/runs`. */
export interface RunQuery {
  installationId?: string;
  status?: string;
  limit?: number;
  cursor?: string;
  [param: string]: string | number | undefined;
}

/** A typed client of the runtime's HTTP API; every method throws {@link PlugboardApiError}. */
export interface PlugboardClient {
  connectors: {
    /** `GET /v1/connectors`: the catalog. */
    list(): Promise<CatalogEntry[]>;
    /** `GET /v1/connectors/:id`. */
    get(id: string): Promise<CatalogConnector>;
    /** `GET /v1/connectors/:id/versions/:version`, with its definition. */
    getVersion(id: string, version: string): Promise<CatalogVersion>;
    /**
     * `POST /v1/connectors` with a bundle from `plugboard pack`. A refused bundle (422,
     * `PUBLISH_REFUSED`) throws a {@link PlugboardApiError} whose `details` is the {@link PublishReport}.
     */
    publish(bundle: Bundle): Promise<PublishResult>;
    /** `POST /v1/connectors/:id/versions/:version/deprecate`. */
    deprecate(
      id: string,
      version: string,
      body: { message: string; sunset: string },
    ): Promise<unknown>;
    /** `POST /v1/connectors/:id/contracts`: register a consumer contract checked at every publish. */
    registerContract(id: string, contract: unknown): Promise<unknown>;
  };
  installations: {
    /** `GET /v1/installations`: the tenant's installations (an admin key may name a tenant). */
    list(query?: { tenantId?: string }): Promise<Installation[]>;
    /** `POST /v1/installations`. */
    create(body: CreateInstallation): Promise<Installation>;
    /** `GET /v1/installations/:id`. */
    get(id: string): Promise<Installation>;
    /** `PATCH /v1/installations/:id` (config, credentials rotation, version upgrade). */
    update(id: string, patch: UpdateInstallation): Promise<Installation>;
    /** `DELETE /v1/installations/:id`. */
    delete(id: string): Promise<void>;
    /** `GET /v1/installations/:id/health`. */
    health(id: string): Promise<InstallationHealth>;
  };
  actions: {
    /** `POST /v1/installations/:id/actions/:action`: a synchronous call of a realtime action. */
    invoke<Output = unknown>(
      installationId: string,
      action: string,
      input: unknown,
    ): Promise<{ runId: string; output: Output }>;
  };
  events: {
    /**
     * `POST /v1/installations/:id/events` (202). One event may carry an `idempotencyKey`
     * (sent as `Idempotency-Key`); in a list each event is named by its own `id`.
     */
    send(
      installationId: string,
      events: PlugboardEvent | PlugboardEvent[],
      options?: { idempotencyKey?: string; schemaVersion?: string },
    ): Promise<EventsAccepted>;
  };
  runs: {
    /** `GET /v1/runs/:id`, with its attempts and per-item outcomes. */
    get(id: string): Promise<Run>;
    /** `GET /v1/runs`. */
    list(query?: RunQuery): Promise<Run[]>;
    /** `POST /v1/runs/:id/replay`: re-run failed items, or the named ones. */
    replay(id: string, body?: { items?: Array<string | number> }): Promise<unknown>;
  };
  batches: {
    /** `GET /v1/batches/:id`. */
    get(id: string): Promise<Batch>;
    /** `POST /v1/batches/:id/replay`. */
    replay(id: string, body?: { items?: Array<string | number> }): Promise<unknown>;
  };
  /** Any other route, with the same authentication and error handling. */
  request<T = unknown>(method: string, path: string, options?: RequestOptions): Promise<T>;
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  query?: Record<string, string | number | undefined>;
}

/** Creates a client of one runtime, authenticated with one API key. */
export function createClient(options: ClientOptions): PlugboardClient {
  const base = options.url.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;

  async function send(
    method: string,
    path: string,
    req: RequestOptions = {},
  ): Promise<{ status: number; body: unknown }> {
    const url = new URL(base + path);
    for (const [name, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...options.headers,
      ...req.headers,
    };
    if (options.key) headers.authorization = `Bearer ${options.key}`;
    if (req.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await doFetch(url, {
        method,
        headers,
        ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const reason =
        error instanceof Error
          ? error.cause instanceof Error
            ? error.cause.message
            : error.message
          : String(error);
      throw new PlugboardApiError(
        0,
        'NETWORK_ERROR',
        `cannot reach ${base} (${method} ${path}): ${reason}`,
      );
    }
    const text = await response.text();
    let body: unknown = undefined;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    if (response.ok) return { status: response.status, body };
    const error = isObject(body) && isObject(body.error) ? body.error : undefined;
    const code = typeof error?.code === 'string' ? error.code : `HTTP_${response.status}`;
    const message =
      typeof error?.message === 'string'
        ? error.message
        : `${method} ${path} answered ${response.status} ${response.statusText}${typeof body === 'string' && body ? `: ${body.slice(0, 200)}` : ''}`;
    // The publish gate's refusal carries its whole report beside the error: that is the detail a caller wants.
    const details = isObject(body) && body.report !== undefined ? body.report : error?.details;
    throw new PlugboardApiError(response.status, code, message, details, body);
  }

  async function request<T>(method: string, path: string, req: RequestOptions = {}): Promise<T> {
    return (await send(method, path, req)).body as T;
  }

  /** List routes answer `{ <name>: [...] }`; the client hands back the array. */
  async function list<T>(path: string, key: string, query?: RequestOptions['query']): Promise<T[]> {
    const body = await request<unknown>('GET', path, query ? { query } : {});
    if (Array.isArray(body)) return body as T[];
    if (isObject(body) && Array.isArray(body[key])) return body[key] as T[];
    throw new PlugboardApiError(
      200,
      'UNEXPECTED_RESPONSE',
      `GET ${path} answered without a "${key}" list`,
      undefined,
      body,
    );
  }

  const id = encodeURIComponent;
  return {
    connectors: {
      list: () => list('/v1/connectors', 'connectors'),
      get: (connectorId) => request('GET', `/v1/connectors/${id(connectorId)}`),
      getVersion: (connectorId, version) =>
        request('GET', `/v1/connectors/${id(connectorId)}/versions/${id(version)}`),
      publish: async (bundle) => {
        const { status, body } = await send('POST', '/v1/connectors', { body: bundle });
        return { ...(body as Omit<PublishResult, 'status'>), status };
      },
      deprecate: (connectorId, version, body) =>
        request('POST', `/v1/connectors/${id(connectorId)}/versions/${id(version)}/deprecate`, {
          body,
        }),
      registerContract: (connectorId, contract) =>
        request('POST', `/v1/connectors/${id(connectorId)}/contracts`, { body: contract }),
    },
    installations: {
      list: (query) => list('/v1/installations', 'installations', query),
      create: (body) => request('POST', '/v1/installations', { body }),
      get: (installationId) => request('GET', `/v1/installations/${id(installationId)}`),
      update: (installationId, patch) =>
        request('PATCH', `/v1/installations/${id(installationId)}`, { body: patch }),
      delete: async (installationId) => {
        await request('DELETE', `/v1/installations/${id(installationId)}`);
      },
      health: (installationId) => request('GET', `/v1/installations/${id(installationId)}/health`),
    },
    actions: {
      invoke: (installationId, action, input) =>
        request('POST', `/v1/installations/${id(installationId)}/actions/${id(action)}`, {
          body: input,
        }),
    },
    events: {
      send: (installationId, events, sendOptions = {}) => {
        const headers: Record<string, string> = {};
        if (sendOptions.idempotencyKey !== undefined)
          headers['idempotency-key'] = sendOptions.idempotencyKey;
        if (sendOptions.schemaVersion !== undefined)
          headers['plugboard-schema-version'] = sendOptions.schemaVersion;
        const body = Array.isArray(events) ? { events } : events;
        return request('POST', `/v1/installations/${id(installationId)}/events`, { body, headers });
      },
    },
    runs: {
      get: (runId) => request('GET', `/v1/runs/${id(runId)}`),
      list: (query) => list('/v1/runs', 'runs', query),
      replay: (runId, body) =>
        request('POST', `/v1/runs/${id(runId)}/replay`, { body: body ?? {} }),
    },
    batches: {
      get: (batchId) => request('GET', `/v1/batches/${id(batchId)}`),
      replay: (batchId, body) =>
        request('POST', `/v1/batches/${id(batchId)}/replay`, { body: body ?? {} }),
    },
    request,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
