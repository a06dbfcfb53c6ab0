// A separate process with its own Redis connection and policy, as a worker of cluster mode is.
// `calls`: make N calls to the partner and report the results. `hold`: take a concurrency slot,
// say so, and never give it back (the parent kills this process to test lease expiry).
import { createEgressPolicy } from '../egress-policy.js';
import type { CallContext } from '../policy.js';
import { RedisBackend } from '../redis-backend.js';
import { callWithPolicy, fetchPartner, runCalls } from './driver.js';

export interface WorkerTask {
  mode: 'calls' | 'hold';
  redisUrl: string;
  prefix: string;
  partnerUrl?: string;
  ctx: Omit<CallContext, 'attempt'>;
  calls?: number;
  parallel?: number;
  leaseMs?: number;
}

const task = JSON.parse(process.argv[2] ?? '{}') as WorkerTask;
const backend = new RedisBackend({ url: task.redisUrl, prefix: task.prefix });
const policy = createEgressPolicy({
  backend,
  maxWaitMs: 20_000,
  ...(task.leaseMs ? { leaseMs: task.leaseMs } : {}),
});

if (task.mode === 'hold') {
  await policy.acquire({ ...task.ctx, attempt: 1 });
  process.stdout.write(`${JSON.stringify({ held: true })}\n`);
  setInterval(() => undefined, 60_000);
} else {
  const url = task.partnerUrl ?? '';
  // Warm the whole path (scripts loaded, connections open, code compiled) on keys of its own, then
  // wait for the parent's go, so that start-up does not skew the first arrivals.
  const warmup = { ...task.ctx, connectorId: `${task.ctx.connectorId}-warmup`, attempt: 1 };
  for (let i = 0; i < 5; i += 1) {
    const permit = await policy.acquire(warmup);
    await fetchPartner(`${url}/warmup`);
    await permit.release({ class: 'success', status: 204 });
  }
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
  await new Promise((resolve) => process.stdin.once('data', resolve));
  const results = await runCalls(task.calls ?? 1, task.parallel ?? 1, () =>
    callWithPolicy(policy, task.ctx, () => fetchPartner(url)),
  );
  process.stdout.write(`${JSON.stringify({ results })}\n`);
  await backend.close();
}
