/* eslint-disable */
/**
 * generated, do not edit: produced from connector.schema.json by `npm run generate -w @plugboard/definition`.
 */

/**
 * How the host authenticates partner calls. Credentials: none; `{apiKey}`; `{token}`; `{username, password}`; `{clientId, clientSecret}`; `{accessToken, refreshToken}` for the authorization code flow; plus any `fields`.
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "Auth".
 */
export type Auth =
  | NoAuth
  | ApiKeyAuth
  | BearerAuth
  | BasicAuth
  | OAuth2ClientCredentialsAuth
  | OAuth2AuthorizationCodeAuth;
/**
 * Name of a secret credential field declared in `auth.fields`.
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "SecretFieldName".
 */
export type SecretFieldName = string;
/**
 * Extra secret credential fields beyond the auth type's own (for example a webhook secret that a trigger's `verify.secretField` names).
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "AuthFields".
 */
export type AuthFields = AuthField[];
/**
 * Exactly one `{{ config.<path> }}`: the value of an installation setting, read on the host (no JSONata, no sandbox).
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "ConfigReference".
 */
export type ConfigReference = string;
/**
 * A JSON Schema (2020-12). `$ref` may point at `#/schemas/Name`. Objects are closed unless they set `additionalProperties`, `unevaluatedProperties` or `patternProperties`. Patterns must not backtrack catastrophically. Mark a value `"sensitive": true` to have it redacted from logs and traces.
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "JsonSchema".
 */
export type JsonSchema =
  | {
      [k: string]: unknown;
    }
  | boolean;
/**
 * One window `{requests, perMs}` or a list of windows, all enforced (GitHub: 80 per minute and 500 per hour; HubSpot: 100 per 10 s and a daily cap).
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "RateWindows".
 */
export type RateWindows = Rate | Rate[];
/**
 * One window or a list of windows, all enforced.
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "EndpointRateWindows".
 */
export type EndpointRateWindows = EndpointRate | EndpointRate[];
/**
 * A string in which `{{ expr }}` parts are JSONata expressions replaced by their value; other text is literal.
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "Template".
 */
export type Template = string;
/**
 * A JSONata expression, evaluated in the sandbox.
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "Expression".
 */
export type Expression = string;
/**
 * One step of a flow, told apart by `type`.
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "FlowNode".
 */
export type FlowNode =
  HttpNode | TransformNode | CodeNode | BranchNode | ForEachNode | OutputNode | FailNode;
/**
 * Identifier of a node, unique within its flow; its result is `steps.<id>`, so it is a JSONata-safe name.
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "NodeId".
 */
export type NodeId = string;
/**
 * A source of records: a verified inbound webhook or a scheduled poll.
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "Trigger".
 */
export type Trigger = WebhookTrigger | PollTrigger;
/**
 * How an inbound webhook's signature is checked. The secret comes from the installation's credentials (`secretField`).
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "WebhookVerify".
 */
export type WebhookVerify =
  HmacSha256Verify | HmacSha256TimestampedVerify | StandardWebhooksVerify | SlackV0Verify;
/**
 * Name of an action or trigger; letters, digits, `_` and `.`, starting with a letter.
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "OperationName".
 */
export type OperationName = string;

/**
 * One version of a connector: identity, the partner's base URL and auth, installation config, named schemas, partner limits, actions and triggers with their flows, migrations and compatibility mode. Objects are closed: an unknown key is an error.
 */
