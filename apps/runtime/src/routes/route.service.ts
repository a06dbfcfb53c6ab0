import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import { canSee } from '../auth/principal.js';
import { CatalogService } from '../catalog/catalog.service.js';
import type { ConnectorVersionEntity } from '../catalog/connector-version.entity.js';
import { DomainError } from '../common/domain-error.js';
import { newId } from '../common/ids.js';
import { check } from '../common/json-schema.js';
import type { PointerIssue } from '../common/json-schema.js';
import { inputSchemaOf } from '../execution/intake.service.js';
import type { InstallationEntity } from '../installations/installation.entity.js';
import { InstallationService } from '../installations/installation.service.js';
import { ENGINE } from '../platform/ports.js';
import type { CreateRouteBody, UpdateRouteBody } from './dto/route.dto.js';
import type { RouteEntity } from './route.entity.js';
import { RouteRepository } from './route.repository.js';
import {
  ExpressionError,
  evaluateIn,
  eventSchemaOf,
  exampleEvents,
  triggerOf,
  truthy,
} from './route-expressions.js';
import type { EvaluatingEngine } from './route-expressions.js';

export interface DryRunResult {
  example: number;
  /** false when the filter drops this example */
  passed: boolean;
  input?: unknown;
  orderKey?: string;
  sequence?: string | number;
}

export function view(route: RouteEntity) {
  return {
    id: route.id,
    tenantId: route.tenantId,
    name: route.name,
    source: {
      installationId: route.sourceInstallationId,
      trigger: route.sourceTrigger,
      kind: route.sourceKind,
    },
    target: { installationId: route.targetInstallationId, action: route.targetAction },
    filter: route.filter,
    mapping: route.mapping,
    ordering: route.orderingKey
      ? {
          key: route.orderingKey,
          ...(route.orderingSequence ? { sequence: route.orderingSequence } : {}),
        }
      : null,
    enabled: route.enabled === 1,
    sample: route.sample ?? undefined,
    createdAt: new Date(route.createdAt).toISOString(),
    updatedAt: new Date(route.updatedAt).toISOString(),
  };
}

function refuse(message: string, errors: PointerIssue[], extra: Record<string, unknown> = {}) {
  return new DomainError('VALIDATION_FAILED', message, { errors, ...extra });
}

/** Events of a route's target are keyed by route and source record, so a redelivery never acts twice. */
export function routeIdempotencyKey(routeId: string, recordKey: string): string {
  return `route:${routeId}:${recordKey}`;
}

@Injectable()
export class RouteService {
  constructor(
    @Inject(RouteRepository) private readonly routes: RouteRepository,
    @Inject(InstallationService) private readonly installations: InstallationService,
    @Inject(CatalogService) private readonly catalog: CatalogService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(ENGINE) private readonly engine: EvaluatingEngine,
  ) {}

  async find(id: string, principal: Principal): Promise<RouteEntity> {
    const route = await this.routes.find(id);
    if (!route || !canSee(principal, route.tenantId))
      throw new DomainError('NOT_FOUND', `route ${id} not found`, { id });
    return route;
  }

  async get(id: string, principal: Principal) {
    const route = await this.find(id, principal);
    return {
      ...view(route),
      ...(route.orderingKey ? { deliveries: await this.routes.countsByState(route.id) } : {}),
    };
  }

  async list(principal: Principal, tenantId?: string) {
    return (await this.routes.list(principal.tenantId ?? tenantId ?? null)).map(view);
  }

