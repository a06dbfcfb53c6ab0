import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireScopes } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { DomainError } from '../common/domain-error.js';
import { TraceService } from './trace.service.js';

@ApiTags('observability')
@Controller('v1/trace')
export class TraceController {
  constructor(@Inject(TraceService) private readonly traces: TraceService) {}

  @Get()
  @RequireScopes('runs:read')
  @ApiOperation({
    summary:
      'Trace of the event(s) with this idempotency key: ?idempotencyKey=...&installationId=...',
  })
  byKey(
    @CurrentPrincipal() principal: Principal,
    @Query('idempotencyKey') idempotencyKey?: string,
    @Query('installationId') installationId?: string,
  ) {
    if (!idempotencyKey) {
      throw new DomainError(
        'VALIDATION_FAILED',
        'name the record: ?idempotencyKey=... (or use /v1/trace/:correlationId)',
        {
          errors: [{ pointer: '/idempotencyKey', code: 'REQUIRED', message: 'is required' }],
        },
      );
    }
    return this.traces.byIdempotencyKey(idempotencyKey, principal, installationId);
  }

  @Get(':correlationId')
  @RequireScopes('runs:read')
  @ApiOperation({ summary: 'Every attempt of every record carrying this correlation id, in order' })
  byCorrelation(
    @Param('correlationId') correlationId: string,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.traces.byCorrelation(correlationId, principal);
  }
}
