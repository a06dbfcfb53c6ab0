import { describe, expect, it } from 'vitest';
import { quotasRequest, tenantQuotas } from './quotas.js';

describe('installation quotas handed to the egress policy', () => {
  it('passes the rates, endpoint rates and concurrency the policy understands', () => {
    expect(
      tenantQuotas({
        tenantRate: { requests: 100, perMs: 60_000 },
        rate: { requests: 5, perMs: 1000 },
        endpoints: { search: { rate: { requests: 1, perMs: 1000 } } },
        concurrency: 2,
      }),
    ).toEqual({
      tenantRate: { requests: 100, perMs: 60_000 },
      rate: { requests: 5, perMs: 1000 },
      endpoints: { search: { rate: { requests: 1, perMs: 1000 } } },
      concurrency: 2,
    });
  });

  it('drops malformed or meaningless values instead of stopping delivery', () => {
    expect(
      tenantQuotas({
        rate: { requests: 0, perMs: 1000 },
        tenantRate: { requests: '5', perMs: 1000 },
        endpoints: { search: { rate: { requests: 1 } }, list: null },
        concurrency: 1.5,
        plan: 'gold',
      }),
    ).toEqual({});
    expect(tenantQuotas(null)).toEqual({});
  });

  it('leaves quotas out of the run request when the installation sets none', () => {
    expect(quotasRequest(null)).toEqual({});
    expect(quotasRequest({ concurrency: 3 })).toEqual({ quotas: { concurrency: 3 } });
  });
});
