import { randomUUID } from 'node:crypto';
import type { EgressPolicy } from '@plugboard/policies';
import { passThroughPolicy } from '@plugboard/policies';
import type { HostBridge } from '@plugboard/sandbox';
import { SandboxError, SandboxPool } from '@plugboard/sandbox';
import type { ConnectorDefinition, FlowView } from './definition.js';
import { TokenCache } from './egress/auth.js';
import type { BridgeContext } from './egress/bridge.js';
import { createBridge } from './egress/bridge.js';
import type { RuleEvaluator } from './egress/classify.js';
import { createNetworkTransport } from './egress/network-transport.js';
import type { Transport } from './egress/transport.js';
import { classifyError, EngineError, isCoded } from './errors.js';
import { ENTRY_EVALUATE, ENTRY_OUTCOME, ENTRY_RUN, engineBootstrap } from './isolate/bootstrap.js';
import { maskDeep, secretList } from './mask.js';
import type {
  CallRecord,
  Engine,
  EngineOptions,
  ItemOutcome,
  NodeTrace,
  RunError,
  RunRequest,
  RunResult,
} from './types.js';

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_RESPONSE_BYTES = 5 * 1024 * 1024;

/** What __plugboardRun answers (src/isolate/interpreter.js). */
interface InterpreterResult {
  ok: boolean;
  output?: unknown;
  items?: ItemOutcome[];
  error?: { code: string; message: string; details?: unknown };
  trace?: NodeTrace[];
}

type Mode = 'realtime' | 'batched' | 'trigger';

interface Target {
  flow?: FlowView;
  pointer: string;
  mode: Mode;
  /** The action's idempotencyKey expression. */
  idempotencyKey?: string;
}

const silentBridge: HostBridge = {
  http: () => Promise.reject(new EngineError('EGRESS_DENIED', 'expressions cannot call partners')),
  log: () => undefined,
};

function runError(code: string, message: string, details?: unknown): RunError {
  return {
    code,
    message,
    class: classifyError(code),
    ...(details === undefined ? {} : { details }),
  };
}

function fromThrown(error: unknown): RunError {
  if (error instanceof SandboxError) return runError(error.code, error.message, error.details);
  if (isCoded(error)) return runError(error.code, error.message, error.details);
  return runError('ENGINE_ERROR', `the engine failed: ${String(error)}`);
}

/** Endpoint name -> its rate key template (every window of one endpoint shares it). */
function rateKeysOf(definition: ConnectorDefinition): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const [name, limits] of Object.entries(definition.limits?.endpoints ?? {})) {
    const rate = limits.rate;
    const key = (Array.isArray(rate) ? rate[0] : rate)?.key;
    if (key !== undefined) keys[name] = key;
  }
  return keys;
}

