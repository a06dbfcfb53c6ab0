// Sandbox figures on this machine: cold isolate start, warm call and heap per warm isolate, for
// a bare entry and for one that evaluates JSONata (the engine's transform path), against the same
// JSONata evaluation in the host. Run after a build:
//   NODE_OPTIONS=--no-node-snapshot node packages/sandbox/bench/figures.mjs
// jsonata is the engine's dependency, found in the workspace root's node_modules.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { SandboxPool, measure } from '@plugboard/sandbox';

const require = createRequire(import.meta.url);
const jsonataSource = readFileSync(require.resolve('jsonata/jsonata.min.js'), 'utf8');
const hostJsonata = require('jsonata');

const ENTRIES = `(function () {
  'use strict';
  const compiled = new Map();
  globalThis.echo = async (payload) => payload;
  globalThis.transform = async (payload) => {
    let expression = compiled.get(payload.expression);
    if (expression === undefined) {
      expression = jsonata(payload.expression);
      compiled.set(payload.expression, expression);
    }
    return expression.evaluate(payload.data);
  };
})();`;

const payload = {
  expression: '$sum(orders.(price * qty))',
  data: { orders: Array.from({ length: 10 }, (_, i) => ({ price: i, qty: 2 })) },
};
const bridge = { http: async () => null, log: () => undefined };
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ISOLATES = 12;

async function figures(label, bootstrap, entry, input) {
  const pool = new SandboxPool({ bootstrap });
  const runs = [];
  for (let i = 0; i < ISOLATES; i++) {
    runs.push(await measure(pool, `bench-${i}`, entry, input, bridge, { warmRuns: 200 }));
  }
  await pool.dispose();
  return {
    label,
    coldStartMs: median(runs.map((r) => r.coldStartMs)),
    warmCallUs: median(runs.map((r) => r.warmCallUs.median)),
    usedHeapKiB: median(runs.map((r) => r.heap.usedBytes)) / 1024,
    totalHeapKiB: median(runs.map((r) => r.heap.totalBytes)) / 1024,
  };
}

const rows = [
  await figures('bare entry', [{ filename: 'entries.js', source: ENTRIES }], 'echo', { a: 1 }),
  await figures(
    'JSONata transform',
    [
      { filename: 'jsonata.min.js', source: jsonataSource },
      { filename: 'entries.js', source: ENTRIES },
    ],
    'transform',
    payload,
  ),
];

const expression = hostJsonata(payload.expression);
for (let i = 0; i < 200; i++) await expression.evaluate(payload.data);
const host = [];
for (let i = 0; i < 1000; i++) {
  const started = performance.now();
  await expression.evaluate(payload.data);
  host.push((performance.now() - started) * 1000);
}
const hostUs = median(host);

for (const row of rows) {
  console.log(
    `${row.label.padEnd(18)} cold start ${row.coldStartMs.toFixed(2)} ms | warm call ${row.warmCallUs.toFixed(1)} us | heap used ${row.usedHeapKiB.toFixed(0)} KiB of ${row.totalHeapKiB.toFixed(0)} KiB`,
  );
}
console.log(
  `host JSONata       ${hostUs.toFixed(1)} us | sandboxed/host ${(rows[1].warmCallUs / hostUs).toFixed(1)}x`,
);
