// Secrets (credential values, fetched access tokens) replaced wherever they might surface: partner
// answers before they enter the isolate, results, traces and log lines.

export const REDACTED = '[REDACTED]';

// Very short values would blank out ordinary text; credentials are never that short in practice.
const MIN_SECRET_LENGTH = 4;

export function secretList(secrets: Iterable<string>): string[] {
  return [...secrets]
    .filter((s) => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
}

export function maskText(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out;
}

export function maskDeep<T>(value: T, secrets: string[]): T {
  if (secrets.length === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return maskText(v, secrets);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, inner] of Object.entries(v)) out[maskText(k, secrets)] = walk(inner);
      return out;
    }
    return v;
  };
  return walk(value) as T;
}
