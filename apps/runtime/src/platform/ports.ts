import type {
  CallRecord,
  ItemOutcome,
  OAuthTokenProvider,
  RunError,
  RunMeta,
  RunResult,
  Transport,
} from '@plugboard/engine';
import * as definitionLibrary from '@plugboard/definition';
import * as engineLibrary from '@plugboard/engine';
import * as policiesLibrary from '@plugboard/policies';
import type { TenantQuotas, createPolicies } from '@plugboard/policies';

// The engine's own data types, used as they are; the runtime keeps its looser view of definitions.
export type { CallRecord, ItemOutcome, OAuthTokenProvider, RunError, RunMeta, RunResult };
/** A built partner request out, the answer in (the engine's network transport). */
export type EgressTransport = Transport;

// The runtime's view of the libraries it runs on: one place that says which functions it needs.

export interface Issue {
  pointer: string;
  code: string;
  message: string;
}
export interface ValidationResult {
  valid: boolean;
  errors: Issue[];
}
export interface DiffChange {
  pointer: string;
  change: string;
  class: 'compatible' | 'breaking';
  reason: string;
}
export interface DiffReport {
  changes: DiffChange[];
  requiredBump: 'major' | 'minor' | 'patch' | 'none';
}
export type Definition = Record<string, unknown> & { id: string; version: string };
export interface Bundle {
  format: 'plugboard.bundle/1';
  definition: Definition;
  contracts: unknown[];
  digest: string;
  readme?: string;
}
export interface DefinitionModule {
  validate(definition: unknown): ValidationResult;
  diff(prev: unknown, next: unknown): DiffReport;
  digest(definition: unknown): string;
  packBundle(dir: string): Promise<Bundle> | Bundle;
}

export interface RunRequest {
  input?: unknown;
  items?: unknown[];
  config?: Record<string, unknown>;
  credentials?: Record<string, string>;
  meta?: RunMeta;
  isolateKey?: string;
  transport?: unknown;
  /** Authorization-code OAuth tokens, kept fresh by the runtime's token store. */
  oauth?: OAuthTokenProvider;
  /** The installation's quotas, handed to the egress policy (they only tighten the limits). */
  quotas?: TenantQuotas;
}
export interface Engine {
  runAction(definition: Definition, action: string, request: RunRequest): Promise<RunResult>;
  runTrigger(definition: Definition, trigger: string, request: RunRequest): Promise<RunResult>;
  /** A webhook trigger's handshake (e.g. Slack's url_verification): the answer, or null if none. */
  answerChallenge(
    key: string,
    definition: Definition,
    trigger: string,
    request: { headers: Record<string, unknown>; query?: Record<string, unknown>; body: unknown },
  ): Promise<{ respond: unknown } | null>;
  dispose(): Promise<void>;
}
export interface ContractResult {
  name: string;
  passed: boolean;
  diff?: unknown;
  error?: unknown;
}
export type VerifyResult = { ok: true } | { ok: false; code: string; message: string };
export interface EngineModule {
  createEngine(options?: {
    egress?: { allowPrivate?: boolean; timeoutMs?: number };
    policy?: unknown;
    logger?: {
      log(
        level: 'debug' | 'info' | 'warn' | 'error',
        message: string,
        fields?: Record<string, unknown>,
      ): void;
    };
  }): Engine;
  classifyError(code: string): 'permanent' | 'transient' | 'system';
  verifyWebhook(
    verify: unknown,
    headers: Record<string, string | string[] | undefined>,
    rawBody: Buffer,
    secret: string,
    now?: Date,
  ): VerifyResult;
  runContracts(
    pkg: { definition: Definition; contracts: unknown[] },
    options?: { engine?: Engine },
  ): Promise<ContractResult[]>;
  /** The egress transport (address rules, timeouts); the OAuth token requests use it. */
  createNetworkTransport(options?: { allowPrivate?: boolean }): EgressTransport;
  /** Answers partner calls from recorded interactions instead of the network. */
  RecordedTransport: new (interactions: unknown[], basePath?: string) => unknown;
}
export interface PoliciesModule {
  createPolicies: typeof createPolicies;
}

export interface Platform {
  definition: DefinitionModule;
  engine: EngineModule;
  policies: PoliciesModule;
}

/** The libraries, seen through the runtime's interfaces above. */
export const platform: Platform = {
  definition: definitionLibrary as unknown as DefinitionModule,
  engine: engineLibrary as unknown as EngineModule,
  policies: policiesLibrary as unknown as PoliciesModule,
};

export const PLATFORM = Symbol('PLATFORM');
export const ENGINE = Symbol('ENGINE');
