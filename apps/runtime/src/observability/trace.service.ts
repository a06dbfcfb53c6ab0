import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { DomainError } from '../common/domain-error.js';
import { PLATFORM } from '../platform/ports.js';
import type { CallRecord, Platform } from '../platform/ports.js';
import { classify } from '../execution/classify.js';
import { traceIdFor } from './correlation.js';
import { ObservabilityRepository } from './observability.repository.js';

type Row = Record<string, unknown>;

const iso = (v: unknown) =>
  v === null || v === undefined ? null : new Date(Number(v)).toISOString();
const parse = <T>(v: unknown): T | null =>
  v === null || v === undefined ? null : (JSON.parse(String(v)) as T);

export interface AttemptError {
  code?: string;
  message?: string;
  class?: string;
}

/**
 * "What happened to record X": each event with its attempts in order, and per attempt the run, the
 * connector version, the batch, the partner calls and why the next attempt happened.
 */
@Injectable()
export class TraceService {
  constructor(
    @Inject(ObservabilityRepository) private readonly repository: ObservabilityRepository,
    @Inject(PLATFORM) private readonly platform: Platform,
  ) {}

  async byCorrelation(correlationId: string, principal: Principal) {
    const events = await this.repository.eventsByCorrelation(correlationId, principal.tenantId);
    const trace = await this.build(correlationId ? [correlationId] : [], events, principal);
    if (trace.records.length === 0 && trace.runs.length === 0)
      throw new DomainError('NOT_FOUND', `no trace for correlation id ${correlationId}`, {
        correlationId,
      });
    return { correlationId, traceId: traceIdFor(correlationId), ...trace };
  }

  async byIdempotencyKey(key: string, principal: Principal, installationId?: string) {
    const events = await this.repository.eventsByKey(key, principal.tenantId, installationId);
    if (events.length === 0)
      throw new DomainError('NOT_FOUND', `no event with idempotency key ${key}`, { key });
    const trace = await this.build([], events, principal);
    const correlationIds = [...new Set(events.map((e) => String(e.correlation_id)))];
    return {
      idempotencyKey: key,
      correlationIds,
      traceIds: correlationIds.map(traceIdFor),
      ...trace,
    };
  }

