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
  RunError,
  RunMeta,
  RunRequest,
  RunResult,
} from './types.js';
export type { Transport, TransportRequest, TransportResponse } from './egress/transport.js';
export { createNetworkTransport } from './egress/network-transport.js';
export type { NetworkTransportOptions } from './egress/network-transport.js';
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