  async create(body: CreateRouteBody, principal: Principal, correlationId?: string) {
    const now = Date.now();
    const draft: RouteEntity = {
      id: newId('rte'),
      tenantId: '',
      name: body.name,
      sourceInstallationId: body.source.installationId,
      sourceTrigger: body.source.trigger,
      sourceKind: 'webhook',
      targetInstallationId: body.target.installationId,
      targetAction: body.target.action,
      filter: body.filter ?? null,
      mapping: body.mapping,
      orderingKey: body.ordering?.key ?? null,
      orderingSequence: body.ordering?.sequence ?? null,
      sample: body.sample ?? null,
      enabled: body.enabled === false ? 0 : 1,
      createdAt: now,
      updatedAt: now,
    };
    const dryRun = await this.checkRoute(draft, principal);
    await this.routes.transaction(async (manager) => {
      await this.routes.insert(draft, manager);
      await this.audit.record(
        {
          actor: principal,
          tenantId: draft.tenantId,
          action: 'route.created',
          targetType: 'route',
          targetId: draft.id,
          details: { source: view(draft).source, target: view(draft).target },
          correlationId,
        },
        manager,
      );
    });
    return { ...view(draft), dryRun };
  }

  async update(id: string, body: UpdateRouteBody, principal: Principal, correlationId?: string) {
    const route = await this.find(id, principal);
    const wasEnabled = route.enabled === 1;
    if (body.name !== undefined) route.name = body.name;
    if (body.source) {
      route.sourceInstallationId = body.source.installationId;
      route.sourceTrigger = body.source.trigger;
    }
    if (body.target) {
      route.targetInstallationId = body.target.installationId;
      route.targetAction = body.target.action;
    }
    if (body.filter !== undefined) route.filter = body.filter;
    if (body.mapping !== undefined) route.mapping = body.mapping;
    if (body.ordering !== undefined) {
      route.orderingKey = body.ordering?.key ?? null;
      route.orderingSequence = body.ordering?.sequence ?? null;
    }
    if (body.sample !== undefined) route.sample = body.sample;
    if (body.enabled !== undefined) route.enabled = body.enabled ? 1 : 0;
    route.updatedAt = Date.now();
    // Renaming or disabling must work even when the route no longer passes its dry run (say, the
    // target was upgraded): every other change, and enabling, is checked again.
    const unchecked = Object.keys(body).every((k) => k === 'name' || k === 'enabled');
    const dryRun =
      unchecked && (route.enabled === 0 || wasEnabled)
        ? undefined
        : await this.checkRoute(route, principal);
    await this.routes.transaction(async (manager) => {
      await this.routes.save(route, manager);
      await this.audit.record(
        {
          actor: principal,
          tenantId: route.tenantId,
          action: 'route.updated',
          targetType: 'route',
          targetId: route.id,
          details: { changed: Object.keys(body), enabled: route.enabled === 1 },
          correlationId,
        },
        manager,
      );
    });
    return { ...view(route), dryRun };
  }

  async remove(id: string, principal: Principal, correlationId?: string): Promise<void> {
    const route = await this.find(id, principal);
    await this.routes.transaction(async (manager) => {
      await this.routes.remove(id, manager);
      await this.audit.record(
        {
          actor: principal,
          tenantId: route.tenantId,
          action: 'route.deleted',
          targetType: 'route',
          targetId: id,
          correlationId,
        },
        manager,
      );
    });
  }

  private async endpoint(
    id: string,
    principal: Principal,
    tenantId?: string,
  ): Promise<{ installation: InstallationEntity; connector: ConnectorVersionEntity }> {
    const installation = await this.installations.find(id, principal);
    // Both ends live in the route's tenant; another tenant's installation does not exist here.
    if (tenantId !== undefined && installation.tenantId !== tenantId)
      throw new DomainError('INSTALLATION_NOT_FOUND', `installation ${id} not found`, { id });
    const connector = await this.catalog.getVersion(installation.connectorId, installation.version);
    return { installation, connector };
  }

