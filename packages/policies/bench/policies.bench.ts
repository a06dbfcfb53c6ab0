// Limiter throughput and how much of a declared limit the policies use under saturation.
// Run: node --import tsx packages/policies/bench/policies.bench.ts (or `npm run bench -- policies`).
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import {
  ManualClock,
  MemoryBackend,
  RedisBackend,
  createEgressPolicy,
  partnerBucket,
  type CallContext,
  type PolicyBackend,
} from '../src/index.js';
import { fetchPartner } from '../src/testing/driver.js';
import { maxInWindow, startFakePartner } from '../src/testing/fake-partner.js';
import { deletePrefix, redisReachable, REDIS_URL, testPrefix } from '../src/testing/redis.js';
// Type only (erased at run time): the report shape bench/run.ts prints.
import type { BenchFigure, BenchReport } from '../../../bench/run.js';

const open = { requests: 1_000_000_000, perMs: 1000 };

/** A call that passes all five rate layers and both concurrency caps, never waiting. */
function busyContext(i: number): CallContext {
  return {
    tenantId: `t${i % 10}`,
    installationId: `i${i % 100}`,
    connectorId: 'bench',
    host: 'api.example.com',
    endpoint: 'items',
    attempt: 1,
    limits: { rate: open, endpoints: { items: { rate: open } }, concurrency: 1_000_000 },
    quotas: {
      tenantRate: open,
      rate: open,
      endpoints: { items: { rate: open } },
      concurrency: 1_000_000,
    },
  };
}

/** acquire + release pairs per second with `parallel` callers for about `ms`. */
async function decisionsPerSecond(
  backend: PolicyBackend,
  parallel: number,
  ms: number,
): Promise<number> {
  const policy = createEgressPolicy({ backend, defaults: { partnerConcurrency: 1_000_000 } });
  let done = 0;
  const end = performance.now() + ms;
  await Promise.all(
    Array.from({ length: parallel }, async (_, worker) => {
      for (let i = worker; performance.now() < end; i += parallel) {
        const permit = await policy.acquire(busyContext(i));
        await permit.release({ class: 'success', status: 200 });
        done += 1;
      }
    }),
  );
  return (done / ms) * 1000;
}

/** Saturates a partner layer on a virtual clock: the exact share of the limit used, and the worst window. */
async function simulatedUtilisation(requests: number, perMs: number, seconds: number) {
  const clock = new ManualClock(0);
  const backend = new MemoryBackend({ clock });
  const bucket = partnerBucket('p', { requests, perMs }, 0.02, 0.03);
  const grants: number[] = [];
  while (clock.now() < seconds * 1000) {
    const result = await backend.acquire({ buckets: [bucket], pauses: [], slots: [] });
    if (result.granted) grants.push(clock.now());
    else clock.advance(result.waitMs);
  }
  return {
    utilisation: grants.length / ((requests * seconds * 1000) / perMs),
    worstWindow: maxInWindow(grants, perMs) / requests,
  };
}

/** Two Redis-backed policies (two connections) saturate a 50 req/s partner for `ms`, over real HTTP. */
async function redisUtilisation(prefix: string, ms: number) {
  const partner = await startFakePartner({ limit: { requests: 50, perMs: 1000 } });
  const backends = [0, 1].map(() => new RedisBackend({ url: REDIS_URL, prefix }));
  const policies = backends.map((backend) => createEgressPolicy({ backend, maxWaitMs: 5000 }));
  await fetchPartner(partner.warmupUrl);
  const ctx = {
    connectorId: 'bench',
    host: '127.0.0.1',
    limits: { rate: { requests: 50, perMs: 1000 } },
  };
  const end = performance.now() + ms;
  await Promise.all(
    Array.from({ length: 40 }, async (_, worker) => {
      const policy = policies[worker % 2];
      if (!policy) return;
      while (performance.now() < end) {
        const permit = await policy.acquire({
          ...ctx,
          installationId: `i${worker % 4}`,
          attempt: 1,
        });
        const response = await fetchPartner(partner.url);
        await permit.release({
          class: response.status === 200 ? 'success' : 'transient',
          status: response.status,
        });
      }
    }),
  );
  await Promise.all(backends.map((backend) => backend.close()));
  await partner.close();
  const first = partner.arrivals[0] ?? 0;
  const last = partner.arrivals.at(-1) ?? first;
  return {
    utilisation: (((partner.arrivals.length - 1) / (last - first)) * 1000) / 50,
    worstWindow: partner.maxInWindow(1000) / 50,
    rejected: partner.rejected,
  };
}

export async function run(): Promise<BenchReport> {
  const figures: BenchFigure[] = [];
  const memory = await decisionsPerSecond(new MemoryBackend(), 1, 1500);
  figures.push({
    label: 'memory: acquire+release per s (5 layers, 2 caps, 1 caller)',
    value: Math.round(memory),
    unit: 'ops/s',
  });

  for (const [requests, perMs] of [
    [10, 1000],
    [100, 1000],
    [1000, 60_000],
  ] as const) {
    const sim = await simulatedUtilisation(requests, perMs, 120);
    figures.push({
      label: `saturated ${requests}/${perMs / 1000}s, virtual clock: share of limit used`,
      value: Math.round(sim.utilisation * 1000) / 10,
      unit: '%',
      target: '>= 95',
    });
    figures.push({
      label: `saturated ${requests}/${perMs / 1000}s, virtual clock: busiest window / limit`,
      value: Math.round(sim.worstWindow * 1000) / 10,
      unit: '%',
      target: '<= 100',
    });
  }

  if (await redisReachable()) {
    const prefix = testPrefix();
    try {
      const one = await decisionsPerSecond(new RedisBackend({ url: REDIS_URL, prefix }), 1, 1500);
      figures.push({
        label: 'redis: acquire+release per s (5 layers, 2 caps, 1 caller)',
        value: Math.round(one),
        unit: 'ops/s',
      });
      const many = await decisionsPerSecond(new RedisBackend({ url: REDIS_URL, prefix }), 64, 1500);
      figures.push({
        label: 'redis: acquire+release per s (5 layers, 2 caps, 64 callers)',
        value: Math.round(many),
        unit: 'ops/s',
        ratio: many / memory,
      });
      const real = await redisUtilisation(prefix, 4000);
      figures.push({
        label: 'redis, 2 connections, 50 req/s partner over HTTP: share used',
        value: Math.round(real.utilisation * 1000) / 10,
        unit: '%',
        target: '>= 95',
      });
      figures.push({
        label: 'redis, 2 connections, 50 req/s partner: busiest 1 s window',
        value: Math.round(real.worstWindow * 1000) / 10,
        unit: '%',
        target: '<= 100',
      });
      figures.push({
        label: 'redis, 2 connections: 429s from the partner',
        value: real.rejected,
        unit: 'responses',
        target: '0',
      });
    } finally {
      await deletePrefix(prefix);
    }
  }
  return { name: 'policies', figures };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const report = await run();
  console.log(report.name);
  for (const figure of report.figures) {
    const ratio = figure.ratio === undefined ? '' : `  ratio ${figure.ratio.toFixed(2)}`;
    const target = figure.target === undefined ? '' : `  (target ${figure.target})`;
    console.log(
      `  ${figure.label.padEnd(64)} ${String(figure.value).padStart(10)} ${figure.unit}${ratio}${target}`,
    );
  }
  process.exit(0);
}
