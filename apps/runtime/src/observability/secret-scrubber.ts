// Key-based redaction (pino's `redact`) only catches secrets under known field names. A credential
// can also surface inside an error message, a partner's echo or a connector's own log fields, so
// every decrypted credential value is remembered here and erased from each line before it is
// written, whatever field it hides in. Values a definition marks sensitive change with every run:
// they are kept per run id and erased from the lines that name that run (every line written during
// a run does: the log context or the engine adds its runId).

const MIN_SECRET_LENGTH = 6;
// The most recently used credentials; a credential in use is decrypted (and refreshed here) on
// every run, and the bound keeps the per-line cost near 30 us.
const MAX_SECRETS = 2000;
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
    if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) continue;
    if (secrets.has(value)) {
      // Least recently used first out: refresh its place without changing the pattern.
      secrets.delete(value);
      secrets.add(value);
      continue;
    }
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
  let out = line;
  if (secrets.size > 0) {
    pattern ??= build();
    if (pattern) out = out.replace(pattern, CENSOR);
  }
  if (byRun.size > 0) {
    const run = RUN_ID.exec(out)?.[1];
    for (const value of (run && byRun.get(run)) || []) {
      for (const form of forms(value)) if (out.includes(form)) out = out.split(form).join(CENSOR);
    }
  }
  return out;
}

const RUN_ID = /"runId":"([^"]+)"/;
const MAX_RUNS = 10_000;
// Engine lines may trail the run's end by a moment (they are written from the isolate bridge).
const RELEASE_AFTER_MS = 10_000;
const byRun = new Map<string, string[]>();

export function rememberRunSensitive(runId: string, values: string[]): void {
  if (values.length === 0) return;
  if (byRun.size >= MAX_RUNS) byRun.delete(byRun.keys().next().value as string);
  byRun.set(runId, values);
}

export function releaseRunSensitive(runId: string): void {
  if (byRun.has(runId)) setTimeout(() => byRun.delete(runId), RELEASE_AFTER_MS).unref();
}
