import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Principal } from '../auth/principal.js';
import { DomainError } from '../common/domain-error.js';
import { orderedId, sha256 } from '../common/ids.js';
import { check, connectorSchema } from '../common/json-schema.js';
import type { PointerIssue } from '../common/json-schema.js';
import { LOGGER } from '../common/logger.js';
import { canonical } from '../common/canonical.js';
import { RUNTIME_CONFIG } from '../config/config.js';
import type { RuntimeConfig } from '../config/config.js';
import { InstallationService } from '../installations/installation.service.js';
import type { ConnectorVersionEntity } from '../catalog/connector-version.entity.js';
import type { EventEntity } from './event.entity.js';
import { EventRepository } from './event.repository.js';
import { intakePressure } from './intake-pressure.js';
import { PayloadMigrationService } from '../versioning/payload-migration.service.js';
import { QUEUE } from './queue.js';
import { RunObserver } from '../observability/run-observer.service.js';
import type { WorkQueue } from './queue.js';

export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
const MAX_EVENT_BYTES = 1024 * 1024;

export interface IntakeItemAnswer {
  id: string;
  eventId?: string;
  status: 'accepted' | 'duplicate' | 'rejected';
  errors?: PointerIssue[];
}

export interface IntakeAnswer {
  status: 202 | 422;
  body: { events: IntakeItemAnswer[]; correlationId: string; error?: unknown };
  replayed: boolean;
}

interface Candidate {
  index: number;
  /** The idempotency key came from the client (header or item id), so an earlier event may hold it. */
  fromClient: boolean;
  event: EventEntity;
  /** Its entry in the request's answer, settled by the commit. */
  answer: IntakeItemAnswer;
}

interface IncomingEvent {
  action?: unknown;
  data?: unknown;
  id?: unknown;
  schemaVersion?: unknown;
}

export function inputSchemaOf(connector: ConnectorVersionEntity, action: string): object | null {
  const actions = (connector.definition.actions ?? {}) as Record<string, { input?: unknown }>;
  const shape = actions[action];
  if (!shape) return null;
  return connectorSchema(connector, `actions/${action}/input`, shape.input);
}

/**
 * Durable intake: validate each item, de-duplicate by idempotency key, commit, then enqueue.
 * The caller answers 202 only after `accept` resolves, i.e. after the commit.
 */
