import { readdir, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { digest } from './digest.js';
import type { ConnectorDefinition } from './generated/connector.generated.js';
import type { ContractCase } from './generated/contract.generated.js';
import { pointerOf, type DefinitionErrorCode, type Issue } from './issues.js';
import { parseJson } from './json.js';
import { checkContractSchema } from './schema-check.js';
import { validate } from './validate.js';

/** An issue found while reading a package, with the file it is in (relative to the package). */
export interface PackageIssue extends Issue {
  file: string;
  line?: number;
  column?: number;
}

/** The `plugboard` field of a connector package's package.json. */
export interface PlugboardField {
  /** Path of the definition (default `connector.json`). */
  definition?: string;
  /** Folder of contract files (default `contracts`). */
  contracts?: string;
  /** Folder of code-node scripts (default `scripts`). */
  scripts?: string;
}

/** A connector package read from disk. */
export interface LoadedPackage {
  dir: string;
  packageJson: Record<string, unknown>;
  /** The definition with every code node's `script` file inlined into `source`. */
  definition: ConnectorDefinition;
  contracts: ContractCase[];
  /** Script files by path relative to the package (e.g. `scripts/normalize.js`). */
  scripts: Record<string, string>;
  /** Every file read, relative to the package. */
  files: string[];
  /** README text, when the package has one. */
  readme?: string;
}

/** What `plugboard pack` writes and `POST /v1/connectors` takes. */
export interface Bundle {
  format: 'plugboard.bundle/1';
  definition: ConnectorDefinition;
  contracts: ContractCase[];
  /** `sha256:<hex>` of the canonical JSON of `definition`. */
  digest: string;
  readme?: string;
}

/** Thrown by {@link loadPackage} and {@link packBundle}; carries every issue found. */
export class PackageError extends Error {
  readonly code: DefinitionErrorCode;
  constructor(readonly issues: PackageIssue[]) {
    const first = issues[0];
    super(
      first
        ? `${first.file}${first.pointer ? `#${first.pointer}` : ''}: ${first.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`
        : 'package is invalid',
    );
    this.name = 'PackageError';
    this.code = first?.code ?? 'PACKAGE_FILE_MISSING';
  }
}

/** Where each loaded contract case came from, for issues found after loading. */
const contractOrigin = new WeakMap<ContractCase, { file: string; pointer: string }>();

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

function asPosix(path: string): string {
  return path.split(sep).join('/');
}

async function readJson(dir: string, file: string, issues: PackageIssue[]): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(join(dir, file), 'utf8');
  } catch {
    issues.push({ file, pointer: '', code: 'PACKAGE_FILE_MISSING', message: `${file} is missing` });
    return undefined;
  }
  const parsed = parseJson(text);
  if ('error' in parsed) {
    issues.push({ file, ...parsed.error });
    return undefined;
  }
  return parsed.value;
}

/**
 * Reads a connector package: package.json (its `plugboard` field names the definition, contracts
 * and scripts folders), the definition, every `contracts/*.json` (one case or an array per file),
 * and the code-node scripts, inlined into `source`. Throws {@link PackageError} with every issue
 * of reading and parsing; the definition's own validity is {@link validate}'s job (see packBundle).
 */
