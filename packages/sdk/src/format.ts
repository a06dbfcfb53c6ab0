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
