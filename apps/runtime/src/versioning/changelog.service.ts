import { Inject, Injectable } from '@nestjs/common';
import semver from 'semver';
import type { PublishReport } from '../catalog/publish-gate.js';
import { DomainError } from '../common/domain-error.js';
import { deprecationOf } from './deprecation.service.js';
import { VersioningRepository } from './versioning.repository.js';

/** A connector's changelog, newest first, from the compatibility diff the gate stored at each publish. */
@Injectable()
export class ChangelogService {
  constructor(@Inject(VersioningRepository) private readonly repository: VersioningRepository) {}

  async changelog(connectorId: string) {
    const versions = await this.repository.versions(connectorId);
    if (versions.length === 0)
      throw new DomainError('CONNECTOR_NOT_FOUND', `connector ${connectorId} not found`, {
        id: connectorId,
      });
    const entries = versions
      .filter((v) => semver.valid(v.version))
      .sort((a, b) => semver.rcompare(a.version, b.version))
      .map((v) => {
        const report = v.report as Partial<PublishReport> | null;
        const changes = report?.changes ?? [];
        return {
          version: v.version,
          publishedAt: new Date(v.createdAt).toISOString(),
          previousVersion: report?.previousVersion ?? null,
          bump: report?.actualBump ?? (report?.previousVersion ? 'none' : 'initial'),
          requiredBump: report?.requiredBump ?? 'none',
          breaking: changes.filter((c) => c.class === 'breaking').length,
          changes: changes.map((c) => ({
            pointer: c.pointer,
            change: c.change,
            class: c.class,
            reason: c.reason,
          })),
          deprecation: deprecationOf(v),
        };
      });
    return { connectorId, entries };
  }
}
