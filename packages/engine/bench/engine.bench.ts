// The engine's costs on this machine: a warm sandboxed JSONata transform against the same
// evaluation in the host, a warm three-node flow, a cold isolate, runs per second, heap per isolate.
// Run: node --no-node-snapshot --import tsx packages/engine/bench/engine.bench.ts
// (or `npm run bench -- engine`).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { SandboxPool } from '@plugboard/sandbox';
import jsonata from 'jsonata';
import type { BenchFigure, BenchReport } from '../../../bench/run.js';
import { createEngine } from '../src/index.js';
import { engineBootstrap } from '../src/isolate/bootstrap.js';
import { line, makeConnector, withAction } from '../src/testing/factories.js';

const EXPRESSION =
  '{ "customer": customer.name, "total": $sum(orders.(price * qty)), "skus": orders[qty > 1].sku, "count": $count(orders) }';
const DATA = {
  customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
  orders: Array.from({ length: 20 }, (_, i) => ({
    sku: `SKU-${i}`,
    price: 9.5 + i,
    qty: (i % 3) + 1,
  })),
};

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function timeEach(count: number, fn: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await fn();
    samples.push((performance.now() - started) * 1000);
  }
  return samples;
}

async function startSink(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end('{"id":"c_1","created":true}');
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function run(): Promise<BenchReport> {
  const figures: BenchFigure[] = [];
  const engine = createEngine({ egress: { allowPrivate: true } });
  const sink = await startSink();
  try {
    // 1. Warm sandboxed transform vs host JSONata.
    const compiled = jsonata(EXPRESSION);
    await timeEach(200, () => compiled.evaluate(DATA));
    const host = median(await timeEach(1000, () => compiled.evaluate(DATA)));
    await timeEach(200, () => engine.evaluate('bench-eval', EXPRESSION, DATA));
    const sandboxed = median(
      await timeEach(1000, () => engine.evaluate('bench-eval', EXPRESSION, DATA)),
    );
    figures.push({ label: 'JSONata transform in the host (median)', value: host, unit: 'µs' });
    figures.push({
      label: 'same transform, warm sandbox via engine.evaluate (median)',
      value: sandboxed,
      unit: 'µs',
      ratio: sandboxed / host,
      target: 'ratio <= 5',
    });

    // 2. Warm three-node flow: transform -> http to a local sink -> output.
    const flow = withAction(
      makeConnector({ base: { url: sink.url } }),
      'create',
      line(
        { id: 'shape', type: 'transform', expression: EXPRESSION },
        { id: 'send', type: 'http', method: 'POST', path: '/contacts', body: 'steps.shape' },
        {
          id: 'out',
          type: 'output',
          value: '{ "id": steps.send.body.id, "total": steps.shape.total }',
        },
      ),
    );
    const request = { input: DATA, isolateKey: 'bench-flow' };
    await timeEach(100, () => engine.runAction(flow, 'create', request));
    const flowUs = median(await timeEach(500, () => engine.runAction(flow, 'create', request)));
    figures.push({
      label: 'warm three-node flow (transform, http to local sink, output)',
      value: flowUs / 1000,
      unit: 'ms',
    });

    // 4. Runs per second on one core: sequential runs of the same process (the sink shares the core).
    const local = withAction(
      makeConnector(),
      'shape',
      line(
        { id: 'shape', type: 'transform', expression: EXPRESSION },
        { id: 'out', type: 'output', value: 'steps.shape' },
      ),
    );
    await timeEach(100, () =>
      engine.runAction(local, 'shape', { input: DATA, isolateKey: 'bench-rate' }),
    );
    const localUs = median(
      await timeEach(500, () =>
        engine.runAction(local, 'shape', { input: DATA, isolateKey: 'bench-rate' }),
      ),
    );
    figures.push({
      label: 'warm two-node flow (transform, output) per run',
      value: localUs,
      unit: 'µs',
    });
    const rate = async (def: typeof flow, action: string, key: string) => {
      const started = performance.now();
      let runs = 0;
      while (performance.now() - started < 1500) {
        await engine.runAction(def, action, { input: DATA, isolateKey: key });
        runs++;
      }
      return runs / ((performance.now() - started) / 1000);
    };
    figures.push({
      label: 'runs/s, one core, sequential: transform + output flow',
      value: Math.round(await rate(local, 'shape', 'bench-rate')),
      unit: 'runs/s',
    });
    figures.push({
      label: 'runs/s, one core, sequential: three-node flow with http',
      value: Math.round(await rate(flow, 'create', 'bench-flow')),
      unit: 'runs/s',
    });
  } finally {
    await engine.dispose();
    await sink.close();
  }

  // 3 and 5. Cold isolate start and heap per warm isolate, measured on a pool with the engine's
  // bootstrap (JSONata + interpreter), so the figures are the engine's, not a bare context's.
  const pool = new SandboxPool({ bootstrap: engineBootstrap(), maxIsolates: 64 });
  const bridge = {
    http: () => Promise.reject(new Error('no egress in the bench')),
    log: () => undefined,
  };
  try {
    const cold: number[] = [];
    const firstRun: number[] = [];
    const heaps: number[] = [];
    const rssBefore = process.memoryUsage().rss;
    const isolates = 20;
    for (let i = 0; i < isolates; i++) {
      const key = `bench-cold-${i}`;
      const started = performance.now();
      await pool.run(key, '__plugboardEvaluate', { expression: EXPRESSION, data: DATA }, bridge);
      firstRun.push(performance.now() - started);
      for (let j = 0; j < 20; j++)
        await pool.run(key, '__plugboardEvaluate', { expression: EXPRESSION, data: DATA }, bridge);
      const info = await pool.inspect(key);
      if (info) {
        cold.push(info.coldStartMs);
        heaps.push(info.heap.used_heap_size);
      }
    }
    const rssPerIsolate = (process.memoryUsage().rss - rssBefore) / isolates;
    figures.push({
      label: 'cold isolate start (isolate, context, JSONata, interpreter, freeze)',
      value: median(cold),
      unit: 'ms',
    });
    figures.push({
      label: 'first run on a new key, as the caller sees it',
      value: median(firstRun),
      unit: 'ms',
    });
    figures.push({
      label: 'heap used per warm isolate',
      value: median(heaps) / 1024 / 1024,
      unit: 'MB',
    });
    figures.push({
      label: `process RSS per warm isolate (${isolates} isolates)`,
      value: rssPerIsolate / 1024 / 1024,
      unit: 'MB',
    });
  } finally {
    await pool.dispose();
  }
  return { name: '@plugboard/engine', figures };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const report = await run();
  console.log(report.name);
  for (const f of report.figures) {
    const ratio = f.ratio === undefined ? '' : `  ratio ${f.ratio.toFixed(2)}`;
    const target = f.target === undefined ? '' : `  (target ${f.target})`;
    console.log(
      `  ${f.label.padEnd(62)} ${f.value.toFixed(2).padStart(10)} ${f.unit}${ratio}${target}`,
    );
  }
}
