// A fake partner API for specs: a real node:http server on 127.0.0.1 that records every request
// and answers through a handler the spec sets, like the partner APIs connectors talk to.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach } from 'vitest';

export interface ReceivedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
  json?: unknown;
}

export interface PartnerReply {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  delayMs?: number;
}

export type PartnerHandler = (
  request: ReceivedRequest,
  index: number,
) => PartnerReply | Promise<PartnerReply>;

export interface FakePartner {
  url: string;
  port: number;
  requests: ReceivedRequest[];
  handle(handler: PartnerHandler): void;
  close(): Promise<void>;
}

export async function startFakePartner(
  handler: PartnerHandler = () => ({ body: { ok: true } }),
): Promise<FakePartner> {
  let current = handler;
  const requests: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://partner.local');
      const body = Buffer.concat(chunks).toString('utf8');
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers))
        if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      const received: ReceivedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers,
        body,
      };
      try {
        if (body !== '' && /json/.test(headers['content-type'] ?? ''))
          received.json = JSON.parse(body);
      } catch {
        // keep the raw body only
      }
      const index = requests.push(received) - 1;
      void Promise.resolve(current(received, index)).then(async (reply) => {
        if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
        const payload =
          reply.body === undefined
            ? ''
            : typeof reply.body === 'string'
              ? reply.body
              : JSON.stringify(reply.body);
        res.writeHead(reply.status ?? 200, {
          ...(typeof reply.body === 'string' || reply.body === undefined
            ? {}
            : { 'content-type': 'application/json' }),
          ...reply.headers,
        });
        res.end(payload);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    handle(next) {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A fake partner for the whole spec file: started before the first test, closed after the last,
 * its log cleared and its handler reset to `reset` before every test.
 */
export function useFakePartner(reset: PartnerHandler): FakePartner {
  let current: FakePartner | undefined;
  const live = (): FakePartner => {
    if (!current) throw new Error('the fake partner starts in beforeAll');
    return current;
  };
  beforeAll(async () => {
    current = await startFakePartner(reset);
  });
  afterAll(() => live().close());
  beforeEach(() => {
    live().requests.length = 0;
    live().handle(reset);
  });
  return {
    get url() {
      return live().url;
    },
    get port() {
      return live().port;
    },
    get requests() {
      return live().requests;
    },
    handle: (handler) => live().handle(handler),
    close: () => live().close(),
  };
}
