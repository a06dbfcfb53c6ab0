import 'reflect-metadata';
import { existsSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import type { Core } from './app.module.js';
import { ApiKeyService } from './api-keys/api-key.service.js';
import { CatalogService } from './catalog/catalog.service.js';
import { TenantService } from './tenants/tenant.service.js';
import { createAccessLogger, createRootLogger, PinoNestLogger } from './common/logger.js';
import { resolveMasterKey } from './common/master-key.js';
import { ConfigError, loadConfig } from './config/config.js';
import type { RuntimeConfig } from './config/config.js';
import { openDatabase } from './database/data-source.js';
import { BullQueue } from './execution/bull-queue.js';
import { DispatcherService } from './execution/dispatcher.service.js';
import { EVENTS_OPENAPI, EVENTS_ROUTE } from './execution/intake.route.js';
import { InProcessQueue } from './execution/queue.js';
import { createRuntimePolicies } from './platform/egress-policy.js';
import { platform } from './platform/ports.js';
import type { Engine } from './platform/ports.js';
import { correlationIdFrom, openLogContext, withLogContext } from './observability/correlation.js';
import { RunObserver } from './observability/run-observer.service.js';
import { policyEvents } from './observability/policy-events.js';

const BODY_LIMIT = 10 * 1024 * 1024;

async function buildCore(config: RuntimeConfig, logger: Logger): Promise<Core> {
  const dataSource = await openDatabase(config);
  const masterKey = resolveMasterKey(config);
  const queue =
    config.mode === 'cluster'
      ? new BullQueue(config.redisUrl!, config.queuePrefix, logger)
      : new InProcessQueue(logger);
  const policies = createRuntimePolicies(platform, config, (event) => policyEvents.emit(event));
  const egressPolicy = policies.egress;
  const engine: Engine = platform.engine.createEngine({
    egress: { allowPrivate: config.egressAllowPrivate },
    policy: egressPolicy,
    logger: engineLogger(logger.child({ component: 'engine' })),
  });
  return {
    config,
    logger,
    dataSource,
    masterKey,
    queue,
    platform,
    engine,
    egressPolicy,
    policies,
  };
}

function engineLogger(logger: Logger) {
  return {
    log(
      level: 'debug' | 'info' | 'warn' | 'error',
      message: string,
      fields?: Record<string, unknown>,
    ) {
      logger[level](fields ?? {}, message);
    },
  };
}

function installShutdown(logger: Logger, close: () => Promise<void>): void {
  let closing = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (closing) return;
      closing = true;
      logger.info({ signal }, 'shutting down');
      close()
        .catch((error: unknown) => logger.error({ err: String(error) }, 'shutdown failed'))
        .finally(() => process.exit(0));
    });
  }
}