  /**
   * Resolves both ends in one tenant, then dry-runs filter, mapping and ordering key in the sandbox
   * on the trigger's example events (or the route's sample): the mapped input must be valid for the
   * target action, else 422 with the validator's pointers.
   */
  private async checkRoute(route: RouteEntity, principal: Principal): Promise<DryRunResult[]> {
    const source = await this.endpoint(route.sourceInstallationId, principal);
    route.tenantId = source.installation.tenantId;
    const target = await this.endpoint(route.targetInstallationId, principal, route.tenantId);
    const trigger = triggerOf(source.connector.definition, route.sourceTrigger);
    if (!trigger)
      throw new DomainError(
        'TRIGGER_NOT_FOUND',
        `${source.connector.connectorId}@${source.connector.version} has no trigger ${route.sourceTrigger}`,
        { pointer: '/source/trigger' },
      );
    route.sourceKind = trigger.kind === 'poll' ? 'poll' : 'webhook';
    const schema = inputSchemaOf(target.connector, route.targetAction);
    if (!schema)
      throw new DomainError(
        'ACTION_NOT_FOUND',
        `${target.connector.connectorId}@${target.connector.version} has no action ${route.targetAction}`,
        { pointer: '/target/action' },
      );
    let examples: unknown[];
    if (route.sample !== null && route.sample !== undefined) {
      const issues = check(eventSchemaOf(source.connector, trigger), route.sample, '/sample');
      if (issues.length > 0)
        throw refuse(
          `the sample is not an event of ${route.sourceTrigger}: ${issues[0]!.pointer} ${issues[0]!.message}`,
          issues,
        );
      examples = [route.sample];
    } else {
      examples = exampleEvents(source.connector, route.sourceTrigger);
    }
    if (examples.length === 0)
      throw refuse(
        `trigger ${route.sourceTrigger} has no example events to dry-run the mapping on: give a sample event`,
        [{ pointer: '/sample', code: 'REQUIRED', message: 'give an example event of the trigger' }],
      );

    const results: DryRunResult[] = [];
    for (const [example, event] of examples.entries()) {
      const result: DryRunResult = { example, passed: true };
      if (route.filter)
        result.passed = truthy(await this.expression(route, '/filter', route.filter, event));
      result.input = (await this.expression(route, '/mapping', route.mapping, event)) ?? null;
      if (route.orderingKey)
        result.orderKey = String(
          await this.scalar(route, '/ordering/key', route.orderingKey, event, example),
        );
      if (route.orderingSequence)
        result.sequence = await this.scalar(
          route,
          '/ordering/sequence',
          route.orderingSequence,
          event,
          example,
        );
      results.push(result);
    }
    // Events the filter drops never reach the target; when it drops every example, check them all.
    const kept = results.some((r) => r.passed) ? results.filter((r) => r.passed) : results;
    const errors = kept.flatMap((r) =>
      check(schema, r.input).map((issue) => ({
        pointer: '/mapping',
        code: 'MAPPING_OUTPUT_INVALID',
        message: `example ${r.example} gives ${issue.pointer || '/'} that ${issue.message}`,
        example: r.example,
        target: issue,
      })),
    );
    if (errors.length > 0)
      throw refuse(
        `the mapping gives input that ${target.connector.connectorId}.${route.targetAction} refuses: ${errors[0]!.target.pointer || '/'} ${errors[0]!.target.message}`,
        errors,
        { dryRun: results },
      );
    return results;
  }

  /** An ordering expression must give a string or a number for every example. */
  private async scalar(
    route: RouteEntity,
    pointer: string,
    expression: string,
    event: unknown,
    example: number,
  ): Promise<string | number> {
    const value = await this.expression(route, pointer, expression, event);
    if (typeof value === 'string' || typeof value === 'number') return value;
    throw refuse(
      `${pointer.slice(1)} gives ${JSON.stringify(value) ?? 'nothing'} for example ${example}: it must give a string or a number`,
      [{ pointer, code: 'ORDERING_INVALID', message: 'must give a string or a number' }],
    );
  }

  private async expression(
    route: RouteEntity,
    pointer: string,
    expression: string,
    event: unknown,
  ): Promise<unknown> {
    try {
      return await evaluateIn(this.engine, route.tenantId, expression, event);
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      throw refuse(`${pointer.slice(1)} does not run: ${error.message}`, [
        { pointer, code: 'EXPRESSION_INVALID', message: error.message },
      ]);
    }
  }
}
