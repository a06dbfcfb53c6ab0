// Shared by the observability specs: reading Prometheus text and waiting on runtime state.
import request from 'supertest';
import { expect } from 'vitest';
import type { Call } from '../support/api.js';
import { makeConnector } from '../support/factories.js';
import { eventually } from '../support/runtime.js';
import type { RuntimeProcess } from '../support/runtime.js';

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

/** `get` promises an object with a string `id`; the partner sometimes answers without one. */
export function shapeConnector(partnerUrl: string) {
  const base = makeConnector(partnerUrl);
  const actions = base.actions as Record<string, Record<string, unknown>>;
  return {
    ...base,
    id: 'shape',
    name: 'Shape',
    actions: {
      ...actions,
      get: {
        title: 'Get',
        description: 'Reads a record.',
        urgency: 'realtime',
        input: {
          type: 'object',
          additionalProperties: false,
          required: ['text'],
          properties: { text: { type: 'string' } },
        },
        output: {
          type: 'object',
          additionalProperties: true,
          required: ['id'],
          properties: { id: { type: 'string' } },
        },
        flow: {
          nodes: [
            { id: 'call', type: 'http', method: 'POST', path: '/records', body: 'input' },
            { id: 'done', type: 'output', value: 'steps.call.body' },
          ],
          edges: [{ from: 'call', to: 'done' }],
        },
      },
    },
  };
}

/** The partner side of `shapeConnector`: text "bad" gets an answer without the promised id. */
export function shapeAnswer(request: { path: string; body: unknown }) {
  if (request.path !== '/records') return undefined;
  const text = (request.body as { text?: string }).text;
  return text === 'bad'
    ? { status: 200, body: { name: 'no id here' } }
    : { status: 200, body: { id: `rec-${text}` } };
}

/** test/support/api.ts's Call has no PUT. */
export function put(runtime: RuntimeProcess, path: string, key: string) {
  return request(runtime.url).put(path).set('authorization', `Bearer ${key}`);
}