export interface ConnectorDefinition {
  /**
   * Optional URL of this JSON Schema, so editors offer completion and inline docs. Ignored by the runtime.
   */
  $schema?: string;
  /**
   * Stable lowercase slug naming the connector in the catalog; never changes between versions.
   */
  id: string;
  /**
   * Semantic version of this definition. Versions are immutable: publishing the same version with other content is refused.
   */
  version: string;
  /**
   * Human name shown in the catalog.
   */
  name: string;
  /**
   * One or two sentences shown in the catalog: what the connector does.
   */
  description: string;
  /**
   * Catalog categories used for browsing and search.
   */
  categories?: string[];
  /**
   * Who maintains this connector.
   */
  publisher?: string;
  /**
   * URL or data URI of a square icon shown in the catalog and editor.
   */
  icon?: string;
  base: Base;
  auth: Auth;
  /**
   * JSON Schema of the non-secret settings an installation provides (for example a subdomain). Available to templates and expressions as `config`.
   */
  config?: JsonSchema;
  /**
   * Named JSON Schemas (records, events) referenced from inputs, outputs and events as `#/schemas/Name`. Objects should be closed (`additionalProperties: false`) so that adding an optional field is a compatible change.
   */
  schemas?: {
    [k: string]: JsonSchema;
  };
  limits?: Limits;
  /**
   * Operations a tenant can invoke, by name. Names are used in URLs (`/actions/:action`) and routes.
   */
  actions: {
    [k: string]: Action;
  };
  /**
   * Sources of records from the partner, by name: verified webhooks or scheduled polls.
   */
  triggers?: {
    [k: string]: Trigger;
  };
  /**
   * How a payload written for an older version becomes valid for this one. Applied in order to payloads whose declared version falls in `from`, before validation.
   */
  migrations?: Migration[];
  /**
   * How the publish gate compares this version with the previous one (Confluent Schema Registry modes): `backward` checks inputs accept old payloads and outputs only add; `forward` the reverse; `full` both; `none` no schema checks (removed actions and auth changes still need a major bump).
   */
  compatibility?: 'backward' | 'forward' | 'full' | 'none';
  /**
   * Marks this whole version deprecated: calls answer with `Deprecation` and `Sunset` headers.
   */
  deprecation?: {
    /**
     * What to move to instead.
     */
    message: string;
    /**
     * ISO date after which this version stops being served.
     */
    sunset?: string;
  };
  /**
   * Editor node positions per flow (`actions.<name>` or `triggers.<name>`), then per node id. No effect on execution and ignored by the compatibility diff.
   */
  layout?: {
    [k: string]: {
      [k: string]: Position;
    };
  };
}
/**
 * The partner's base URL and the hosts egress may reach.
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "Base".
 */
export interface Base {
  /**
   * Absolute http(s) URL that http node paths are relative to. Template: `{{ }}` parts may use `config` only.
   */
  url: string;
  /**
   * Hosts egress may reach. Absent: only the host of `url`. Present: it must cover the host of `url` too. `*.example.com` allows any subdomain; an entry that is a template over `config` (the same template as the host of `url`) allows whatever host the installation config gives.
   */
  allowedHosts?: string[];
  /**
   * Headers sent with every http node request unless the node sets the same header. Values are templates whose `{{ }}` parts may use `config` only.
   */
  headers?: {
    [k: string]: string;
  };
}
/**
 * The partner needs no credentials.
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "NoAuth".
 */
export interface NoAuth {
  /**
   * Auth type tag.
   */
  type: 'none';
  fields?: AuthFields;
}
/**
 * An extra secret credential an installation provides, such as a webhook signing secret. Injected by the host, never passed into the sandbox.
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "AuthField".
 */
export interface AuthField {
  /**
   * Key of this secret in the installation's credentials.
   */
  name: SecretFieldName;
  /**
   * Label shown when a tenant enters the secret.
   */
  title: string;
  /**
   * Where the tenant finds this secret.
   */
  description?: string;
  /**
   * Whether an installation must provide it.
   */
  required?: boolean;
}
/**
 * An API key sent in a header or query parameter. Credentials: `{apiKey}`.
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "ApiKeyAuth".
 */
export interface ApiKeyAuth {
  /**
   * Auth type tag.
   */
  type: 'apiKey';
  /**
   * Where the key goes: `header` or `query`, or exactly one `{{ config.<path> }}` naming an installation setting that holds `header` or `query` (a generic connector lets the installation choose). Resolved on the host from the installation's config, or from that setting's `default` in `config` when the installation leaves it out; any other value fails the call with VALIDATION_FAILED.
   */
  in: (('header' | 'query') | ConfigReference) & string;
  /**
   * Name of the header or query parameter carrying the key, or exactly one `{{ config.<path> }}` naming an installation setting that holds it (resolved on the host, falling back to the setting's `default`).
   */
  name: string;
  /**
   * Text put before the key, including any space.
   */
  prefix?: string;
  fields?: AuthFields;
}
/**
 * `Authorization: Bearer <token>`. Credentials: `{token}`.
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "BearerAuth".
 */
export interface BearerAuth {
  /**
   * Auth type tag.
   */
  type: 'bearer';
  fields?: AuthFields;
}
/**
 * `Authorization: Basic base64(username:password)`. Credentials: `{username, password}`.
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "BasicAuth".
 */
