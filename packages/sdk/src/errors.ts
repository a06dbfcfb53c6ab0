/**
 * Codes of the CLI's own failures (bad paths, unreadable files, refused options). Definition and
 * contract problems keep the codes `@plugboard/definition` and `@plugboard/engine` give them.
 */
export const CLI_ERROR_CODES = [
  'PATH_NOT_FOUND',
  'DEFINITION_NOT_FOUND',
  'FILE_UNREADABLE',
  'PACKAGE_JSON_INVALID',
  'PACKAGE_FILE_MISSING',
  'DIR_NOT_EMPTY',
  'INVALID_OPTION',
  'MISSING_OPTION',
  'WRITE_FAILED',
  'PACK_FAILED',
  'TYPES_FAILED',
  'TEST_FAILED',
  'NETWORK_ERROR',
  'PUBLISH_REFUSED',
] as const;

export type CliErrorCode = (typeof CLI_ERROR_CODES)[number];

/** One problem a command reports: a code, what to fix, and where when it is known. */
export interface CliIssue {
  /** A {@link CliErrorCode} or a code from the definition validator or the runtime. */
  code: string;
  message: string;
  /** Path of the file the problem is in, as the user named it (relative to the working dir). */
  file?: string;
  /** JSON pointer inside `file`. */
  pointer?: string;
  /** 1-based line of `pointer` (or of the syntax error) inside `file`. */
  line?: number;
  /** 1-based column. */
  column?: number;
  details?: unknown;
}

/** What every command function returns: a typed success, or the list of problems. */
export type CommandResult<T extends object> =
  ({ ok: true } & T) | { ok: false; errors: CliIssue[] };

export function failure(...errors: CliIssue[]): { ok: false; errors: CliIssue[] } {
  return { ok: false, errors };
}

export function issue(
  code: CliErrorCode,
  message: string,
  extra: Partial<CliIssue> = {},
): CliIssue {
  return { code, message, ...extra };
}

/** Keeps the code of a coded error thrown by another package; anything else gets `fallback`. */
export function codedError(
  error: unknown,
  fallback: 'PACK_FAILED' | 'TYPES_FAILED' | 'TEST_FAILED',
  context: string,
) {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') {
    const message =
      error instanceof Error ? error.message : String((error as { message?: unknown }).message);
    const details = 'details' in error ? error.details : undefined;
    return {
      code: error.code,
      message: `${context}: ${message}`,
      ...(details === undefined ? {} : { details }),
    };
  }
  return issue(fallback, `${context}: ${error instanceof Error ? error.message : String(error)}`);
}
