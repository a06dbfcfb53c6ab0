import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Principal } from '../auth/principal.js';
import { canonical } from '../common/canonical.js';
import { DomainError } from '../common/domain-error.js';
import { orderedId, sha256 } from '../common/ids.js';
import { LOGGER } from '../common/logger.js';
import { isAuthorizationCode } from '../oauth/oauth-client.js';
import { OAuthTokenService } from '../oauth/oauth-token.service.js';
import type { EventEntity } from '../execution/event.entity.js';
import { IntakeService } from '../execution/intake.service.js';
import type { TriggerSink } from '../execution/webhook.service.js';
import { InstallationService } from '../installations/installation.service.js';
import type { RunnableInstallation } from '../installations/installation.service.js';
import { ENGINE } from '../platform/ports.js';
import type { TriggerRecordEntity } from '../triggers/trigger-record.entity.js';
import { TriggerRepository } from '../triggers/trigger.repository.js';
import type { RouteDeliveryEntity } from './route-delivery.entity.js';
import type { RouteEntity } from './route.entity.js';
import { RouteRepository } from './route.repository.js';
import { routeIdempotencyKey } from './route.service.js';
import {
  ExpressionError,
  evaluateIn,
  sortableSequence,
  triggerOf,
  truthy,
} from './route-expressions.js';
import type { EvaluatingEngine, TriggerShape } from './route-expressions.js';

/** Routes act for their tenant with exactly the right to send events. */
export function routePrincipal(routeId: string, tenantId: string): Principal {
  return { keyId: `route:${routeId}`, tenantId, scopes: ['events:write'] };
}

