// The offline contract runner (DESIGN.md "Contracts"): each case runs its action in the real
// sandbox against its recorded interactions, then its result is checked against the case's
// `expect` and the action's output schema.
import { compilePayloadSchema, type PayloadCheck } from '@plugboard/definition';
import type { AuthView, ConnectorDefinition } from '../definition.js';
import { createEngine } from '../engine.js';
import type { Engine, RunMeta, RunResult } from '../types.js';
import type { Mismatch } from './matchers.js';
import { formatDiff, match, show } from './matchers.js';
import type { RecordedInteraction } from './recorded-transport.js';
import { RecordedTransport } from './recorded-transport.js';

/** A contract case (brief, "Contract case format"); structurally the generated `ContractCase`. */
export interface ContractCaseView {
  name: string;
  consumer?: string;
  action?: string;
  trigger?: string;
  config?: Record<string, unknown>;
  credentials?: Record<string, string>;
  meta?: Record<string, unknown>;
  input?: unknown;
  items?: unknown[];
  interactions: RecordedInteraction[];
  expect: { output?: unknown; items?: unknown[]; error?: { code: string } };
}

export interface ContractResult {
  name: string;
  consumer?: string;
  passed: boolean;
  /** Readable expected/actual lines, one block per difference. */
  diff?: string;
  error?: { code: string; message: string };
}

export interface RunContractsOptions {
  /** Reuse an engine (its sandbox pool); by default one is created and disposed. */
  engine?: Engine;
  /** Credentials for every case; by default placeholders per auth type, so auth headers appear. */
  credentials?: Record<string, string>;
}

/** Stand-in credentials: the recorded partner never checks them, but auth code paths run. */
export function placeholderCredentials(auth: AuthView | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  switch (auth?.type) {
    case 'apiKey':
      out.apiKey = 'contract-api-key';
      break;
    case 'bearer':
      out.token = 'contract-token';
      break;
    case 'basic':
      out.username = 'contract-user';
      out.password = 'contract-password';
      break;
    case 'oauth2ClientCredentials':
    case 'oauth2AuthorizationCode':
      out.accessToken = 'contract-access-token';
      break;
    default:
      break;
  }
  for (const field of auth?.fields ?? []) out[field.name] = `contract-${field.name}`;
  return out;
}

/**
 * The action's output check: `compilePayloadSchema`, so contracts judge outputs as the runtime
 * and the validator do (closed objects, `#/schemas/Name` refs, formats, safe patterns).
 */
export function outputValidator(
  definition: ConnectorDefinition,
  action: string,
): PayloadCheck | undefined {
  const schema = definition.actions?.[action]?.output;
  if (schema === undefined || schema === true) return undefined;
  return compilePayloadSchema(definition, schema);
}

function schemaMismatches(check: PayloadCheck, value: unknown, pointer: string): Mismatch[] {
  return check(value).map((issue) => ({
    pointer: `${pointer}${issue.pointer}` || '/',
    expected: `schema: ${issue.message}`,
    actual: show(pointerGet(value, issue.pointer)),
  }));
}

function pointerGet(value: unknown, pointer: string): unknown {
  let current = value;
  for (const part of pointer.split('/').slice(1)) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    current =
      current && typeof current === 'object'
        ? (current as Record<string, unknown>)[key]
        : undefined;
  }
  return current;
}

function basePath(definition: ConnectorDefinition): string {
  const url = definition.base?.url ?? '';
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^/]*(\/[^?#]*)?/i.exec(
    url.replace(/\{\{[\s\S]+?\}\}/g, 'x'),
  );
  return match?.[1] ?? '';
}

