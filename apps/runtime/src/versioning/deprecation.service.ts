import { Inject, Injectable } from '@nestjs/common';
import semver from 'semver';
import { CatalogService } from '../catalog/catalog.service.js';
import type { ConnectorVersionEntity } from '../catalog/connector-version.entity.js';
import { DomainError } from '../common/domain-error.js';
import type { InstallationEntity } from '../installations/installation.entity.js';
import { VersioningRepository } from './versioning.repository.js';

export interface Deprecation {
  message: string;
  sunset?: string;
  deprecatedAt?: string;
}

/** A version is deprecated by the catalog (`POST .../deprecate`) or by its own definition. */
export function deprecationOf(version: ConnectorVersionEntity): Deprecation | null {
  return (
    (version.deprecation as Deprecation | null) ??
    (version.definition.deprecation as Deprecation | undefined) ??
    null
  );
}

export function isSunset(deprecation: Deprecation, now = Date.now()): boolean {
  return deprecation.sunset !== undefined && Date.parse(deprecation.sunset) <= now;
}

/** RFC 9745 `Deprecation` (a structured-field date) and RFC 8594 `Sunset` (an HTTP date). */
export function deprecationHeaders(
  deprecation: Deprecation,
  version: ConnectorVersionEntity,
): Record<string, string> {
  const since = deprecation.deprecatedAt ? Date.parse(deprecation.deprecatedAt) : version.createdAt;
  return {
    deprecation: `@${Math.floor(since / 1000)}`,
    ...(deprecation.sunset ? { sunset: new Date(deprecation.sunset).toUTCString() } : {}),
  };
}

@Injectable()
export class DeprecationService {
  constructor(
    @Inject(CatalogService) private readonly catalog: CatalogService,
    @Inject(VersioningRepository) private readonly repository: VersioningRepository,
  ) {}

  /**
   * The version to move to: the newest one not deprecated, in the same major if there is one (a
   * range follows it on its own), else in any later major.
   */
  async successor(version: ConnectorVersionEntity): Promise<string | null> {
    const later = (await this.repository.versions(version.connectorId))
      .filter(
        (v) =>
          semver.valid(v.version) &&
          semver.prerelease(v.version) === null &&
          semver.gt(v.version, version.version) &&
          deprecationOf(v) === null,
      )
      .map((v) => v.version)
      .sort(semver.rcompare);
    return later.find((v) => semver.major(v) === semver.major(version.version)) ?? later[0] ?? null;
  }

  /**
   * Whether an installation's version is deprecated or sunset, from the cached version alone: the
   * check every call through the installation makes, so it leaves out the successor look-up.
   */
  async versionStatusOf(installation: InstallationEntity) {
    const version = await this.catalog.getVersion(installation.connectorId, installation.version);
    const deprecation = deprecationOf(version);
    return { version, deprecation, sunset: deprecation ? isSunset(deprecation) : false };
  }

  /** What an installation's callers and its health should be told about its version. */
  async statusOf(installation: InstallationEntity) {
    const status = await this.versionStatusOf(installation);
    return {
      ...status,
      moveTo: status.deprecation ? await this.successor(status.version) : null,
    };
  }

  async warningsFor(installation: InstallationEntity): Promise<string[]> {
    const status = await this.statusOf(installation);
    if (!status.deprecation) return [];
    const move = status.moveTo
      ? ` Move to ${status.moveTo} with PATCH /v1/installations/${installation.id} {"version":"${status.moveTo}"}.`
      : '';
    return [
      status.sunset
        ? `${status.version.id} was sunset on ${status.deprecation.sunset}: calls are refused.${move}`
        : `${status.version.id} is deprecated: ${status.deprecation.message}${status.deprecation.sunset ? ` Sunset on ${status.deprecation.sunset}.` : ''}${move}`,
    ];
  }

  sunsetError(
    installation: InstallationEntity,
    status: Awaited<ReturnType<DeprecationService['statusOf']>>,
  ) {
    return new DomainError(
      'CONNECTOR_VERSION_SUNSET',
      `${status.version.id} was sunset on ${status.deprecation?.sunset}${status.moveTo ? `: move installation ${installation.id} to ${status.moveTo} with PATCH /v1/installations/${installation.id} {"version":"${status.moveTo}"}` : ': no later version is published yet'}`,
      {
        connectorId: installation.connectorId,
        version: installation.version,
        sunset: status.deprecation?.sunset,
        moveTo: status.moveTo,
        message: status.deprecation?.message,
      },
    );
  }
}
