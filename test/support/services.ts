// PostgreSQL and Redis are real services on development and CI machines. When one is down, a spec
// that needs it fails on CI and is skipped elsewhere, with one loud line saying why.
import { execFileSync } from 'node:child_process';
import { createConnection } from 'node:net';
import { repoRoot } from './runtime.js';

export const POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = 'redis://127.0.0.1:6379';

function reachable(host: string, port: number, timeoutMs = 1500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function require(name: string, host: string, port: number): Promise<boolean> {
  if (await reachable(host, port)) return true;
  const message = `${name} is not reachable on ${host}:${port}`;
  if (process.env.CI) throw new Error(`${message}; CI must provide it`);
  console.warn(
    `\n!!! SKIPPING: ${message}; the specs that need it do not run on this machine !!!\n`,
  );
  return false;
}

export function requirePostgres(): Promise<boolean> {
  return require('PostgreSQL', '127.0.0.1', 5432);
}

export function requireRedis(): Promise<boolean> {
  return require('Redis', '127.0.0.1', 6379);
}

function psql(sql: string): void {
  // A plain Node child with pg: the test runner's export conditions load pg's ESM build wrongly.
  const script = `const pg = require('pg'); const c = new pg.Client({ connectionString: process.argv[1] });
    c.connect().then(() => c.query(process.argv[2])).then(() => c.end(), (e) => { console.error(e.message); process.exit(1); });`;
  execFileSync(process.execPath, ['-e', script, POSTGRES_URL, sql], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** A fresh, empty PostgreSQL database for one spec file; `drop` removes it. */
export function freshDatabase(): { url: string; drop: () => void } {
  const name = `plugboard_e2e_${process.pid}_${Date.now().toString(36)}`;
  psql(`CREATE DATABASE ${name}`);
  return {
    url: POSTGRES_URL.replace(/\/test$/, `/${name}`),
    drop: () => psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
