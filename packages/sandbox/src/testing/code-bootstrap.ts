import { SandboxPool } from '../sandbox-pool.js';
import type { SandboxPoolOptions } from '../sandbox-pool.js';
import type { HostBridge } from '../sandbox-isolate.js';
import type { SandboxLimits } from '../limits.js';

/**
 * A bootstrap shaped like a code node: `runCode({ source, input })` runs `source` as the body of
 * `async (ctx) => { ... }` with `ctx.input`, `ctx.http` and `ctx.log`, the way the engine's
 * interpreter runs user scripts (the engine ships its own entry; this one keeps the sandbox's
 * tests independent of it).
 */
export const CODE_BOOTSTRAP = {
  filename: 'plugboard:test/code-bootstrap.js',
  source: `globalThis.runCode = async function runCode(payload, host) {
  const fn = new Function('ctx', 'return (async () => {' + payload.source + '\\n})()');
  return fn({ input: payload.input, http: host.http, log: host.log });
};`,
};

export const CODE_ENTRY = 'runCode';

export interface RecordingBridge extends HostBridge {
  requests: unknown[];
  logs: Array<{ level: string; message: string; fields?: Record<string, unknown> }>;
}

/** A bridge that answers `{ status: 200, body: request }` after `delayMs`, recording everything. */
export function recordingBridge(
  answer: (request: unknown) => Promise<unknown> | unknown = (request) => ({
    status: 200,
    body: request,
  }),
): RecordingBridge {
  const bridge: RecordingBridge = {
    requests: [],
    logs: [],
    async http(request) {
      bridge.requests.push(request);
      return answer(request);
    },
    log(level, message, fields) {
      bridge.logs.push(fields === undefined ? { level, message } : { level, message, fields });
    },
  };
  return bridge;
}

export function codePool(options: Partial<SandboxPoolOptions> = {}): SandboxPool {
  return new SandboxPool({ bootstrap: [CODE_BOOTSTRAP], ...options });
}

export function runCode(
  pool: SandboxPool,
  key: string,
  source: string,
  options: { input?: unknown; bridge?: HostBridge; limits?: Partial<SandboxLimits> } = {},
): Promise<unknown> {
  return pool.run(
    key,
    CODE_ENTRY,
    { source, input: options.input },
    options.bridge ?? recordingBridge(),
    options.limits,
  );
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));