export async function loadPackage(dir: string): Promise<LoadedPackage> {
  const root = resolve(dir);
  const issues: PackageIssue[] = [];
  const files: string[] = [];
  const packageJson = await readJson(root, 'package.json', issues);
  if (packageJson !== undefined) files.push('package.json');
  if (
    packageJson !== undefined &&
    (packageJson === null || typeof packageJson !== 'object' || Array.isArray(packageJson))
  ) {
    issues.push({
      file: 'package.json',
      pointer: '',
      code: 'PACKAGE_JSON_INVALID',
      message: 'package.json must be an object',
    });
  }
  const pkg = (packageJson ?? {}) as Record<string, unknown>;
  const field = (pkg.plugboard ?? {}) as PlugboardField;
  if (
    pkg.plugboard !== undefined &&
    (typeof pkg.plugboard !== 'object' || pkg.plugboard === null)
  ) {
    issues.push({
      file: 'package.json',
      pointer: '/plugboard',
      code: 'PACKAGE_JSON_INVALID',
      message: '`plugboard` must be an object { definition?, contracts?, scripts? }',
    });
  }
  const paths: Required<PlugboardField> = {
    definition: field.definition ?? 'connector.json',
    contracts: field.contracts ?? 'contracts',
    scripts: field.scripts ?? 'scripts',
  };
  for (const [key, path] of Object.entries(paths)) {
    if (typeof path !== 'string' || !inside(root, resolve(root, path))) {
      issues.push({
        file: 'package.json',
        pointer: `/plugboard/${key}`,
        code: 'PACKAGE_JSON_INVALID',
        message: `plugboard.${key} must be a path inside the package`,
      });
    }
  }
  if (issues.length > 0) throw new PackageError(issues);

  const definitionFile = asPosix(paths.definition);
  const definition = (await readJson(root, definitionFile, issues)) as
    ConnectorDefinition | undefined;
  if (definition !== undefined) files.push(definitionFile);

  const scripts: Record<string, string> = {};
  const scriptsDir = resolve(root, paths.scripts);
  if (definition && typeof definition === 'object') {
    for (const [kind, operations] of [
      ['actions', definition.actions],
      ['triggers', definition.triggers],
    ] as const) {
      if (!operations || typeof operations !== 'object') continue;
      for (const [name, operation] of Object.entries(operations)) {
        const nodes: unknown = (operation as { flow?: { nodes?: unknown } } | undefined)?.flow
          ?.nodes;
        if (!Array.isArray(nodes)) continue;
        for (const [index, node] of nodes.entries()) {
          const script = (node as { type?: unknown; script?: unknown }).script;
          if ((node as { type?: unknown }).type !== 'code' || typeof script !== 'string') continue;
          const pointer = `${pointerOf(kind, name, 'flow', 'nodes', index)}/script`;
          const target = resolve(root, script);
          if (!inside(scriptsDir, target)) {
            issues.push({
              file: definitionFile,
              pointer,
              code: 'PACKAGE_SCRIPT_OUTSIDE',
              message: `script "${script}" must be a file under ${paths.scripts}/`,
            });
            continue;
          }
          const rel = asPosix(relative(root, target));
          try {
            scripts[rel] ??= await readFile(target, 'utf8');
            if (!files.includes(rel)) files.push(rel);
          } catch {
            issues.push({
              file: definitionFile,
              pointer,
              code: 'PACKAGE_SCRIPT_MISSING',
              message: `script file ${rel} does not exist`,
            });
          }
        }
      }
    }
  }

  const contracts: ContractCase[] = [];
  const contractsDir = resolve(root, paths.contracts);
  if (await exists(contractsDir)) {
    const names = (await readdir(contractsDir)).filter((name) => name.endsWith('.json')).sort();
    for (const name of names) {
      const file = asPosix(relative(root, join(contractsDir, name)));
      const value = await readJson(root, file, issues);
      if (value === undefined) continue;
      files.push(file);
      const cases = Array.isArray(value) ? value : [value];
      cases.forEach((item, index) => {
        const base = Array.isArray(value) ? `/${index}` : '';
        const problems = checkContractSchema(item);
        for (const problem of problems) {
          issues.push({
            ...problem,
            file,
            pointer: `${base}${problem.pointer}`,
            code: 'CONTRACT_INVALID',
            message: `${problem.code}: ${problem.message}`,
          });
        }
        if (problems.length === 0) {
          contracts.push(item as ContractCase);
          contractOrigin.set(item as ContractCase, { file, pointer: base });
        }
      });
    }
  }
  if (issues.length > 0) throw new PackageError(issues);

  let readme: string | undefined;
  for (const name of ['README.md', 'readme.md', 'README']) {
    if (await exists(join(root, name))) {
      readme = await readFile(join(root, name), 'utf8');
      files.push(name);
      break;
    }
  }
  const inlined = inlineScripts(definition as ConnectorDefinition, scripts, root);
  return {
    dir: root,
    packageJson: pkg,
    definition: inlined,
    contracts,
    scripts,
    files,
    ...(readme !== undefined ? { readme } : {}),
  };
}

