import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { DomainError } from '../common/domain-error.js';
import { check } from '../common/json-schema.js';
import { InstallationService } from '../installations/installation.service.js';
import { planFor } from './dispatcher.service.js';
import { ExecutorService } from './executor.service.js';
import { PayloadMigrationService } from '../versioning/payload-migration.service.js';
import { inputSchemaOf } from './intake.service.js';

export function runFailure(
  runId: string,
  error: { code: string; message: string; class?: string; details?: unknown } | undefined,
): DomainError {
  const code = error?.code ?? 'INTERNAL';
  if (code === 'RATE_LIMITED') {
    // Held back by a limit (ours or the partner's): the caller should come back, not give up.
    const waitMs = (error?.details as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
    const retryAfterSec = Math.max(
      1,
      Math.ceil((typeof waitMs === 'number' ? waitMs : 1000) / 1000),
    );
    return new DomainError(
      'RATE_LIMITED',
      `the run was rate limited: ${error?.message ?? ''}`.trim(),
      {
        runId,
        code,
        class: error?.class,
        retryAfterSec,
      },
    );
  }
  if (code === 'VALIDATION_FAILED')
    return new DomainError('VALIDATION_FAILED', error?.message ?? 'invalid', {
      runId,
      code,
      class: error?.class,
      errors: [],
    });
  return new DomainError(
    'RUN_FAILED',
    `the run failed with ${code}: ${error?.message ?? ''}`.trim(),
    { runId, code, class: error?.class },
  );
}

/** Synchronous calls of realtime actions: validate, run at once, answer with the output. */
@Injectable()
export class ActionService {
  constructor(
    @Inject(InstallationService) private readonly installations: InstallationService,
    @Inject(ExecutorService) private readonly executor: ExecutorService,
    @Inject(PayloadMigrationService) private readonly migrations: PayloadMigrationService,
  ) {}

  async invoke(
    installationId: string,
    action: string,
    input: unknown,
    principal: Principal,
    correlationId: string,
    schemaVersion?: string,
  ) {
    const installation = await this.installations.find(installationId, principal);
    if (installation.status !== 'enabled')
      throw new DomainError(
        'INSTALLATION_DISABLED',
        installation.status === 'needs_reauth'
          ? `installation ${installationId} needs reconnecting to its provider: POST /v1/installations/${installationId}/oauth/start (Reconnect in the editor)`
          : `installation ${installationId} is disabled`,
      );
    const runnable = await this.installations.runnable(installationId);
    const plan = planFor(runnable.definition, action);
    const schema = inputSchemaOf(runnable.connector, action);
    if (!plan || !schema) {
      throw new DomainError(
        'ACTION_NOT_FOUND',
        `${runnable.connector.connectorId}@${runnable.connector.version} has no action ${action}`,
        { action },
      );
    }
    if (plan.batched) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `${action} is a batched action: send it to POST /v1/installations/${installationId}/events`,
        {
          errors: [
            {
              pointer: '',
              code: 'ACTION_IS_BATCHED',
              message: 'batched actions take events, not synchronous calls',
            },
          ],
        },
      );
    }
    // A payload written for an older version (Plugboard-Schema-Version) is migrated before validation.
    const prepared = await this.migrations.prepare(
      runnable.connector,
      action,
      input ?? null,
      schemaVersion,
      '',
      (data) => check(schema, data),
    );
    if (prepared.issues.length > 0) {
      const first = prepared.issues[0];
      throw new DomainError(
        'VALIDATION_FAILED',
        `the action input is invalid: ${first?.pointer || '/'} ${first?.message ?? ''}`.trim(),
        { errors: prepared.issues },
      );
    }
    input = prepared.data;
    const { run, result } = await this.executor.execute({
      runnable,
      action,
      kind: 'action',
      input,
      correlationId,
    });
    if (result.status !== 'succeeded') throw runFailure(run.id, result.error);
    return {
      runId: run.id,
      output: result.output ?? null,
      connectorVersion: runnable.installation.version,
    };
  }
}
