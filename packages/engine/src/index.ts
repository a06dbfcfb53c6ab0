export { createEngine } from './engine.js';
export { classifyError, EngineError } from './errors.js';
export type { EngineErrorCode, ErrorClass } from './errors.js';
export type {
  CallRecord,
  EgressOptions,
  Engine,
  EngineLogger,
  EngineOptions,
  ItemOutcome,
  NodeTrace,
  OAuthTokenProvider,
  RunError,
  RunMeta,
  RunRequest,
  RunResult,
} from './types.js';
export type { Transport, TransportRequest, TransportResponse } from './egress/transport.js';
export { createNetworkTransport } from './egress/network-transport.js';
export type { NetworkTransport, NetworkTransportOptions } from './egress/network-transport.js';
export type { Resolver, ResolvedAddress } from './egress/resolver.js';
export { privateReason } from './egress/address.js';
export { classifyOutcome, defaultClass, parseRetryAfter } from './egress/classify.js';
export type {
  Classification,
  ClassifyOptions,
  OutcomeClass,
  PartnerAnswer,
} from './egress/classify.js';
export { verifyWebhook } from './webhooks/verify.js';
export type { VerifyResult, WebhookHeaders, WebhookVerify } from './webhooks/verify.js';
export { standardWebhooksSignature } from './webhooks/signatures.js';
export { runContracts, placeholderCredentials } from './contracts/run-contracts.js';
export type {
  ContractCaseView,
  ContractResult,
  RunContractsOptions,
} from './contracts/run-contracts.js';
export { RecordedTransport } from './contracts/recorded-transport.js';
export type { RecordedInteraction } from './contracts/recorded-transport.js';
export { match as matchContract, formatDiff } from './contracts/matchers.js';
export type { Mismatch } from './contracts/matchers.js';
