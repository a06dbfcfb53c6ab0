export interface ValueChange {
  pointer: string;
  change: 'added' | 'removed' | 'changed';
  from?: unknown;
  to?: unknown;
}

const escape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

function isRecord(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

/** Where two JSON values differ, as JSON pointers; empty when they are equal. */
export function jsonDiff(from: unknown, to: unknown, pointer = ''): ValueChange[] {
  if (isRecord(from) && isRecord(to)) {
    const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
    return keys.flatMap((key) => {
      const at = `${pointer}/${escape(key)}`;
      if (!(key in to)) return [{ pointer: at, change: 'removed' as const, from: from[key] }];
      if (!(key in from)) return [{ pointer: at, change: 'added' as const, to: to[key] }];
      return jsonDiff(from[key], to[key], at);
    });
  }
  if (Array.isArray(from) && Array.isArray(to)) {
    const length = Math.max(from.length, to.length);
    return Array.from({ length }, (_, i) => {
      const at = `${pointer}/${i}`;
      if (i >= to.length) return [{ pointer: at, change: 'removed' as const, from: from[i] }];
      if (i >= from.length) return [{ pointer: at, change: 'added' as const, to: to[i] }];
      return jsonDiff(from[i], to[i], at);
    }).flat();
  }
  return Object.is(from, to) ? [] : [{ pointer, change: 'changed', from, to }];
}
