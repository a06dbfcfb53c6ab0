import type { EgressPolicy, TenantQuotas } from '@plugboard/policies';
import type { SandboxLimits } from '@plugboard/sandbox';
import type { ConnectorDefinition } from './definition.js';
import type { ErrorClass } from './errors.js';
import type { Transport } from './egress/transport.js';
import type { Resolver } from './egress/resolver.js';

export interface EngineLogger {
  log(
    level: 'debug' | 'info' | 'warn' | 'error',
    message: string,
    fields?: Record<string, unknown>,
  ): void;
}

export interface EgressOptions {
  /** Allow private, loopback and link-local addresses (development and tests only). */
  allowPrivate?: boolean;
  /** Per partner call, connect to last byte. Default 10 000 ms. */
  timeoutMs?: number;
  /** Response bodies beyond this fail the call with PARTNER_PERMANENT. Default 5 MB. */
  maxResponseBytes?: number;
  /** Name resolution for the address checks; tests inject a fake one. Default: the system's. */
  resolver?: Resolver;
}

export interface EngineOptions {
  sandbox?: { maxIsolates?: number; limits?: Partial<SandboxLimits> };
  egress?: EgressOptions;
  /** Rate limits, concurrency and retries around every partner call. Default: passThroughPolicy. */
  policy?: EgressPolicy;
  logger?: EngineLogger;
}

export interface RunMeta {
  runId?: string;
  correlationId?: string;
  /** W3C trace context of the caller; partner calls carry a child span of it. */
  traceparent?: string;
  tenantId?: string;
  installationId?: string;
  batchId?: string;
  /** Base of the idempotency keys sent on writes; stable across retries of the same work. */
  idempotencyKey?: string;
  /** One idempotency key per input item of a batched run, so a replayed subset keeps its keys. */
  itemKeys?: string[];
  attempt?: number;
  /**
   * Attempt number of this run's first partner call (default 1). The runtime sets it when an item
   * re-queued by a long `limits.retry.scheduleMs` step runs again, so the schedule goes on.
   */
  firstCallAttempt?: number;
  connectorVersion?: string;
}

export interface RunRequest {
  input?: unknown;
  items?: unknown[];
  config?: Record<string, unknown>;
  /** Injected at egress only; never copied into the isolate, masked in results. */
  credentials?: Record<string, string>;
  meta?: RunMeta;
  /** Selects the isolate (one per installation). Default: the connector id and version. */
  isolateKey?: string;
  /** Replaces the network, e.g. with recorded interactions. */
  transport?: Transport;
  /** Tenant quotas handed to the policy. */
  quotas?: TenantQuotas;
  /**
   * Access tokens of an `oauth2AuthorizationCode` installation, kept fresh by the host. When set,
   * the bridge asks it for the token of every call instead of reading `credentials.accessToken`.
   */
  oauth?: OAuthTokenProvider;
}

/** The host's token store for one installation (authorization-code OAuth). */
export interface OAuthTokenProvider {
  /** A token valid for at least the refresh skew; refreshes first when it is not. */
  accessToken(): Promise<string>;
  /**
   * The partner refused `rejected` (a 401): a fresh token. Concurrent callers that name the same
   * rejected token share one refresh. Rejects with a coded error when the grant is gone.
   */
  refresh(rejected: string): Promise<string>;
}

export interface RunError {
  code: string;
  message: string;
  class: ErrorClass;
  details?: unknown;
}

export interface ItemOutcome {
  index: number;
  status: 'ok' | 'failed';
  output?: unknown;
  error?: { code: string; message: string };
}

export interface NodeTrace {
  id: string;
  type: string;
  /** The element path inside forEach loops ("2", "2.0"). */
  item?: string;
  input?: unknown;
  output?: unknown;
  durationMs: number;
  request?: unknown;
  error?: { code: string; message: string; details?: unknown };
}

export interface CallRecord {
  nodeId: string;
  method: string;
  /** Without credentials: query parameters carrying secrets are masked. */
  url: string;
  status?: number;
  attempt: number;
  durationMs: number;
  outcome: 'success' | 'transient' | 'permanent' | 'error';
  error?: { code: string; message: string };
}

export interface RunResult {
  status: 'succeeded' | 'failed';
  output?: unknown;
  items?: ItemOutcome[];
  error?: RunError;
  trace: NodeTrace[];
  calls: CallRecord[];
  durationMs: number;
}

export interface Engine {
  runAction(
    definition: ConnectorDefinition,
    action: string,
    request: RunRequest,
  ): Promise<RunResult>;
  runTrigger(
    definition: ConnectorDefinition,
    trigger: string,
    request: RunRequest,
  ): Promise<RunResult>;
  /** JSONata in the sandbox (route mapping and filters, migrations). Throws EngineError. */
  evaluate(key: string, expression: string, data: unknown): Promise<unknown>;
  /**
   * A webhook trigger's `challenge` (Slack's `url_verification`), for a request whose signature
   * already checked out: `{ respond }` is the JSON body to answer 200 with and record nothing;
   * null when the trigger has no challenge or `when` is not true. Throws EngineError.
   */
  answerChallenge(
    key: string,
    definition: ConnectorDefinition,
    trigger: string,
    request: { headers: Record<string, unknown>; query?: Record<string, unknown>; body: unknown },
  ): Promise<{ respond: unknown } | null>;
  dispose(): Promise<void>;
}