@Injectable()
export class IntakeService {
  constructor(
    @Inject(EventRepository) private readonly events: EventRepository,
    @Inject(InstallationService) private readonly installations: InstallationService,
    @Inject(QUEUE) private readonly queue: WorkQueue,
    @Inject(RUNTIME_CONFIG) private readonly config: RuntimeConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PayloadMigrationService) private readonly migrations: PayloadMigrationService,
    @Inject(RunObserver) private readonly observer: RunObserver,
  ) {}

  async accept(
    installationId: string,
    body: unknown,
    headers: { idempotencyKey?: string; schemaVersion?: string },
    principal: Principal,
    correlationId: string,
  ): Promise<IntakeAnswer> {
    intakePressure.begin();
    try {
      return await this.acceptNow(installationId, body, headers, principal, correlationId);
    } finally {
      intakePressure.end();
    }
  }

  private async acceptNow(
    installationId: string,
    body: unknown,
    headers: { idempotencyKey?: string; schemaVersion?: string },
    principal: Principal,
    correlationId: string,
  ): Promise<IntakeAnswer> {
    const installation = await this.installations.find(installationId, principal);
    // A needs_reauth installation still takes events: they wait in the queue for the reconnect.
    if (installation.status === 'disabled') {
      throw new DomainError(
        'INSTALLATION_DISABLED',
        `installation ${installationId} is disabled: enable it with PATCH {"status":"enabled"}`,
      );
    }
    const connector = await this.installations.connectorOf(installation);
    const isList = !!body && typeof body === 'object' && !Array.isArray(body) && 'events' in body;
    let items: IncomingEvent[];
    if (isList) {
      const list = (body as { events: unknown }).events;
      if (!Array.isArray(list) || list.length === 0 || list.length > 1000) {
        throw new DomainError('VALIDATION_FAILED', 'events must be an array of 1 to 1000 events', {
          errors: [
            { pointer: '/events', code: 'SCHEMA_ITEMS', message: 'must hold 1 to 1000 events' },
          ],
        });
      }
      items = list as IncomingEvent[];
    } else {
      if (!body || typeof body !== 'object' || Array.isArray(body)) {
        throw new DomainError(
          'VALIDATION_FAILED',
          'the body must be an event {action, data} or {events: [...]}',
          {
            errors: [{ pointer: '', code: 'SCHEMA_TYPE', message: 'must be an object' }],
          },
        );
      }
      items = [body as IncomingEvent];
    }
    const prefix = (index: number) => (isList ? `/events/${index}` : '');
    const now = Date.now();
    const answers: IntakeItemAnswer[] = [];
    const candidates: Candidate[] = [];
    const seenInRequest = new Map<string, string>();
    for (const [index, item] of items.entries()) {
      const issues: PointerIssue[] = [];
      const clientId = typeof item?.id === 'string' && item.id.length > 0 ? item.id : undefined;
      const eventId = orderedId('evt');
      // Without a key from the client, the new event's own id is its key: unique by construction,
      // so there is no earlier event to look up.
      const clientKey = isList
        ? (clientId ?? (headers.idempotencyKey ? `${headers.idempotencyKey}:${index}` : undefined))
        : (headers.idempotencyKey ?? clientId);
      const key = clientKey ?? eventId;
      if (!item || typeof item !== 'object' || Array.isArray(item)) {
        answers.push({
          id: key,
          status: 'rejected',
          errors: [
            {
              pointer: prefix(index),
              code: 'SCHEMA_TYPE',
              message: 'an event must be an object {action, data}',
            },
          ],
        });
        continue;
      }
      if (item.id !== undefined && typeof item.id !== 'string')
        issues.push({
          pointer: `${prefix(index)}/id`,
          code: 'SCHEMA_TYPE',
          message: 'must be a string',
        });
      const action = typeof item.action === 'string' ? item.action : undefined;
      const schema = action ? inputSchemaOf(connector, action) : null;
      if (!action)
        issues.push({
          pointer: `${prefix(index)}/action`,
          code: 'REQUIRED',
          message: 'name the action the event is for',
        });
      else if (!schema) {
        if (!isList)
          throw new DomainError(
            'ACTION_NOT_FOUND',
            `${connector.connectorId}@${connector.version} has no action ${action}`,
            { action },
          );
        issues.push({
          pointer: `${prefix(index)}/action`,
          code: 'ACTION_NOT_FOUND',
          message: `${connector.connectorId}@${connector.version} has no action ${action}`,
        });
      } else {
        // A payload written for an older version is migrated forward before it is validated.
        const prepared = await this.migrations.prepare(
          connector,
          action,
          item.data ?? null,
          typeof item.schemaVersion === 'string' ? item.schemaVersion : headers.schemaVersion,
          `${prefix(index)}/data`,
          (data) => check(schema, data, `${prefix(index)}/data`),
        );
        item.data = prepared.data;
        issues.push(...prepared.issues);
      }
      const text = canonical({ action, data: item.data ?? null });
      if (Buffer.byteLength(text) > MAX_EVENT_BYTES) {
        if (!isList)
          throw new DomainError('PAYLOAD_TOO_LARGE', 'an event is over 1 MB', {
            pointer: prefix(index),
          });
        issues.push({
          pointer: prefix(index),
          code: 'PAYLOAD_TOO_LARGE',
          message: 'an event is over 1 MB',
        });
      }
      if (seenInRequest.has(key)) {
        const sameBody = seenInRequest.get(key) === sha256(text);
        answers.push(
          sameBody
            ? { id: key, status: 'duplicate' }
            : {
                id: key,
                status: 'rejected',
                errors: [
                  {
                    pointer: `${prefix(index)}/id`,
                    code: 'IDEMPOTENCY_CONFLICT',
                    message: 'the id names another event of this request',
                  },
                ],
              },
        );
        continue;
      }
      if (issues.length > 0) {
        answers.push({ id: key, status: 'rejected', errors: issues });
        continue;
      }
      const bodyHash = sha256(text);
      seenInRequest.set(key, bodyHash);
      const state = this.queue.durable ? 'accepted' : 'queued';
      const answer: IntakeItemAnswer = { id: key, status: 'accepted' };
      answers.push(answer);
      candidates.push({
        index,
        fromClient: clientKey !== undefined,
        answer,
        event: {
          id: eventId,
          tenantId: installation.tenantId,
          installationId,
          action: action!,
          idempotencyKey: key,
          bodyHash,
          data: item.data ?? null,
          // The shape the data now has: it was migrated to and validated against this version.
          schemaVersion: connector.version,
          state,
          enqueued: this.queue.durable ? 0 : 1,
          leaseOwner: null,
          leaseExpiresAt: null,
          nextAttemptAt: now,
          attempts: 0,
          correlationId,
          source: 'api',
          lastRunId: null,
          lastBatchId: null,
          output: null,
          error: null,
          response: null,
          createdAt: now,
          updatedAt: now,
        },
      });
    }
    const answer = await this.commit(installationId, isList, answers, candidates, correlationId);
    this.observer.intakeAnswered(
      connector.connectorId,
      installationId,
      answer.body.events,
      answer.replayed,
      now,
    );
    return answer;
  }

  private async commit(
    installationId: string,
    isList: boolean,
    answers: IntakeItemAnswer[],
    candidates: Candidate[],
    correlationId: string,
    retry = 0,
  ): Promise<IntakeAnswer> {
    const now = Date.now();
    const clientKeys = candidates.filter((c) => c.fromClient).map((c) => c.event.idempotencyKey);
    const existing =
      clientKeys.length > 0 ? await this.events.priorByKeys(installationId, clientKeys) : [];
    const byKey = new Map(existing.map((e) => [e.idempotencyKey, e]));
    const fresh: EventEntity[] = [];
    const retire: Array<{ id: string; key: string }> = [];
    for (const { event, answer, index } of candidates) {
      const prior = byKey.get(event.idempotencyKey);
      if (prior && now - prior.createdAt < IDEMPOTENCY_WINDOW_MS) {
        if (prior.bodyHash !== event.bodyHash) {
          if (!isList) {
            throw new DomainError(
              'IDEMPOTENCY_CONFLICT',
              `Idempotency-Key ${event.idempotencyKey} was used within 24 h for another body; use a new key`,
              { key: event.idempotencyKey, eventId: prior.id },
            );
          }
          answer.status = 'rejected';
          answer.errors = [
            {
              pointer: `/events/${index}/id`,
              code: 'IDEMPOTENCY_CONFLICT',
              message: 'this id was used within 24 h for another body',
            },
          ];
          continue;
        }
        if (!isList && prior.response) {
          // The first request's commit can still be waiting for its fsync: so does its replay.
          await this.events.commitIntake([], []);
          return { status: 202, body: prior.response as IntakeAnswer['body'], replayed: true };
        }
        answer.status = 'duplicate';
        answer.eventId = prior.id;
        continue;
      }
      if (prior) retire.push({ id: prior.id, key: prior.idempotencyKey });
      answer.eventId = event.id;
      fresh.push(event);
    }
    const accepted = answers.some((a) => a.status === 'accepted' || a.status === 'duplicate');
    const responseBody = { events: answers, correlationId };
    // Kept for replaying the answer to a repeated Idempotency-Key; a key the runtime made up
    // cannot be repeated by a client that never saw it before the answer.
    if (!isList && fresh[0] && candidates[0]?.fromClient) fresh[0].response = responseBody;
    try {
      await this.events.commitIntake(fresh, retire);
    } catch (error) {
      // A concurrent request committed the same key first: answer as its duplicate.
      if (
        retry < 2 &&
        /unique|duplicate key/i.test(error instanceof Error ? error.message : String(error))
      ) {
        for (const a of answers) if (a.status === 'accepted') delete a.eventId;
        return this.commit(installationId, isList, answers, candidates, correlationId, retry + 1);
      }
      throw error;
    }
    if (fresh.length > 0) {
      const actions = [...new Set(fresh.map((e) => e.action))];
      // Committed is what counts, so the answer does not wait for the queue: with Redis slow or
      // down the 202 still goes out, and the sweeper enqueues whatever this kick misses.
      void this.queue
        .kick(actions.map((a) => ({ installationId, action: a })))
        .then(() =>
          this.queue.durable ? this.events.markEnqueued(fresh.map((e) => e.id)) : undefined,
        )
        .catch((error: unknown) =>
          this.logger.warn(
            {
              err: error instanceof Error ? error.message : String(error),
              installationId,
              correlationId,
            },
            'enqueue failed after commit; the sweeper will retry',
          ),
        );
    }
    if (!accepted) {
      const firstError = answers.find((a) => a.errors)?.errors?.[0];
      return {
        status: 422,
        body: {
          events: answers,
          correlationId,
          error: {
            code: 'VALIDATION_FAILED',
            message: `no event was accepted: ${firstError ? `${firstError.pointer} ${firstError.message}` : 'see events'}`,
            details: { errors: answers.flatMap((a) => a.errors ?? []) },
          },
        },
        replayed: false,
      };
    }
    return { status: 202, body: responseBody, replayed: false };
  }
}
