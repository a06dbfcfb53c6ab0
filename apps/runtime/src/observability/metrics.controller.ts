import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequireScopes } from '../auth/auth.decorators.js';
import { MetricsService } from './metrics.service.js';

/**
 * Prometheus exposition on the API port, behind the platform `admin` scope: the series name
 * connectors and queue sizes of every tenant, so a tenant key must not read them, and one port with
 * one auth path is simpler to run than a second listener (scrape with a bearer token file).
 */
@ApiTags('observability')
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(MetricsService) private readonly metrics: MetricsService) {}

  @Get()
  @RequireScopes('admin')
  @ApiOperation({ summary: 'Prometheus metrics (text exposition format); needs an admin key' })
  async scrape(@Res() reply: FastifyReply): Promise<void> {
    const text = await this.metrics.render();
    await reply.status(200).header('content-type', this.metrics.contentType).send(text);
  }
}
