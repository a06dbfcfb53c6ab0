import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { Public } from '../auth/auth.decorators.js';
import { RUNTIME_CONFIG } from '../config/config.js';
import type { RuntimeConfig } from '../config/config.js';
import { QUEUE } from '../execution/queue.js';
import type { WorkQueue } from '../execution/queue.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(RUNTIME_CONFIG) private readonly config: RuntimeConfig,
    @Inject(QUEUE) private readonly queue: WorkQueue,
  ) {}

  @Get('live')
  @Public()
  live() {
    return { status: 'ok' };
  }

  /** Ready when the database answers and, in cluster mode, Redis does too. */
  @Get('ready')
  @Public()
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const checks: Record<string, { ok: boolean; error?: string }> = {};
    try {
      await this.db.query('SELECT 1');
      checks.database = { ok: true };
    } catch (error) {
      checks.database = {
        ok: false,
        error: error instanceof Error ? error.message : String(error),
      };
    }
    if (this.config.mode === 'cluster') checks.redis = await this.queue.ping();
    const ok = Object.values(checks).every((c) => c.ok);
    void reply.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'unavailable', mode: this.config.mode, checks };
  }
}
