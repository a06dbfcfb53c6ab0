// Starts the BUILT runtime (apps/runtime/dist/main.js) as a child process, the way a user runs it,
// so the end-to-end specs exercise the real boot path, decorator metadata and all.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RUNTIME_NODE_FLAGS } from '../../apps/runtime/src/config/node-flags.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const runtimeMain = join(repoRoot, 'apps/runtime/dist/main.js');

export const ADMIN_KEY = 'test-admin-key-0123456789abcdef';

export interface RuntimeOptions {
  env?: Record<string, string>;
  /** `['worker']` starts a cluster worker instead of an API process. */
  args?: string[];
  dataDir?: string;
  port?: number;
}

export interface RuntimeProcess {
  url: string;
  port: number;
  dataDir: string;
  adminKey: string;
  /** Every stdout and stderr line the process wrote so far. */
  logs: string[];
  child: ChildProcess;
  stop(): Promise<void>;
  /** SIGKILL: no shutdown hooks, leases stay behind. */
  kill(): Promise<void>;
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export async function startRuntime(options: RuntimeOptions = {}): Promise<RuntimeProcess> {
  if (!existsSync(runtimeMain)) {
    throw new Error(
      `${runtimeMain} is missing: build it with npx turbo run build --filter=@plugboard/runtime`,
    );
  }
  const worker = options.args?.includes('worker') ?? false;
  const port = options.port ?? (await freePort());
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'plugboard-e2e-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    PORT: String(port),
    HOST: '127.0.0.1',
    PLUGBOARD_DATA_DIR: dataDir,
    PLUGBOARD_ADMIN_KEY: ADMIN_KEY,
    PLUGBOARD_EGRESS_ALLOW_PRIVATE: '1',
    PLUGBOARD_PUBLISH_BUNDLED: '0',
    PLUGBOARD_DISPATCH_INTERVAL_MS: '50',
    LOG_LEVEL: 'info',
    ...options.env,
  };
  const child = spawn(
    process.execPath,
    [...RUNTIME_NODE_FLAGS, runtimeMain, ...(options.args ?? [])],
    {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const logs: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      logs.push(line);
      for (const waiter of [...waiters]) {
        if (waiter.pattern.test(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolveExit) =>
    child.once('exit', (code) => resolveExit(code)),
  );

  const waitForLog = (pattern: RegExp, timeoutMs = 20_000) => {
    const seen = logs.find((line) => pattern.test(line));
    if (seen) return Promise.resolve(seen);
    return new Promise<string>((resolveLine, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `no log line matching ${pattern} within ${timeoutMs} ms:\n${logs.slice(-20).join('\n')}`,
            ),
          ),
        timeoutMs,
      );
      waiters.push({
        pattern,
        resolve: (line) => {
          clearTimeout(timer);
          resolveLine(line);
        },
      });
    });
  };

  const url = `http://127.0.0.1:${port}`;
  const ready = worker
    ? waitForLog(/plugboard worker consuming/, 30_000)
    : waitForLog(/plugboard runtime listening/, 30_000);
  const failed = exited.then((code) => {
    throw new Error(`the runtime exited with ${code} during start-up:\n${logs.join('\n')}`);
  });
  await Promise.race([ready, failed]);
  failed.catch(() => undefined);

  let done = false;
  const finish = async (signal: NodeJS.Signals) => {
    if (done) return;
    done = true;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  return {
    url,
    port,
    dataDir,
    adminKey: ADMIN_KEY,
    logs,
    child,
    waitForLog,
    kill: () => finish('SIGKILL'),
    stop: async () => {
      await finish('SIGTERM');
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls `probe` until it returns a value other than undefined. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 15_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
