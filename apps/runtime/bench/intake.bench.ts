// Intake bench: durable POST /v1/installations/:id/events (validated, de-duplicated, committed to
// SQLite before the 202) at 50 connections, next to a bare Fastify route that parses the same JSON
// and answers 202, both measured in this run on this machine, in alternating rounds. The ratio is
// the figure. A third target sends the same events each with its own Idempotency-Key, as a client
// that names its events does.
//
// For experiments: BENCH_RUNTIME_ENV='{"NAME":"value"}' adds settings to the runtime's environment,
// BENCH_VERBOSE=1 shows the runtime's stderr, BENCH_CPU_PROFILE=<dir> writes its CPU profile there,
// BENCH_NODE_FLAGS='--flag ...' adds Node or V8 flags to the runtime's command line.
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchReport } from '../../../bench/run.js';
import { bundle, makeConnector } from '../../../test/support/factories.js';
import { RUNTIME_NODE_FLAGS } from '../src/config/node-flags.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const main = join(root, 'apps/runtime/dist/main.js');
const CONNECTIONS = 50;
const ROUNDS = 4;
const WARMUP_MS = 1000;
const MEASURE_MS = 2500;
const ADMIN = 'bench-admin-key-0123456789abcdef';

function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createNetServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => ok(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

async function waitFor(child: ChildProcess, pattern: RegExp): Promise<void> {
  await new Promise<void>((ok, fail) => {
    // Only the tail is kept: the runtime may log a line per request for the whole run.
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen = (seen + chunk.toString()).slice(-8192);
      if (pattern.test(seen)) ok();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => fail(new Error(`exited with ${code}: ${seen.slice(-2000)}`)));
  });
}

async function live(port: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health/live`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the runtime did not come up within 30 s');
}

async function json(
  port: number,
  method: string,
  path: string,
  body: unknown,
  key = ADMIN,
): Promise<Record<string, unknown>> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
  const parsed = (await res.json()) as Record<string, unknown>;
  if (res.status >= 300)
    throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(parsed)}`);
  return parsed;
}

interface Target {
  port: number;
  path: string;
  headers: Record<string, string>;
  /** Each request names its event with a new Idempotency-Key (a random UUID, as clients make). */
  keyed: boolean;
  agent: Agent;
  latencies: number[];
  errors: number;
  /** 202 answers per measured round, to report the spread of the per-round ratio. */
  rounds: number[];
}

function target(
  port: number,
  path: string,
  headers: Record<string, string>,
  keyed = false,
): Target {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  return { port, path, headers, keyed, agent, latencies: [], errors: 0, rounds: [] };
}

/**
 * One round against one target: 50 keep-alive connections, each sending its next request as soon
 * as the previous answer arrives, for WARMUP_MS unrecorded and then MEASURE_MS recorded.
 */
async function round(to: Target, body: (n: number) => string, record: boolean): Promise<void> {
  let n = 0;
  let accepted = 0;
  const measureFrom = Date.now() + WARMUP_MS;
  const end = measureFrom + MEASURE_MS;
  const one = () =>
    new Promise<void>((ok) => {
      const payload = body(n++);
      const t0 = performance.now();
      const req = request(
        {
          host: '127.0.0.1',
          port: to.port,
          path: to.path,
          method: 'POST',
          agent: to.agent,
          headers: {
            ...to.headers,
            ...(to.keyed ? { 'idempotency-key': randomUUID() } : {}),
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (record && Date.now() >= measureFrom) {
              if (res.statusCode === 202) {
                to.latencies.push(performance.now() - t0);
                accepted += 1;
              } else to.errors += 1;
            }
            ok();
          });
        },
      );
      req.on('error', () => {
        if (record) to.errors += 1;
        ok();
      });
      req.end(payload);
    });
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (Date.now() < end) await one();
    }),
  );
  if (record) to.rounds.push(accepted);
}

function summary(to: Target): { rps: number; p50: number; p99: number } {
  const sorted = [...to.latencies].sort((x, y) => x - y);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return {
    rps: sorted.length / ((ROUNDS * MEASURE_MS) / 1000),
    p50: at(0.5),
    p99: at(0.99),
  };
}

const BARE_SERVER = `
const Fastify = require('fastify');
const app = Fastify({ logger: false, bodyLimit: 10485760 });
app.post('/events', async (request, reply) => { reply.code(202); return { events: [{ id: String(Date.now()), status: 'accepted' }] }; });
app.listen({ port: Number(process.argv[1]), host: '127.0.0.1' }).then(() => console.log('bare listening'));
`;

