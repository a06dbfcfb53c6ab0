import { Inject, Injectable } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import semver from 'semver';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import { CatalogService } from '../catalog/catalog.service.js';
import { DomainError } from '../common/domain-error.js';
import { newId, sha256 } from '../common/ids.js';
import type { InstallationEntity } from '../installations/installation.entity.js';
import type { RolloutEntity, RolloutPolicy, RolloutPolicyEntity } from './rollout.entity.js';
import { VersioningRepository } from './versioning.repository.js';

export const DEFAULT_POLICY: RolloutPolicy = 'auto';

export type RolloutCommand = { percent: number } | { action: 'halt' | 'resume' | 'rollback' };

/**
 * Where an installation stands in a staged roll-out: installations are ordered by this key and the
 * first `floor(percent x eligible / 100)` move. It depends only on the installation and the
 * version, so the chosen set is the same on every process and only grows as the share is raised.
 */
export function rolloutRank(installationId: string, version: string): string {
  return sha256(`${installationId}@${version}`);
}

/** Whether a published version is one this installation's range should follow without being asked. */
export function follows(installation: InstallationEntity, version: string): boolean {
  return (
    semver.valid(version) !== null &&
    semver.prerelease(version) === null &&
    semver.major(version) === semver.major(installation.version) &&
    semver.satisfies(version, installation.range)
  );
}

function policyView(connectorId: string, policy: RolloutPolicyEntity | null) {
  return {
    connectorId,
    policy: policy?.policy ?? DEFAULT_POLICY,
    initialPercent: policy?.initialPercent ?? 0,
    updatedAt: policy ? new Date(policy.updatedAt).toISOString() : null,
  };
}

@Injectable()
export class RolloutService implements OnModuleInit {
  constructor(
    @Inject(VersioningRepository) private readonly repository: VersioningRepository,
    @Inject(CatalogService) private readonly catalog: CatalogService,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    this.catalog.onPublished((published) =>
      this.onPublished(
        published.id,
        published.version,
        published.principal,
        published.correlationId,
      ),
    );
  }

  async policy(connectorId: string) {
    await this.catalog.latest(connectorId);
    return policyView(connectorId, await this.repository.findPolicy(connectorId));
  }

  async setPolicy(
    connectorId: string,
    body: { policy: RolloutPolicy; initialPercent?: number },
    principal: Principal,
    correlationId?: string,
  ) {
    await this.catalog.latest(connectorId);
    const entity: RolloutPolicyEntity = {
      connectorId,
      policy: body.policy,
      initialPercent: body.policy === 'staged' ? (body.initialPercent ?? 0) : 0,
      updatedBy: principal.keyId,
      updatedAt: Date.now(),
    };
    await this.repository.transaction(async (manager) => {
      await this.repository.savePolicy(entity, manager);
      await this.audit.record(
        {
          actor: principal,
          tenantId: null,
          action: 'rollout.policy-set',
          targetType: 'connector',
          targetId: connectorId,
          details: { policy: entity.policy, initialPercent: entity.initialPercent },
          correlationId,
        },
        manager,
      );
    });
    return policyView(connectorId, entity);
  }

  /**
   * Called once a version is stored. A new minor or patch starts a roll-out under the connector's
   * policy; the first version of a major has no one to move (major upgrades are explicit).
   */
  async onPublished(
    connectorId: string,
    version: string,
    actor: Principal | 'system',
    correlationId?: string,
  ): Promise<void> {
    if (!semver.valid(version) || semver.prerelease(version) !== null) return;
    const versions = await this.repository.versions(connectorId);
    const olderInMajor = versions.some(
      (v) =>
        semver.valid(v.version) &&
        semver.major(v.version) === semver.major(version) &&
        semver.lt(v.version, version),
    );
    if (!olderInMajor) return;
    const policy = (await this.repository.findPolicy(connectorId)) ?? null;
    const kind = policy?.policy ?? DEFAULT_POLICY;
    const now = Date.now();
    const rollout: RolloutEntity = {
      id: `${connectorId}@${version}`,
      connectorId,
      version,
      policy: kind,
      percent: kind === 'auto' ? 100 : kind === 'staged' ? (policy?.initialPercent ?? 0) : 0,
      state: kind === 'auto' ? 'complete' : 'active',
      createdAt: now,
      updatedAt: now,
    };
    await this.repository.transaction(async (manager) => {
      await this.repository.insertRollout(rollout, manager);
      await this.widen(rollout, actor, correlationId, manager);
    });
  }

