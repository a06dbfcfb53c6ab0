import type { DiffChange } from '@plugboard/definition';
import type { CliIssue } from './errors.js';
import { showPointer } from './pointer.js';

/**
 * One problem on one line, in the shape editors and CI annotators parse:
 * `file:line:column pointer CODE message` (position and pointer only when known).
 */
export function formatIssue(problem: CliIssue): string {
  const parts: string[] = [];
  if (problem.file !== undefined) {
    parts.push(
      problem.line !== undefined
        ? `${problem.file}:${problem.line}:${problem.column ?? 1}`
        : problem.file,
    );
  }
  if (problem.pointer !== undefined) parts.push(showPointer(problem.pointer));
  parts.push(problem.code, problem.message);
  return parts.join(' ');
}

export function plural(count: number, word: string, many = `${word}s`): string {
  return `${count} ${count === 1 ? word : many}`;
}

export function indent(text: string, prefix = '    '): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? line : prefix + line))
    .join('\n');
}

/** Compatibility changes, one a line: `class  pointer  change: reason`, classes aligned. */
export function formatChanges(changes: DiffChange[], prefix = '  '): string[] {
  const width = Math.max(0, ...changes.map((c) => c.class.length));
  return changes.map(
    (c) => `${prefix}${c.class.padEnd(width)}  ${showPointer(c.pointer)}  ${c.change}: ${c.reason}`,
  );
}

/** The outcome of one contract case, as the engine's runner or the publish gate reports it. */
export interface CaseOutcome {
  name: string;
  /** For a consumer contract, who registered it. */
  consumer?: string;
  passed: boolean;
  diff?: unknown;
  error?: unknown;
}

/** `✓ name` or `✗ name`, and under a failure its error and what differed, indented. */
export function formatCase(result: CaseOutcome, prefix = ''): string[] {
  const lines = [
    `${prefix}${result.passed ? '✓' : '✗'} ${result.name}${result.consumer ? ` (consumer ${result.consumer})` : ''}`,
  ];
  if (result.passed) return lines;
  const inner = `${prefix}    `;
  const error = describe(result.error);
  const diff = describe(result.diff);
  // Some failures (an unused interaction) carry the same text as message and diff: print it once.
  if (error !== undefined && diff !== undefined && error.endsWith(`: ${diff}`)) {
    lines.push(indent(`${error.slice(0, -diff.length - 2)}:`, inner), indent(diff, inner));
  } else {
    if (error !== undefined) lines.push(indent(error, inner));
    if (diff !== undefined) lines.push(indent(diff, inner));
  }
  return lines;
}

function describe(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'code' in value && 'message' in value) {
    return `${String(value.code)}: ${String(value.message)}`;
  }
  return JSON.stringify(value, null, 2);
}
