// The format extensions the bundled connectors needed (issue 9): outcome retryAfter, retry
// schedules, Slack signing and challenges, rate windows and keys, apiKey location from config,
// queryFrom/headersFrom, and wildcard hosts of exactly one label.
import { describe, expect, it } from 'vitest';
import type { ConnectorDefinition, FlowNode, Limits } from './generated/connector.generated.js';
import { chain, makeAction, makeConnector } from './testing.js';
import { diff } from './diff.js';
import { validate } from './validate.js';

const loose = (value: unknown) => value as ConnectorDefinition;

function withHttp(extra: Record<string, unknown>, limits?: Limits): ConnectorDefinition {
  const node = { id: 'call', type: 'http', method: 'GET', path: '/items', ...extra } as FlowNode;
  return makeConnector({
    ...(limits ? { limits } : {}),
    actions: {
      echo: makeAction({ flow: chain(node, { id: 'done', type: 'output', value: 'steps.call' }) }),
    },
  });
}

function slackHook(extra: Record<string, unknown> = {}): ConnectorDefinition {
  return makeConnector({
    auth: { type: 'bearer', fields: [{ name: 'signingSecret', title: 'Signing secret' }] },
    triggers: {
      events: loose({
        kind: 'webhook',
        title: 'Events',
        event: { type: 'object' },
        verify: { scheme: 'slack-v0', secretField: 'signingSecret' },
        challenge: {
          when: "body.type = 'url_verification'",
          respond: "{ 'challenge': body.challenge }",
        },
        ...extra,
      }) as never,
    },
  });
}

const issues = (definition: ConnectorDefinition) =>
  validate(definition).errors.map((e) => [e.pointer, e.code]);