  async get(connectorId: string, version: string) {
    return this.view(await this.find(connectorId, version));
  }

  async list(connectorId: string) {
    await this.catalog.latest(connectorId);
    const rollouts = await this.repository.rolloutsOf(connectorId);
    return Promise.all(rollouts.map((r) => this.view(r)));
  }

  async command(
    connectorId: string,
    version: string,
    command: RolloutCommand,
    principal: Principal,
    correlationId?: string,
  ) {
    const rollout = await this.find(connectorId, version);
    const now = Date.now();
    await this.repository.transaction(async (manager) => {
      if ('percent' in command) {
        if (rollout.state === 'halted' || rollout.state === 'rolled-back') {
          throw new DomainError(
            'ROLLOUT_STATE_CONFLICT',
            `the roll-out of ${rollout.id} is ${rollout.state}: send {"action":"resume"} before raising its share`,
            { state: rollout.state },
          );
        }
        if (command.percent < rollout.percent) {
          throw new DomainError(
            'ROLLOUT_STATE_CONFLICT',
            `the roll-out of ${rollout.id} is at ${rollout.percent}%; a share only grows: halt it or roll it back instead`,
            { percent: rollout.percent },
          );
        }
        rollout.percent = command.percent;
        rollout.state = command.percent === 100 ? 'complete' : 'active';
      } else if (command.action === 'halt') {
        if (rollout.state === 'rolled-back' || rollout.state === 'complete')
          throw new DomainError(
            'ROLLOUT_STATE_CONFLICT',
            `the roll-out of ${rollout.id} is ${rollout.state} and cannot be halted`,
            { state: rollout.state },
          );
        rollout.state = 'halted';
      } else if (command.action === 'resume') {
        if (rollout.state !== 'halted')
          throw new DomainError(
            'ROLLOUT_STATE_CONFLICT',
            `the roll-out of ${rollout.id} is ${rollout.state}, not halted`,
            { state: rollout.state },
          );
        rollout.state = rollout.percent === 100 ? 'complete' : 'active';
      } else {
        await this.rollBack(rollout, principal, correlationId, manager);
        rollout.state = 'rolled-back';
        rollout.percent = 0;
      }
      rollout.updatedAt = now;
      await this.repository.updateRollout(
        rollout.id,
        { percent: rollout.percent, state: rollout.state, updatedAt: now },
        manager,
      );
      await this.audit.record(
        {
          actor: principal,
          tenantId: null,
          action: 'rollout.updated',
          targetType: 'connector-version',
          targetId: rollout.id,
          details: { ...command, state: rollout.state, percent: rollout.percent },
          correlationId,
        },
        manager,
      );
      if (rollout.state === 'active' || rollout.state === 'complete')
        await this.widen(rollout, principal, correlationId, manager);
    });
    return this.view(rollout);
  }

  /** Roll-outs still on their way to an installation (active or halted), newest first. */
  async pendingFor(installation: InstallationEntity) {
    const rollouts = await this.repository.rolloutsOf(installation.connectorId);
    return rollouts
      .filter(
        (r) =>
          (r.state === 'active' || r.state === 'halted') &&
          follows(installation, r.version) &&
          semver.gt(r.version, installation.version),
      )
      .sort((a, b) => semver.rcompare(a.version, b.version))
      .map((r) => ({ version: r.version, policy: r.policy, percent: r.percent, state: r.state }));
  }