export interface BasicAuth {
  /**
   * Auth type tag.
   */
  type: 'basic';
  fields?: AuthFields;
}
/**
 * The host fetches and caches an access token from `tokenUrl`. Credentials: `{clientId, clientSecret}`.
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "OAuth2ClientCredentialsAuth".
 */
export interface OAuth2ClientCredentialsAuth {
  /**
   * Auth type tag.
   */
  type: 'oauth2ClientCredentials';
  /**
   * The token endpoint. Template: `{{ }}` parts may use `config` only.
   */
  tokenUrl: string;
  /**
   * Scopes requested with the token.
   */
  scopes?: string[];
  /**
   * Optional `audience` parameter some providers require.
   */
  audience?: string;
  fields?: AuthFields;
}
/**
 * OAuth 2.0 authorization code flow (RFC 6749 4.1) with PKCE (RFC 7636). A tenant presses Connect, authorizes at the provider, and the host exchanges the code for tokens, stores them encrypted, refreshes them and presents the access token as `Authorization: Bearer` at egress; the tokens never enter the sandbox. The client id and secret are the platform's OAuth app for this connector (`PUT /v1/connectors/:id/oauth-app`), not installation credentials; register `<PLUGBOARD_PUBLIC_URL>/oauth/callback` as its redirect URI. Installations hold no typed-in credentials apart from `fields`.
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "OAuth2AuthorizationCodeAuth".
 */
export interface OAuth2AuthorizationCodeAuth {
  /**
   * Auth type tag.
   */
  type: 'oauth2AuthorizationCode';
  /**
   * Where the tenant is sent to authorize. Template: `{{ }}` parts may use `config` only.
   */
  authorizeUrl: string;
  /**
   * The token endpoint for code exchange and refresh. Template: `{{ }}` parts may use `config` only.
   */
  tokenUrl: string;
  /**
   * Scopes requested in the authorize URL, joined with `scopeSeparator`. The scopes the provider grants are shown on the installation.
   */
  scopes?: string[];
  /**
   * How scopes are joined in the authorize URL: a space (RFC 6749), or a comma for providers such as Slack.
   */
  scopeSeparator?: string;
  /**
   * Whether to send a PKCE S256 challenge (the verifier stays on the host, encrypted). Turn off only for providers that refuse PKCE.
   */
  pkce?: boolean;
  /**
   * Additional query parameters for the authorize URL, such as Google's `access_type: offline` to receive a refresh token. The flow's own parameters (`client_id`, `state`, ...) cannot be overridden.
   */
  extraAuthorizeParams?: {
    [k: string]: string;
  };
  /**
   * How the client id and secret reach the token endpoint: form body or HTTP basic.
   */
  tokenAuth?: 'body' | 'basic';
  /**
   * Token refresh: before expiry (`skewSec`) and once after a partner's 401, one refresh per installation at a time. A refresh refused with `invalid_grant` marks the installation `needs_reauth`; its queued items wait for Reconnect.
   */
  refresh?: {
    /**
     * Whether tokens are refreshed with the refresh token; off, an expired token needs a Reconnect.
     */
    enabled?: boolean;
    /**
     * Seconds before expiry at which a token is refreshed.
     */
    skewSec?: number;
  };
  fields?: AuthFields;
}
/**
 * What the partner allows. Runtime defaults apply when absent; tenant quotas can only tighten them.
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "Limits".
 */
export interface Limits {
  /**
   * Partner-wide rate per connector and host: one window or a list of windows, all enforced.
   */
  rate?: RateWindows;
  /**
   * Named endpoints with their own limits; every `endpoint` an http node uses must be declared here.
   */
  endpoints?: {
    [k: string]: EndpointLimits;
  };
  /**
   * Partner calls in flight at once per installation.
   */
  concurrency?: number;
  /**
   * Largest batch the partner accepts.
   */
  batch?: {
    /**
     * Items per batch.
     */
    maxItems?: number;
    /**
     * Serialised bytes per batch.
     */
    maxBytes?: number;
  };
  /**
   * Retry policy for transient failures: exponential backoff with full jitter (or the explicit `scheduleMs`), honouring Retry-After, within a budget.
   */
  retry?: {
    /**
     * Attempts including the first.
     */
    maxAttempts?: number;
    /**
     * First backoff in milliseconds.
     */
    baseDelayMs?: number;
    /**
     * Largest backoff in milliseconds.
     */
    maxDelayMs?: number;
    /**
     * Retries allowed as a fraction of recent requests per installation.
     */
    budgetRatio?: number;
    /**
     * An explicit delay per attempt instead of exponential backoff: entry n is the wait before attempt n + 1, so the first entry (before the first attempt) must be 0. Each delay gets a jitter of ±10%, is not capped by `maxDelayMs`, and is still granted only while the retry budget allows. `maxAttempts` defaults to the list's length and may not be smaller; attempts beyond the list wait its last entry. A delay longer than the runtime holds a call re-queues the item with that delay.
     *
     * @minItems 2
     * @maxItems 20
     */
    scheduleMs?: number[];
  };
  /**
   * Extra HTTP statuses classified transient besides 408, 425, 429 and 5xx.
   */
  transientStatus?: number[];
  /**
   * Timeout of one partner call in milliseconds.
   */
  timeoutMs?: number;
}
/**
 * At most `requests` calls per `perMs` milliseconds (token bucket).
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "Rate".
 */
