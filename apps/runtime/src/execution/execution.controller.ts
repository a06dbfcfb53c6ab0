import {
  Body,
  Controller,
  Get,
  Headers,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CorrelationId, CurrentPrincipal, Public, RequireScopes } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { BodySchemaPipe } from '../common/body.pipe.js';
import { ActionService } from './action.service.js';
import { IntakeService } from './intake.service.js';
import { RunsService } from './runs.service.js';
import { TestRunService } from './test-run.service.js';
import type { TestRunRequest } from './test-run.service.js';
import { WebhookService } from './webhook.service.js';

const replayBatchSchema = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: { items: { type: 'array', items: { type: ['string', 'integer'] } } },
};
const testRunSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['definition', 'action'],
  properties: {
    definition: { type: 'object' },
    action: { type: 'string', minLength: 1 },
    input: {},
    items: { type: 'array' },
    config: { type: 'object' },
    credentials: { type: 'object', additionalProperties: { type: 'string' } },
    interactions: { type: 'array', items: { type: 'object' } },
  },
};

@ApiTags('execution')
@Controller()
export class ExecutionController {
  constructor(
    @Inject(ActionService) private readonly actions: ActionService,
    @Inject(IntakeService) private readonly intake: IntakeService,
    @Inject(RunsService) private readonly runs: RunsService,
    @Inject(WebhookService) private readonly webhooks: WebhookService,
    @Inject(TestRunService) private readonly testRuns: TestRunService,
  ) {}

  @Post('v1/installations/:id/actions/:action')
  @RequireScopes('actions:invoke')
  @ApiOperation({ summary: 'Synchronous call of a realtime action; 200 {runId, output}' })
  async invoke(
    @Param('id') id: string,
    @Param('action') action: string,
    @Body() input: unknown,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('plugboard-schema-version') schemaVersion?: string,
  ) {
    const result = await this.actions.invoke(
      id,
      action,
      input,
      principal,
      correlationId,
      schemaVersion,
    );
    void reply.status(200);
    return result;
  }

  @Post('hooks/:installationId/:trigger')
  @Public()
  @ApiOperation({
    summary: 'Inbound partner webhook; the signature is checked before anything is stored',
  })
  async hook(
    @Param('installationId') installationId: string,
    @Param('trigger') trigger: string,
    @Req() request: FastifyRequest & { rawBody?: Buffer },
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const raw =
      request.rawBody ??
      Buffer.from(
        typeof request.body === 'string' ? request.body : JSON.stringify(request.body ?? ''),
      );
    const result = await this.webhooks.receive(
      installationId,
      trigger,
      request.headers,
      raw,
      correlationId,
    );
    if (result.status === 'challenge') {
      void reply.status(200);
      return result.respond;
    }
    void reply.status(202);
    return result;
  }

  @Get('v1/runs')
  @RequireScopes('runs:read')
  async listRuns(
    @CurrentPrincipal() principal: Principal,
    @Query('installationId') installationId?: string,
    @Query('status') status?: string,
    @Query('eventId') eventId?: string,
    @Query('correlationId') correlationId?: string,
    @Query('limit') limit?: string,
  ) {
    return {
      runs: await this.runs.list(principal, {
        installationId,
        status,
        eventId,
        correlationId,
        limit: limit ? Number(limit) : undefined,
      }),
    };
  }

  @Get('v1/runs/:id')
  @RequireScopes('runs:read')
  getRun(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.runs.get(id, principal);
  }

  @Get('v1/events/:id')
  @RequireScopes('runs:read', 'events:write')
  getEvent(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.runs.event(id, principal);
  }

  @Get('v1/batches/:id')
  @RequireScopes('runs:read')
  getBatch(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.runs.batch(id, principal);
  }

  @Post('v1/runs/:id/replay')
  @RequireScopes('runs:replay')
  async replayRun(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.runs.replayRun(id, principal, correlationId);
    void reply.status('runId' in result ? 200 : 202);
    return result;
  }

  @Post('v1/batches/:id/replay')
  @RequireScopes('runs:replay')
  @ApiBody({ schema: replayBatchSchema })
  async replayBatch(
    @Param('id') id: string,
    @Body(new BodySchemaPipe(replayBatchSchema))
    body: { items?: Array<string | number> } | undefined,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    void reply.status(202);
    return this.runs.replayBatch(id, principal, body?.items, correlationId);
  }

  @Post('v1/test-runs')
  @RequireScopes('catalog:publish', 'actions:invoke')
  @ApiOperation({ summary: "Run a draft definition's action in the sandbox; per-node trace" })
  @ApiBody({ schema: testRunSchema })
  async testRun(
    @Body(new BodySchemaPipe(testRunSchema)) body: TestRunRequest,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    void reply.status(200);
    return this.testRuns.run(body, correlationId);
  }
}
