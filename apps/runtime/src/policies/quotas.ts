import type { RateLimit, TenantQuotas } from '@plugboard/policies';

// Installation quotas are stored as the tenant sent them (POST/PATCH /v1/installations `quotas`).
// Only the fields the egress policy understands, with sane values, reach it: a malformed quota
// must not stop delivery, and quotas can only tighten the connector's declared limits anyway.

function rate(value: unknown): RateLimit | undefined {
  const r = value as { requests?: unknown; perMs?: unknown } | null;
  if (!r || typeof r !== 'object') return undefined;
  const { requests, perMs } = r;
  if (typeof requests !== 'number' || typeof perMs !== 'number') return undefined;
  if (!(requests > 0) || !(perMs > 0) || !Number.isFinite(requests) || !Number.isFinite(perMs))
    return undefined;
  return { requests, perMs };
}

export function tenantQuotas(stored: Record<string, unknown> | null | undefined): TenantQuotas {
  if (!stored || typeof stored !== 'object') return {};
  const quotas: TenantQuotas = {};
  const tenantRate = rate(stored.tenantRate);
  if (tenantRate) quotas.tenantRate = tenantRate;
  const own = rate(stored.rate);
  if (own) quotas.rate = own;
  const concurrency = stored.concurrency;
  if (typeof concurrency === 'number' && Number.isInteger(concurrency) && concurrency > 0)
    quotas.concurrency = concurrency;
  const endpoints = stored.endpoints as Record<string, unknown> | undefined;
  if (endpoints && typeof endpoints === 'object') {
    const picked: NonNullable<TenantQuotas['endpoints']> = {};
    for (const [name, value] of Object.entries(endpoints)) {
      const r = rate((value as { rate?: unknown } | null)?.rate);
      if (r) picked[name] = { rate: r };
    }
    if (Object.keys(picked).length > 0) quotas.endpoints = picked;
  }
  return quotas;
}

/** The `quotas` field of an engine RunRequest, absent when the installation sets none. */
export function quotasRequest(stored: Record<string, unknown> | null | undefined): {
  quotas?: TenantQuotas;
} {
  const quotas = tenantQuotas(stored);
  return Object.keys(quotas).length === 0 ? {} : { quotas };
}
