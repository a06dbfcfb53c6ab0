// The definition format, as @plugboard/definition generates it from its JSON Schema. Engine code
// names the types it reads through these aliases.
export type {
  Auth as AuthView,
  ConnectorDefinition,
  ContractCase,
  Flow as FlowView,
  FlowNode as FlowNodeView,
  HttpNode as HttpNodeView,
  OutcomeRule,
  WebhookVerify,
} from '@plugboard/definition';