export interface Rate {
  /**
   * Calls allowed per window.
   */
  requests: number;
  /**
   * Window length in milliseconds.
   */
  perMs: number;
}
/**
 * Limits of one named endpoint (http nodes name it with `endpoint`).
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "EndpointLimits".
 */
export interface EndpointLimits {
  /**
   * This endpoint's rate limit: one window or a list, optionally per rate key.
   */
  rate?: EndpointRateWindows;
  /**
   * Calls to this endpoint in flight at once.
   */
  concurrency?: number;
}
/**
 * At most `requests` calls per `perMs` milliseconds to this endpoint, counted per rate key when `key` is set.
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "EndpointRate".
 */
export interface EndpointRate {
  /**
   * Calls allowed per window.
   */
  requests: number;
  /**
   * Window length in milliseconds.
   */
  perMs: number;
  /**
   * Counts the window separately per value of this template (Slack: one message per second per channel). Rendered per request in the sandbox and passed to the policy as `CallContext.rateKey`. Template: `{{ }}` parts may use `input`, `items`, `config`, `steps`, `meta` (and `item`, `index` inside a forEach). Every window of one endpoint uses the same key.
   */
  key?: Template;
}
/**
 * An operation a tenant invokes, synchronously (realtime) or through events gathered into micro-batches (batched).
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "Action".
 */
export interface Action {
  /**
   * Human name shown in the catalog and editor.
   */
  title: string;
  /**
   * What the action does and when to use it.
   */
  description?: string;
  /**
   * JSON Schema of one input (for batched actions, of one item). Checked at intake.
   */
  input: JsonSchema;
  /**
   * JSON Schema of the output (for batched actions, of one item's output). Checked by contracts and on live runs.
   */
  output: JsonSchema;
  /**
   * `realtime` runs at once; `batched` gathers events into micro-batches.
   */
  urgency?: 'realtime' | 'batched';
  /**
   * Micro-batch bounds; only for batched actions.
   */
  batch?: {
    /**
     * Items per batch.
     */
    maxItems?: number;
    /**
     * Longest an item waits for its batch to fill, in milliseconds.
     */
    maxWaitMs?: number;
    /**
     * Serialised bytes per batch.
     */
    maxBytes?: number;
  };
  /**
   * JSONata over `input` (and `meta`) giving a key that names the same logical call, so a retried or replayed call is not applied twice.
   */
  idempotencyKey?: Expression;
  /**
   * Marks the action deprecated; it keeps working.
   */
  deprecated?: boolean;
  /**
   * What to use instead.
   */
  deprecationMessage?: string;
  flow: Flow;
}
/**
 * Nodes run along edges from the one entry node (the top-level node no edge points at). Results are available to later nodes as `steps.<id>`.
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "Flow".
 */
export interface Flow {
  /**
   * The flow's nodes; ids are unique within the flow.
   *
   * @minItems 1
   */
  nodes: FlowNode[];
  /**
   * Directed edges between nodes of the same scope (top level, or one forEach body).
   */
  edges: Edge[];
}
/**
 * A partner call through the host's egress bridge (auth injected, limits and retries applied). Result `steps.<id>` = `{ status, headers, body }`; paginated calls add `pages` and the concatenated `items`.
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "HttpNode".
 */