export function createEngine(options: EngineOptions = {}): Engine {
  const pool = new SandboxPool({
    bootstrap: engineBootstrap(),
    ...(options.sandbox?.maxIsolates === undefined
      ? {}
      : { maxIsolates: options.sandbox.maxIsolates }),
    ...(options.sandbox?.limits === undefined ? {} : { limits: options.sandbox.limits }),
  });
  const network = createNetworkTransport({
    allowPrivate: options.egress?.allowPrivate === true,
    ...(options.egress?.resolver ? { resolver: options.egress.resolver } : {}),
  });
  const policy: EgressPolicy = options.policy ?? passThroughPolicy;
  const tokens = new TokenCache();
  const timeoutMs = options.egress?.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxResponseBytes = options.egress?.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;

  // Body conditions of `outcomes` rules run in the installation's own isolate, as a run of their
  // own beside the flow that is waiting on the bridge (the pool runs both concurrently).
  const rulesIn =
    (key: string, scope: Record<string, unknown>): RuleEvaluator =>
    async (candidates, answer) => {
      const result = (await pool.run(
        key,
        ENTRY_OUTCOME,
        { rules: candidates, response: answer, scope },
        silentBridge,
      )) as {
        ok: boolean;
        index?: number;
        message?: string;
        retryAfter?: unknown;
        error?: { code: string; message: string; details?: unknown };
      };
      if (!result.ok) {
        const error = result.error ?? { code: 'SANDBOX_ERROR', message: 'outcome rules failed' };
        throw new EngineError(error.code, error.message, error.details);
      }
      return {
        index: result.index ?? -1,
        ...(result.message === undefined ? {} : { message: result.message }),
        ...(result.retryAfter === undefined ? {} : { retryAfter: result.retryAfter }),
      };
    };

  async function execute(
    definition: ConnectorDefinition,
    target: Target,
    request: RunRequest,
  ): Promise<RunResult> {
    const started = Date.now();
    const calls: CallRecord[] = [];
    const credentials = request.credentials ?? {};
    const secrets = new Set<string>(Object.values(credentials));
    const finish = (result: Omit<RunResult, 'durationMs' | 'calls'>): RunResult =>
      maskDeep({ ...result, calls, durationMs: Date.now() - started }, secretList(secrets));
    const batchedItems =
      target.mode === 'batched'
        ? (request.items ?? (request.input === undefined ? [] : [request.input]))
        : undefined;
    const failAll = (error: RunError): Omit<RunResult, 'durationMs' | 'calls'> => ({
      status: 'failed',
      error,
      trace: [],
      ...(batchedItems
        ? {
            items: batchedItems.map((_, index) => ({
              index,
              status: 'failed' as const,
              error: { code: error.code, message: error.message },
            })),
          }
        : {}),
    });

    if (!target.flow) {
      // A webhook trigger without a flow passes its (verified) payload through unchanged.
      return finish({ status: 'succeeded', output: request.input, trace: [] });
    }
    const key = request.isolateKey ?? `${definition.id}@${definition.version}`;
    const meta = { ...request.meta, runId: request.meta?.runId ?? randomUUID() };
    const transport: Transport = request.transport ?? network;
    const context: BridgeContext = {
      definition,
      flow: target.flow,
      pointer: target.pointer,
      credentials,
      meta,
      config: request.config ?? {},
      ...(request.quotas ? { quotas: request.quotas } : {}),
      transport,
      policy,
      tokens,
      ...(request.oauth ? { oauth: request.oauth } : {}),
      timeoutMs,
      maxResponseBytes,
      // Message templates of outcomes rules may use the run's input, items, config and meta.
      evaluateRules: rulesIn(key, {
        input: request.input,
        items: batchedItems,
        config: request.config ?? {},
        meta,
      }),
      ...(options.logger ? { logger: options.logger } : {}),
      calls,
      secrets,
    };
    const bridge = createBridge(context);
    const payload = {
      flow: target.flow,
      pointer: target.pointer,
      mode: target.mode,
      idempotencyKey: target.idempotencyKey,
      base: definition.base?.url,
      baseHeaders: definition.base?.headers,
      rateKeys: rateKeysOf(definition),
      input: request.input,
      items: batchedItems,
      config: request.config ?? {},
      meta,
    };
    let result: InterpreterResult;
    try {
      result = (await pool.run(key, ENTRY_RUN, payload, bridge as HostBridge)) as InterpreterResult;
    } catch (error) {
      return finish(failAll(fromThrown(error)));
    }
    const trace = result.trace ?? [];
    if (!result.ok) {
      const error = result.error ?? {
        code: 'ENGINE_ERROR',
        message: 'the interpreter gave no error',
      };
      return finish({ ...failAll(runError(error.code, error.message, error.details)), trace });
    }
    return finish({
      status: 'succeeded',
      ...(result.output === undefined ? {} : { output: result.output }),
      ...(result.items === undefined ? {} : { items: result.items }),
      trace,
    });
  }

  async function evaluate(key: string, expression: string, data: unknown): Promise<unknown> {
    let result: {
      ok: boolean;
      value?: unknown;
      error?: { code: string; message: string; details?: unknown };
    };
    try {
      result = (await pool.run(
        key,
        ENTRY_EVALUATE,
        { expression, data },
        silentBridge,
      )) as typeof result;
    } catch (error) {
      const e = fromThrown(error);
      throw new EngineError(e.code, e.message, e.details);
    }
    if (!result.ok) {
      const error = result.error ?? { code: 'SANDBOX_ERROR', message: 'the expression failed' };
      throw new EngineError(error.code, error.message, error.details);
    }
    return result.value;
  }

  const missing = (kind: string, name: string, pointer: string): RunResult => ({
    status: 'failed',
    error: runError('VALIDATION_FAILED', `the connector has no ${kind} "${name}" (${pointer})`),
    trace: [],
    calls: [],
    durationMs: 0,
  });

  return {
    runAction(definition, action, request) {
      const found = Object.hasOwn(definition.actions ?? {}, action)
        ? definition.actions?.[action]
        : undefined;
      if (!found) return Promise.resolve(missing('action', action, '/actions'));
      const pointer = `/actions/${action}/flow`;
      return execute(
        definition,
        {
          flow: found.flow,
          pointer,
          mode: found.urgency === 'batched' ? 'batched' : 'realtime',
          ...(found.idempotencyKey ? { idempotencyKey: found.idempotencyKey } : {}),
        },
        request,
      );
    },
    runTrigger(definition, trigger, request) {
      const found = Object.hasOwn(definition.triggers ?? {}, trigger)
        ? definition.triggers?.[trigger]
        : undefined;
      if (!found) return Promise.resolve(missing('trigger', trigger, '/triggers'));
      return execute(
        definition,
        {
          ...(found.flow ? { flow: found.flow } : {}),
          pointer: `/triggers/${trigger}/flow`,
          mode: 'trigger',
        },
        request,
      );
    },
    evaluate,
    async answerChallenge(key, definition, trigger, request) {
      const found = Object.hasOwn(definition.triggers ?? {}, trigger)
        ? definition.triggers?.[trigger]
        : undefined;
      const challenge = found?.kind === 'webhook' ? found.challenge : undefined;
      if (!challenge) return null;
      // Header names as a Node server gives them (lower case), so `headers.x` reads the same.
      const headers: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(request.headers))
        headers[name.toLowerCase()] = value;
      const data = { headers, query: request.query ?? {}, body: request.body };
      if ((await evaluate(key, challenge.when, data)) !== true) return null;
      return { respond: await evaluate(key, challenge.respond, data) };
    },
    async dispose() {
      network.close();
      await pool.dispose();
    },
  };
}