  private async build(correlationIds: string[], events: Row[], principal: Principal) {
    const eventIds = events.map((e) => String(e.id));
    const attempts = await this.repository.attemptsOf(eventIds);
    const batchIds = [
      ...new Set(attempts.map((a) => a.batch_id).filter((b): b is string => typeof b === 'string')),
    ];
    const runs = await this.repository.runsFor(
      correlationIds,
      eventIds,
      batchIds,
      principal.tenantId,
    );
    const runById = new Map(runs.map((r) => [String(r.id), r]));
    const batches = new Map(
      (await this.repository.batchesOf(batchIds)).map((b) => [String(b.id), b]),
    );
    const mismatches = await this.repository.mismatchesOf(runs.map((r) => String(r.id)));
    const mismatchesOf = (runId: string, index: number | null) =>
      mismatches
        .filter(
          (m) =>
            m.run_id === runId &&
            (index === null || m.item_index === null || Number(m.item_index) === index),
        )
        .map((m) => ({
          itemIndex: m.item_index === null ? null : Number(m.item_index),
          issues: parse(m.issues),
        }));

    const records = events.map((event) => {
      const mine = attempts.filter((a) => a.event_id === event.id);
      const itemAttempts = mine.map((a, i) => {
        const run = runById.get(String(a.run_id));
        const batch = typeof a.batch_id === 'string' ? batches.get(a.batch_id) : undefined;
        const calls = (parse<CallRecord[]>(run?.calls) ?? []).map((c) => ({
          method: c.method,
          url: c.url,
          status: c.status ?? null,
          attempt: c.attempt,
          outcome: c.outcome ?? null,
          durationMs: c.durationMs,
        }));
        const error = parse<AttemptError>(a.error);
        const next = mine[i + 1];
        const itemIndex = batch
          ? (parse<string[]>(batch.event_ids) ?? []).indexOf(String(a.event_id))
          : null;
        return {
          attempt: Number(a.attempt),
          startedAt: iso(a.started_at),
          finishedAt: iso(a.finished_at),
          status: String(a.status),
          runId: String(a.run_id),
          worker: String(a.worker),
          connectorVersion: run ? String(run.connector_version) : null,
          connector: run ? `${String(run.connector_id)}@${String(run.connector_version)}` : null,
          correlationId:
            (a.correlation_id as string | null) ?? (run?.correlation_id as string) ?? null,
          batch: batch
            ? {
                id: String(batch.id),
                size: Number(batch.size),
                checksum: String(batch.checksum),
                status: String(batch.status),
                itemIndex,
              }
            : null,
          partner: {
            status: a.partner_status === null ? null : Number(a.partner_status),
            calls,
            // Retries the egress policy made inside this attempt (same run, attempt > 1).
            retriesInRun: calls.filter((c) => c.attempt > 1).length,
          },
          error,
          outputMismatches: mismatchesOf(String(a.run_id), itemIndex),
          retry: this.retryOf(a, error, next, String(event.state)),
        };
      });
      return {
        eventId: String(event.id),
        idempotencyKey: String(event.idempotency_key).replace(/~expired~.*$/, ''),
        installationId: String(event.installation_id),
        action: String(event.action),
        correlationId: String(event.correlation_id),
        source: event.source ?? null,
        acceptedAt: iso(event.created_at),
        finalState: String(event.state),
        done: ['succeeded', 'failed', 'dead'].includes(String(event.state)),
        finishedAt: ['succeeded', 'failed', 'dead'].includes(String(event.state))
          ? iso(event.updated_at)
          : null,
        error: parse(event.error),
        attempts: itemAttempts,
        // Every partner request of the record in order, whichever layer retried it: the egress
        // policy inside an attempt (callAttempt > 1) or a redelivery of the item (itemAttempt > 1).
        partnerCalls: itemAttempts.flatMap((a) =>
          a.partner.calls.map((c, j, calls) => ({
            itemAttempt: a.attempt,
            callAttempt: c.attempt,
            runId: a.runId,
            batchId: a.batch?.id ?? null,
            connector: a.connector,
            attemptStartedAt: a.startedAt,
            method: c.method,
            url: c.url,
            status: c.status,
            outcome: c.outcome,
            durationMs: c.durationMs,
            retry:
              c.outcome === 'success'
                ? null
                : calls
                      .slice(j + 1)
                      .some(
                        (n) => n.method === c.method && n.url === c.url && n.attempt > c.attempt,
                      )
                  ? {
                      retried: true,
                      by: 'egress policy',
                      why: `${c.status ?? c.outcome} is ${c.outcome}: retried after backoff within the attempt`,
                    }
                  : a.retry,
          })),
        ),
      };
    });

    const inRecords = new Set(attempts.map((a) => String(a.run_id)));
    const otherRuns = runs
      .filter((r) => !inRecords.has(String(r.id)))
      .map((r) => ({
        runId: String(r.id),
        kind: String(r.kind),
        installationId: String(r.installation_id),
        action: String(r.action),
        connector: `${String(r.connector_id)}@${String(r.connector_version)}`,
        status: String(r.status),
        error: parse(r.error),
        startedAt: iso(r.created_at),
        finishedAt: iso(r.finished_at),
        durationMs: r.duration_ms === null ? null : Number(r.duration_ms),
        replayOf: r.replay_of ?? null,
        calls: parse<CallRecord[]>(r.calls) ?? [],
        outputMismatches: mismatchesOf(String(r.id), null),
      }));
    return { records, runs: otherRuns };
  }

  private retryOf(attempt: Row, error: AttemptError | null, next: Row | undefined, state: string) {
    if (attempt.status !== 'failed') return null;
    const code = error?.code ?? 'INTERNAL';
    const errorClass = error?.class ?? classify(this.platform, code);
    const status =
      attempt.partner_status === null
        ? ''
        : ` (partner answered ${String(attempt.partner_status)})`;
    if (next)
      return {
        retried: true,
        nextAttemptAt: iso(next.started_at),
        why: `${code} is ${errorClass}${status}: the item was redelivered`,
      };
    if (state === 'queued' || state === 'running' || state === 'accepted')
      return {
        retried: true,
        nextAttemptAt: null,
        why: `${code} is ${errorClass}${status}: a retry is due`,
      };
    return {
      retried: false,
      nextAttemptAt: null,
      why:
        errorClass === 'permanent'
          ? `${code} is permanent${status}: never retried`
          : `${code}${status}: no attempts left (or the retry budget is spent); the item is ${state}`,
    };
  }
}
