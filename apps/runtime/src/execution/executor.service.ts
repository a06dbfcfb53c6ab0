import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { newId } from '../common/ids.js';
import { LOGGER } from '../common/logger.js';
import type { RunnableInstallation } from '../installations/installation.service.js';
import { traceparentFor, withLogContext } from '../observability/correlation.js';
import { RunObserver } from '../observability/run-observer.service.js';
import { isAuthorizationCode } from '../oauth/oauth-client.js';
import { OAuthTokenService } from '../oauth/oauth-token.service.js';
import { ENGINE, PLATFORM } from '../platform/ports.js';
import type { Engine, Platform, RunMeta, RunResult } from '../platform/ports.js';
import { quotasRequest } from '../policies/quotas.js';
import { classify } from './classify.js';
import type { RunEntity, RunKind } from './run.entity.js';
import { RunRepository } from './run.repository.js';

export interface ExecuteRequest {
  runnable: RunnableInstallation;
  action: string;
  kind: RunKind;
  input?: unknown;
  items?: unknown[];
  correlationId: string;
  eventId?: string | null;
  batchId?: string | null;
  replayOf?: string | null;
  idempotencyKey?: string;
  itemKeys?: string[];
  attempt?: number;
  firstCallAttempt?: number;
}

/** Runs one action through the engine and records the run; used by every path that does work. */
@Injectable()
export class ExecutorService {
  constructor(
    @Inject(ENGINE) private readonly engine: Engine,
    @Inject(PLATFORM) private readonly platform: Platform,
    @Inject(RunRepository) private readonly runs: RunRepository,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(RunObserver) private readonly observer: RunObserver,
    @Inject(OAuthTokenService) private readonly oauthTokens: OAuthTokenService,
  ) {}

  execute(request: ExecuteRequest): Promise<{ run: RunEntity; result: RunResult }> {
    const { installation } = request.runnable;
    const runId = newId('run');
    return withLogContext(
      {
        correlationId: request.correlationId,
        tenantId: installation.tenantId,
        installationId: installation.id,
        connector: `${installation.connectorId}@${installation.version}`,
        runId,
        ...(request.batchId ? { batchId: request.batchId } : {}),
        ...(request.eventId ? { eventId: request.eventId } : {}),
      },
      () => this.executeRun(request, runId),
    );
  }

  private async executeRun(
    request: ExecuteRequest,
    runId: string,
  ): Promise<{ run: RunEntity; result: RunResult }> {
    const { installation, definition, credentials } = request.runnable;
    const started = Date.now();
    const meta: RunMeta = {
      runId,
      correlationId: request.correlationId,
      traceparent: traceparentFor(request.correlationId),
      tenantId: installation.tenantId,
      installationId: installation.id,
      attempt: request.attempt ?? 1,
      ...(request.firstCallAttempt ? { firstCallAttempt: request.firstCallAttempt } : {}),
      ...(request.batchId ? { batchId: request.batchId } : {}),
      ...(request.idempotencyKey ? { idempotencyKey: request.idempotencyKey } : {}),
      ...(request.itemKeys ? { itemKeys: request.itemKeys } : {}),
      connectorVersion: installation.version,
    };
    this.observer.runStarting(
      request.runnable,
      request.action,
      request.items ? { items: request.items } : { input: request.input },
    );
    let result: RunResult;
    try {
      result = await this.engine.runAction(definition, request.action, {
        ...(request.items ? { items: request.items } : { input: request.input }),
        config: installation.config,
        credentials,
        meta,
        isolateKey: `${installation.id}@${installation.version}`,
        // The installation's quotas tighten the egress limits (tenant, installation, endpoint layers).
        ...quotasRequest(installation.quotas),
        // Authorization-code tokens come from the token store, fresh, at the egress bridge.
        ...(isAuthorizationCode(definition.auth)
          ? { oauth: this.oauthTokens.providerFor(installation, definition.auth) }
          : {}),
      });
    } catch (error) {
      const code =
        typeof (error as { code?: unknown }).code === 'string'
          ? String((error as { code: string }).code)
          : 'INTERNAL';
      result = {
        status: 'failed',
        error: {
          code,
          message: error instanceof Error ? error.message : String(error),
          class: classify(this.platform, code),
        },
        trace: [],
        calls: [],
        durationMs: Date.now() - started,
      };
    }
    const run: RunEntity = {
      id: runId,
      tenantId: installation.tenantId,
      installationId: installation.id,
      connectorId: installation.connectorId,
      connectorVersion: installation.version,
      action: request.action,
      kind: request.kind,
      status: result.status,
      eventId: request.eventId ?? null,
      batchId: request.batchId ?? null,
      replayOf: request.replayOf ?? null,
      input: request.items ? { items: request.items } : (request.input ?? null),
      output: result.items ? { items: result.items } : (result.output ?? null),
      error: result.error ?? null,
      trace: result.trace ?? [],
      calls: result.calls ?? [],
      attempt: request.attempt ?? 1,
      correlationId: request.correlationId,
      durationMs: Math.round(result.durationMs ?? Date.now() - started),
      createdAt: started,
      finishedAt: Date.now(),
    };
    await this.runs.insertRun(run);
    await this.observer.runFinished(request.runnable, run, result);
    this.logger.info(
      {
        runId,
        tenantId: installation.tenantId,
        installationId: installation.id,
        connector: `${installation.connectorId}@${installation.version}`,
        action: request.action,
        batchId: request.batchId ?? undefined,
        eventId: request.eventId ?? undefined,
        correlationId: request.correlationId,
        attempt: run.attempt,
        calls: result.calls?.length ?? 0,
        partnerStatus: result.calls?.[result.calls.length - 1]?.status,
        status: result.status,
        errorCode: result.error?.code,
        durationMs: run.durationMs,
      },
      'run finished',
    );
    return { run, result };
  }
}
