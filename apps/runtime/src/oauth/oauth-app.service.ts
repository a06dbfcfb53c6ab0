import { hkdfSync } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import { isPlatformAdmin } from '../auth/principal.js';
import { CatalogService } from '../catalog/catalog.service.js';
import { DomainError } from '../common/domain-error.js';
import { MASTER_KEY } from '../common/master-key.js';
import { open, seal } from '../common/secret-box.js';
import { RUNTIME_CONFIG } from '../config/config.js';
import type { RuntimeConfig } from '../config/config.js';
import { OAuthRepository } from './oauth.repository.js';

export interface OAuthAppInput {
  clientId: string;
  clientSecret: string;
}

/** What anyone may learn about a connector's OAuth app: never the secret. */
export type OAuthAppView =
  { configured: false } | { configured: true; clientId: string; updatedAt: string };

/**
 * The platform's OAuth app (client id and secret) per connector, set by a platform admin. The
 * secret is sealed under a key derived from the master key (it belongs to no tenant) and is only
 * opened to talk to the provider's token endpoint.
 */
@Injectable()
export class OAuthAppService {
  private readonly key: Buffer;
  /** During a master key rotation: secrets still sealed under the old key are re-sealed on use. */
  private readonly previousKey: Buffer | undefined;

  constructor(
    @Inject(OAuthRepository) private readonly repository: OAuthRepository,
    @Inject(CatalogService) private readonly catalog: CatalogService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(MASTER_KEY) masterKey: Buffer,
    @Inject(RUNTIME_CONFIG) config: RuntimeConfig,
  ) {
    this.key = appKey(masterKey);
    this.previousKey = config.previousMasterKey ? appKey(config.previousMasterKey) : undefined;
  }

  private requireAdmin(principal: Principal): void {
    if (!isPlatformAdmin(principal))
      throw new DomainError('FORBIDDEN', "a connector's OAuth app is set by a platform admin key");
  }

  async put(
    connectorId: string,
    input: OAuthAppInput,
    principal: Principal,
    correlationId?: string,
  ): Promise<OAuthAppView> {
    this.requireAdmin(principal);
    await this.catalog.latest(connectorId);
    const now = Date.now();
    await this.repository.putApp(
      {
        connectorId,
        clientId: input.clientId,
        clientSecret: seal(
          this.key,
          Buffer.from(input.clientSecret, 'utf8'),
          `oauth-app:${connectorId}`,
        ),
        updatedAt: now,
      },
      principal.keyId,
    );
    await this.audit.record({
      actor: principal,
      tenantId: null,
      action: 'connector.oauth-app-set',
      targetType: 'connector',
      targetId: connectorId,
      details: { clientId: input.clientId },
      ...(correlationId ? { correlationId } : {}),
    });
    return { configured: true, clientId: input.clientId, updatedAt: new Date(now).toISOString() };
  }

  async get(connectorId: string, principal: Principal): Promise<OAuthAppView> {
    this.requireAdmin(principal);
    await this.catalog.latest(connectorId);
    const app = await this.repository.findApp(connectorId);
    return app
      ? {
          configured: true,
          clientId: app.clientId,
          updatedAt: new Date(app.updatedAt).toISOString(),
        }
      : { configured: false };
  }

  /** For the token endpoint only. */
  async client(connectorId: string): Promise<{ clientId: string; clientSecret: string } | null> {
    const app = await this.repository.findApp(connectorId);
    if (!app) return null;
    const where = `oauth-app:${connectorId}`;
    let secret: Buffer;
    try {
      secret = open(this.key, app.clientSecret, where);
    } catch (error) {
      if (!this.previousKey) throw error;
      secret = open(this.previousKey, app.clientSecret, where);
      await this.repository.putApp(
        { ...app, clientSecret: seal(this.key, secret, where) },
        'system:master-key-rotation',
      );
    }
    return { clientId: app.clientId, clientSecret: secret.toString('utf8') };
  }
}

function appKey(masterKey: Buffer): Buffer {
  // The app secrets belong to no tenant: a key of their own, derived from the master key.
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'plugboard:oauth-app', 32));
}
