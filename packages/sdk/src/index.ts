/**
 * @plugboard/sdk: write connector definitions with types, and talk to a Plugboard runtime.
 *
 * The `plugboard` CLI lives in the same package (`npx plugboard --help`).
 */
import type { ConnectorDefinition } from '@plugboard/definition';

export type {
  Action,
  Auth,
  BranchNode,
  Bundle,
  CodeNode,
  ConnectorDefinition,
  ContractCase,
  DiffReport,
  FailNode,
  Flow,
  FlowNode,
  ForEachNode,
  HttpNode,
  Issue,
  Limits,
  OutputNode,
  Pagination,
  TransformNode,
  Trigger,
  WebhookVerify,
} from '@plugboard/definition';

/**
 * Declares a connector definition in TypeScript. It returns its argument unchanged: the point is
 * the type, which checks every field against the definition schema as you type (and shows each
 * field's documentation in the editor). Serialise the result to `connector.json` for the CLI.
 *
 * @example
 * export default defineConnector({
 *   id: 'acme', version: '1.0.0', name: 'Acme', ...
 * });
 */
export function defineConnector(definition: ConnectorDefinition): ConnectorDefinition {
  return definition;
}

export {
  createClient,
  PlugboardApiError,
  type ApiKey,
  type Batch,
  type CatalogConnector,
  type CatalogEntry,
  type ChangelogEntry,
  type ContractRun,
  type CreatedApiKey,
  type CatalogVersion,
  type ClientOptions,
  type CreateInstallation,
  type EventRecord,
  type EventsAccepted,
  type Installation,
  type InstallationHealth,
  type PlugboardClient,
  type PlugboardEvent,
  type PublishReport,
  type PublishResult,
  type RequestOptions,
  type Run,
  type RunFailure,
  type RunQuery,
  type UpdateInstallation,
  type VersionSummary,
} from './client.js';
