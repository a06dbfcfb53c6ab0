// Shared by the observability specs: reading Prometheus text and waiting on runtime state.
import { expect } from 'vitest';
import type { Call } from '../support/api.js';
import { eventually } from '../support/runtime.js';

/** Value of one series, labels matched exactly (order-insensitive); undefined when absent. */
export function sample(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const found: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
      found[pair[1]!] = pair[2]!;
    const wanted = Object.entries(labels);
    if (wanted.length !== Object.keys(found).length) continue;
    if (wanted.every(([k, v]) => found[k] === v)) return Number(match[3]);
  }
  return undefined;
}

export async function scrape(call: Call): Promise<string> {
  const res = await call('get', '/metrics').expect(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain/);
  return res.text;
}

export async function settledEvent(call: Call, key: string, eventId: string) {
  return eventually(async () => {
    const res = await call('get', `/v1/events/${eventId}`, key);
    return ['succeeded', 'failed', 'dead'].includes(res.body.state) ? res.body : undefined;
  }, 20_000);
}
