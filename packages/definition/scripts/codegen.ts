// Builds every generated file of this package from the two JSON Schemas at the package root, so
// that `generate-types.ts` writes them and a spec regenerates them and compares.
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile, type JSONSchema } from 'json-schema-to-typescript';

export const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

const BANNER = `/* eslint-disable */
/**
 * generated, do not edit: produced from {{file}} by \`npm run generate -w @plugboard/definition\`.
 */`;

const STYLE = { singleQuote: true, printWidth: 100, trailingComma: 'all' } as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

// json-schema-to-typescript names a type after a schema's `title` and copies a `$ref` that has
// sibling keywords. Our titles are human labels and every property documents itself next to its
// `$ref`, so both would give duplicated, oddly named types. Titles go, `$ref` siblings become
// `allOf: [{ $ref }]` keeping only the description (which becomes the property's JSDoc).
function prepare(node: Json, isRoot = false): Json {
  if (Array.isArray(node)) return node.map((child) => prepare(child));
  if (node === null || typeof node !== 'object') return node;
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'title' && typeof value === 'string') continue;
    if (key === 'examples' || key === 'discriminator' || key === '$id') continue;
    // `properties` and `$defs` map names to schemas; a property may itself be called `title`.
    if (key === 'properties' || key === '$defs' || key === 'patternProperties') {
      const map: { [key: string]: Json } = {};
      for (const [name, schema] of Object.entries(value as { [key: string]: Json })) {
        map[name] = prepare(schema);
      }
      out[key] = map;
      continue;
    }
    out[key] = prepare(value);
  }
  if (typeof out.$ref === 'string' && Object.keys(out).some((key) => key !== '$ref')) {
    const wrapped: { [key: string]: Json } = { allOf: [{ $ref: out.$ref }] };
    if (typeof out.description === 'string') wrapped.description = out.description;
    if (out.deprecated === true) wrapped.deprecated = true;
    return wrapped;
  }
  if (isRoot) delete out.$schema;
  return out;
}

async function typesFor(schemaFile: string, rootName: string): Promise<string> {
  const schema = JSON.parse(await readFile(join(packageRoot, schemaFile), 'utf8')) as Json;
  const prepared = prepare(schema, true) as JSONSchema;
  return compile(prepared, rootName, {
    bannerComment: BANNER.replace('{{file}}', schemaFile),
    additionalProperties: false,
    unknownAny: true,
    unreachableDefinitions: true,
    strictIndexSignatures: false,
    // Plain arrays: a tuple for `minItems: 1` would make every empty draft flow a type error.
    ignoreMinAndMaxItems: true,
    format: true,
    style: STYLE,
    customName: (_schema, keyNameFromDefinition) => keyNameFromDefinition,
  });
}

async function schemaModule(): Promise<string> {
  const connector = await readFile(join(packageRoot, 'connector.schema.json'), 'utf8');
  const contract = await readFile(join(packageRoot, 'contract.schema.json'), 'utf8');
  const compact = (text: string): string => JSON.stringify(JSON.parse(text) as Json, null, 2);
  return [
    BANNER.replace('{{file}}', 'connector.schema.json and contract.schema.json'),
    '',
    '// The schemas as modules, so the browser bundle and the node build need no JSON import.',
    `export const connectorSchema: Record<string, unknown> = ${compact(connector)};`,
    '',
    `export const contractSchema: Record<string, unknown> = ${compact(contract)};`,
    '',
  ].join('\n');
}

/** Every generated file: path relative to the package root -> content. */
export async function generate(): Promise<Record<string, string>> {
  return {
    'src/generated/connector.generated.ts': await typesFor(
      'connector.schema.json',
      'ConnectorDefinition',
    ),
    'src/generated/contract.generated.ts': await typesFor('contract.schema.json', 'ContractCase'),
    'src/generated/schemas.generated.ts': await schemaModule(),
  };
}
