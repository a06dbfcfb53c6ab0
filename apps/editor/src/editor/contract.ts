import type { NodeTraceView, TestRunRequest, TestRunResult } from '../api/client.js';
import { isObject } from '../model.js';

interface TracedRequest {
  method?: string;
  url?: string;
  path?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: unknown;
}

/**
 * A contract case (DESIGN "Contracts") from a test run: the partner calls it made become the
 * recorded interactions, and what it produced becomes the expectation. Headers are left out of
 * the request matchers, since they carry masked secrets and per-run ids.
 */
export function contractFromRun(
  name: string,
  request: TestRunRequest,
  result: TestRunResult,
): Record<string, unknown> {
  const interactions = result.trace
    .filter((t) => t.request !== undefined && responseOf(t) !== undefined)
    .map((t) => {
      const req = (isObject(t.request) ? t.request : {}) as TracedRequest;
      const response = responseOf(t);
      const res = (isObject(response) ? response : {}) as {
        status?: number;
        headers?: Record<string, string>;
        body?: unknown;
      };
      let path = req.path ?? '/';
      let query = req.query;
      if (req.url) {
        const url = new URL(req.url, 'http://partner.invalid');
        path = url.pathname;
        const params = Object.fromEntries(url.searchParams.entries());
        if (Object.keys(params).length > 0) query = params;
      }
      return {
        request: {
          method: req.method ?? 'GET',
          path,
          ...(query ? { query } : {}),
          ...(req.body !== undefined ? { body: req.body } : {}),
        },
        response: {
          status: res.status ?? 200,
          ...(res.body !== undefined ? { body: res.body } : {}),
        },
      };
    });
  const expect =
    result.status === 'failed' && result.error
      ? { error: { code: result.error.code } }
      : result.items
        ? {
            items: result.items.map((i) => ({
              status: i.status,
              ...(i.output !== undefined ? { output: i.output } : {}),
              ...(i.error ? { error: { code: i.error.code } } : {}),
            })),
          }
        : { output: result.output };
  return {
    name,
    action: request.action,
    ...(request.config ? { config: request.config } : {}),
    ...(request.items ? { items: request.items } : { input: request.input }),
    interactions,
    expect,
  };
}

/** An http node's result is the partner's response (`{ status, headers, body }`). */
export function responseOf(trace: NodeTraceView): unknown {
  return trace.response ?? (trace.type === 'http' ? trace.output : undefined);
}
