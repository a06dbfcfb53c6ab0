/** One `{{ expr }}` part of a template string. */
export interface TemplatePart {
  /** The JSONata expression between the braces, trimmed. */
  expression: string;
  /** Offset of the opening `{{`. */
  start: number;
  /** Offset just after the closing `}}`. */
  end: number;
}

/** Result of {@link findTemplates}: the parts, plus the offset of an unclosed `{{` if any. */
export interface TemplateScan {
  parts: TemplatePart[];
  unclosedAt?: number;
}

/**
 * Finds the `{{ expr }}` parts of a template string. An expression ends at the first `}}`, as the
 * engine reads it (so an object literal closing right before the template does needs a space:
 * `{{ {'a': {'b': 1} } }}`).
 */
export function scanTemplates(template: string): TemplateScan {
  const parts: TemplatePart[] = [];
  let index = 0;
  while (index < template.length) {
    const start = template.indexOf('{{', index);
    if (start < 0) break;
    // At least one character of expression, like the engine's /\{\{([\s\S]+?)\}\}/.
    const closedAt = template.indexOf('}}', start + 3);
    if (closedAt < 0) return { parts, unclosedAt: start };
    parts.push({
      expression: template.slice(start + 2, closedAt).trim(),
      start,
      end: closedAt + 2,
    });
    index = closedAt + 2;
  }
  return { parts };
}

/** The `{{ expr }}` parts of a template string (an unclosed `{{` is literal text here). */
export function findTemplates(template: string): TemplatePart[] {
  return scanTemplates(template).parts;
}

/** Whether the string contains any template part. */
export function isTemplated(template: string): boolean {
  return findTemplates(template).length > 0;
}
