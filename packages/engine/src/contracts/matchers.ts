// Contract matchers (brief, "Contract case format"): a plain value matches exactly (objects: same
// keys, recursively); `$match` objects match by type, regex, minimum length or each element.

export interface Mismatch {
  pointer: string;
  expected: string;
  actual: string;
}

export interface MatchOptions {
  /** Pointers whose objects are checked for the listed keys only (headers, query, item errors). */
  subset?: (pointer: string) => boolean;
  /** Compare scalars as text (query strings carry no types). */
  loose?: boolean;
}

type Matcher =
  | { $match: 'type'; example: unknown }
  | { $match: 'regex'; pattern: string; example?: string }
  | { $match: 'minLength'; min: number; example?: unknown[] }
  | { $match: 'eachLike'; min?: number; example: unknown };

function isMatcher(value: unknown): value is Matcher {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { $match?: unknown }).$match === 'string'
  );
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

export function show(value: unknown): string {
  if (value === undefined) return '(absent)';
  const text = JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function describeMatcher(m: Matcher): string {
  switch (m.$match) {
    case 'type':
      return `any ${jsonType(m.example)} (like ${show(m.example)})`;
    case 'regex':
      return `a string matching /${m.pattern}/`;
    case 'minLength':
      return `an array of at least ${m.min} elements`;
    case 'eachLike':
      return `an array of at least ${m.min ?? 1} elements each like ${show(m.example)}`;
    default:
      return show(m);
  }
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Every difference between `expected` (with matchers) and `actual`, as JSON pointers. */
export function match(
  expected: unknown,
  actual: unknown,
  pointer = '',
  options: MatchOptions = {},
): Mismatch[] {
  const out: Mismatch[] = [];
  walk(expected, actual, pointer, options, out);
  return out;
}

function walk(
  expected: unknown,
  actual: unknown,
  pointer: string,
  options: MatchOptions,
  out: Mismatch[],
): void {
  const miss = (description: string) =>
    out.push({ pointer: pointer || '/', expected: description, actual: show(actual) });
  if (isMatcher(expected)) {
    switch (expected.$match) {
      case 'type':
        if (actual === undefined || jsonType(actual) !== jsonType(expected.example))
          miss(describeMatcher(expected));
        return;
      case 'regex': {
        let ok: boolean;
        try {
          ok = typeof actual === 'string' && new RegExp(expected.pattern).test(actual);
        } catch {
          ok = false;
        }
        if (!ok) miss(describeMatcher(expected));
        return;
      }
      case 'minLength':
        if (!Array.isArray(actual) || actual.length < expected.min) miss(describeMatcher(expected));
        return;
      case 'eachLike': {
        const min = expected.min ?? 1;
        if (!Array.isArray(actual) || actual.length < min) {
          miss(describeMatcher(expected));
          return;
        }
        actual.forEach((element, i) =>
          walk(expected.example, element, `${pointer}/${i}`, options, out),
        );
        return;
      }
      default:
        miss(`an unknown matcher ${show(expected)}`);
        return;
    }
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) {
      miss(show(expected));
      return;
    }
    if (actual.length !== expected.length) {
      out.push({
        pointer: `${pointer}/length`,
        expected: String(expected.length),
        actual: String(actual.length),
      });
    }
    expected.forEach((element, i) => {
      if (i < actual.length) walk(element, actual[i], `${pointer}/${i}`, options, out);
    });
    return;
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) {
      miss(show(expected));
      return;
    }
    const exp = expected as Record<string, unknown>;
    const act = actual as Record<string, unknown>;
    for (const key of Object.keys(exp)) {
      walk(exp[key], act[key], `${pointer}/${escapePointer(key)}`, options, out);
    }
    if (!options.subset?.(pointer)) {
      for (const key of Object.keys(act)) {
        if (!Object.hasOwn(exp, key) && act[key] !== undefined) {
          out.push({
            pointer: `${pointer}/${escapePointer(key)}`,
            expected: '(absent)',
            actual: show(act[key]),
          });
        }
      }
    }
    return;
  }
  const same =
    options.loose && actual !== undefined && actual !== null && typeof actual !== 'object'
      ? String(expected) === String(actual)
      : expected === actual;
  if (!same) miss(show(expected));
}

/** Readable lines: one block per mismatch, expected then actual. */
export function formatDiff(mismatches: Mismatch[], prefix = ''): string {
  return mismatches
    .map((m) => `${prefix}${m.pointer}\n  - expected: ${m.expected}\n  + actual:   ${m.actual}`)
    .join('\n');
}
