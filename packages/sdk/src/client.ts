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
  contracts: ContractRun[];
}

/** One contract case run by the publish gate. */
export interface ContractRun {
  /** The case's name. */
  name: string;
  /** Whether the run matched the case and the action's output schema. */
  passed: boolean;
  /** For a consumer contract, who registered it. */
  consumer?: string;
  /** What differed, expected against actual, when the case failed. */
  diff?: unknown;
  /** The error code and message of a failed case. */
  error?: unknown;
}

/** A successful publish: 201 for a new version, 200 when the same content was already published. */
export interface PublishResult {
  /** The HTTP status of the answer. */
  status: number;
  /** The stored version: its id, version and digest. */
  connector: { id: string; version: string; digest: string };
  /** The gate's report. */
  report: PublishReport;
}

/** A connector in the catalog list. */
export interface CatalogEntry {
  /** The connector id (a lowercase slug). */
  id: string;
  /** Human name. */
  name: string;
  /** What the connector does. */
  description: string;
  /** The newest published version. */
  latestVersion: string;
  /** Every published version. */
  versions: string[];
}

/** One published version, as the catalog lists it. */
export interface VersionSummary {
  /** The connector id. */
  connectorId: string;
  /** The exact semver version. */
  version: string;
  /** `sha256:<hex>` of the canonical definition; versions are immutable by digest. */
  digest: string;
  /** Set once the version is deprecated: why, and when it stops working. */
  deprecation?: { message: string; sunset?: string } | null;
  /** When it was published (ISO timestamp). */
  publishedAt: string;
}

/** One changelog entry of a connector, built from the diff its publish made. */
export interface ChangelogEntry {
  /** The version this entry introduced. */
  version: string;
  /** When it was published (ISO timestamp). */
  publishedAt: string;
  /** What changed against the version before. */
  changes: DiffReport['changes'];
  /** The bump those changes required. */
  requiredBump: DiffReport['requiredBump'];
}

/** A connector with its versions, newest definition and changelog. */
export interface CatalogConnector {
  /** The connector id. */
  id: string;
  /** Human name. */
  name: string;
  /** What the connector does. */
  description: string;
  /** The newest published version. */
  latestVersion: string;
  /** Every published version. */
  versions: VersionSummary[];
  /** The definition of `latestVersion`. */
  definition?: ConnectorDefinition;
  /** One entry per version, built from the publish diffs. */
  changelog?: ChangelogEntry[];
}

/** One published version of a connector with everything it was published with. */
export interface CatalogVersion extends VersionSummary {
  /** The definition, scripts inlined. */
  definition: ConnectorDefinition;
  /** The package's own contract cases. */
  contracts?: unknown[];
  /** The package README. */
  readme?: string;
  /** The publish gate's report for this version. */
  report?: PublishReport;
}

/** An API key as the runtime lists it: never its secret. */
export interface ApiKey {
  id: string;
  /** The tenant it belongs to; null for a platform key. */
  tenantId: string | null;
  name: string | null;
  scopes: string[];
  /** ISO 8601. */
  createdAt: string;
  /** The id of the key that created it, or `system` for the first-start admin key. */
  createdBy: string | null;
  /** ISO 8601 once revoked; a revoked key is refused. */
  revokedAt: string | null;
}

/** The answer to `POST /v1/api-keys`: the only time `key` is ever shown. */
export interface CreatedApiKey {
  id: string;
  /** `pb_<id>_<secret>`, to send as `Authorization: Bearer ...`. Store it now. */
  key: string;
  scopes: string[];
  tenantId: string | null;
  name: string | null;
}

/** Body of `POST /v1/installations`. */
export interface CreateInstallation {
  /** The catalog connector to install. */
  connectorId: string;
  /** A semver range the installation follows; defaults to `^` the newest version. */
  version?: string;
  /** Display name of the installation. */
  name?: string;
  /** Settings, validated against the connector's `config` schema. */
  config?: Record<string, unknown>;
  /** Secrets (`apiKey`, `token`, ...): stored encrypted, never returned. */
  credentials?: Record<string, string>;
  /** Tenant quotas; they can only tighten the connector's limits. */
  quotas?: Record<string, unknown>;
  /** With an admin key: the tenant to create the installation in. */
  tenantId?: string;
}

/** Body of `PATCH /v1/installations/:id`: config, credential rotation, a new range (upgrade), status. */
export interface UpdateInstallation {
  /** A new semver range; a major upgrade must be asked for explicitly. */
  version?: string;
  /** Display name. */
  name?: string;
  /** Replaces the config. */
  config?: Record<string, unknown>;
  /** Replaces (rotates) the credentials. */
  credentials?: Record<string, string>;
  /** Replaces the quotas. */
  quotas?: Record<string, unknown>;
  /** Enables or disables the installation. */
  status?: string;
}

