/**
 * The Node.js flags every runtime process starts with (API and worker, from `npm start`, the
 * workspace scripts, the specs and the bench). The package.json scripts spell them out too;
 * node-flags.spec.ts keeps them equal.
 *
 * - `--no-node-snapshot`: isolated-vm 5 on Node 20 needs the startup snapshot off.
 * - `--max-semi-space-size=32` (MiB): under load each accepted request stays alive until its
 *   commit's fsync, a few milliseconds; with V8's default young generation those objects survive
 *   two scavenges and are promoted, and the old generation then pays for them. A larger young
 *   generation lets them die young: `npm run bench -- intake` measured about 20% more durable
 *   requests per second with it.
 */
export const RUNTIME_NODE_FLAGS: readonly string[] = [
  '--no-node-snapshot',
  '--max-semi-space-size=32',
];
