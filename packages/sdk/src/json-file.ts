import { readFileSync } from 'node:fs';
import { parseJson } from '@plugboard/definition';
import { parse as parseWithPointers } from 'json-source-map';
import { issue, type CliIssue } from './errors.js';
import { displayPath } from './paths.js';

/** A JSON file read from disk, with a way back from a JSON pointer to its line and column. */
export interface JsonFile {
  /** Absolute path. */
  path: string;
  /** The path as printed to the user. */
  display: string;
  text: string;
  value: unknown;
  /** 1-based line and column of the value at `pointer`, or of its nearest ancestor that exists. */
  locate(pointer: string): { line: number; column: number } | undefined;
}

export type ReadJsonResult = { ok: true; file: JsonFile } | { ok: false; error: CliIssue };

export function readJsonFile(path: string): ReadJsonResult {
  const display = displayPath(path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return {
      ok: false,
      error: issue('FILE_UNREADABLE', `cannot read ${display}: ${describeFsError(error)}`, {
        file: display,
      }),
    };
  }
  // Editors on Windows like to save a byte-order mark; JSON.parse refuses it.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const parsed = parseJson(text);
  if ('error' in parsed) {
    const { line, column, code, message, pointer } = parsed.error;
    return { ok: false, error: { code, message, file: display, line, column, pointer } };
  }
  return { ok: true, file: { path, display, text, value: parsed.value, locate: locator(text) } };
}

function locator(text: string): JsonFile['locate'] {
  let pointers: ReturnType<typeof parseWithPointers>['pointers'] | undefined;
  return (pointer) => {
    if (!pointers) {
      try {
        pointers = parseWithPointers(text).pointers;
      } catch {
        // parseJson accepted the text, so this only happens on inputs the two parsers read
        // differently; the error line then simply carries no position.
        pointers = {};
      }
    }
    for (let current = pointer; ; current = parentPointer(current)) {
      const found = pointers[current];
      if (found) return position(text, (found.key ?? found.value).pos);
      if (current === '') return undefined;
    }
  };
}

function parentPointer(pointer: string): string {
  const slash = pointer.lastIndexOf('/');
  return slash <= 0 ? '' : pointer.slice(0, slash);
}

/** Line and column (1-based, a tab counts as one column, as editors report it) of a char offset. */
export function position(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

export function describeFsError(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error) {
    switch (error.code) {
      case 'ENOENT':
        return 'no such file';
      case 'EACCES':
      case 'EPERM':
        return 'permission denied';
      case 'EISDIR':
        return 'is a directory';
      default:
        break;
    }
  }
  return error instanceof Error ? error.message : String(error);
}