/** An installation: a tenant's use of one connector version. Credentials are never included. */
export interface Installation {
  /** Installation id. */
  id: string;
  /** The tenant it belongs to. */
  tenantId?: string;
  /** The installed connector. */
  connectorId: string;
  /** The exact version in use. */
  version: string;
  /** The range the installation follows. */
  range: string;
  /** Display name. */
  name?: string | null;
  /** `active`, `disabled`, ... */
  status: string;
  /** The settings (never secrets). */
  config?: Record<string, unknown>;
  /** The tenant quotas. */
  quotas?: Record<string, unknown> | null;
  /** Whether credentials are stored, and their rotation count; never the values. */
  credentials?: { set: boolean; version: number };
  /** ISO timestamp. */
  createdAt?: string;
  /** ISO timestamp. */
  updatedAt?: string;
}

/** `GET /v1/installations/:id/health`; the runtime may add fields. */
export interface InstallationHealth {
  /** Share of recent runs that succeeded, 0 to 1. */
  successRate?: number;
  /** Recent run latency percentiles in milliseconds. */
  latencyMs?: { p50?: number; p99?: number };
  /** Duplicate deliveries refused. */
  duplicates?: number;
  /** Items waiting. */
  queueDepth?: number;
  /** Age of the oldest waiting item, in milliseconds. */
  lagMs?: number;
  /** What the rate limits and quotas leave. */
  remainingQuota?: unknown;
  /** The current backoff state. */
  backoff?: unknown;
  /** Last successful run (ISO timestamp). */
  lastSuccessAt?: string | null;
  /** Anything else the runtime reports. */
  [field: string]: unknown;
}

/** A roll-out of a newer version that has not reached the installation yet. */
export interface PendingRollout {
  /** The version being rolled out. */
  version: string;
  /** The connector's roll-out policy when the version was published. */
  policy: 'auto' | 'staged' | 'manual';
  /** The share of eligible installations moved so far (0 to 100). */
  percent: number;
  /** `active`, or `halted` while the publisher looks into it. */
  state: 'active' | 'halted';
}

/** `GET /v1/installations/:id/versioning`: where the installation stands between versions. */
export interface InstallationVersioning {
  /** Installation id. */
  installationId: string;
  /** The installed connector. */
  connectorId: string;
  /** The exact version it runs. */
  version: string;
  /** The semver range it follows. */
  range: string;
  /** Newer versions in its range still rolling out, newest first. */
  pendingRollouts: PendingRollout[];
  /** Set when its version is deprecated: the message, the sunset date and the version to move to. */
  deprecation: {
    message: string;
    sunset?: string;
    sunsetPassed: boolean;
    moveTo: string | null;
  } | null;
  /** Human-readable warnings (deprecation, sunset). */
  warnings: string[];
}

/** One event for an action, as `POST /v1/installations/:id/events` takes it. */
export interface PlugboardEvent {
  /** The action to run. */
  action: string;
  /** The action's input. */
  data: unknown;
  /** Names the event inside a list, for de-duplication. */
  id?: string;
  /** The connector version the payload was written for (older payloads are migrated). */
  schemaVersion?: string;
}

/** The 202 answer to an events post: one entry per event, in order. */
export interface EventsAccepted {
  /** Each event's id and fate; a rejected one carries JSON-pointer errors. */
  events: Array<{ id: string; status: 'accepted' | 'duplicate' | 'rejected'; errors?: Issue[] }>;
  /** The correlation id every log line, run and partner call of these events carries. */
  correlationId: string;
}

/** An accepted event and where it is. */
export interface EventRecord {
  /** Event id. */
  id: string;
  /** Its idempotency key. */
  key?: string | null;
  /** The installation it was sent to. */
  installationId: string;
  /** The action it runs. */
  action: string;
  /** accepted, queued, running, succeeded, failed or dead. */
  state: string;
  /** Attempts so far. */
  attempts: number;
  /** The last run of it. */
  lastRunId?: string | null;
  /** The last batch it was part of. */
  lastBatchId?: string | null;
  /** The action's output once it succeeded. */
  output?: unknown;
  /** Why it failed. */
  error?: RunFailure | null;
  /** The correlation id of its intake. */
  correlationId?: string | null;
  /** ISO timestamp. */
  createdAt?: string;
  /** ISO timestamp. */
  updatedAt?: string;
}

/** A failure with its code from the run error enum. */
export interface RunFailure {
  /** `PARTNER_PERMANENT`, `SANDBOX_TIMEOUT`, ... */
  code: string;
  /** What happened. */
  message: string;
  /** Structured context. */
  details?: unknown;
}

