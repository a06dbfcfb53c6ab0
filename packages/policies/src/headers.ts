// Reading what a partner says about its own limits. Header names are matched case-insensitively.

function header(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers))
    if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/** `Retry-After` as delay-seconds (fractions tolerated) or an HTTP date, in ms from `nowMs`. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

export function retryAfterFromHeaders(
  headers: Record<string, string> | undefined,
  nowMs: number,
): number | undefined {
  return parseRetryAfter(header(headers, 'retry-after'), nowMs);
}

export interface PartnerQuota {
  limit?: number;
  remaining?: number;
  /** Milliseconds until the partner's window resets. */
  resetMs?: number;
}

/**
 * A reset value is a delta in seconds (IETF RateLimit, most APIs), epoch seconds (GitHub's
 * X-RateLimit-Reset) or epoch milliseconds; the size of the number tells them apart.
 */
function resetToMs(value: number, nowMs: number): number {
  if (value >= 1e12) return Math.max(0, value - nowMs);
  if (value >= 1e9) return Math.max(0, value * 1000 - nowMs);
  return value * 1000;
}

function numberOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.trim());
  return Number.isFinite(n) ? n : undefined;
}

/**
 * `RateLimit-Limit/-Remaining/-Reset`, `X-RateLimit-*`, and the structured `RateLimit` header of
 * the IETF drafts (`limit=100, remaining=0, reset=5` or `"default";r=0;t=5`).
 */
export function readPartnerQuota(
  headers: Record<string, string> | undefined,
  nowMs: number,
): PartnerQuota {
  const quota: PartnerQuota = {};
  const structured = header(headers, 'ratelimit');
  const field = (pattern: RegExp) => {
    const match = structured === undefined ? null : pattern.exec(structured);
    return match?.[1] === undefined ? undefined : Number(match[1]);
  };
  const limit =
    numberOf(header(headers, 'ratelimit-limit') ?? header(headers, 'x-ratelimit-limit')) ??
    field(/(?:^|[\s,;])limit=(\d+)/);
  const remaining =
    numberOf(header(headers, 'ratelimit-remaining') ?? header(headers, 'x-ratelimit-remaining')) ??
    field(/(?:^|[\s,;])(?:remaining|r)=(\d+)/);
  const reset =
    numberOf(header(headers, 'ratelimit-reset') ?? header(headers, 'x-ratelimit-reset')) ??
    field(/(?:^|[\s,;])(?:reset|t)=(\d+)/);
  if (limit !== undefined) quota.limit = limit;
  if (remaining !== undefined) quota.remaining = remaining;
  if (reset !== undefined) quota.resetMs = resetToMs(reset, nowMs);
  return quota;
}
