import { createEgressPolicy, MemoryBackend } from './src/index.ts';
import { callWithPolicy, fetchPartner, runCalls } from './src/testing/driver.ts';
import { startFakePartner } from './src/testing/fake-partner.ts';
const la = Number(process.env.PB_LA);
const out = [];
for (let r = 0; r < 3; r++) {
  const fake = await startFakePartner({ limit: { requests: 10, perMs: 1000 } });
  const egress = createEgressPolicy({
    backend: new MemoryBackend(),
    maxWaitMs: 10_000,
    lookaheadMs: la,
  });
  const ctx = {
    connectorId: 'acme',
    host: '127.0.0.1',
    installationId: 'i',
    limits: { rate: { requests: 10, perMs: 1000 } },
  };
  await fetchPartner(fake.warmupUrl);
  await runCalls(40, 40, () => callWithPolicy(egress, ctx, () => fetchPartner(fake.url)));
  const a = fake.arrivals;
  out.push(
    `${fake.maxInWindow(1000)}/${fake.rejected}/${(((a.length - 1) / (a.at(-1)! - a[0]!)) * 1000).toFixed(2)}`,
  );
  await fake.close();
}
console.log('la', la, out.join(' '));
