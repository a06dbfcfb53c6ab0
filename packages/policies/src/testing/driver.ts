// What the engine's egress bridge does around every partner request, reduced to the policy calls:
// acquire, send, classify, release, ask for a retry delay, wait, repeat. Tests, the benchmark and
// the child-process worker drive the policies through it the way the engine will.
import { PolicyError, type CallContext, type CallOutcome, type EgressPolicy } from '../policy.js';

export interface SentResponse {
  status: number;
  headers: Record<string, string>;
}

export type CallResult =
  | { ok: true; status: number; attempts: number }
  | { ok: false; attempts: number; status?: number; code: string };

export function classify(status: number): CallOutcome['class'] {
  if (status >= 200 && status < 300) return 'success';
  if (status === 408 || status === 425 || status === 429 || status >= 500) return 'transient';
  return 'permanent';
}

export async function fetchPartner(url: string, timeoutMs = 5000): Promise<SentResponse> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  await response.arrayBuffer();
  return { status: response.status, headers: Object.fromEntries(response.headers) };
}

export async function callWithPolicy(
  policy: EgressPolicy,
  ctx: Omit<CallContext, 'attempt'>,
  send: () => Promise<SentResponse>,
): Promise<CallResult> {
  for (let attempt = 1; ; attempt += 1) {
    const context: CallContext = { ...ctx, attempt };
    let outcome: CallOutcome;
    try {
      const permit = await policy.acquire(context);
      try {
        const response = await send();
        outcome = {
          class: classify(response.status),
          status: response.status,
          headers: response.headers,
        };
      } catch {
        // A timeout or a dropped connection: transient, and the slot still goes back.
        outcome = { class: 'transient' };
      }
      await permit.release(outcome);
      if (outcome.class === 'success')
        return { ok: true, status: outcome.status ?? 200, attempts: attempt };
      const delay = await policy.retryDelay(context, outcome);
      if (delay === null) {
        return {
          ok: false,
          attempts: attempt,
          code: outcome.class === 'permanent' ? 'PARTNER_PERMANENT' : 'PARTNER_TRANSIENT',
          ...(outcome.status === undefined ? {} : { status: outcome.status }),
        };
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    } catch (error) {
      if (error instanceof PolicyError) return { ok: false, attempts: attempt, code: error.code };
      throw error;
    }
  }
}

/** Runs `count` calls with at most `parallel` at once. */
export async function runCalls(
  count: number,
  parallel: number,
  call: (index: number) => Promise<CallResult>,
): Promise<CallResult[]> {
  const results: CallResult[] = new Array<CallResult>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next;
      next += 1;
      results[index] = await call(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
  return results;
}