export interface HttpNode {
  id: NodeId;
  /**
   * Node type tag.
   */
  type: 'http';
  /**
   * Label shown on the canvas.
   */
  title?: string;
  /**
   * Notes for whoever edits the flow.
   */
  description?: string;
  /**
   * Id of the forEach node whose body this node belongs to.
   */
  parent?: NodeId;
  /**
   * HTTP method.
   */
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
  /**
   * Path relative to `base.url`, or an absolute URL on an allowed host. Template: `{{ }}` parts may use `input`, `items`, `config`, `steps`, `meta` (and `item`, `index` inside a forEach).
   */
  path: Template;
  /**
   * Query parameters; values are templates that may use `input`, `items`, `config`, `steps`, `meta`. A parameter whose value renders empty is left out.
   */
  query?: {
    [k: string]: string;
  };
  /**
   * JSONata over `input`, `items`, `config`, `steps`, `meta` (and `item`, `index` inside a forEach) giving an object of query parameters (values: strings, numbers, booleans or arrays of them; null ones are left out), merged under `query`: a `query` entry of the same name wins. For filters a caller passes as a whole.
   */
  queryFrom?: Expression;
  /**
   * Request headers; values are templates that may use `input`, `items`, `config`, `steps`, `meta`. Auth headers are added by the host.
   */
  headers?: {
    [k: string]: string;
  };
  /**
   * JSONata over `input`, `items`, `config`, `steps`, `meta` (and `item`, `index` inside a forEach) giving an object of request headers (null values are left out), merged under `headers`: a `headers` entry of the same name wins. Auth headers are still added by the host.
   */
  headersFrom?: Expression;
  /**
   * JSONata over `{ input, items, config, steps, meta }` whose value is the request body, sent as JSON (or as a form when `encoding` is `form`).
   */
  body?: Expression;
  /**
   * How the body is sent.
   */
  encoding?: 'json' | 'form';
  /**
   * Name of an endpoint declared in `limits.endpoints` whose limits apply to this call.
   */
  endpoint?: string;
  /**
   * Timeout of this call in milliseconds (overrides `limits.timeoutMs`).
   */
  timeoutMs?: number;
  pagination?: Pagination;
  /**
   * Rules classifying the response, first match wins; unmatched responses get the default classification (2xx success; 408, 425, 429, 5xx and `limits.transientStatus` transient; other 4xx permanent).
   */
  outcomes?: OutcomeRule[];
  /**
   * The host signs the outbound request; the secret never enters the sandbox.
   */
  signing?: {
    /**
     * Signing scheme.
     */
    scheme: 'standard-webhooks';
    /**
     * Name of the `auth.fields` entry holding the signing secret.
     */
    secretField: SecretFieldName;
  };
  /**
   * Value of the partner's idempotency header, sent on POST, PUT, PATCH and DELETE. Template: `{{ }}` parts may use `input`, `items`, `config`, `steps`, `meta`.
   */
  idempotencyKey?: Template;
  /**
   * Name of the partner's idempotency header.
   */
  idempotencyHeader?: string;
}
/**
 * Follows pages until the stop rule is true, there is no next cursor or link, or `maxPages` is reached; an empty page stops `offset` and `page` numbering (and a page shorter than `pageSize`), but `cursor` and `link-header` pagination keep following a next cursor or link after an empty page (Slack can answer an empty page with a next cursor). Expressions are JSONata over the page response `{ status, headers, body }`.
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "Pagination".
 */
export interface Pagination {
  /**
   * `cursor` (a next-cursor value), `link-header` (RFC 8288 `rel=next`), `offset` or `page` numbering.
   */
  kind: 'cursor' | 'link-header' | 'offset' | 'page';
  /**
   * JSONata over the page response giving the page's array.
   */
  items: Expression;
  /**
   * Pages fetched at most.
   */
  maxPages?: number;
  /**
   * JSONata over the page response `{ status, headers, body }` plus `items` (this page's array) and `page` (its number, from 1); true means this was the last page.
   */
  stop?: Expression;
  /**
   * For `cursor` pagination: where the cursor is sent and how the next one is read.
   */
  cursor?: {
    /**
     * Name of the query or body parameter carrying the cursor.
     */
    param: string;
    /**
     * Where the cursor is sent.
     */
    in?: 'query' | 'body';
    /**
     * JSONata over the page response giving the next cursor, or null/empty on the last page.
     */
    from: Expression;
  };
  /**
   * Query parameter carrying the page size.
   */
  limitParam?: string;
  /**
   * Page size sent in `limitParam`.
   */
  pageSize?: number;
  /**
   * For `offset` pagination: query parameter carrying the offset.
   */
  offsetParam?: string;
  /**
   * For `page` pagination: query parameter carrying the page number.
   */
  pageParam?: string;
  /**
   * For `page` pagination: number of the first page.
   */
  startPage?: number;
}
/**
 * Classifies a response when its status and body condition match.
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "OutcomeRule".
 */
