// The host side of `host.http`: the only way out of the isolate. The isolate sends what it built
// from the definition (method, path, query, headers, body); here the request is completed (URL,
// hosts, auth, correlation, idempotency, encoding, signing), passed through the EgressPolicy,
// sent through the Transport and classified (classify.ts), with retries while the policy allows.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type {
  CallContext,
  CallOutcome,
  EgressPolicy,
  Permit,
  TenantQuotas,
} from '@plugboard/policies';
import { isPolicyError } from '@plugboard/policies';
import type {
  AuthView,
  ConnectorDefinition,
  FlowNodeView,
  FlowView,
  HttpNodeView,
} from '../definition.js';
import { classifyError, EngineError, isCoded } from '../errors.js';
import { maskDeep, maskText, secretList } from '../mask.js';
import type { CallRecord, EngineLogger, OAuthTokenProvider, RunMeta } from '../types.js';
import { standardWebhooksSignature } from '../webhooks/signatures.js';
import type { TokenCache } from './auth.js';
import { applyAuth, setHeader } from './auth.js';
import type { Classification, PartnerAnswer, RuleEvaluator } from './classify.js';
import { classifyOutcome } from './classify.js';
import { configValue, hostAllowed, hostPatterns } from './hosts.js';
import type { Transport, TransportResponse } from './transport.js';

/** What the interpreter sends through host.http (src/isolate/interpreter.js, callHost). */
export interface IsolateRequest {
  nodeId: string;
  item: string;
  seq: number;
  base?: string;
  method: string;
  path?: string;
  url?: string;
  query?: Record<string, unknown>;
  headers?: Record<string, unknown>;
  body?: unknown;
  encoding?: 'json' | 'form';
  idempotencyKey?: string;
  /** The endpoint's rendered rate key (limits.endpoints.NAME.rate.key). */
  rateKey?: string;
  /** What the action's idempotencyKey expression gave for this run or item. */
  keyBase?: string;
  keyBaseScope?: 'item' | 'run';
  /** ctx.http: answer with the response whatever its class; http nodes fail on non-success. */
  raw: boolean;
}

export type BridgeAnswer =
  | { ok: true; response: PartnerAnswer }
  | { ok: false; error: { code: string; message: string; details?: unknown } };

export interface BridgeContext {
  definition: ConnectorDefinition;
  flow: FlowView;
  /** JSON pointer of the flow, for messages. */
  pointer: string;
  credentials: Record<string, string>;
  meta: RunMeta;
  /** The installation's config: `{{ config.x }}` entries of base.allowedHosts name hosts from it. */
  config?: Record<string, unknown>;
  quotas?: TenantQuotas;
  transport: Transport;
  policy: EgressPolicy;
  tokens: TokenCache;
  /** Authorization-code tokens, from the host's token store. */
  oauth?: OAuthTokenProvider;
  timeoutMs: number;
  maxResponseBytes: number;
  evaluateRules: RuleEvaluator;
  logger?: EngineLogger;
  /** Filled as calls happen. */
  calls: CallRecord[];
  /** Credential values and fetched tokens; grows during the run. */
  secrets: Set<string>;
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const DROPPED_HEADERS = new Set([
  'host',
  'content-length',
  'connection',
  'transfer-encoding',
  'keep-alive',
  'upgrade',
]);
const LEVELS = new Set(['debug', 'info', 'warn', 'error']);

function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string'
    ? value
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);
}

