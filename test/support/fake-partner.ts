// A local partner API on 127.0.0.1 that behaves like real ones: it records every request with its
// headers, honours idempotency keys the way Stripe does (a repeated key gets the first answer and
// is not applied twice) and can be scripted to answer 429 + Retry-After, 5xx, slowly, or with
// per-item errors in a batch.
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: unknown;
  rawBody: string;
  at: number;
}

export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  delayMs?: number;
}

export type Script = (request: RecordedRequest, partner: FakePartner) => ScriptedAnswer | undefined;

export interface FakePartner {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Idempotency key -> times the partner applied it (1 = exactly once). */
  applied: Map<string, number>;
  /** Idempotency key -> times it arrived at all (retries included). */
  seen: Map<string, number>;
  /** Answers tried in order before the default echo; the first that returns an answer wins. */
  script(handler: Script): void;
  /** The next `n` requests get this answer, then the script continues. */
  answerNext(n: number, answer: ScriptedAnswer): void;
  reset(): void;
  close(): Promise<void>;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Default behaviour: 200 with `{ ok: true, echo: body }`; for `{ records: [...] }` one result per record. */
function defaultAnswer(request: RecordedRequest): ScriptedAnswer {
  const body = request.body as { records?: unknown[] } | null;
  if (body && Array.isArray(body.records)) {
    return {
      status: 200,
      body: {
        results: body.records.map((r) => ({ ok: true, id: (r as { id?: unknown })?.id ?? null })),
      },
    };
  }
  return { status: 200, body: { ok: true, echo: request.body } };
}

export async function startFakePartner(
  options: { idempotencyHeader?: string } = {},
): Promise<FakePartner> {
  const idempotencyHeader = options.idempotencyHeader ?? 'idempotency-key';
  const scripts: Script[] = [];
  const queued: Array<{ left: number; answer: ScriptedAnswer }> = [];
  const cache = new Map<string, ScriptedAnswer>();
  const partner: FakePartner = {
    url: '',
    port: 0,
    requests: [] as RecordedRequest[],
    applied: new Map<string, number>(),
    seen: new Map<string, number>(),
    script(handler: Script) {
      scripts.push(handler);
    },
    answerNext(n: number, answer: ScriptedAnswer) {
      queued.push({ left: n, answer });
    },
    reset() {
      scripts.length = 0;
      queued.length = 0;
      cache.clear();
      partner.requests.length = 0;
      partner.applied.clear();
      partner.seen.clear();
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = rawBody === '' ? null : (JSON.parse(rawBody) as unknown);
      } catch {
        body = rawBody;
      }
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const request: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body,
        rawBody,
        at: Date.now(),
      };
      partner.requests.push(request);
      const key = header(req.headers, idempotencyHeader);
      if (key) partner.seen.set(key, (partner.seen.get(key) ?? 0) + 1);
      let answer: ScriptedAnswer | undefined;
      const replay = key ? cache.get(key) : undefined;
      if (replay) answer = replay;
      if (!answer) {
        const next = queued[0];
        if (next) {
          answer = next.answer;
          next.left -= 1;
          if (next.left <= 0) queued.shift();
        }
      }
      if (!answer) for (const script of scripts) if ((answer = script(request, partner))) break;
      answer ??= defaultAnswer(request);
      // Like Stripe: a key whose request succeeded is answered from cache and never applied again.
      if (key && !replay && answer.status >= 200 && answer.status < 300) {
        cache.set(key, answer);
        partner.applied.set(key, (partner.applied.get(key) ?? 0) + 1);
      }
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(answer.status, {
          'content-type': 'application/json',
          ...(answer.headers ?? {}),
        });
        res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  partner.port = typeof address === 'object' && address ? address.port : 0;
  partner.url = `http://127.0.0.1:${partner.port}`;
  return partner;
}
