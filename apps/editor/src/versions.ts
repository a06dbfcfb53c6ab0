import type { ConnectorSummary, VersionSummary } from './api/client.js';

export function latestVersionOf(connector: ConnectorSummary): string | undefined {
  if (typeof connector.latestVersion === 'string') return connector.latestVersion;
  const versions = (connector.versions ?? []).map((v) =>
    typeof v === 'string' ? v : (v as VersionSummary).version,
  );
  return versions.sort(compareSemver).at(-1);
}

export function compareSemver(a: string, b: string): number {
  const pa = a.split(/[.+-]/).map((x) => Number(x));
  const pb = b.split(/[.+-]/).map((x) => Number(x));
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

export function bump(version: string, kind: 'major' | 'minor' | 'patch'): string {
  const [maj = 0, min = 0, pat = 0] = version.split('.').map((x) => Number.parseInt(x, 10) || 0);
  if (kind === 'major') return `${maj + 1}.0.0`;
  if (kind === 'minor') return `${maj}.${min + 1}.0`;
  return `${maj}.${min}.${pat + 1}`;
}
