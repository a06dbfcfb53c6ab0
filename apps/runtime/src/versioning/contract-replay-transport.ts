// Partner calls of an upgrade dry run, answered from a connector version's own contract recordings
// and never from the network.

interface Interaction {
  request: { method: string; path: unknown };
  response: { status: number; headers?: Record<string, string>; body?: unknown };
}

interface Request {
  method: string;
  url: URL;
}

interface Response {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

interface Strict {
  send(request: unknown): Promise<Response>;
}

export type RecordedTransportClass = new (interactions: unknown[], basePath?: string) => unknown;

/** The recorded path (a plain string, or a matcher's example). */
function pathOf(path: unknown): string | null {
  if (typeof path === 'string') return path;
  if (
    path &&
    typeof path === 'object' &&
    typeof (path as { example?: unknown }).example === 'string'
  )
    return (path as { example: string }).example;
  return null;
}

/** The interactions of a version's contracts, those recorded for `action` first. */
export function interactionsOf(contracts: unknown[], action: string): Interaction[] {
  const cases = (contracts ?? []) as Array<{ action?: string; interactions?: Interaction[] }>;
  const own = cases.filter((c) => c.action === action);
  const others = cases.filter((c) => c.action !== action);
  return [...own, ...others].flatMap((c) => c.interactions ?? []);
}

export function basePathOf(definition: Record<string, unknown>): string {
  const base = (definition.base as { url?: string } | undefined)?.url;
  try {
    return base ? new URL(base.replace(/{{[^}]*}}/g, 'x')).pathname.replace(/\/$/, '') : '';
  } catch {
    return '';
  }
}

/**
 * First the engine's RecordedTransport with its exact matchers; a replayed event's input is
 * rarely a contract's input, so a request no recording matches exactly is answered by the first
 * recording with the same method and path. A request with neither fails the run, offline.
 */
export class ContractReplayTransport {
  private readonly strict: Strict;

  constructor(
    private readonly interactions: Interaction[],
    private readonly basePath: string,
    Recorded: RecordedTransportClass,
  ) {
    this.strict = new Recorded(interactions, basePath) as Strict;
  }

  async send(request: Request): Promise<Response> {
    try {
      return await this.strict.send(request);
    } catch {
      // fall through to the method-and-path answer
    }
    const path = request.url.pathname;
    const relative =
      this.basePath !== '' && path.startsWith(`${this.basePath}/`)
        ? path.slice(this.basePath.length)
        : path;
    const found = this.interactions.find((i) => {
      const recorded = pathOf(i.request.path);
      return (
        i.request.method.toUpperCase() === request.method.toUpperCase() &&
        (recorded === path || recorded === relative)
      );
    });
    if (!found) {
      throw Object.assign(
        new Error(
          `no contract of this version recorded ${request.method} ${relative}: add a contract case for it so a dry run can answer offline`,
        ),
        { code: 'CONTRACT_UNMATCHED_REQUEST' },
      );
    }
    const headers = Object.fromEntries(
      Object.entries(found.response.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
    );
    let body = Buffer.alloc(0);
    if (found.response.body !== undefined) {
      if (typeof found.response.body === 'string' && !/json/i.test(headers['content-type'] ?? ''))
        body = Buffer.from(found.response.body);
      else {
        body = Buffer.from(JSON.stringify(found.response.body));
        headers['content-type'] ??= 'application/json';
      }
    }
    return { status: found.response.status, headers, body };
  }
}