/** A run of an action or trigger. */
export interface Run {
  /** Run id. */
  id: string;
  /** succeeded, failed, running, ... */
  status: string;
  /** The installation it ran for. */
  installationId?: string;
  /** The connector. */
  connectorId?: string;
  /** The exact connector version that ran. */
  connectorVersion?: string;
  /** The action (or trigger) that ran. */
  action?: string;
  /** `action`, `trigger`, ... */
  kind?: string;
  /** The event it ran, for asynchronous work. */
  eventId?: string | null;
  /** The batch it ran, for batched actions. */
  batchId?: string | null;
  /** The run this one replays. */
  replayOf?: string | null;
  /** The output, when it succeeded. */
  output?: unknown;
  /** Why it failed. */
  error?: RunFailure | null;
  /** Attempt number. */
  attempt?: number;
  /** Correlation id. */
  correlationId?: string | null;
  /** Duration in milliseconds. */
  durationMs?: number | null;
  /** ISO timestamp. */
  createdAt?: string;
  /** ISO timestamp. */
  finishedAt?: string | null;
  /** Anything else the runtime reports (attempts, trace, calls). */
  [field: string]: unknown;
}

/** A batch of items of a batched action, with one outcome per item. */
export interface Batch {
  /** Batch id. */
  id: string;
  /** The batch's overall status. */
  status?: string;
  /** Number of items. */
  size?: number;
  /** Checksum of its items, in order. */
  checksum?: string;
  /** One entry per item, in batch order. */
  items?: Array<{ index: number; eventId?: string; state?: string | null; outcome?: unknown }>;
  /** Anything else the runtime reports (attempts, run id). */
  [field: string]: unknown;
}

/** Filters of `GET /v1/runs`. */
export interface RunQuery {
  /** Only runs of this installation. */
  installationId?: string;
  /** Only runs in this status. */
  status?: string;
  /** Only runs of this event. */
  eventId?: string;
  /** Only runs with this correlation id. */
  correlationId?: string;
  /** At most this many, newest first. */
  limit?: number;
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
    /** `GET /v1/installations/:id/versioning`: version, range and pending roll-outs. */
    versioning(id: string): Promise<InstallationVersioning>;
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
    /** `GET /v1/events/:id`: an accepted event, its state and attempts. */
    get(id: string): Promise<EventRecord>;
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
    /** `POST /v1/runs/:id/replay`: run a failed run again (audited); a realtime run answers `{ runId, output }`. */
    replay(id: string): Promise<unknown>;
  };
  batches: {
    /** `GET /v1/batches/:id`. */
    get(id: string): Promise<Batch>;
    /** `POST /v1/batches/:id/replay`: re-run the batch's failed items, or the named ones (indexes or event ids). */
    replay(id: string, body?: { items?: Array<string | number> }): Promise<unknown>;
  };
  /** Keys of the tenants the calling (admin) key administers. */
  apiKeys: {
    /** `POST /v1/api-keys`: a platform admin names the tenant (none: a platform key). */
    create(body: { tenantId?: string; scopes: string[]; name?: string }): Promise<CreatedApiKey>;
    /** `GET /v1/api-keys`: every key the caller administers, or one tenant's. */
    list(query?: { tenantId?: string }): Promise<ApiKey[]>;
    /** `DELETE /v1/api-keys/:id`: revoke; every runtime process refuses the key from then on. */
    revoke(id: string): Promise<ApiKey>;
  };
  /** Any other route, with the same authentication and error handling. */
  request<T = unknown>(method: string, path: string, options?: RequestOptions): Promise<T>;
}

/** Options of {@link PlugboardClient.request}. */
export interface RequestOptions {
  /** Sent as JSON. */
  body?: unknown;
  /** Extra headers for this request. */
  headers?: Record<string, string>;
  /** Query parameters; undefined ones are left out. */
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
      versioning: (installationId) =>
        request('GET', `/v1/installations/${id(installationId)}/versioning`),
    },
    actions: {
      invoke: (installationId, action, input) =>
        request('POST', `/v1/installations/${id(installationId)}/actions/${id(action)}`, {
          body: input,
        }),
    },
    events: {
      get: (eventId) => request('GET', `/v1/events/${id(eventId)}`),
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
      list: (query) => list('/v1/runs', 'runs', query ? { ...query } : undefined),
      replay: (runId) => request('POST', `/v1/runs/${id(runId)}/replay`, { body: {} }),
    },
    batches: {
      get: (batchId) => request('GET', `/v1/batches/${id(batchId)}`),
      replay: (batchId, body) =>
        request('POST', `/v1/batches/${id(batchId)}/replay`, { body: body ?? {} }),
    },
    apiKeys: {
      create: (body) => request('POST', '/v1/api-keys', { body }),
      list: (query) => list('/v1/api-keys', 'keys', query),
      revoke: (keyId) => request('DELETE', `/v1/api-keys/${id(keyId)}`),
    },
    request,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
