// Partner calls answered from a contract case's recorded interactions instead of the network.
// Requests are matched against the not-yet-used interactions in order; the first match wins.
import { EngineError } from '../errors.js';
import type { Transport, TransportRequest, TransportResponse } from '../egress/transport.js';
import type { Mismatch } from './matchers.js';
import { formatDiff, match } from './matchers.js';

export interface RecordedInteraction {
  request: {
    method: string;
    path: unknown;
    query?: Record<string, unknown>;
    headers?: Record<string, unknown>;
    body?: unknown;
  };
  response: { status: number; headers?: Record<string, string>; body?: unknown };
}

export interface SeenRequest {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string>;
  body: unknown;
}

export interface Unmatched {
  request: SeenRequest;
  /** The unused interaction that came closest, and how it differs. */
  closest?: { index: number; mismatches: Mismatch[] };
}

function decode(request: TransportRequest): SeenRequest {
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of request.url.searchParams) {
    const prev = query[key];
    query[key] =
      prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  let body: unknown;
  if (request.body !== undefined && request.body.length > 0) {
    const text = request.body.toString('utf8');
    const type = request.headers['content-type'] ?? '';
    if (/json/i.test(type)) {
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        body = text;
      }
    } else if (/x-www-form-urlencoded/i.test(type)) {
      body = Object.fromEntries(new URLSearchParams(text));
    } else body = text;
  }
  return {
    method: request.method,
    path: request.url.pathname,
    query,
    headers: request.headers,
    body,
  };
}

export class RecordedTransport implements Transport {
  private readonly used: boolean[];
  readonly unmatched: Unmatched[] = [];

  /** `basePath` is base.url's path, so an interaction may give paths with or without it. */
  constructor(
    private readonly interactions: RecordedInteraction[],
    private readonly basePath = '',
  ) {
    this.used = interactions.map(() => false);
  }

  unused(): number[] {
    return this.used.flatMap((u, i) => (u ? [] : [i]));
  }

  private compare(interaction: RecordedInteraction, seen: SeenRequest): Mismatch[] {
    const expected = interaction.request;
    const mismatches: Mismatch[] = [];
    if (expected.method.toUpperCase() !== seen.method.toUpperCase()) {
      mismatches.push({ pointer: '/method', expected: expected.method, actual: seen.method });
    }
    const base = this.basePath.replace(/\/+$/, '');
    const relative =
      base !== '' && seen.path.startsWith(`${base}/`) ? seen.path.slice(base.length) : seen.path;
    const full = match(expected.path, seen.path, '/path');
    if (full.length > 0 && match(expected.path, relative, '/path').length > 0)
      mismatches.push(...full);
    if (expected.query) {
      mismatches.push(
        ...match(expected.query, seen.query, '/query', {
          subset: (p) => p === '/query',
          loose: true,
        }),
      );
    }
    if (expected.headers) {
      const lowered = Object.fromEntries(
        Object.entries(expected.headers).map(([k, v]) => [k.toLowerCase(), v]),
      );
      mismatches.push(
        ...match(lowered, seen.headers, '/headers', { subset: (p) => p === '/headers' }),
      );
    }
    if (expected.body !== undefined) mismatches.push(...match(expected.body, seen.body, '/body'));
    return mismatches;
  }

  send(request: TransportRequest): Promise<TransportResponse> {
    const seen = decode(request);
    let closest: Unmatched['closest'];
    for (let i = 0; i < this.interactions.length; i++) {
      const interaction = this.interactions[i];
      if (this.used[i] || !interaction) continue;
      const mismatches = this.compare(interaction, seen);
      if (mismatches.length === 0) {
        this.used[i] = true;
        const { status, headers = {}, body } = interaction.response;
        const lower: Record<string, string> = Object.fromEntries(
          Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]),
        );
        let payload = Buffer.alloc(0);
        if (body !== undefined) {
          if (typeof body === 'string' && !/json/i.test(lower['content-type'] ?? ''))
            payload = Buffer.from(body);
          else {
            payload = Buffer.from(JSON.stringify(body));
            lower['content-type'] ??= 'application/json';
          }
        }
        return Promise.resolve({ status, headers: lower, body: payload });
      }
      if (!closest || mismatches.length < closest.mismatches.length)
        closest = { index: i, mismatches };
    }
    this.unmatched.push({ request: seen, ...(closest ? { closest } : {}) });
    const hint = closest
      ? `; closest is interaction #${closest.index + 1}:\n${formatDiff(closest.mismatches)}`
      : '; every interaction is already used';
    return Promise.reject(
      new EngineError(
        'CONTRACT_UNMATCHED_REQUEST',
        `${seen.method} ${seen.path} matches no recorded interaction${hint}`,
        { method: seen.method, path: seen.path },
      ),
    );
  }
}
