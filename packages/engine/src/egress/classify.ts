// THE place where a partner's answer becomes success, transient or permanent. The egress bridge
// calls it after every attempt, host side, because the retry decision (EgressPolicy.retryDelay) and
// the permit's release need the class before the isolate sees the response. Body conditions and
// message templates of `outcomes` rules are JSONata, which runs only in a sandbox: the classifier
// receives them through `evaluateRules`, which the engine backs with an isolate.
import type { OutcomeRule } from '../definition.js';

export type OutcomeClass = 'success' | 'transient' | 'permanent';

export interface PartnerAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface Classification {
  class: OutcomeClass;
  /** The matching rule's code, if it names one. */
  code?: string;
  /** The matching rule's rendered message. */
  message?: string;
  retryAfterMs?: number;
  /** Index of the `outcomes` rule that decided, or undefined for the default classification. */
  rule?: number;
}

export interface RuleCandidate {
  index: number;
  where: string;
  body?: string;
  message?: string;
  /** The rule's `retryAfter` expression, evaluated when the rule matches. */
  retryAfter?: string;
}

/** Evaluates body conditions in order and answers the first that holds (-1: none). */
export type RuleEvaluator = (
  candidates: RuleCandidate[],
  answer: PartnerAnswer,
) => Promise<{ index: number; message?: string; retryAfter?: unknown }>;

export interface ClassifyOptions {
  outcomes?: OutcomeRule[];
  transientStatus?: number[];
  /** JSON pointer of the http node, for messages. */
  where?: string;
  evaluateRules?: RuleEvaluator;
}

const DEFAULT_TRANSIENT = new Set([408, 425, 429]);

export function statusMatches(pattern: OutcomeRule['status'], status: number): boolean {
  if (pattern === undefined) return true;
  if (Array.isArray(pattern)) return pattern.some((p) => statusMatches(p, status));
  if (typeof pattern === 'number') return pattern === status;
  const text = pattern.trim().toLowerCase();
  if (/^[1-5]xx$/.test(text)) return Math.floor(status / 100) === Number(text[0]);
  return Number(text) === status;
}

/** Retry-After as milliseconds: delta seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

// Below this a number is a delay in ms (1e9 ms is 11.6 days, no partner's wait); from it an epoch
// time, in seconds below 1e11 (the year 5138) and in milliseconds from there.
const EPOCH_FROM = 1e9;
const EPOCH_MS_FROM = 1e11;

/**
 * What an outcome rule's `retryAfter` expression gave, as milliseconds from now: a delay in ms,
 * an epoch time in seconds or ms (GitHub's `x-ratelimit-reset`), an HTTP or ISO date, or digits.
 */
export function retryAfterValue(value: unknown, now = Date.now()): number | undefined {
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return undefined;
    if (/^\d+(\.\d+)?$/.test(text)) return retryAfterValue(Number(text), now);
    const date = Date.parse(text);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return undefined;
  if (value < EPOCH_FROM) return Math.round(value);
  const epochMs = value < EPOCH_MS_FROM ? value * 1000 : value;
  return Math.max(0, Math.round(epochMs - now));
}

export function defaultClass(status: number, transientStatus: number[] = []): OutcomeClass {
  if (status >= 200 && status < 300) return 'success';
  if (DEFAULT_TRANSIENT.has(status) || status >= 500 || transientStatus.includes(status)) {
    return 'transient';
  }
  return 'permanent';
}

export async function classifyOutcome(
  answer: PartnerAnswer,
  options: ClassifyOptions = {},
): Promise<Classification> {
  const retryAfterMs = parseRetryAfter(answer.headers['retry-after']);
  const withRetry = (c: Classification): Classification =>
    retryAfterMs === undefined ? c : { ...c, retryAfterMs };
  const rules = options.outcomes ?? [];
  const candidates: RuleCandidate[] = [];
  rules.forEach((rule, index) => {
    if (!statusMatches(rule.status, answer.status)) return;
    candidates.push({
      index,
      where: `${options.where ?? ''}/outcomes/${index}`,
      ...(rule.body === undefined ? {} : { body: rule.body }),
      ...(rule.message === undefined ? {} : { message: rule.message }),
      ...(rule.retryAfter === undefined ? {} : { retryAfter: rule.retryAfter }),
    });
  });
  const first = candidates[0];
  let decided: { index: number; message?: string; retryAfter?: unknown } | undefined;
  if (
    first &&
    first.body === undefined &&
    first.retryAfter === undefined &&
    (first.message === undefined || !first.message.includes('{{'))
  ) {
    // The common case, a status-only rule: no sandbox needed.
    decided = {
      index: first.index,
      ...(first.message === undefined ? {} : { message: first.message }),
    };
  } else if (candidates.length > 0) {
    if (!options.evaluateRules)
      throw new Error('outcomes rules with body conditions need an evaluator');
    const found = await options.evaluateRules(candidates, answer);
    if (found.index >= 0) decided = found;
  }
  const rule = decided ? rules[decided.index] : undefined;
  if (!rule || !decided)
    return withRetry({ class: defaultClass(answer.status, options.transientStatus) });
  // The rule's own hint (a partner's reset time) wins over the generic Retry-After header.
  const hinted = retryAfterValue(decided.retryAfter);
  const ruled = (c: Classification): Classification =>
    hinted === undefined ? withRetry(c) : { ...c, retryAfterMs: hinted };
  return ruled({
    class: rule.outcome,
    rule: decided.index,
    ...(rule.code === undefined ? {} : { code: rule.code }),
    ...(decided.message === undefined ? {} : { message: decided.message }),
  });
}
