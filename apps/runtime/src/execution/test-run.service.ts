import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';
import { newId } from '../common/ids.js';
import { ENGINE, PLATFORM } from '../platform/ports.js';
import type { Definition, Engine, Platform } from '../platform/ports.js';

export interface TestRunRequest {
  definition: Definition;
  action: string;
  input?: unknown;
  items?: unknown[];
  config?: Record<string, unknown>;
  credentials?: Record<string, string>;
  interactions?: unknown[];
}

/** The editor's "Test": a draft definition's action in the real sandbox, nothing stored. */
@Injectable()
export class TestRunService {
  constructor(
    @Inject(ENGINE) private readonly engine: Engine,
    @Inject(PLATFORM) private readonly platform: Platform,
  ) {}

  async run(request: TestRunRequest, correlationId: string) {
    const validation = this.platform.definition.validate(request.definition);
    if (!validation.valid) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `the draft definition is invalid: ${validation.errors[0]?.pointer} ${validation.errors[0]?.message}`,
        {
          errors: validation.errors.map((e) => ({ ...e, pointer: `/definition${e.pointer}` })),
        },
      );
    }
    const actions = (request.definition.actions ?? {}) as Record<string, unknown>;
    if (!actions[request.action]) {
      throw new DomainError('ACTION_NOT_FOUND', `the draft has no action ${request.action}`, {
        action: request.action,
      });
    }
    let transport: unknown;
    if (request.interactions) {
      const Recorded = this.platform.engine.RecordedTransport;
      const base = (request.definition.base as { url?: string } | undefined)?.url;
      let basePath: string;
      try {
        basePath = base ? new URL(base.replace(/{{[^}]*}}/g, 'x')).pathname.replace(/\/$/, '') : '';
      } catch {
        basePath = '';
      }
      transport = new Recorded(request.interactions, basePath);
    }
    const runId = newId('trn');
    const result = await this.engine.runAction(request.definition, request.action, {
      ...(request.items ? { items: request.items } : { input: request.input }),
      config: request.config ?? {},
      credentials: request.credentials ?? {},
      meta: { runId, correlationId, attempt: 1 },
      // Drafts get their own isolate key so a draft never shares a heap with a live installation.
      isolateKey: `test-run:${runId}`,
      ...(transport ? { transport } : {}),
    });
    return { runId, ...result };
  }
}
