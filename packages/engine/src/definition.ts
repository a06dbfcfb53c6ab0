import type { Limits as PolicyLimits } from '@plugboard/policies';

// The parts of the definition format the host side reads. Structural, so the generated
// `ConnectorDefinition` of @plugboard/definition is assignable to it.
// TODO(engine): replace with the generated types once packages/definition exports them.

export interface OutcomeRule {
  status?: number | string | Array<number | string>;
  body?: string;
  outcome: 'success' | 'transient' | 'permanent';
  code?: string;
  message?: string;
}

export interface HttpNodeView {
  id: string;
  type: 'http';
  method?: string;
  endpoint?: string;
  encoding?: 'json' | 'form';
  outcomes?: OutcomeRule[];
  signing?: { scheme: 'standard-webhooks'; secretField: string };
  idempotencyHeader?: string;
  timeoutMs?: number;
  [key: string]: unknown;
}

export interface FlowNodeView {
  id: string;
  type: string;
  parent?: string;
  [key: string]: unknown;
}

export interface FlowView {
  nodes: FlowNodeView[];
  edges: Array<{ from: string; to: string; when?: string }>;
}

export type AuthView =
  | { type: 'none'; fields?: AuthField[] }
  | { type: 'apiKey'; in: 'header' | 'query'; name: string; prefix?: string; fields?: AuthField[] }
  | { type: 'bearer'; fields?: AuthField[] }
  | { type: 'basic'; fields?: AuthField[] }
  | {
      type: 'oauth2ClientCredentials';
      tokenUrl: string;
      scopes?: string[];
      audience?: string;
      fields?: AuthField[];
    }
  | { type: 'oauth2AuthorizationCode'; tokenUrl: string; fields?: AuthField[] };

export interface AuthField {
  name: string;
  title?: string;
  required?: boolean;
}

export interface ConnectorDefinition {
  id: string;
  version: string;
  base?: { url: string; allowedHosts?: string[]; headers?: Record<string, string> };
  auth?: AuthView;
  limits?: PolicyLimits & { timeoutMs?: number };
  schemas?: Record<string, unknown>;
  actions?: Record<
    string,
    { urgency?: 'realtime' | 'batched'; output?: unknown; input?: unknown; flow: FlowView }
  >;
  triggers?: Record<string, { kind?: string; flow?: FlowView; verify?: unknown }>;
  [key: string]: unknown;
}