export interface OutcomeRule {
  /**
   * A status, a class such as `4xx`, or a list of statuses.
   */
  status?: number | string | number[];
  /**
   * JSONata over the response `{ status, headers, body }`; the rule matches when it is true.
   */
  body?: Expression;
  /**
   * The classification: success, transient (retried) or permanent.
   */
  outcome: 'success' | 'transient' | 'permanent';
  /**
   * Error code for transient and permanent outcomes (default `PARTNER_TRANSIENT` / `PARTNER_PERMANENT`).
   */
  code?: string;
  /**
   * Error message. Template: `{{ }}` parts may use `response`, `input`, `items`, `config`, `steps`, `meta`.
   */
  message?: Template;
  /**
   * JSONata over the response `{ status, headers, body }` saying when to try again, for transient outcomes; it wins over the `Retry-After` header when it gives a value. A number below 1e9 is a delay in milliseconds; a larger number is an epoch time (seconds below 1e11, else milliseconds), as in GitHub's `x-ratelimit-reset`; a string is an HTTP date, an ISO 8601 time, or digits read as a number. Null or empty: no hint. Passed to the policy as `CallOutcome.retryAfterMs`.
   */
  retryAfter?: Expression;
}
/**
 * Computes a value with JSONata. Result `steps.<id>` is the expression's value.
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "TransformNode".
 */
export interface TransformNode {
  id: NodeId;
  /**
   * Node type tag.
   */
  type: 'transform';
  /**
   * Label shown on the canvas.
   */
  title?: string;
  /**
   * Notes for whoever edits the flow.
   */
  description?: string;
  /**
   * Id of the forEach node whose body this node belongs to.
   */
  parent?: NodeId;
  /**
   * JSONata over `{ input, items, config, steps, meta }` (and `item`, `index` inside a forEach).
   */
  expression: Expression;
}
/**
 * JavaScript run in the sandbox as `async (ctx) => { ... }` with `ctx.input`, `ctx.items`, `ctx.config`, `ctx.steps`, `ctx.meta`, `ctx.log(level, message, fields)` and `ctx.http(request)`. Give `source`, or `script` (inlined into `source` by `plugboard pack`). Result `steps.<id>` is the returned value.
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "CodeNode".
 */
export interface CodeNode {
  id: NodeId;
  /**
   * Node type tag.
   */
  type: 'code';
  /**
   * Label shown on the canvas.
   */
  title?: string;
  /**
   * Notes for whoever edits the flow.
   */
  description?: string;
  /**
   * Id of the forEach node whose body this node belongs to.
   */
  parent?: NodeId;
  /**
   * Body of an async function of `ctx`.
   */
  source?: string;
  /**
   * Path of a file under the package's `scripts/` folder holding the function body.
   */
  script?: string;
}
/**
 * Picks one outgoing edge: the first case whose condition is true selects the edge with its `when` label, else the edge labelled `default`. Result `steps.<id>` = `{ when }`.
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "BranchNode".
 */
export interface BranchNode {
  id: NodeId;
  /**
   * Node type tag.
   */
  type: 'branch';
  /**
   * Label shown on the canvas.
   */
  title?: string;
  /**
   * Notes for whoever edits the flow.
   */
  description?: string;
  /**
   * Id of the forEach node whose body this node belongs to.
   */
  parent?: NodeId;
  /**
   * Conditions tried in order.
   *
   * @minItems 1
   */
  cases: {
    /**
     * Label of the outgoing edge this case picks; not `default`.
     */
    when: string;
    /**
     * JSONata over `{ input, items, config, steps, meta }`; truthy picks this case.
     */
    condition: Expression;
  }[];
}
/**
 * Runs the sub-path starting at `body` once per element of `over` (nodes of the sub-path carry `parent: <this id>` and see `item` and `index`). `steps.<id>` holds one result per element, in order: `{ status: 'ok', output }` (the output of the sub-path's last node) or `{ status: 'failed', error: { code, message } }`.
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "ForEachNode".
 */
