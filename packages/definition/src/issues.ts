/** One problem found in a definition (or another document): where, what, and how to fix it. */
export interface Issue {
  /** JSON pointer (RFC 6901) of the offending value; `''` is the whole document. */
  pointer: string;
  /** Stable code from {@link DEFINITION_ERROR_CODES}. */
  code: DefinitionErrorCode;
  /** What is wrong and what to do about it. */
  message: string;
}

/** Result of {@link validate}: every issue, not only the first. */
export interface ValidationResult {
  valid: boolean;
  errors: Issue[];
}

/**
 * Codes `validate`, `parseJson`, `loadPackage` and `packBundle` report. Document limits first,
 * then structural (JSON Schema) codes, then semantic ones, then package files.
 */
export const DEFINITION_ERROR_CODES = [
  // the document itself
  'JSON_SYNTAX',
  'DOCUMENT_TOO_LARGE',
  'NESTING_TOO_DEEP',
  'NOT_JSON',
  // the JSON Schema of the format
  'SCHEMA_REQUIRED',
  'SCHEMA_TYPE',
  'SCHEMA_UNKNOWN_PROPERTY',
  'SCHEMA_ENUM',
  'SCHEMA_CONST',
  'SCHEMA_PATTERN',
  'SCHEMA_FORMAT',
  'SCHEMA_RANGE',
  'SCHEMA_LENGTH',
  'SCHEMA_UNIQUE',
  'SCHEMA_NODE_TYPE',
  'SCHEMA_ONE_OF',
  'SCHEMA_INVALID',
  // flows
  'NODE_ID_DUPLICATE',
  'EDGE_UNKNOWN_NODE',
  'EDGE_CROSSES_SCOPE',
  'EDGE_DUPLICATE',
  'EDGE_FROM_TERMINAL',
  'NODE_FANOUT',
  'FLOW_ENTRY_MISSING',
  'FLOW_ENTRY_MULTIPLE',
  'NODE_UNREACHABLE',
  'FLOW_CYCLE',
  'FOREACH_BODY_UNKNOWN',
  'FOREACH_BODY_PARENT',
  'NODE_PARENT_UNKNOWN',
  'NODE_PARENT_CYCLE',
  'BRANCH_LABEL_UNKNOWN',
  'BRANCH_LABEL_DUPLICATE',
  'EDGE_LABEL_NOT_BRANCH',
  'EXPRESSION_INVALID',
  'TEMPLATE_INVALID',
  'CODE_SOURCE_REQUIRED',
  'OUTPUT_VALUE_REQUIRED',
  'OUTPUT_ITEMS_NOT_BATCHED',
  'OUTPUT_ITEMS_REQUIRED',
  'OUTPUT_IN_FOREACH',
  'PAGINATION_SETTING_MISSING',
  'PAGINATION_SETTING_UNUSED',
  // definition-wide references
  'REF_UNRESOLVED',
  'REF_LOOP',
  'REF_UNSUPPORTED',
  'EMBEDDED_SCHEMA_INVALID',
  'PATTERN_UNSAFE',
  'ENDPOINT_UNDECLARED',
  'HOST_NOT_ALLOWED',
  'HOST_TEMPLATED',
  'BATCH_NOT_BATCHED',
  'SECRET_FIELD_UNKNOWN',
  'SECRET_FIELD_DUPLICATE',
  'SECRET_FIELD_RESERVED',
  'VERSION_INVALID',
  'MIGRATION_RANGE_INVALID',
  'MIGRATION_TARGET_UNKNOWN',
  'MIGRATION_EMPTY',
  'EVENT_ID_EMPTY',
  'RETRY_SCHEDULE_INVALID',
  'RATE_KEY_MISMATCH',
  'AUTH_LOCATION_INVALID',
  'AUTH_PARAM_RESERVED',
  // packages on disk
  'PACKAGE_FILE_MISSING',
  'PACKAGE_JSON_INVALID',
  'PACKAGE_SCRIPT_MISSING',
  'PACKAGE_SCRIPT_OUTSIDE',
  'CONTRACT_INVALID',
  'CONTRACT_MATCHER_INVALID',
  'CONTRACT_NAME_DUPLICATE',
  'CONTRACT_TARGET_UNKNOWN',
] as const;

export type DefinitionErrorCode = (typeof DEFINITION_ERROR_CODES)[number];

/** Escapes one reference token for a JSON pointer (RFC 6901). */
export function escapePointerToken(token: string | number): string {
  return String(token).replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Joins reference tokens into a JSON pointer. */
export function pointerOf(...tokens: Array<string | number>): string {
  return tokens.map((token) => `/${escapePointerToken(token)}`).join('');
}

/** Splits a JSON pointer into its unescaped reference tokens. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** The value at a JSON pointer, or undefined. */
export function valueAt(document: unknown, pointer: string): unknown {
  let current: unknown = document;
  for (const token of parsePointer(pointer)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[token];
  }
  return current;
}

/** A `$ref` fragment token: URI-decoded (tolerating bad escapes), then pointer-unescaped. */
export function decodeToken(token: string): string {
  let decoded = token;
  try {
    decoded = decodeURIComponent(token);
  } catch {
    // A malformed %-escape stays literal, so the ref simply does not resolve.
  }
  return decoded.replaceAll('~1', '/').replaceAll('~0', '~');
}
