// Browser-safe entry: no Node APIs. The editor imports only this.
export type * from './generated/connector.generated.js';
export type * from './generated/contract.generated.js';
export { connectorSchema, contractSchema } from './generated/schemas.generated.js';
export {
  DEFINITION_ERROR_CODES,
  escapePointerToken,
  parsePointer,
  pointerOf,
  valueAt,
  type DefinitionErrorCode,
  type Issue,
  type ValidationResult,
} from './issues.js';
export { RUN_ERROR_CODES, isRunErrorCode, type RunErrorCode } from './run-errors.js';
export {
  MAX_DOCUMENT_BYTES,
  MAX_NESTING_DEPTH,
  canonicalJson,
  checkValueLimits,
  parseJson,
  type ParseIssue,
  type ParseJsonResult,
} from './json.js';
export {
  findTemplates,
  isTemplated,
  scanTemplates,
  type TemplatePart,
  type TemplateScan,
} from './templates.js';
export { checkExpression, checkTemplate, rootNames } from './expressions.js';
export { validate } from './validate.js';
export { checkContractSchema } from './schema-check.js';
export { FLOW_VARIABLES, RESPONSE_VARIABLES, RESERVED_CREDENTIAL_NAMES } from './semantic.js';
export { hostOf } from './hosts.js';
export {
  changelog,
  checkVersionBump,
  diff,
  type Bump,
  type CompatibilityClass,
  type CompatibilityMode,
  type DiffChange,
  type DiffReport,
  type VersionCheck,
} from './diff.js';
export { isClosedObject } from './diff-schema.js';
export {
  UnsafeSchemaError,
  closeObjects,
  compilePayloadSchema,
  type PayloadCheck,
} from './payload.js';
export { isPatternSafe } from './regex-safety.js';
export { REDACTED, SENSITIVE_KEYWORD, redact, sensitivePaths } from './sensitive.js';
export { applyAliases, migrationsFor } from './migrations.js';
