// Connector definitions and bundles for the runtime's end-to-end specs.
import { digest } from '@plugboard/definition';

export type Definition = Record<string, unknown> & { id: string; version: string };

/** A connector pointed at a fake partner: a realtime `send`, a batched `import`, a signed webhook. */
export function makeConnector(partnerUrl: string, overrides: Partial<Definition> = {}): Definition {
  return {
    id: 'acme',
    version: '1.0.0',
    name: 'Acme',
    description: 'Test connector for the Acme API.',
    categories: ['test'],
    publisher: 'Plugboard tests',
    base: { url: partnerUrl, allowedHosts: ['127.0.0.1'] },
    auth: {
      type: 'bearer',
      fields: [{ name: 'webhookSecret', title: 'Webhook signing secret', required: false }],
    },
    config: {
      type: 'object',
      additionalProperties: false,
      properties: { region: { type: 'string', enum: ['eu', 'us'] } },
    },
    actions: {
      send: {
        title: 'Send',
        description: 'Posts a message and returns the partner answer.',
        urgency: 'realtime',
        input: {
          type: 'object',
          additionalProperties: false,
          required: ['text'],
          properties: { text: { type: 'string', minLength: 1 }, n: { type: 'integer' } },
        },
        output: { type: 'object', additionalProperties: true },
        flow: {
          nodes: [
            { id: 'call', type: 'http', method: 'POST', path: '/messages', body: 'input' },
            { id: 'done', type: 'output', value: 'steps.call.body' },
          ],
          edges: [{ from: 'call', to: 'done' }],
        },
      },
      import: {
        title: 'Import',
        description: 'Posts records in batches; one outcome per record.',
        urgency: 'batched',
        batch: { maxItems: 10, maxWaitMs: 300 },
        input: {
          type: 'object',
          additionalProperties: false,
          required: ['id'],
          properties: { id: { type: 'string' } },
        },
        output: { type: 'object', additionalProperties: true },
        flow: {
          nodes: [
            {
              id: 'call',
              type: 'http',
              method: 'POST',
              path: '/import',
              body: '{ "records": items }',
            },
            {
              id: 'done',
              type: 'output',
              items:
                "steps.call.body.results.{ 'status': ok ? 'ok' : 'failed', 'output': { 'id': id }, 'error': ok ? undefined : { 'code': 'PARTNER_PERMANENT', 'message': 'refused' } }",
            },
          ],
          edges: [{ from: 'call', to: 'done' }],
        },
      },
    },
    triggers: {
      issue: {
        kind: 'webhook',
        title: 'Issue event',
        // Any object: schemas are closed unless they say otherwise.
        event: { type: 'object', additionalProperties: true },
        verify: {
          scheme: 'hmac-sha256',
          header: 'X-Signature',
          prefix: 'sha256=',
          secretField: 'webhookSecret',
        },
        eventId: { header: 'X-Delivery' },
      },
      payment: {
        kind: 'webhook',
        title: 'Payment event',
        // Any object: schemas are closed unless they say otherwise.
        event: { type: 'object', additionalProperties: true },
        verify: {
          scheme: 'hmac-sha256-timestamped',
          header: 'Acme-Signature',
          toleranceSec: 300,
          secretField: 'webhookSecret',
        },
      },
    },
    ...overrides,
  };
}

export function bundle(definition: Definition, contracts: unknown[] = []) {
  return {
    format: 'plugboard.bundle/1' as const,
    definition,
    contracts,
    digest: digest(definition as never),
  };
}

/** A contract case of `send` recorded against the partner; `expectText` decides whether it passes. */
export function sendContract(expectText = 'hi', name = 'send posts the text') {
  return {
    name,
    action: 'send',
    input: { text: 'hi' },
    interactions: [
      {
        request: { method: 'POST', path: '/messages', body: { text: 'hi' } },
        response: { status: 200, body: { ok: true, echo: { text: 'hi' } } },
      },
    ],
    expect: { output: { ok: true, echo: { text: expectText } } },
  };
}