describe('format extensions', () => {
  it('accepts each extension used as documented', () => {
    const accepted: ConnectorDefinition[] = [
      withHttp({
        outcomes: [
          {
            status: [403, 429],
            body: "headers.`x-ratelimit-remaining` = '0'",
            outcome: 'transient',
            code: 'RATE_LIMITED',
            retryAfter: '$number(headers.`x-ratelimit-reset`)',
          },
        ],
      }),
      withHttp({}, { retry: { scheduleMs: [0, 5000, 300000], budgetRatio: 0.1 } }),
      slackHook(),
      withHttp(
        { endpoint: 'post' },
        {
          rate: [
            { requests: 80, perMs: 60000 },
            { requests: 500, perMs: 3600000 },
          ],
          endpoints: { post: { rate: { requests: 1, perMs: 1000, key: '{{ input.channel }}' } } },
        },
      ),
      withHttp({ queryFrom: 'input.filters', headersFrom: 'config.extraHeaders' }),
      makeConnector({
        auth: { type: 'apiKey', in: '{{ config.authIn }}', name: '{{ config.key }}' },
      }),
    ];
    for (const definition of accepted) expect(issues(definition)).toEqual([]);
  });

  it('refuses misuse with a pointer and a code', () => {
    const FLOW = '/actions/echo/flow/nodes/0';
    expect(
      issues(withHttp({ outcomes: [{ outcome: 'transient', retryAfter: 'input.wait' }] })),
    ).toEqual([[`${FLOW}/outcomes/0/retryAfter`, 'EXPRESSION_INVALID']]);
    expect(issues(withHttp({}, { retry: { scheduleMs: [1000, 5000] } }))).toEqual([
      ['/limits/retry/scheduleMs/0', 'RETRY_SCHEDULE_INVALID'],
    ]);
    expect(
      issues(withHttp({}, { retry: { scheduleMs: [0, 5000, 9000], maxAttempts: 2 } })),
    ).toEqual([['/limits/retry/maxAttempts', 'RETRY_SCHEDULE_INVALID']]);
    expect(
      issues(
        withHttp(
          { endpoint: 'post' },
          {
            endpoints: {
              post: {
                rate: [
                  { requests: 1, perMs: 1000, key: '{{ input.channel }}' },
                  { requests: 50, perMs: 60000 },
                ],
              },
            },
          },
        ),
      ),
    ).toEqual([['/limits/endpoints/post/rate/1/key', 'RATE_KEY_MISMATCH']]);
    expect(
      issues(
        withHttp(
          { endpoint: 'post' },
          { endpoints: { post: { rate: { requests: 1, perMs: 1000, key: '{{ response.x }}' } } } },
        ),
      ),
    ).toEqual([['/limits/endpoints/post/rate/key', 'TEMPLATE_INVALID']]);
    expect(issues(withHttp({}, { rate: [] }))[0]).toEqual(['/limits/rate', expect.any(String)]);
    expect(issues(withHttp({ queryFrom: 'response.body' }))).toEqual([
      [`${FLOW}/queryFrom`, 'EXPRESSION_INVALID'],
    ]);
    expect(issues(slackHook({ challenge: { when: 'input.type', respond: '{}' } }))).toEqual([
      ['/triggers/events/challenge/when', 'EXPRESSION_INVALID'],
    ]);
    expect(
      issues(makeConnector({ auth: { type: 'apiKey', in: 'header', name: 'X-{{ config.key }}' } })),
    ).toEqual([['/auth/name', 'AUTH_LOCATION_INVALID']]);
    expect(
      issues(makeConnector({ auth: { type: 'apiKey', in: '{{ input.where }}', name: 'k' } }))
        .length,
    ).toBeGreaterThan(0);
    expect(
      issues(
        makeConnector({
          auth: { type: 'bearer' },
          triggers: {
            events: loose({
              kind: 'webhook',
              title: 'Events',
              event: { type: 'object' },
              verify: { scheme: 'slack-v0', secretField: 'signingSecret' },
            }) as never,
          },
        }),
      ),
    ).toEqual([['/triggers/events/verify/secretField', 'SECRET_FIELD_UNKNOWN']]);
  });

  it('lets `*.` in allowedHosts stand for exactly one label, as the engine does', () => {
    const at = (path: string) =>
      issues(
        makeConnector({
          base: { url: 'https://api.acme.test', allowedHosts: ['*.acme.test'] },
          actions: {
            echo: makeAction({
              flow: chain(
                { id: 'call', type: 'http', method: 'GET', path },
                { id: 'done', type: 'output', value: 'steps.call' },
              ),
            }),
          },
        }),
      );
    expect(at('https://eu.acme.test/items')).toEqual([]);
    expect(at('https://a.b.acme.test/items')).toEqual([
      ['/actions/echo/flow/nodes/0/path', 'HOST_NOT_ALLOWED'],
    ]);
    expect(at('https://acme.test/items')).toEqual([
      ['/actions/echo/flow/nodes/0/path', 'HOST_NOT_ALLOWED'],
    ]);
  });
});

describe('apiKey placement from config in version diffs', () => {
  const before = makeConnector({ auth: { type: 'apiKey', in: 'header', name: 'Authorization' } });
  const moved = (defaultName: string) =>
    makeConnector({
      version: '1.1.0',
      auth: { type: 'apiKey', in: '{{ config.authIn }}', name: '{{ config.authName }}' },
      config: {
        type: 'object',
        properties: {
          authIn: { type: 'string', enum: ['header', 'query'], default: 'header' },
          authName: { type: 'string', default: defaultName },
        },
      },
    });
  const pointers = (next: ConnectorDefinition) => diff(before, next).changes.map((c) => c.pointer);

  it('is not an auth change when the config defaults keep the old placement', () => {
    expect(pointers(moved('Authorization'))).not.toContain('/auth');
  });
  it('is breaking when the defaults place the key elsewhere', () => {
    expect(diff(before, moved('X-Api-Key')).changes).toContainEqual(
      expect.objectContaining({ pointer: '/auth', class: 'breaking' }),
    );
  });
});