export async function run(): Promise<BenchReport> {
  if (!existsSync(main)) {
    const built = spawnSync(
      'npx',
      ['turbo', 'run', 'build', '--filter=@plugboard/runtime', '--output-logs=errors-only'],
      { cwd: root, stdio: 'inherit' },
    );
    if (built.status !== 0) throw new Error('could not build apps/runtime');
  }
  const partner = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((ok) => partner.listen(0, '127.0.0.1', () => ok()));
  const partnerPort = (partner.address() as { port: number }).port;
  const dataDir = mkdtempSync(join(tmpdir(), 'plugboard-bench-'));
  const port = await freePort();
  const profile = process.env.BENCH_CPU_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`]
    : [];
  const extraFlags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const runtime = spawn(
    process.execPath,
    [...RUNTIME_NODE_FLAGS, ...profile, ...extraFlags, main],
    {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        PORT: String(port),
        HOST: '127.0.0.1',
        PLUGBOARD_DATA_DIR: dataDir,
        PLUGBOARD_ADMIN_KEY: ADMIN,
        PLUGBOARD_EGRESS_ALLOW_PRIVATE: '1',
        PLUGBOARD_PUBLISH_BUNDLED: '0',
        LOG_LEVEL: 'warn',
        // The front-door limits stay on (their check is part of every intake request) but high
        // enough that the bench measures intake, not the limiter's refusals.
        PLUGBOARD_FRONT_DOOR_KEY_LIMIT: '100000000',
        PLUGBOARD_FRONT_DOOR_TENANT_LIMIT: '100000000',
        ...(JSON.parse(process.env.BENCH_RUNTIME_ENV ?? '{}') as Record<string, string>),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  if (process.env.BENCH_VERBOSE) {
    runtime.stderr.pipe(process.stderr);
    runtime.stdout.pipe(process.stderr);
  }
  const runtimeUp = Promise.race([live(port), waitFor(runtime, /(?!)/)]);
  const barePort = await freePort();
  const bare = spawn(process.execPath, ['-e', BARE_SERVER, String(barePort)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const bareUp = waitFor(bare, /bare listening/);
  try {
    await Promise.all([runtimeUp, bareUp]);
    // The specs' connector: its realtime `send` posts the input to the partner.
    const definition = makeConnector(`http://127.0.0.1:${partnerPort}`, { id: 'bench' });
    await json(port, 'POST', '/v1/connectors', bundle(definition));
    const tenant = await json(port, 'POST', '/v1/tenants', { name: 'bench' });
    const key = await json(port, 'POST', '/v1/api-keys', {
      tenantId: tenant.id,
      scopes: ['events:write', 'installations:write'],
    });
    const installation = await json(
      port,
      'POST',
      '/v1/installations',
      { connectorId: 'bench', credentials: { token: 'bench-token' } },
      String(key.key),
    );
    const body = (n: number) =>
      JSON.stringify({ action: 'send', data: { text: `event number ${n}`, n } });
    // The two servers take turns, round after round, so that both are measured under the same
    // conditions of this (shared, noisy) machine. The one not measured is frozen (SIGSTOP): the
    // runtime's dispatcher must not work off the accepted backlog while the bare route is measured.
    const bareTarget = target(barePort, '/events', {});
    const eventsPath = `/v1/installations/${String(installation.id)}/events`;
    const auth = { authorization: `Bearer ${String(key.key)}` };
    const durableTarget = target(port, eventsPath, auth);
    // The same, each event named by the client: one look-up of the key before the commit, and a
    // random key written to the idempotency index.
    const keyedTarget = target(port, eventsPath, auth, true);
    const turn = async (to: Target, record: boolean) => {
      const [run, frozen] = to === bareTarget ? [bare, runtime] : [runtime, bare];
      frozen.kill('SIGSTOP');
      run.kill('SIGCONT');
      await round(to, body, record);
    };
    await turn(bareTarget, false);
    await turn(durableTarget, false);
    await turn(keyedTarget, false);
    for (let r = 0; r < ROUNDS; r++) {
      await turn(bareTarget, true);
      await turn(durableTarget, true);
      await turn(keyedTarget, true);
    }
    runtime.kill('SIGCONT');
    bare.kill('SIGCONT');
    for (const t of [bareTarget, durableTarget, keyedTarget]) t.agent.destroy();
    const baseline = summary(bareTarget);
    const durable = summary(durableTarget);
    const keyed = summary(keyedTarget);
    const ratio = durable.rps / baseline.rps;
    const perRound = durableTarget.rounds.map((d, i) => d / (bareTarget.rounds[i] ?? Infinity));
    return {
      name: `runtime intake (embedded, SQLite, ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${MEASURE_MS / 1000} s per target)`,
      figures: [
        {
          label: 'durable POST .../events (committed before 202)',
          value: Math.round(durable.rps),
          unit: 'req/s',
          ratio,
          target: 'ratio >= 0.5',
        },
        { label: 'durable intake latency p50', value: durable.p50, unit: 'ms' },
        { label: 'durable intake latency p99', value: durable.p99, unit: 'ms' },
        { label: 'lowest ratio of one round', value: Math.min(...perRound), unit: 'ratio' },
        { label: 'highest ratio of one round', value: Math.max(...perRound), unit: 'ratio' },
        { label: 'durable intake non-202 answers', value: durableTarget.errors, unit: 'count' },
        {
          label: 'same, each event with its own Idempotency-Key',
          value: Math.round(keyed.rps),
          unit: 'req/s',
          ratio: keyed.rps / baseline.rps,
        },
        { label: 'keyed intake latency p50', value: keyed.p50, unit: 'ms' },
        { label: 'keyed intake latency p99', value: keyed.p99, unit: 'ms' },
        { label: 'keyed intake non-202 answers', value: keyedTarget.errors, unit: 'count' },
        {
          label: 'bare Fastify POST route (baseline)',
          value: Math.round(baseline.rps),
          unit: 'req/s',
        },
        { label: 'bare Fastify latency p50', value: baseline.p50, unit: 'ms' },
        { label: 'bare Fastify latency p99', value: baseline.p99, unit: 'ms' },
      ],
    };
  } finally {
    runtime.kill('SIGTERM');
    bare.kill('SIGTERM');
    partner.close();
    await new Promise((r) => setTimeout(r, 500));
    rmSync(dataDir, { recursive: true, force: true });
  }
}