function joinUrl(base: string, path: string): string {
  if (path === '') return base;
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** Bracket notation (`a[b]=1`, `list[0]=x`), as Stripe-style form APIs expect. */
export function formEncode(value: unknown): string {
  const params = new URLSearchParams();
  const walk = (prefix: string, v: unknown) => {
    if (v === undefined || v === null) return;
    if (Array.isArray(v)) v.forEach((entry, i) => walk(`${prefix}[${i}]`, entry));
    else if (typeof v === 'object') {
      for (const [k, inner] of Object.entries(v))
        walk(prefix === '' ? k : `${prefix}[${k}]`, inner);
    } else params.append(prefix, String(v));
  };
  if (value && typeof value === 'object') walk('', value);
  return params.toString();
}

/** A child span of the caller's trace context (W3C traceparent), or a new trace. */
export function childTraceparent(parent: string | undefined): string {
  const span = randomBytes(8).toString('hex');
  const match = parent
    ? /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(parent.trim())
    : null;
  if (match && match[2] !== '0'.repeat(32)) return `00-${match[2]}-${span}-${match[4]}`;
  return `00-${randomBytes(16).toString('hex')}-${span}-01`;
}

/** Deterministic UUID-shaped key from its parts, so retries of the same item send the same key. */
export function idempotencyKey(parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\u001f')).digest('hex');
  const variant = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function findNode(flow: FlowView, id: string): { node: FlowNodeView; index: number } | undefined {
  const index = flow.nodes.findIndex((n) => n.id === id);
  const node = flow.nodes[index];
  return node ? { node, index } : undefined;
}

function decodeBody(response: TransportResponse, secrets: string[]): unknown {
  if (response.body.length === 0) return null;
  const body = maskText(response.body.toString('utf8'), secrets);
  const type = response.headers['content-type'] ?? '';
  if (/[/+]json\b/i.test(type) || (type === '' && /^\s*[[{]/.test(body))) {
    try {
      return JSON.parse(body) as unknown;
    } catch {
      return body;
    }
  }
  return body;
}

function clipBody(body: unknown): unknown {
  const t = text(body);
  return t.length > 2048 ? `${t.slice(0, 2048)}…` : body;
}

export interface Bridge {
  http(request: unknown): Promise<BridgeAnswer>;
  log(
    level: 'debug' | 'info' | 'warn' | 'error',
    message: string,
    fields?: Record<string, unknown>,
  ): void;
}

export function createBridge(context: BridgeContext): Bridge {
  const patterns = hostPatterns(context.definition.base, context.config);
  const runKey = context.meta.runId ?? randomUUID();
  for (const value of Object.values(context.credentials)) context.secrets.add(value);

  // Precedence: the node's own template, the caller's per-item keys, the caller's key, the action's
  // idempotencyKey expression (evaluated in the isolate, per item in batched runs), the run id. A
  // per-item base drops the item's index, so a replayed subset of a batch keeps its keys.
  const keyFor = (request: IsolateRequest): string => {
    if (request.idempotencyKey) return request.idempotencyKey;
    const [top, ...rest] = request.item === '' ? [] : request.item.split('.');
    const tail = [request.nodeId, rest.join('.'), String(request.seq)];
    const itemKey = top === undefined ? undefined : context.meta.itemKeys?.[Number(top)];
    if (itemKey !== undefined) return idempotencyKey([itemKey, ...tail]);
    const whole = [request.nodeId, request.item, String(request.seq)];
    if (context.meta.idempotencyKey !== undefined)
      return idempotencyKey([context.meta.idempotencyKey, ...whole]);
    if (typeof request.keyBase === 'string') {
      return idempotencyKey(
        request.keyBaseScope === 'item' ? [request.keyBase, ...tail] : [request.keyBase, ...whole],
      );
    }
    return idempotencyKey([runKey, ...whole]);
  };

  async function send(request: IsolateRequest): Promise<BridgeAnswer> {
    const found = findNode(context.flow, request.nodeId);
    if (!found || (found.node.type !== 'http' && found.node.type !== 'code')) {
      throw new EngineError(
        'EGRESS_DENIED',
        `only http and code nodes call partners (node "${request.nodeId}")`,
      );
    }
    const where = `${context.pointer}/nodes/${found.index}`;
    const node = found.node.type === 'http' ? (found.node as HttpNodeView) : undefined;
    const method = text(request.method).toUpperCase();
    if (!METHODS.has(method))
      throw new EngineError(
        'VALIDATION_FAILED',
        `${where}/method: "${method}" is not an HTTP method`,
      );

    let url: URL;
    try {
      const base =
        typeof request.base === 'string' && request.base !== '' ? request.base : undefined;
      if (typeof request.url === 'string' && request.url !== '') url = new URL(request.url, base);
      else if (base) url = new URL(joinUrl(base, text(request.path)));
      else throw new Error('the definition has no base.url and the request no absolute url');
    } catch (error) {
      throw new EngineError(
        'VALIDATION_FAILED',
        `${where}: the request URL is invalid: ${(error as Error).message}`,
      );
    }
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value === undefined || value === null) continue;
      for (const v of Array.isArray(value) ? value : [value])
        url.searchParams.append(name, text(v));
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new EngineError(
        'EGRESS_DENIED',
        `${where}: only http and https are allowed, not ${url.protocol}`,
      );
    }
    if (url.username !== '' || url.password !== '') {
      throw new EngineError(
        'EGRESS_DENIED',
        `${where}: URLs may not carry user info; declare auth instead`,
      );
    }
    if (!hostAllowed(url.hostname, patterns)) {
      throw new EngineError(
        'EGRESS_DENIED',
        `egress to ${url.hostname} refused: it is not one of the connector's hosts (${patterns.join(', ') || 'none'}); add it to /base/allowedHosts`,
        { host: url.hostname },
      );
    }

    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': 'Plugboard/0.1',
    };
    for (const [name, value] of Object.entries(request.headers ?? {})) {
      const lower = name.toLowerCase();
      if (DROPPED_HEADERS.has(lower) || value === undefined || value === null) continue;
      headers[lower] = text(value);
    }
    const correlationId = context.meta.correlationId ?? context.meta.runId;
    if (correlationId) headers['x-correlation-id'] = correlationId;
    headers.traceparent = childTraceparent(context.meta.traceparent);

    let body: Buffer | undefined;
    if (request.body !== undefined && method !== 'GET' && method !== 'HEAD') {
      const encoding = node?.encoding ?? request.encoding ?? 'json';
      if (encoding === 'form') {
        body = Buffer.from(formEncode(request.body));
        headers['content-type'] ??= 'application/x-www-form-urlencoded';
      } else if (
        typeof request.body === 'string' &&
        headers['content-type'] &&
        !/json/i.test(headers['content-type'])
      ) {
        body = Buffer.from(request.body);
      } else {
        body = Buffer.from(JSON.stringify(request.body));
        headers['content-type'] ??= 'application/json';
      }
    }
    let key: string | undefined;
    if (WRITES.has(method)) {
      const header = (node?.idempotencyHeader ?? 'Idempotency-Key').toLowerCase();
      key = headers[header] ?? keyFor(request);
      headers[header] = key;
    }
    if (node?.signing) {
      const secret = context.credentials[node.signing.secretField];
      if (secret === undefined) {
        throw new EngineError(
          'VALIDATION_FAILED',
          `${where}/signing/secretField: the installation has no credential "${node.signing.secretField}"`,
        );
      }
      const id = key ?? `msg_${randomUUID()}`;
      const timestamp = String(Math.floor(Date.now() / 1000));
      headers['webhook-id'] = id;
      headers['webhook-timestamp'] = timestamp;
      headers['webhook-signature'] = standardWebhooksSignature(
        secret,
        id,
        timestamp,
        body ?? Buffer.alloc(0),
      );
    }

    // Recorded before auth, so the URL in call records never carries an apiKey query parameter.
    const displayUrl = `${url.origin}${url.pathname}${url.search}`;
    const auth = authFromConfig(
      context.definition.auth as AuthView | undefined,
      context.config,
      context.definition.config,
    );
    const authContext = {
      tokens: context.tokens,
      transport: context.transport,
      timeoutMs: context.timeoutMs,
      secrets: context.secrets,
      ...(context.oauth ? { oauth: context.oauth } : {}),
    };
    const target = { url: new URL(url.href), headers: { ...headers } };
    await applyAuth(auth, context.credentials, target, authContext);

    const callContext: Omit<CallContext, 'attempt'> = {
      connectorId: context.definition.id,
      host: url.host.toLowerCase(),
      ...(context.definition.version ? { connectorVersion: context.definition.version } : {}),
      ...(context.meta.tenantId ? { tenantId: context.meta.tenantId } : {}),
      ...(context.meta.installationId ? { installationId: context.meta.installationId } : {}),
      ...(node?.endpoint ? { endpoint: node.endpoint } : {}),
      ...(node?.endpoint && typeof request.rateKey === 'string' && request.rateKey !== ''
        ? { rateKey: request.rateKey }
        : {}),
      ...(context.definition.limits ? { limits: context.definition.limits } : {}),
      ...(context.quotas ? { quotas: context.quotas } : {}),
    };
    const timeoutMs = node?.timeoutMs ?? context.definition.limits?.timeoutMs ?? context.timeoutMs;
    let refreshedToken = false;
    // A retry schedule carried across re-queues resumes where the last run stopped.
    for (let attempt = context.meta.firstCallAttempt ?? 1; ; attempt++) {
      const callCtx: CallContext = { ...callContext, attempt };
      let permit: Permit;
      try {
        permit = await context.policy.acquire(callCtx);
      } catch (error) {
        throw policyFailure(error);
      }
      const started = Date.now();
      let response: TransportResponse | undefined;
      let failure: EngineError | undefined;
      try {
        response = await context.transport.send({
          method,
          url: target.url,
          headers: target.headers,
          ...(body === undefined ? {} : { body }),
          timeoutMs,
          maxResponseBytes: context.maxResponseBytes,
        });
      } catch (error) {
        failure = isCoded(error)
          ? new EngineError(error.code, error.message, error.details)
          : new EngineError(
              'PARTNER_TRANSIENT',
              `${method} ${displayUrl} failed: ${String(error)}`,
            );
      }
      const durationMs = Date.now() - started;
      const secrets = secretList(context.secrets);

      if (failure || !response) {
        const transient =
          failure?.code === 'PARTNER_TIMEOUT' || failure?.code === 'PARTNER_TRANSIENT';
        const outcome: CallOutcome = { class: transient ? 'transient' : 'permanent' };
        await permit.release(outcome);
        const error =
          failure ?? new EngineError('PARTNER_TRANSIENT', `${method} ${displayUrl} gave no answer`);
        context.calls.push({
          nodeId: request.nodeId,
          method,
          url: displayUrl,
          attempt,
          durationMs,
          outcome: 'error',
          error: { code: error.code, message: maskText(error.message, secrets) },
        });
        if (transient && (await retryAfter(callCtx, outcome))) continue;
        throw error;
      }

      const answer: PartnerAnswer = {
        status: response.status,
        headers: maskDeep(response.headers, secrets),
        body: decodeBody(response, secrets),
      };
      let verdict: Classification;
      try {
        verdict = await classifyOutcome(answer, {
          ...(node?.outcomes ? { outcomes: node.outcomes } : {}),
          ...(context.definition.limits?.transientStatus
            ? { transientStatus: context.definition.limits.transientStatus }
            : {}),
          where,
          evaluateRules: context.evaluateRules,
        });
      } catch (error) {
        await permit.release({ class: 'permanent', status: response.status });
        throw error;
      }
      const outcome: CallOutcome = {
        class: verdict.class,
        status: response.status,
        headers: answer.headers,
        ...(verdict.retryAfterMs === undefined ? {} : { retryAfterMs: verdict.retryAfterMs }),
      };
      await permit.release(outcome);
      context.calls.push({
        nodeId: request.nodeId,
        method,
        url: displayUrl,
        status: response.status,
        attempt,
        durationMs,
        outcome: verdict.class,
      });

      if (
        response.status === 401 &&
        auth?.type === 'oauth2ClientCredentials' &&
        context.credentials.accessToken === undefined &&
        !refreshedToken &&
        context.credentials.clientId !== undefined &&
        context.credentials.clientSecret !== undefined
      ) {
        // A token revoked before its expiry: fetch a fresh one once, outside the retry budget.
        refreshedToken = true;
        context.tokens.invalidate(
          auth,
          context.credentials.clientId,
          context.credentials.clientSecret,
        );
        target.headers = { ...headers };
        await applyAuth(auth, context.credentials, target, authContext);
        continue;
      }
      if (
        response.status === 401 &&
        auth?.type === 'oauth2AuthorizationCode' &&
        context.oauth &&
        !refreshedToken
      ) {
        // Revoked or expired early: the host refreshes (once for every call that saw this token).
        refreshedToken = true;
        const rejected = bearerOf(target.headers);
        const fresh = await context.oauth.refresh(rejected ?? '');
        context.secrets.add(fresh);
        target.headers = { ...headers };
        setHeader(target.headers, 'authorization', `Bearer ${fresh}`);
        continue;
      }
      if (verdict.class === 'success') return { ok: true, response: answer };
      if (verdict.class === 'transient' && (await retryAfter(callCtx, outcome))) continue;
      if (request.raw) return { ok: true, response: answer };
      // A rule's code is kept when classifyError agrees with the rule's outcome (RATE_LIMITED on a
      // transient rule, a connector's own code on a permanent one); otherwise the generic partner
      // code carries the class and the rule's code travels in details.partnerCode, so the class of
      // a RunError always comes from classifyError alone.
      const generic = verdict.class === 'transient' ? 'PARTNER_TRANSIENT' : 'PARTNER_PERMANENT';
      const keep = verdict.code !== undefined && classifyError(verdict.code) === verdict.class;
      const code = keep && verdict.code !== undefined ? verdict.code : generic;
      const message =
        verdict.message ??
        `${method} ${displayUrl} answered ${response.status} (${verdict.class}) after ${attempt} attempt${attempt === 1 ? '' : 's'}: ${text(clipBody(answer.body)).slice(0, 300)}`;
      throw new EngineError(code, message, {
        status: response.status,
        body: clipBody(answer.body),
        nodeId: request.nodeId,
        attempts: attempt,
        ...(verdict.code !== undefined && !keep ? { partnerCode: verdict.code } : {}),
        // Not retried here (no budget, attempts used up): the runtime may re-queue after this.
        ...(verdict.class === 'transient' && verdict.retryAfterMs !== undefined
          ? { retryAfterMs: verdict.retryAfterMs }
          : {}),
      });
    }

    async function retryAfter(callCtx: CallContext, outcome: CallOutcome): Promise<boolean> {
      let delay: number | null;
      try {
        delay = await context.policy.retryDelay(callCtx, outcome);
      } catch (error) {
        throw policyFailure(error);
      }
      if (delay === null) return false;
      if (delay > 0) await sleep(delay);
      return true;
    }
  }

  return {
    async http(raw: unknown): Promise<BridgeAnswer> {
      const request = raw as IsolateRequest;
      try {
        if (!request || typeof request !== 'object' || typeof request.nodeId !== 'string') {
          throw new EngineError(
            'SANDBOX_ERROR',
            "host.http expects the interpreter's request envelope",
          );
        }
        return await send({
          ...request,
          item: typeof request.item === 'string' ? request.item : '',
          seq: Number(request.seq) || 0,
        });
      } catch (error) {
        const secrets = secretList(context.secrets);
        if (isCoded(error)) {
          return {
            ok: false,
            error: maskDeep(
              {
                code: error.code,
                message: error.message,
                ...(error.details === undefined ? {} : { details: error.details }),
              },
              secrets,
            ),
          };
        }
        return {
          ok: false,
          error: { code: 'ENGINE_ERROR', message: maskText(String(error), secrets) },
        };
      }
    },
    log(level, message, fields) {
      if (!context.logger) return;
      const secrets = secretList(context.secrets);
      context.logger.log(LEVELS.has(level) ? level : 'info', maskText(text(message), secrets), {
        ...maskDeep(fields ?? {}, secrets),
        connector: `${context.definition.id}@${context.definition.version}`,
        ...(context.meta.runId ? { runId: context.meta.runId } : {}),
        ...(context.meta.correlationId ? { correlationId: context.meta.correlationId } : {}),
      });
    },
  };
}

// apiKey auth whose `in` or `name` is `{{ config.<path> }}` (a generic REST connector): read here,
// host side, before the key is applied, so neither the key nor its placement goes through JSONata.
function authFromConfig(
  auth: AuthView | undefined,
  config: Record<string, unknown> | undefined,
  configSchema: unknown,
): AuthView | undefined {
  if (auth?.type !== 'apiKey' || (!auth.in.includes('{{') && !auth.name.includes('{{')))
    return auth;
  const resolve = (field: 'in' | 'name'): string => {
    const entry = auth[field];
    if (!entry.includes('{{')) return entry;
    // A setting the installation left out takes its `default` from the config schema.
    const value = configValue(entry, config) ?? configValue(entry, schemaDefaults(configSchema));
    if (typeof value !== 'string' || value.trim() === '') {
      throw new EngineError(
        'VALIDATION_FAILED',
        `/auth/${field}: ${entry} gives no text in the installation's config: set it`,
      );
    }
    return value.trim();
  };
  const placement = resolve('in').toLowerCase();
  if (placement !== 'header' && placement !== 'query') {
    throw new EngineError(
      'VALIDATION_FAILED',
      `/auth/in: ${auth.in} gives "${placement}": the installation's config must say header or query`,
    );
  }
  return { ...auth, in: placement, name: resolve('name') };
}

/** The `default`s of a config schema's properties, as a config object. */
function schemaDefaults(schema: unknown): Record<string, unknown> | undefined {
  if (!schema || typeof schema !== 'object') return undefined;
  const properties = (schema as { properties?: unknown }).properties;
  if (!properties || typeof properties !== 'object') return undefined;
  const out: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(properties as Record<string, unknown>)) {
    if (!property || typeof property !== 'object') continue;
    const value = Object.hasOwn(property, 'default')
      ? (property as { default: unknown }).default
      : schemaDefaults(property);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

function policyFailure(error: unknown): EngineError {
  if (isPolicyError(error)) {
    return new EngineError(error.runErrorCode, error.message, {
      ...error.details,
      policyCode: error.code,
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    });
  }
  if (isCoded(error)) return new EngineError(error.code, error.message, error.details);
  return new EngineError('ENGINE_ERROR', `the egress policy failed: ${String(error)}`);
}

function bearerOf(headers: Record<string, string>): string | undefined {
  const value = headers.authorization;
  return value?.startsWith('Bearer ') ? value.slice('Bearer '.length) : undefined;
}