export interface ForEachNode {
  id: NodeId;
  /**
   * Node type tag.
   */
  type: 'forEach';
  /**
   * Label shown on the canvas.
   */
  title?: string;
  /**
   * Notes for whoever edits the flow.
   */
  description?: string;
  /**
   * Id of the enclosing forEach node, for nested loops.
   */
  parent?: NodeId;
  /**
   * JSONata over `{ input, items, config, steps, meta }` giving the array to iterate.
   */
  over: Expression;
  /**
   * Elements processed at once.
   */
  concurrency?: number;
  /**
   * Id of the first node of the sub-path.
   */
  body: NodeId;
}
/**
 * Ends the run with its result: `value` for realtime actions and triggers, `items` for batched actions.
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "OutputNode".
 */
export interface OutputNode {
  id: NodeId;
  /**
   * Node type tag.
   */
  type: 'output';
  /**
   * Label shown on the canvas.
   */
  title?: string;
  /**
   * Notes for whoever edits the flow.
   */
  description?: string;
  /**
   * Id of the forEach node whose body this node belongs to.
   */
  parent?: NodeId;
  /**
   * JSONata over `{ input, items, config, steps, meta }` giving the output.
   */
  value?: Expression;
  /**
   * Batched actions only: JSONata over `{ input, items, config, steps, meta }` giving one `{ status: 'ok' | 'failed', output?, error?: { code, message } }` per input item, in input order.
   */
  items?: Expression;
}
/**
 * Ends the run with a permanent error.
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "FailNode".
 */
export interface FailNode {
  id: NodeId;
  /**
   * Node type tag.
   */
  type: 'fail';
  /**
   * Label shown on the canvas.
   */
  title?: string;
  /**
   * Notes for whoever edits the flow.
   */
  description?: string;
  /**
   * Id of the forEach node whose body this node belongs to.
   */
  parent?: NodeId;
  /**
   * Error code in upper snake case.
   */
  code: string;
  /**
   * Error message. Template: `{{ }}` parts may use `input`, `items`, `config`, `steps`, `meta`.
   */
  message: Template;
}
/**
 * A directed edge. Edges leaving a branch node carry the `when` label of a case, or `default`.
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "Edge".
 */
export interface Edge {
  /**
   * Id of the source node.
   */
  from: NodeId;
  /**
   * Id of the target node.
   */
  to: NodeId;
  /**
   * For edges leaving a branch node: the `when` of the case that picks this edge, or `default`.
   */
  when?: string;
}
/**
 * The partner posts to `/hooks/:installationId/:trigger`. The signature is checked before anything else; the optional flow turns the request (`input` = `{ headers, query, body }`) into records (its output: `{ records: [...] }`), else the body is the one record.
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "WebhookTrigger".
 */
export interface WebhookTrigger {
  /**
   * Trigger kind tag.
   */
  kind: 'webhook';
  /**
   * Human name.
   */
  title: string;
  /**
   * When the partner sends it.
   */
  description?: string;
  /**
   * JSON Schema of one record.
   */
  event: JsonSchema;
  verify?: WebhookVerify;
  /**
   * A handshake the partner sends to prove the URL (Slack's `url_verification`): after the signature check, when `when` is true the webhook route answers 200 with `respond` as the JSON body and records nothing. Both are JSONata over the request `{ headers, query, body }`.
   */
  challenge?: {
    /**
     * JSONata over `{ headers, query, body }`; true marks a challenge.
     */
    when: Expression;
    /**
     * JSONata over `{ headers, query, body }` giving the JSON answer body.
     */
    respond: Expression;
  };
  eventId?: EventId;
  /**
   * Marks the trigger deprecated.
   */
  deprecated?: boolean;
  /**
   * What to use instead.
   */
  deprecationMessage?: string;
  flow?: Flow;
}
/**
 * HMAC-SHA256 of the raw body in a header (GitHub style).
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "HmacSha256Verify".
 */
export interface HmacSha256Verify {
  /**
   * Verification scheme tag.
   */
  scheme: 'hmac-sha256';
  /**
   * Header carrying the signature.
   */
  header: string;
  /**
   * Text before the signature in the header.
   */
  prefix?: string;
  /**
   * Encoding of the signature.
   */
  encoding?: 'hex' | 'base64';
  /**
   * Name of the `auth.fields` entry holding the signing secret.
   */
  secretField: SecretFieldName;
}
/**
 * Stripe style: the header holds `t=<ts>,v1=<sig>`, the signature is over `<ts>.<body>`, and old timestamps are refused.
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "HmacSha256TimestampedVerify".
 */
