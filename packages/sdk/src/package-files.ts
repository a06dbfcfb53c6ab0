import { statSync, type Stats } from 'node:fs';
import type { PlugboardField } from '@plugboard/definition';
import { dirname, join, resolve } from 'node:path';
import { describeFsError, readJsonFile, type JsonFile } from './json-file.js';
import { failure, issue, type CliIssue } from './errors.js';
import { displayPath } from './paths.js';

/** The `plugboard` field of a connector package's package.json, with its defaults. */
export type PackageLayout = Required<PlugboardField>;

export const DEFAULT_LAYOUT: PackageLayout = {
  definition: 'connector.json',
  contracts: 'contracts',
  scripts: 'scripts',
};

/** Where a command's target lives: a package directory, or a lone connector.json. */
export interface PackageTarget {
  /** The package directory (for a lone file, the directory holding it). */
  dir: string;
  /** Whether the user named a directory (contracts and package.json are then part of it). */
  isPackage: boolean;
  /** The definition file: the one named, or the package's (`plugboard.definition`). */
  definitionPath: string;
  /** The package's package.json, when it has one. */
  packageJson?: JsonFile;
}

export type ResolveResult = { ok: true; target: PackageTarget } | { ok: false; errors: CliIssue[] };

/** Finds the package or file `target` names, with a coded error for each way that can fail. */
export function resolveTarget(
  target: string,
  options: { allowFile?: boolean } = {},
): ResolveResult {
  const path = resolve(target);
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    return failure(
      issue(
        'PATH_NOT_FOUND',
        `${target}: ${describeFsError(error)} (expected a connector package directory${options.allowFile === false ? '' : ' or a connector.json file'})`,
        {
          file: target,
        },
      ),
    );
  }
  if (stats.isFile()) {
    if (options.allowFile === false) {
      return failure(
        issue(
          'INVALID_OPTION',
          `${target} is a file; this command needs a package directory (the folder holding package.json and connector.json)`,
          { file: target },
        ),
      );
    }
    return {
      ok: true,
      target: {
        dir: dirname(path),
        isPackage: false,
        definitionPath: path,
      },
    };
  }
  if (!stats.isDirectory()) {
    return failure(
      issue('PATH_NOT_FOUND', `${target} is neither a file nor a directory`, { file: target }),
    );
  }

  const layout = { ...DEFAULT_LAYOUT };
  let packageJson: JsonFile | undefined;
  const packageJsonPath = join(path, 'package.json');
  if (exists(packageJsonPath)) {
    const read = readJsonFile(packageJsonPath);
    if (!read.ok)
      return failure({
        ...read.error,
        code: read.error.code === 'FILE_UNREADABLE' ? read.error.code : 'PACKAGE_JSON_INVALID',
      });
    packageJson = read.file;
    const field = layoutField(read.file);
    if (!field.ok) return failure(field.error);
    Object.assign(layout, field.layout);
  }
  const definitionPath = join(path, layout.definition);
  if (!exists(definitionPath)) {
    return failure(
      issue(
        'DEFINITION_NOT_FOUND',
        `no ${layout.definition} in ${displayPath(path)}: run \`plugboard init ${target}\` to scaffold a package, or set "plugboard": { "definition": "<file>" } in its package.json`,
        { file: displayPath(definitionPath) },
      ),
    );
  }
  return {
    ok: true,
    target: {
      dir: path,
      isPackage: true,
      definitionPath,
      ...(packageJson ? { packageJson } : {}),
    },
  };
}

function layoutField(
  file: JsonFile,
): { ok: true; layout: Partial<PackageLayout> } | { ok: false; error: CliIssue } {
  const pkg = file.value;
  if (!isRecord(pkg)) {
    return { ok: false, error: located(file, '', 'package.json must be an object') };
  }
  const field = pkg.plugboard;
  if (field === undefined) return { ok: true, layout: {} };
  if (!isRecord(field)) {
    return {
      ok: false,
      error: located(
        file,
        '/plugboard',
        'the "plugboard" field must be an object like { "definition": "connector.json", "contracts": "contracts", "scripts": "scripts" }',
      ),
    };
  }
  const layout: Partial<PackageLayout> = {};
  for (const key of ['definition', 'contracts', 'scripts'] as const) {
    const value = field[key];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value === '') {
      return {
        ok: false,
        error: located(
          file,
          `/plugboard/${key}`,
          `"plugboard.${key}" must be a path relative to the package`,
        ),
      };
    }
    layout[key] = value;
  }
  return { ok: true, layout };
}

function located(file: JsonFile, pointer: string, message: string): CliIssue {
  return {
    code: 'PACKAGE_JSON_INVALID',
    message,
    file: file.display,
    pointer,
    ...file.locate(pointer),
  };
}

export function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
