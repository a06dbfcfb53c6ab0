import semver from 'semver';
import type { ContractResult, DiffReport, Engine, Issue, Platform } from '../platform/ports.js';

export interface PublishReport {
  valid: boolean;
  errors: Issue[];
  changes: DiffReport['changes'];
  requiredBump: DiffReport['requiredBump'];
  previousVersion: string | null;
  actualBump: 'major' | 'minor' | 'patch' | 'none' | null;
  contracts: Array<{
    name: string;
    consumer?: string;
    passed: boolean;
    diff?: unknown;
    error?: unknown;
  }>;
}

const BUMP_ORDER = { none: 0, patch: 1, minor: 2, major: 3 } as const;

export function actualBump(previous: string, next: string): 'major' | 'minor' | 'patch' | 'none' {
  const a = semver.parse(previous);
  const b = semver.parse(next);
  if (!a || !b || semver.lte(b, a)) return 'none';
  if (b.major !== a.major) return 'major';
  if (b.minor !== a.minor) return 'minor';
  return 'patch';
}

/** The version the new one is compared against: the highest published one below it. */
export function previousOf(versions: string[], next: string): string | null {
  const lower = versions.filter((v) => semver.valid(v) && semver.lt(v, next));
  return lower.length === 0 ? null : (semver.rsort(lower)[0] ?? null);
}

export async function runGate(
  platform: Platform,
  input: { definition: Record<string, unknown>; digest: string; contracts: unknown[] },
  previous: { version: string; definition: unknown } | null,
  consumerContracts: Array<{ consumer: string; body: Record<string, unknown> }>,
  engine: Engine,
): Promise<PublishReport> {
  const report: PublishReport = {
    valid: true,
    errors: [],
    changes: [],
    requiredBump: 'none',
    previousVersion: previous?.version ?? null,
    actualBump: null,
    contracts: [],
  };
  const validation = platform.definition.validate(input.definition);
  report.errors.push(...validation.errors);
  if (validation.errors.length === 0) {
    const computed = platform.definition.digest(input.definition);
    if (computed !== input.digest) {
      report.errors.push({
        pointer: '/digest',
        code: 'DIGEST_MISMATCH',
        message: `the bundle says ${input.digest} but its definition digests to ${computed}: re-run plugboard pack`,
      });
    }
  }
  const version = String(input.definition.version ?? '');
  if (previous && validation.errors.length === 0) {
    const diff = platform.definition.diff(previous.definition, input.definition);
    report.changes = diff.changes;
    report.requiredBump = diff.requiredBump;
    report.actualBump = actualBump(previous.version, version);
    if (BUMP_ORDER[report.actualBump] < BUMP_ORDER[diff.requiredBump]) {
      const breaking = diff.changes.filter((c) => c.class === 'breaking').map((c) => c.pointer);
      report.errors.push({
        pointer: '/version',
        code: 'VERSION_BUMP_TOO_SMALL',
        message: `${previous.version} -> ${version} is a ${report.actualBump} bump but the changes need a ${diff.requiredBump} bump${breaking.length > 0 ? ` (breaking: ${breaking.join(', ')})` : ''}`,
      });
    }
  }
  if (validation.errors.length === 0) {
    const cases = [
      ...input.contracts.map((c) => ({ consumer: undefined as string | undefined, body: c })),
      ...consumerContracts.map((c) => ({ consumer: c.consumer, body: c.body as unknown })),
    ];
    if (cases.length > 0) {
      const results: ContractResult[] = await platform.engine.runContracts(
        { definition: input.definition as never, contracts: cases.map((c) => c.body) },
        { engine },
      );
      results.forEach((result, index) => {
        const consumer = cases[index]?.consumer;
        report.contracts.push({ ...result, ...(consumer ? { consumer } : {}) });
      });
      results.forEach((result, index) => {
        if (!result.passed) {
          report.errors.push({
            pointer: `/contracts/${index}`,
            code: 'CONTRACT_FAILED',
            message: `contract "${result.name}"${cases[index]?.consumer ? ` of consumer ${cases[index]?.consumer}` : ''} failed`,
          });
        }
      });
    }
  }
  report.valid = report.errors.length === 0;
  return report;
}
