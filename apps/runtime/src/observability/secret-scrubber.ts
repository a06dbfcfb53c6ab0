// Key-based redaction (pino's `redact`) only catches secrets under known field names. A credential
// can also surface inside an error message, a partner's echo or a connector's own log fields, so
// every decrypted credential value is remembered here and erased from each line before it is
// written, whatever field it hides in.

const MIN_SECRET_LENGTH = 6;
const MAX_SECRETS = 10_000;
const CENSOR = '[redacted]';

const secrets = new Set<string>();
let pattern: RegExp | null = null;

function escape(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** JSON-escaped forms too: a secret with a quote or backslash appears escaped in the line. */
function forms(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  return json === value ? [value] : [value, json];
}

export function rememberSecrets(values: Iterable<string>): void {
  let changed = false;
  for (const value of values) {
    if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH || secrets.has(value))
      continue;
    // Oldest first out: a long-lived process must not grow this set without bound.
    if (secrets.size >= MAX_SECRETS) secrets.delete(secrets.values().next().value as string);
    secrets.add(value);
    changed = true;
  }
  // Rebuilt lazily: many runs may add values between two log lines.
  if (changed) pattern = null;
}

function build(): RegExp | null {
  if (secrets.size === 0) return null;
  const alternatives = [...secrets]
    .flatMap(forms)
    .sort((a, b) => b.length - a.length)
    .map(escape);
  return new RegExp(alternatives.join('|'), 'g');
}

export function scrubSecrets(line: string): string {
  if (secrets.size === 0) return line;
  pattern ??= build();
  return pattern ? line.replace(pattern, CENSOR) : line;
}