async function startApi(config: RuntimeConfig, logger: Logger): Promise<void> {
  const core = await buildCore(config, logger);
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    // request.log is the runtime logger itself: the request's correlation id reaches every line
    // through the log context (the logger's mixin), so a child per request would only repeat it as
    // reqId, and making one runs its bindings through the redaction paths on every request.
    childLoggerFactory: (root: FastifyBaseLogger) => root,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    genReqId: (request: IncomingMessage) => correlationIdFrom(request.headers['x-correlation-id']),
    trustProxy: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forApi(core), adapter, {
    rawBody: true,
    logger: new PinoNestLogger(logger.child({ component: 'nest' })),
  });
  const fastify = app.getHttpAdapter().getInstance();
  // The rest of the request runs inside the log context, so every line it writes names the
  // correlation id; preHandler enters again because body parsing can leave the onRequest context.
  // The context closes with the response. The events route, the intake hot path, opens none: it
  // names the correlation id on its own lines (see correlation.ts for why).
  // Declared up front, so every request object keeps one shape while hooks and guards fill them in.
  for (const field of ['correlationId', 'principal', 'apiVersion', 'rawBody'])
    fastify.decorateRequest(field, null);
  const withoutContext = new WeakSet<FastifyRequest>();
  fastify.addHook('onRequest', (request, reply, done) => {
    (request as typeof request & { correlationId: string }).correlationId = String(request.id);
    void reply.header('x-correlation-id', String(request.id));
    if (request.method === 'POST' && request.routeOptions.url === EVENTS_ROUTE) {
      withoutContext.add(request);
      return done();
    }
    reply.raw.once('close', openLogContext({ correlationId: String(request.id) }, done));
  });
  fastify.addHook('preHandler', (request, _reply, done) => {
    if (withoutContext.has(request)) return done();
    withLogContext({ correlationId: String(request.id) }, done);
  });
  const observer = app.get(RunObserver);
  const access = createAccessLogger(config.logLevel).child({
    role: config.role,
    mode: config.mode,
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const principal = (
      request as typeof request & { principal?: { keyId: string; tenantId: string | null } }
    ).principal;
    const params = (request.params ?? {}) as { id?: string; installationId?: string };
    const route = request.routeOptions.url ?? 'unmatched';
    observer.httpAnswered(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    // Below info (LOG_LEVEL=warn) the line is not even built.
    if (access.isLevelEnabled('info'))
      access.info(
        {
          method: request.method,
          url: request.url.split('?')[0],
          route,
          status: reply.statusCode,
          durationMs: Math.round(reply.elapsedTime),
          correlationId: String(request.id),
          tenantId: principal?.tenantId ?? undefined,
          installationId:
            params.installationId ??
            (route.startsWith('/v1/installations/:id') ? params.id : undefined),
          keyId: principal?.keyId,
        },
        'request',
      );
    done();
  });

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Plugboard runtime')
      .setDescription(
        'Catalog, installations, actions, events, webhooks, runs. Send the API key as Authorization: Bearer pb_...',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  document.paths['/v1/installations/{id}/events'] = EVENTS_OPENAPI as never;
  SwaggerModule.setup('docs', app, document);

  if (existsSync(config.editorDir)) {
    await app.register((await import('@fastify/static')).default, {
      root: config.editorDir,
      prefix: '/',
      wildcard: false,
      index: ['index.html'],
    });
  }

  await app.init();
  const rewrapped = await app.get(TenantService).rewrapDataKeys(config.previousMasterKey);
  if (rewrapped > 0)
    logger.info({ tenants: rewrapped }, 'tenant data keys re-wrapped with the new master key');
  const created = await app.get(ApiKeyService).ensureAdminKey();
  if (created) {
    // Printed once, outside the structured log, so the key never lands in log storage.
    process.stderr.write(
      `\n  Plugboard admin API key (shown once, store it now):\n\n    ${created.key}\n\n`,
    );
  }
  if (config.publishBundled) await app.get(CatalogService).publishBundled();

  const dispatcher = app.get(DispatcherService);
  let timer: NodeJS.Timeout | undefined;
  if (config.mode === 'embedded') {
    core.queue.consume(config.workerConcurrency, (kick) => dispatcher.drain(kick));
    const tick = () => {
      dispatcher
        .sweep('run')
        .catch((error: unknown) => logger.error({ err: String(error) }, 'dispatcher tick failed'))
        .finally(() => {
          timer = setTimeout(tick, config.dispatchIntervalMs);
        });
    };
    tick();
  }
  await app.listen({ port: config.port, host: config.host });
  logger.info(
    {
      port: config.port,
      mode: config.mode,
      dataDir: config.databaseUrl ? undefined : config.dataDir,
    },
    'plugboard runtime listening',
  );
  installShutdown(logger, async () => {
    if (timer) clearTimeout(timer);
    dispatcher.stop();
    await app.close();
    await dispatcher.idle();
    await core.queue.close();
    await core.engine.dispose();
    await core.policies.close();
    await core.dataSource.destroy();
  });
}

async function startWorker(config: RuntimeConfig, logger: Logger): Promise<void> {
  const core = await buildCore(config, logger);
  const app = await NestFactory.createApplicationContext(AppModule.forWorker(core), {
    logger: new PinoNestLogger(logger.child({ component: 'nest' })),
  });
  const dispatcher = app.get(DispatcherService);
  core.queue.consume(config.workerConcurrency, (kick) => dispatcher.drain(kick));
  // The sweeper: items committed but never enqueued, leases of dead processes and due retries all
  // show up as due groups, and each gets a kick.
  const sweeper = setInterval(() => {
    dispatcher
      .sweep('kick')
      .catch((error: unknown) => logger.error({ err: String(error) }, 'sweep failed'));
  }, config.sweepIntervalMs);
  logger.info(
    { owner: dispatcher.owner, concurrency: config.workerConcurrency },
    'plugboard worker consuming',
  );
  installShutdown(logger, async () => {
    clearInterval(sweeper);
    dispatcher.stop();
    await core.queue.close();
    await dispatcher.idle();
    await app.close();
    await core.engine.dispose();
    await core.policies.close();
    await core.dataSource.destroy();
  });
}

async function main(): Promise<void> {
  let config: RuntimeConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`plugboard: invalid configuration: ${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const logger = createRootLogger(config.logLevel).child({ role: config.role, mode: config.mode });
  if (config.role === 'worker') await startWorker(config, logger);
  else await startApi(config, logger);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `plugboard: start-up failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