export interface HmacSha256TimestampedVerify {
  /**
   * Verification scheme tag.
   */
  scheme: 'hmac-sha256-timestamped';
  /**
   * Header carrying timestamp and signatures.
   */
  header: string;
  /**
   * Largest accepted age of the timestamp, in seconds.
   */
  toleranceSec?: number;
  /**
   * Name of the `auth.fields` entry holding the signing secret.
   */
  secretField: SecretFieldName;
}
/**
 * The Standard Webhooks scheme: `webhook-id`, `webhook-timestamp` and `webhook-signature` headers, a `whsec_` base64 secret.
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "StandardWebhooksVerify".
 */
export interface StandardWebhooksVerify {
  /**
   * Verification scheme tag.
   */
  scheme: 'standard-webhooks';
  /**
   * Largest accepted age of the timestamp, in seconds.
   */
  toleranceSec?: number;
  /**
   * Name of the `auth.fields` entry holding the `whsec_` secret.
   */
  secretField: SecretFieldName;
}
/**
 * Slack's v0 signing: `X-Slack-Signature` is `v0=` + the hex HMAC-SHA256 of `v0:<X-Slack-Request-Timestamp>:<raw body>` keyed with the app's signing secret; timestamps older than `toleranceSec` are refused.
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "SlackV0Verify".
 */
export interface SlackV0Verify {
  /**
   * Verification scheme tag.
   */
  scheme: 'slack-v0';
  /**
   * Largest accepted age of `X-Slack-Request-Timestamp`, in seconds.
   */
  toleranceSec?: number;
  /**
   * Name of the `auth.fields` entry holding the Slack signing secret.
   */
  secretField: SecretFieldName;
}
/**
 * Where the partner's event id is, for de-duplicating redeliveries: a header, or a JSONata expression over `{ headers, body }` (for a record of a poll, over the record).
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "EventId".
 */
export interface EventId {
  /**
   * Request header holding the id (case-insensitive).
   */
  header?: string;
  /**
   * JSONata giving the id.
   */
  expression?: Expression;
}
/**
 * The runtime runs the flow every `poll.intervalMs` with `input` = `{ cursor }`; the flow's output is `{ records: [...], cursor }` and the cursor is stored after the records are committed.
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "PollTrigger".
 */
export interface PollTrigger {
  /**
   * Trigger kind tag.
   */
  kind: 'poll';
  /**
   * Human name.
   */
  title: string;
  /**
   * What the poll picks up.
   */
  description?: string;
  /**
   * JSON Schema of one record.
   */
  event: JsonSchema;
  eventId?: EventId;
  /**
   * Schedule and cursor of the poll.
   */
  poll: {
    /**
     * Milliseconds between polls.
     */
    intervalMs: number;
    /**
     * Where polling starts and how the next cursor is found.
     */
    cursor: {
      /**
       * Cursor of the first poll (any JSON value).
       */
      initial?: {
        [k: string]: unknown;
      };
      /**
       * JSONata over the flow's output (`{ records, cursor }`) giving the cursor to store.
       */
      from: Expression;
    };
  };
  /**
   * Marks the trigger deprecated.
   */
  deprecated?: boolean;
  /**
   * What to use instead.
   */
  deprecationMessage?: string;
  flow: Flow;
}
/**
 * Transforms a payload written for an older version of an action's input (or of a named schema). Give an `expression`, `aliases`, or both (aliases apply first).
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "Migration".
 */
export interface Migration {
  /**
   * Semver range of the versions whose payloads this migrates.
   */
  from: string;
  /**
   * Name of the action (its input) or of a schema under `schemas`.
   */
  target: string;
  /**
   * JSONata over the old payload (`$`) giving the new payload.
   */
  expression?: Expression;
  /**
   * Renamed top-level fields: old name -> new name.
   */
  aliases?: {
    [k: string]: string;
  };
}
/**
 * A node's position on the editor canvas.
 *
 * This interface was referenced by `ConnectorDefinition`'s JSON-Schema
 * via the `definition` "Position".
 */
export interface Position {
  /**
   * Horizontal position in canvas pixels.
   */
  x: number;
  /**
   * Vertical position in canvas pixels.
   */
  y: number;
}