  private async find(connectorId: string, version: string): Promise<RolloutEntity> {
    await this.catalog.getVersion(connectorId, version);
    const rollout = await this.repository.findRollout(`${connectorId}@${version}`);
    if (!rollout) {
      throw new DomainError(
        'NOT_FOUND',
        `${connectorId}@${version} has no roll-out: only a minor or patch version after the first of its major rolls out; move installations to a new major with PATCH /v1/installations/:id {"version"}`,
        { connectorId, version },
      );
    }
    return rollout;
  }

  private async eligible(rollout: RolloutEntity): Promise<{
    ranked: InstallationEntity[];
    moved: Set<string>;
  }> {
    const [installations, moves] = await Promise.all([
      this.repository.installationsOf(rollout.connectorId),
      this.repository.movesOf(rollout.id),
    ]);
    const moved = new Set(moves.filter((m) => m.revertedAt === null).map((m) => m.installationId));
    const ranked = installations
      .filter(
        (i) =>
          (moved.has(i.id) && i.version === rollout.version) ||
          (follows(i, rollout.version) && semver.lt(i.version, rollout.version)),
      )
      .sort((a, b) => {
        const ra = rolloutRank(a.id, rollout.version);
        const rb = rolloutRank(b.id, rollout.version);
        return ra < rb ? -1 : ra > rb ? 1 : 0;
      });
    return { ranked, moved };
  }

  private async widen(
    rollout: RolloutEntity,
    actor: Principal | 'system',
    correlationId: string | undefined,
    manager: EntityManager,
  ): Promise<void> {
    const { ranked, moved } = await this.eligible(rollout);
    const share = Math.floor((rollout.percent * ranked.length) / 100);
    for (const installation of ranked.slice(0, share)) {
      if (moved.has(installation.id) || installation.version === rollout.version) continue;
      const from = installation.version;
      if (
        !(await this.repository.moveInstallation(installation.id, from, rollout.version, manager))
      )
        continue;
      await this.repository.insertMove(
        {
          id: newId('mov'),
          rolloutId: rollout.id,
          installationId: installation.id,
          fromVersion: from,
          toVersion: rollout.version,
          createdAt: Date.now(),
          revertedAt: null,
        },
        manager,
      );
      await this.audit.record(
        {
          actor,
          tenantId: installation.tenantId,
          action: 'installation.rolled-out',
          targetType: 'installation',
          targetId: installation.id,
          details: {
            from,
            to: rollout.version,
            range: installation.range,
            policy: rollout.policy,
            percent: rollout.percent,
          },
          correlationId,
        },
        manager,
      );
    }
  }

  private async rollBack(
    rollout: RolloutEntity,
    actor: Principal,
    correlationId: string | undefined,
    manager: EntityManager,
  ): Promise<void> {
    const moves = (await this.repository.movesOf(rollout.id)).filter((m) => m.revertedAt === null);
    const reverted: string[] = [];
    for (const move of moves) {
      const installation = await this.repository.findInstallation(move.installationId);
      reverted.push(move.id);
      // An installation deleted or moved on since (an explicit upgrade) is left where it is.
      if (!installation) continue;
      if (
        !(await this.repository.moveInstallation(
          move.installationId,
          move.toVersion,
          move.fromVersion,
          manager,
        ))
      )
        continue;
      await this.audit.record(
        {
          actor,
          tenantId: installation.tenantId,
          action: 'installation.rolled-back',
          targetType: 'installation',
          targetId: move.installationId,
          details: { from: move.toVersion, to: move.fromVersion, rollout: rollout.id },
          correlationId,
        },
        manager,
      );
    }
    await this.repository.markReverted(reverted, Date.now(), manager);
  }

  private async view(rollout: RolloutEntity) {
    const { ranked, moved } = await this.eligible(rollout);
    return {
      connectorId: rollout.connectorId,
      version: rollout.version,
      policy: rollout.policy,
      percent: rollout.percent,
      state: rollout.state,
      eligible: ranked.length,
      moved: ranked.filter((i) => moved.has(i.id)).length,
      createdAt: new Date(rollout.createdAt).toISOString(),
      updatedAt: new Date(rollout.updatedAt).toISOString(),
    };
  }
}