export interface RouteRefusal {
  routeId: string;
  code: string;
  message: string;
  errors?: unknown;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Turns committed trigger records into events of every enabled route's target action, through the
 * same intake as the API (validation, idempotency, batching and dispatch are the target's).
 */
@Injectable()
export class RouteFanoutService implements TriggerSink {
  constructor(
    @Inject(RouteRepository) private readonly routes: RouteRepository,
    @Inject(TriggerRepository) private readonly triggers: TriggerRepository,
    @Inject(InstallationService) private readonly installations: InstallationService,
    @Inject(IntakeService) private readonly intake: IntakeService,
    @Inject(ENGINE) private readonly engine: EvaluatingEngine,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(OAuthTokenService) private readonly oauthTokens: OAuthTokenService,
  ) {}

  /**
   * Called by the webhook service after a verified delivery is committed. It never throws: the
   * delivery is stored, and the recovery sweep routes whatever this call could not.
   */
  async onRecord(event: EventEntity): Promise<void> {
    try {
      await this.fromWebhook(event);
    } catch (error) {
      this.logger.warn(
        { err: describe(error), eventId: event.id, installationId: event.installationId },
        'webhook committed but not routed yet; the recovery sweep retries it',
      );
    }
  }

  /** Records of one verified webhook delivery: the trigger's flow output, else the body itself. */
  async fromWebhook(event: EventEntity): Promise<void> {
    const trigger = event.action;
    const routes = await this.routes.enabledFor(event.installationId, trigger);
    if (routes.length === 0) return;
    const runnable = await this.installations.runnable(event.installationId);
    const shape = triggerOf(runnable.definition, trigger) ?? {};
    const base: Omit<TriggerRecordEntity, 'id' | 'recordKey' | 'data' | 'state' | 'error'> = {
      tenantId: event.tenantId,
      installationId: event.installationId,
      trigger,
      sourceEventId: event.id,
      correlationId: event.correlationId,
      // The delivery's commit time: routes made after it never see its records.
      createdAt: event.createdAt,
      routedAt: null,
    };
    let records: unknown[];
    let deliveryKey = event.idempotencyKey;
    const data = event.data as { headers?: unknown; body?: unknown } | null;
    if (shape.eventId?.expression) {
      const id = await evaluateIn(this.engine, event.tenantId, shape.eventId.expression, data);
      if (typeof id === 'string' || typeof id === 'number')
        deliveryKey = `webhook:${trigger}:${id}`;
    }
    if (shape.flow) {
      const result = await this.runTrigger(runnable, trigger, data, event.correlationId);
      if (result.status === 'failed') {
        await this.triggers.transaction((manager) =>
          this.triggers.addRecords(
            [
              {
                ...base,
                id: orderedId('trc'),
                recordKey: `${deliveryKey}#failed`,
                data: null,
                state: 'failed',
                error: result.error ?? null,
              },
            ],
            manager,
          ),
        );
        this.logger.warn(
          { eventId: event.id, code: result.error?.code },
          'the trigger flow failed on a verified webhook; it gives no records',
        );
        return;
      }
      const output = result.output as { records?: unknown } | null | undefined;
      records = Array.isArray(output?.records) ? output.records : [];
    } else {
      records = [data?.body ?? null];
    }
    const rows: TriggerRecordEntity[] = records.map((record, index) => ({
      ...base,
      id: orderedId('trc'),
      recordKey: `${deliveryKey}#${index}`,
      data: record,
      state: 'pending',
      error: null,
    }));
    // A delivery without records (GitHub's ping) still leaves a marker, so recovery skips it.
    if (rows.length === 0)
      rows.push({
        ...base,
        id: orderedId('trc'),
        recordKey: `${deliveryKey}#none`,
        data: null,
        state: 'empty',
        error: null,
      });
    const fresh = await this.triggers.transaction((manager) =>
      this.triggers.addRecords(rows, manager),
    );
    for (const record of fresh) if (record.state === 'pending') await this.routeRecord(record);
  }

  runTrigger(
    runnable: RunnableInstallation,
    trigger: string,
    input: unknown,
    correlationId: string,
  ) {
    const { installation, definition, credentials } = runnable;
    return this.engine.runTrigger(definition, trigger, {
      input,
      config: installation.config,
      credentials,
      meta: {
        correlationId,
        tenantId: installation.tenantId,
        installationId: installation.id,
        connectorVersion: installation.version,
      },
      isolateKey: `${installation.id}@${installation.version}`,
      // Poll and webhook flows of authorization-code connectors call the partner with stored tokens.
      ...(isAuthorizationCode(definition.auth)
        ? { oauth: this.oauthTokens.providerFor(installation, definition.auth) }
        : {}),
    });
  }

  /** A poll record's key: the trigger's eventId expression, else the record's id, else its content. */
  async recordKey(tenantId: string, shape: TriggerShape, record: unknown): Promise<string> {
    if (shape.eventId?.expression) {
      const id = await evaluateIn(this.engine, tenantId, shape.eventId.expression, record);
      if (typeof id === 'string' || typeof id === 'number') return `id:${id}`;
    }
    const own = (record as { id?: unknown } | null)?.id;
    if (typeof own === 'string' || typeof own === 'number') return `id:${own}`;
    return `sha256:${sha256(canonical(record))}`;
  }

  /** Fans one committed record out to its routes, then marks it routed. */
  async routeRecord(record: TriggerRecordEntity): Promise<void> {
    const routes = await this.routes.enabledFor(record.installationId, record.trigger);
    const refusals: RouteRefusal[] = [];
    const deliveries: RouteDeliveryEntity[] = [];
    for (const route of routes) {
      // A route sees the records committed after it was made, never older ones.
      if (route.createdAt > record.createdAt) continue;
      try {
        const delivery = await this.deliver(route, record);
        if (delivery) deliveries.push(delivery);
      } catch (error) {
        if (error instanceof ExpressionError || error instanceof DomainError)
          refusals.push({ routeId: route.id, code: error.code, message: error.message });
        else throw error;
      }
    }
    for (const refusal of refusals)
      this.logger.warn(
        { recordId: record.id, correlationId: record.correlationId, ...refusal },
        'a route refused a record',
      );
    await this.routes.addDeliveries(deliveries);
    await this.triggers.markRecord(record.id, 'routed', refusals.length > 0 ? refusals : null);
  }

  /** Unordered routes go straight to intake; ordered ones queue a delivery for the releaser. */
  private async deliver(
    route: RouteEntity,
    record: TriggerRecordEntity,
  ): Promise<RouteDeliveryEntity | undefined> {
    if (
      route.filter &&
      !truthy(await evaluateIn(this.engine, route.tenantId, route.filter, record.data))
    )
      return undefined;
    const data =
      (await evaluateIn(this.engine, route.tenantId, route.mapping, record.data)) ?? null;
    const idempotencyKey = routeIdempotencyKey(route.id, record.recordKey);
    if (route.orderingKey) {
      const key = await evaluateIn(this.engine, route.tenantId, route.orderingKey, record.data);
      const sequence = route.orderingSequence
        ? await evaluateIn(this.engine, route.tenantId, route.orderingSequence, record.data)
        : null;
      const now = Date.now();
      return {
        id: `${record.id}:${route.id}`,
        tenantId: route.tenantId,
        routeId: route.id,
        orderKey: typeof key === 'string' || typeof key === 'number' ? String(key) : canonical(key),
        sequence:
          typeof sequence === 'string' || typeof sequence === 'number'
            ? sortableSequence(sequence)
            : null,
        targetInstallationId: route.targetInstallationId,
        targetAction: route.targetAction,
        idempotencyKey,
        data,
        correlationId: record.correlationId,
        state: 'waiting',
        eventId: null,
        error: null,
        createdAt: now,
        updatedAt: now,
      };
    }
    const answer = await this.submit(route.id, route.tenantId, {
      installationId: route.targetInstallationId,
      action: route.targetAction,
      data,
      idempotencyKey,
      correlationId: record.correlationId,
    });
    if (!answer.eventId)
      throw new DomainError('VALIDATION_FAILED', 'the target refused the mapped event', {
        errors: answer.errors,
      });
    return undefined;
  }

  /** One event into the target's intake, carrying the source record's correlation id. */
  async submit(
    routeId: string,
    tenantId: string,
    event: {
      installationId: string;
      action: string;
      data: unknown;
      idempotencyKey: string;
      correlationId: string;
    },
  ): Promise<{ eventId?: string; errors?: unknown }> {
    const answer = await this.intake.accept(
      event.installationId,
      { action: event.action, data: event.data },
      { idempotencyKey: event.idempotencyKey },
      routePrincipal(routeId, tenantId),
      event.correlationId,
    );
    const item = answer.body.events[0];
    if (answer.status === 202 && item?.eventId) return { eventId: item.eventId };
    return { errors: item?.errors ?? answer.body.error };
  }
}
