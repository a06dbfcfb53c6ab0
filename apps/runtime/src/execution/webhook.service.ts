import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DomainError } from '../common/domain-error.js';
import { newId, sha256 } from '../common/ids.js';
import { LOGGER } from '../common/logger.js';
import { InstallationService } from '../installations/installation.service.js';
import { ENGINE, PLATFORM } from '../platform/ports.js';
import type { Engine, Platform } from '../platform/ports.js';
import { EventRepository } from './event.repository.js';
import type { EventEntity } from './event.entity.js';

interface TriggerShape {
  kind?: string;
  verify?: { secretField?: string } & Record<string, unknown>;
  eventId?: { header?: string; expression?: string };
}

/** Where verified trigger records go next; the routes feature plugs its fan-out in here. */
export const TRIGGER_SINK = Symbol('TRIGGER_SINK');
export interface TriggerSink {
  onRecord(record: EventEntity): Promise<void>;
}
export const noTriggerSink: TriggerSink = { onRecord: () => Promise.resolve() };

@Injectable()
export class WebhookService {
  constructor(
    @Inject(InstallationService) private readonly installations: InstallationService,
    @Inject(EventRepository) private readonly events: EventRepository,
    @Inject(PLATFORM) private readonly platform: Platform,
    @Inject(ENGINE) private readonly engine: Engine,
    @Inject(TRIGGER_SINK) private readonly sink: TriggerSink,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Verifies first; a payload whose signature fails is never stored. */
  async receive(
    installationId: string,
    trigger: string,
    headers: Record<string, string | string[] | undefined>,
    rawBody: Buffer,
    correlationId: string,
  ) {
    let runnable;
    try {
      runnable = await this.installations.runnable(installationId);
    } catch (error) {
      if (error instanceof DomainError)
        throw new DomainError('NOT_FOUND', `no webhook ${installationId}/${trigger}`);
      throw error;
    }
    const { installation, definition, credentials } = runnable;
    const shape = ((definition.triggers ?? {}) as Record<string, TriggerShape>)[trigger];
    if (!shape || shape.kind !== 'webhook' || installation.status !== 'enabled') {
      throw new DomainError('NOT_FOUND', `no webhook ${installationId}/${trigger}`);
    }
    if (shape.verify) {
      const secret = shape.verify.secretField ? credentials[shape.verify.secretField] : undefined;
      if (!secret) {
        this.logger.warn(
          { installationId, trigger },
          'webhook refused: the installation has no secret for its verify.secretField',
        );
        throw new DomainError(
          'WEBHOOK_SIGNATURE_INVALID',
          'the webhook signature cannot be verified: the installation has no signing secret',
        );
      }
      const verdict = this.platform.engine.verifyWebhook(shape.verify, headers, rawBody, secret);
      if (!verdict.ok) {
        this.logger.warn(
          { installationId, trigger, code: verdict.code },
          'webhook signature refused',
        );
        throw new DomainError('WEBHOOK_SIGNATURE_INVALID', verdict.message, { code: verdict.code });
      }
    }
    let payload: unknown;
    try {
      payload = rawBody.length === 0 ? null : (JSON.parse(rawBody.toString('utf8')) as unknown);
    } catch {
      throw new DomainError('VALIDATION_FAILED', 'the webhook body is not JSON', {
        errors: [{ pointer: '', code: 'INVALID_JSON', message: 'not JSON' }],
      });
    }
    // A verified handshake (Slack's url_verification) is answered and never stored as a record.
    const challenge = await this.engine.answerChallenge(
      `${installation.id}@${installation.version}`,
      definition,
      trigger,
      { headers: pickHeaders(headers), body: payload },
    );
    if (challenge)
      return { status: 'challenge' as const, respond: challenge.respond, correlationId };
    const headerName = shape.eventId?.header?.toLowerCase();
    const headerValue = headerName ? headers[headerName] : undefined;
    const partnerId = typeof headerValue === 'string' ? headerValue : undefined;
    const key = `webhook:${trigger}:${partnerId ?? sha256(rawBody)}`;
    const [prior] = await this.events.findByKeys(installationId, [key]);
    if (prior) return { id: prior.id, status: 'duplicate' as const, correlationId };
    const now = Date.now();
    const record: EventEntity = {
      id: newId('evt'),
      tenantId: installation.tenantId,
      installationId,
      action: trigger,
      idempotencyKey: key,
      bodyHash: sha256(rawBody),
      data: { headers: pickHeaders(headers), body: payload },
      schemaVersion: installation.version,
      // A trigger record is itself done once committed; routes turn it into events of target actions.
      state: 'succeeded',
      enqueued: 1,
      leaseOwner: null,
      leaseExpiresAt: null,
      nextAttemptAt: now,
      attempts: 0,
      correlationId,
      source: `webhook:${trigger}`,
      lastRunId: null,
      lastBatchId: null,
      output: null,
      error: null,
      response: null,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.events.transaction((manager) => this.events.insertMany([record], manager));
    } catch (error) {
      if (/unique|duplicate key/i.test(error instanceof Error ? error.message : String(error))) {
        return { id: record.id, status: 'duplicate' as const, correlationId };
      }
      throw error;
    }
    await this.sink.onRecord(record);
    return { id: record.id, status: 'accepted' as const, correlationId };
  }
}

// Only headers a route mapping may need; auth and signature headers stay out of storage.
function pickHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (/authorization|signature|cookie|api-key|secret/i.test(name)) continue;
    if (
      typeof value === 'string' &&
      (name.startsWith('x-') || name === 'content-type' || name.startsWith('webhook-id'))
    )
      out[name] = value;
  }
  return out;
}
