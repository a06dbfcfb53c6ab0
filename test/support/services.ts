// PostgreSQL and Redis are real services on development and CI machines. When one is down, a spec
// that needs it fails on CI and is skipped elsewhere, with one loud line saying why.
import { createConnection } from 'node:net';

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
