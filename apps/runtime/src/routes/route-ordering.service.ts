import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DomainError } from '../common/domain-error.js';
import { LOGGER } from '../common/logger.js';
import type { RouteDeliveryEntity } from './route-delivery.entity.js';
import { RouteFanoutService } from './route-fanout.service.js';
import { RouteRepository } from './route.repository.js';

/** A release whose intake never answered (its process died) is tried again after this. */
const STALE_RELEASE_MS = 30_000;

/**
 * Ordered delivery per route and key. Only the head of a key (nothing of that key released and
 * unfinished, nothing earlier waiting) is handed to intake; the next follows once the head's event
 * is final (succeeded, failed or dead). So retries and any number of workers cannot reorder a key,
 * and the dispatcher needs no change: it never sees the later items early. Keys run in parallel.
 */
@Injectable()
export class RouteOrderingService {
  constructor(
    @Inject(RouteRepository) private readonly routes: RouteRepository,
    @Inject(RouteFanoutService) private readonly fanout: RouteFanoutService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async tick(): Promise<void> {
    // Read first: on SQLite even an UPDATE that matches nothing takes the write lock intake needs.
    if (!(await this.routes.hasOpenDeliveries())) return;
    await this.routes.settleReleased();
    for (const stale of await this.routes.staleReleases(Date.now() - STALE_RELEASE_MS, 50))
      await this.submit(stale);
    const heads = await this.routes.heads(200);
    await Promise.all(
      heads.map(async (head) => {
        if (!(await this.routes.release(head.id))) return;
        const latest =
          head.sequence === null
            ? null
            : await this.routes.deliveredSequence(head.routeId, head.orderKey);
        // An arrival older than what the target already has would undo it: it is dropped.
        if (latest !== null && head.sequence !== null && head.sequence < latest) {
          await this.routes.recordEvent(head.id, null, {
            code: 'STALE_EVENT',
            message: 'an event of this key with a later sequence was already delivered',
          });
          return;
        }
        await this.submit(head);
      }),
    );
  }

  private async submit(delivery: RouteDeliveryEntity): Promise<void> {
    try {
      const answer = await this.fanout.submit(delivery.routeId, delivery.tenantId, {
        installationId: delivery.targetInstallationId,
        action: delivery.targetAction,
        data: delivery.data,
        idempotencyKey: delivery.idempotencyKey,
        correlationId: delivery.correlationId,
      });
      await this.routes.recordEvent(
        delivery.id,
        answer.eventId ?? null,
        answer.eventId ? null : { code: 'VALIDATION_FAILED', errors: answer.errors },
      );
    } catch (error) {
      if (error instanceof DomainError) {
        await this.routes.recordEvent(delivery.id, null, {
          code: error.code,
          message: error.message,
        });
        return;
      }
      // Left released without an event: the stale-release pass submits it again (same key).
      this.logger.warn(
        { err: error instanceof Error ? error.message : String(error), deliveryId: delivery.id },
        'ordered delivery not handed to intake yet',
      );
    }
  }
}
