// A partner API on 127.0.0.1 that behaves like a real one: it enforces its own rate limit over a
// sliding window (429 + Retry-After when exceeded), can be slow, and can fail on purpose. It
// records every request so tests assert what the partner saw.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface FakePartnerOptions {
  /** Enforced over a sliding window: one request more and the partner answers 429. */
  limit?: { requests: number; perMs: number };
  /** Milliseconds before answering. */
  delayMs?: number;
  /** Decides the answer to the n-th request (1-based); default 200. */
  respond?: (request: IncomingMessage, n: number) => FakeResponse;
}

export interface FakePartner {
  url: string;
  /** Not counted: a client calls it once so that connection setup does not skew arrival times. */
  warmupUrl: string;
  /** Arrival times (performance.now, ms) of every request, in order. */
  arrivals: number[];
  /** Requests answered 429 because the partner's own limit was exceeded. */
  rejected: number;
  inFlight: number;
  maxInFlight: number;
  /** The most requests that arrived within any window of `windowMs`. */
  maxInWindow(windowMs: number): number;
  close(): Promise<void>;
}

export function maxInWindow(arrivals: number[], windowMs: number): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end += 1) {
    while ((sorted[end] ?? 0) - (sorted[start] ?? 0) >= windowMs) start += 1;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

export async function startFakePartner(options: FakePartnerOptions = {}): Promise<FakePartner> {
  const arrivals: number[] = [];
  const partner: FakePartner = {
    url: '',
    warmupUrl: '',
    arrivals,
    rejected: 0,
    inFlight: 0,
    maxInFlight: 0,
    maxInWindow: (windowMs) => maxInWindow(arrivals, windowMs),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const server: Server = createServer((request, response) => {
    // A client warms its connection pool here first; such requests are not part of the traffic.
    if (request.url === '/warmup') {
      request.resume();
      response.writeHead(204).end();
      return;
    }
    const now = performance.now();
    arrivals.push(now);
    const n = arrivals.length;
    partner.inFlight += 1;
    partner.maxInFlight = Math.max(partner.maxInFlight, partner.inFlight);
    let answer: FakeResponse = { status: 200, body: { ok: true, n } };
    const limit = options.limit;
    if (limit && arrivals.filter((at) => now - at < limit.perMs).length > limit.requests) {
      partner.rejected += 1;
      answer = { status: 429, headers: { 'retry-after': '1' }, body: { error: 'rate limited' } };
    } else if (options.respond) {
      answer = options.respond(request, n);
    }
    request.resume();
    const send = () => {
      partner.inFlight -= 1;
      if (response.destroyed) return;
      response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      response.end(JSON.stringify(answer.body ?? null));
    };
    if (options.delayMs) setTimeout(send, options.delayMs);
    else send();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  partner.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  partner.warmupUrl = `${partner.url}/warmup`;
  return partner;
}