async function runCase(
  engine: Engine,
  definition: ConnectorDefinition,
  contract: ContractCaseView,
  options: RunContractsOptions,
): Promise<ContractResult> {
  const named = {
    name: contract.name,
    ...(contract.consumer ? { consumer: contract.consumer } : {}),
  };
  const transport = new RecordedTransport(contract.interactions ?? [], basePath(definition));
  const request = {
    config: contract.config ?? {},
    credentials: {
      ...placeholderCredentials(definition.auth as AuthView | undefined),
      ...options.credentials,
      ...contract.credentials,
    },
    meta: {
      idempotencyKey: `contract:${contract.name}`,
      ...(contract.meta as RunMeta | undefined),
    },
    isolateKey: `contracts:${definition.id}@${definition.version}`,
    transport,
    ...(contract.input === undefined ? {} : { input: contract.input }),
    ...(contract.items === undefined ? {} : { items: contract.items }),
  };
  let result: RunResult;
  if (contract.action !== undefined)
    result = await engine.runAction(definition, contract.action, request);
  else if (contract.trigger !== undefined)
    result = await engine.runTrigger(definition, contract.trigger, request);
  else {
    return {
      ...named,
      passed: false,
      error: {
        code: 'VALIDATION_FAILED',
        message: 'the case names neither an action nor a trigger',
      },
    };
  }

  const unmatched = transport.unmatched[0];
  if (unmatched) {
    const diff = unmatched.closest
      ? `${unmatched.request.method} ${unmatched.request.path} vs interaction #${unmatched.closest.index + 1}\n${formatDiff(unmatched.closest.mismatches)}`
      : `${unmatched.request.method} ${unmatched.request.path}: every interaction was already used`;
    return {
      ...named,
      passed: false,
      diff,
      error: {
        code: 'CONTRACT_UNMATCHED_REQUEST',
        message: `${unmatched.request.method} ${unmatched.request.path} matches no recorded interaction`,
      },
    };
  }

  const expect = contract.expect ?? {};
  const mismatches: Mismatch[] = [];
  if (expect.error !== undefined) {
    if (result.status !== 'failed') {
      mismatches.push({
        pointer: '/error/code',
        expected: show(expect.error.code),
        actual: 'the run succeeded',
      });
    } else if (result.error?.code !== expect.error.code) {
      mismatches.push({
        pointer: '/error/code',
        expected: show(expect.error.code),
        actual: `${show(result.error?.code)} (${result.error?.message ?? ''})`,
      });
    }
  } else if (result.status === 'failed') {
    mismatches.push({
      pointer: '/status',
      expected: 'succeeded',
      actual: `failed with ${result.error?.code ?? '?'}: ${result.error?.message ?? ''}`,
    });
  } else {
    if (expect.output !== undefined)
      mismatches.push(...match(expect.output, result.output, '/output'));
    if (expect.items !== undefined) {
      const actual = (result.items ?? []).map((item, i) => {
        const wanted = expect.items?.[i];
        if (wanted && typeof wanted === 'object' && 'index' in wanted) return item;
        const { index: _index, ...rest } = item;
        return rest;
      });
      mismatches.push(
        ...match(expect.items, actual, '/items', {
          subset: (p) => /^\/items\/\d+\/error$/.test(p),
        }),
      );
    }
  }

  let schemaError: ContractResult['error'];
  if (result.status === 'succeeded' && contract.action !== undefined) {
    const validate = outputValidator(definition, contract.action);
    if (validate) {
      const problems =
        result.items !== undefined
          ? result.items.flatMap((item, i) =>
              item.status === 'ok'
                ? schemaMismatches(validate, item.output, `/items/${i}/output`)
                : [],
            )
          : schemaMismatches(validate, result.output, '/output');
      if (problems.length > 0) {
        mismatches.push(...problems);
        schemaError = {
          code: 'OUTPUT_SCHEMA_MISMATCH',
          message: `the output does not match /actions/${contract.action}/output at ${problems.map((p) => p.pointer).join(', ')}`,
        };
      }
    }
  }

  const unused = transport.unused();
  if (unused.length > 0 && mismatches.length === 0) {
    const list = unused
      .map((i) => {
        const r = contract.interactions[i]?.request;
        return `interaction #${i + 1} (${r?.method ?? '?'} ${typeof r?.path === 'string' ? r.path : show(r?.path)}) was never requested`;
      })
      .join('\n');
    return {
      ...named,
      passed: false,
      diff: list,
      error: { code: 'CONTRACT_UNUSED_INTERACTION', message: list },
    };
  }
  if (mismatches.length > 0) {
    return {
      ...named,
      passed: false,
      diff: formatDiff(mismatches),
      ...(schemaError
        ? { error: schemaError }
        : result.status === 'failed' && expect.error === undefined && result.error
          ? { error: { code: result.error.code, message: result.error.message } }
          : {}),
    };
  }
  return { ...named, passed: true };
}

/** Runs every case, in order; one result per case. */
export async function runContracts(
  pkg: { definition: ConnectorDefinition; contracts: ContractCaseView[] },
  options: RunContractsOptions = {},
): Promise<ContractResult[]> {
  const engine = options.engine ?? createEngine();
  try {
    const results: ContractResult[] = [];
    for (const contract of pkg.contracts) {
      try {
        results.push(await runCase(engine, pkg.definition, contract, options));
      } catch (error) {
        results.push({
          name: contract.name,
          passed: false,
          error: { code: 'ENGINE_ERROR', message: String(error) },
        });
      }
    }
    return results;
  } finally {
    if (!options.engine) await engine.dispose();
  }
}
