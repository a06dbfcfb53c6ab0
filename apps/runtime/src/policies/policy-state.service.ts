import { Inject, Injectable } from '@nestjs/common';
import type { Policy, PolicyState } from '@plugboard/policies';
import { InstallationService } from '../installations/installation.service.js';
import { EGRESS_POLICY } from '../platform/egress-policy.js';
import { tenantQuotas } from './quotas.js';

type Limits = NonNullable<Parameters<Policy['state']>[1]['limits']>;

export interface PoliciesView {
  /** The host the partner layers are keyed by (the connector's base URL, config filled in). */
  host: string | null;
  /** Layers of the installation's calls without an endpoint name. */
  state: PolicyState;
  /** Per endpoint declared in `limits.endpoints`: its own layers and caps. */
  endpoints: Record<string, Pick<PolicyState, 'layers' | 'concurrency'>>;
}

function isPolicy(policy: unknown): policy is Policy {
  return !!policy && typeof (policy as { state?: unknown }).state === 'function';
}

// Fills `{{ config.path }}` of a templated base URL from the installation's config, so the
// health view reads the same partner buckets the engine's calls are counted in.
function hostOf(baseUrl: unknown, config: Record<string, unknown>): string | null {
  if (typeof baseUrl !== 'string') return null;
  const rendered = baseUrl.replace(/\{\{\s*config\.([\w.]+)\s*\}\}/g, (_m, path: string) => {
    let value: unknown = config;
    for (const part of path.split('.'))
      value = (value as Record<string, unknown> | undefined)?.[part];
    return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
  });
  try {
    return new URL(rendered).host.toLowerCase();
  } catch {
    return null;
  }
}

/** Traffic-control state of one installation, per layer, for GET /v1/installations/:id/health. */
@Injectable()
export class PolicyStateService {
  constructor(
    @Inject(EGRESS_POLICY) private readonly policy: unknown,
    @Inject(InstallationService) private readonly installations: InstallationService,
  ) {}

  async of(installationId: string): Promise<PoliciesView | null> {
    if (!isPolicy(this.policy)) return null;
    const { installation, definition } = await this.installations.runnable(installationId);
    const host = hostOf(
      (definition.base as { url?: unknown } | undefined)?.url,
      installation.config,
    );
    const limits = definition.limits as Limits | undefined;
    const ctx = {
      tenantId: installation.tenantId,
      connectorId: installation.connectorId,
      connectorVersion: installation.version,
      host: host ?? '',
      ...(limits ? { limits } : {}),
      quotas: tenantQuotas(installation.quotas),
    };
    const state = await this.policy.state(installation.id, ctx);
    const endpoints: PoliciesView['endpoints'] = {};
    for (const endpoint of Object.keys(limits?.endpoints ?? {})) {
      const view = await this.policy.state(installation.id, { ...ctx, endpoint });
      endpoints[endpoint] = {
        layers: view.layers.filter((l) => l.layer.includes('endpoint')),
        concurrency: view.concurrency.filter((c) => c.scope === 'endpoint'),
      };
    }
    return { host, state, endpoints };
  }
}
