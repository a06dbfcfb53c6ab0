import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import zlib from 'node:zlib';
import { EngineError } from '../errors.js';
import { privateReason } from './address.js';
import type { ResolvedAddress, Resolver } from './resolver.js';
import { systemResolver } from './resolver.js';
import type { Transport, TransportRequest, TransportResponse } from './transport.js';

export interface NetworkTransportOptions {
  allowPrivate?: boolean;
  resolver?: Resolver;
}

const TRANSIENT_NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ETIMEDOUT',
  'ECONNABORTED',
]);

function hostnameOf(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

async function vet(url: URL, options: NetworkTransportOptions): Promise<ResolvedAddress> {
  const hostname = hostnameOf(url);
  const literal = isIP(hostname);
  let addresses: ResolvedAddress[];
  if (literal !== 0) {
    addresses = [{ address: hostname, family: literal === 6 ? 6 : 4 }];
  } else {
    try {
      addresses = await (options.resolver ?? systemResolver)(hostname);
    } catch (error) {
      throw new EngineError(
        'PARTNER_TRANSIENT',
        `${hostname} does not resolve (${(error as Error).message}): check base.url and the connector's config`,
      );
    }
    if (addresses.length === 0) {
      throw new EngineError('PARTNER_TRANSIENT', `${hostname} resolves to no address`);
    }
  }
  if (!options.allowPrivate) {
    for (const { address } of addresses) {
      const reason = privateReason(address);
      if (reason !== null) {
        throw new EngineError(
          'EGRESS_DENIED',
          `egress to ${hostname} refused: it resolves to ${address} (${reason}); private addresses are allowed only with egress.allowPrivate`,
          { host: hostname, address, reason },
        );
      }
    }
  }
  const chosen = addresses[0];
  if (!chosen) throw new EngineError('PARTNER_TRANSIENT', `${hostname} resolves to no address`);
  return chosen;
}

function decoder(
  encoding: string | undefined,
): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | null {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      return null;
  }
}

function flattenHeaders(raw: http.IncomingHttpHeaders): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/**
 * The network. Resolves the name, refuses private addresses (unless allowed), then connects to the
 * address it checked: the `lookup` option hands node:http that address instead of a second DNS
 * answer. Redirects are not followed (a 3xx is the partner's answer), so none can bypass the checks.
 */
export interface NetworkTransport extends Transport {
  /** Closes the kept-alive connections. */
  close(): void;
}

const MAX_AGENTS = 256;

/**
 * Connections are kept alive per (protocol, host name, port, checked address): a pooled socket was
 * opened to an address that passed the checks, and a name that later resolves elsewhere gets an
 * agent of its own, so reuse cannot bypass them.
 */
class AgentPool {
  private readonly agents = new Map<string, http.Agent>();

  get(url: URL, vetted: ResolvedAddress): http.Agent {
    const key = `${url.protocol}//${url.host}@${vetted.address}`;
    const hit = this.agents.get(key);
    if (hit) {
      this.agents.delete(key);
      this.agents.set(key, hit);
      return hit;
    }
    const Agent = url.protocol === 'https:' ? https.Agent : http.Agent;
    const agent = new Agent({
      keepAlive: true,
      keepAliveMsecs: 1000,
      maxSockets: 64,
      maxFreeSockets: 8,
      timeout: 60_000,
    });
    this.agents.set(key, agent);
    if (this.agents.size > MAX_AGENTS) {
      const [oldest, evicted] = this.agents.entries().next().value as [string, http.Agent];
      this.agents.delete(oldest);
      evicted.destroy();
    }
    return agent;
  }

  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}

export function createNetworkTransport(options: NetworkTransportOptions = {}): NetworkTransport {
  const agents = new AgentPool();
  return {
    async send(request: TransportRequest): Promise<TransportResponse> {
      const started = Date.now();
      const vetted = await withDeadline(vet(request.url, options), request.timeoutMs, request.url);
      const remaining = Math.max(1, request.timeoutMs - (Date.now() - started));
      return exchange(request, vetted, remaining, agents.get(request.url, vetted));
    },
    close: () => agents.close(),
  };
}

function withDeadline<T>(promise: Promise<T>, ms: number, url: URL): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new EngineError('PARTNER_TIMEOUT', `resolving ${url.hostname} took longer than ${ms} ms`),
        ),
      ms,
    );
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

function exchange(
  request: TransportRequest,
  vetted: ResolvedAddress,
  timeoutMs: number,
  agent: http.Agent,
): Promise<TransportResponse> {
  const lookup: LookupFunction = (_hostname, opts, callback) => {
    if (opts.all) callback(null, [{ address: vetted.address, family: vetted.family }]);
    else callback(null, vetted.address, vetted.family);
  };
  const client = request.url.protocol === 'https:' ? https : http;
  const headers: Record<string, string> = { ...request.headers };
  if (request.body !== undefined) headers['content-length'] = String(request.body.length);
  return new Promise<TransportResponse>((resolve, reject) => {
    let settled = false;
    const fail = (error: EngineError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(error);
    };
    const req = client.request(
      request.url,
      { method: request.method, headers, lookup, agent },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const unzip = decoder(res.headers['content-encoding']);
        const stream = unzip ? res.pipe(unzip) : res;
        const tooLarge = () =>
          fail(
            new EngineError(
              'PARTNER_PERMANENT',
              `the response of ${request.method} ${request.url.origin}${request.url.pathname} is larger than ${request.maxResponseBytes} bytes (egress.maxResponseBytes)`,
              { status: res.statusCode },
            ),
          );
        const declared = Number(res.headers['content-length']);
        if (!unzip && Number.isFinite(declared) && declared > request.maxResponseBytes) {
          tooLarge();
          return;
        }
        stream.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > request.maxResponseBytes) {
            tooLarge();
            return;
          }
          chunks.push(chunk);
        });
        stream.on('error', (error: Error) =>
          fail(
            new EngineError('PARTNER_TRANSIENT', `reading the response failed: ${error.message}`),
          ),
        );
        stream.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const responseHeaders = flattenHeaders(res.headers);
          if (unzip) {
            delete responseHeaders['content-encoding'];
            delete responseHeaders['content-length'];
          }
          resolve({
            status: res.statusCode ?? 0,
            headers: responseHeaders,
            body: Buffer.concat(chunks),
          });
        });
      },
    );
    const timer = setTimeout(
      () =>
        fail(
          new EngineError(
            'PARTNER_TIMEOUT',
            `${request.method} ${request.url.origin}${request.url.pathname} did not answer within ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? '';
      fail(
        new EngineError(
          TRANSIENT_NETWORK.has(code) ? 'PARTNER_TRANSIENT' : 'PARTNER_PERMANENT',
          `${request.method} ${request.url.origin}${request.url.pathname} failed: ${error.message}`,
          { errno: code },
        ),
      );
    });
    if (request.body !== undefined) req.end(request.body);
    else req.end();
  });
}