function inlineScripts(
  definition: ConnectorDefinition,
  scripts: Record<string, string>,
  root: string,
): ConnectorDefinition {
  const copy = JSON.parse(JSON.stringify(definition)) as ConnectorDefinition;
  for (const operations of [copy.actions, copy.triggers]) {
    for (const operation of Object.values(operations ?? {})) {
      for (const node of operation.flow?.nodes ?? []) {
        if (node.type !== 'code' || node.script === undefined) continue;
        const source = scripts[asPosix(relative(root, resolve(root, node.script)))];
        if (source === undefined) continue;
        // `script` names a file only the package has; the bundle carries the code itself.
        delete node.script;
        node.source = source;
      }
    }
  }
  return copy;
}

/**
 * Checks contract cases against the definition they test: unique names, and each names exactly
 * one action or trigger the definition has. Pointers are relative to each case.
 */
export function checkContracts(
  definition: ConnectorDefinition,
  contracts: ContractCase[],
): Array<Issue & { index: number }> {
  const issues: Array<Issue & { index: number }> = [];
  const names = new Set<string>();
  contracts.forEach((contract, index) => {
    const add = (pointer: string, code: DefinitionErrorCode, message: string): void => {
      issues.push({ index, pointer, code, message });
    };
    if (names.has(contract.name)) {
      add(
        '/name',
        'CONTRACT_NAME_DUPLICATE',
        `contract name "${contract.name}" is used twice: names must be unique`,
      );
    }
    names.add(contract.name);
    const kind = contract.action !== undefined ? 'action' : 'trigger';
    const target = contract.action ?? contract.trigger;
    const known = kind === 'action' ? definition.actions : definition.triggers;
    if ((contract.action === undefined) === (contract.trigger === undefined)) {
      add(
        '',
        'CONTRACT_TARGET_UNKNOWN',
        `contract "${contract.name}" must name exactly one \`action\` or \`trigger\``,
      );
    } else if (target === undefined || !known?.[target]) {
      add(
        `/${kind}`,
        'CONTRACT_TARGET_UNKNOWN',
        `contract "${contract.name}" names ${kind} "${target}", which the definition does not have`,
      );
    }
  });
  return issues;
}

/**
 * Reads, validates and bundles a package: the definition with scripts inlined, its contracts,
 * README and digest. Throws {@link PackageError} listing every issue (definition issues carry the
 * definition's file).
 */
export async function packBundle(dir: string): Promise<Bundle> {
  const loaded = await loadPackage(dir);
  const field = (loaded.packageJson.plugboard ?? {}) as PlugboardField;
  const definitionFile = asPosix(field.definition ?? 'connector.json');
  const issues: PackageIssue[] = validate(loaded.definition).errors.map((issue) => ({
    ...issue,
    file: definitionFile,
  }));
  for (const { index, ...issue } of checkContracts(loaded.definition, loaded.contracts)) {
    const contract = loaded.contracts[index]!;
    const origin = contractOrigin.get(contract) ?? {
      file: field.contracts ?? 'contracts',
      pointer: '',
    };
    issues.push({ ...issue, file: origin.file, pointer: `${origin.pointer}${issue.pointer}` });
  }
  if (issues.length > 0) throw new PackageError(issues);
  return {
    format: 'plugboard.bundle/1',
    definition: loaded.definition,
    contracts: loaded.contracts,
    digest: digest(loaded.definition),
    ...(loaded.readme !== undefined ? { readme: loaded.readme } : {}),
  };
}
