// When a poll trigger runs next: its interval when healthy, exponential backoff when failing.

export const MAX_BACKOFF_MS = 15 * 60_000;

/** The interval plus up to 10% jitter, so triggers of many installations drift apart. */
export function nextPollDelay(intervalMs: number): number {
  return Math.round(intervalMs * (1 + Math.random() * 0.1));
}

/** Exponential in the failures, starting at the interval, with equal jitter (half fixed). */
export function backoffDelay(intervalMs: number, failures: number): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, intervalMs * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}
