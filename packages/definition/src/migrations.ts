import semver from 'semver';
import type { ConnectorDefinition, Migration } from './generated/connector.generated.js';

/**
 * The migrations of a definition that apply to a payload of `target` (an action name or a
 * schema name) written for `writtenFor`, in definition order. Empty when the payload is already
 * at this version or no migration covers it (the caller decides whether that is a gap).
 */
export function migrationsFor(
  definition: Pick<ConnectorDefinition, 'migrations' | 'version'>,
  target: string,
  writtenFor: string,
): Migration[] {
  if (semver.valid(writtenFor) === null) return [];
  if (semver.eq(writtenFor, definition.version)) return [];
  return (definition.migrations ?? []).filter(
    (migration) =>
      migration.target === target &&
      semver.satisfies(writtenFor, migration.from, { includePrerelease: true }),
  );
}

/**
 * Renames top-level fields of an object payload (old name -> new name), as a migration's
 * `aliases` say; a new name already present wins over the old one. Other values pass through.
 */
export function applyAliases(
  payload: unknown,
  aliases: Record<string, string> | undefined,
): unknown {
  if (!aliases || payload === null || typeof payload !== 'object' || Array.isArray(payload))
    return payload;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(payload)) {
    const renamed = aliases[key];
    if (renamed === undefined) out[key] = value;
    else if (!(renamed in payload)) out[renamed] = value;
  }
  return out;
}
