import { readFile, readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate, packageRoot } from '../scripts/codegen.js';
import { createAjv } from './ajv.js';
import { connectorSchema, contractSchema } from './generated/schemas.generated.js';

type Json = Record<string, unknown>;

const NODE_TYPES = [
  'HttpNode',
  'TransformNode',
  'CodeNode',
  'BranchNode',
  'ForEachNode',
  'OutputNode',
  'FailNode',
];

/** Every subschema location of a schema document (not inside data keywords), with its pointer. */
function locations(schema: unknown, pointer = ''): Array<{ pointer: string; node: Json }> {
  if (schema === null || typeof schema !== 'object') return [];
  if (Array.isArray(schema))
    return schema.flatMap((child, i) => locations(child, `${pointer}/${i}`));
  const node = schema as Json;
  const out = [{ pointer, node }];
  for (const [key, value] of Object.entries(node)) {
    if (['examples', 'const', 'enum', 'default', 'discriminator'].includes(key)) continue;
    out.push(...locations(value, `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`));
  }
  return out;
}

function propertySchemas(schema: Json): Array<{ pointer: string; property: Json }> {
  return locations(schema).flatMap(({ pointer, node }) => {
    const properties = node.properties;
    if (!properties || typeof properties !== 'object' || pointer.endsWith('/properties')) return [];
    return Object.entries(properties as Record<string, Json>).map(([name, property]) => ({
      pointer: `${pointer}/properties/${name}`,
      property,
    }));
  });
}

function deref(schema: Json, node: Json): Json {
  const ref = node.$ref;
  if (typeof ref !== 'string' || Object.keys(node).length > 1) return node;
  const name = ref.replace('#/$defs/', '');
  return ((schema.$defs as Record<string, Json>)[name] ?? {}) as Json;
}

describe.each([
  ['connector.schema.json', connectorSchema],
  ['contract.schema.json', contractSchema],
])('%s', (file, schema) => {
  it('compiles under ajv strict mode as JSON Schema 2020-12', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(() => createAjv().compile(schema)).not.toThrow();
  });

  it('is the same document as the generated schema module', async () => {
    const onDisk = JSON.parse(await readFile(join(packageRoot, file), 'utf8')) as unknown;
    expect(schema).toEqual(onDisk);
  });

  it('validates every `examples` value against the subschema it documents', () => {
    const ajv = createAjv();
    ajv.addSchema(schema);
    const id = String(schema.$id);
    const failures: string[] = [];
    let checked = 0;
    for (const { pointer, node } of locations(schema)) {
      if (!Array.isArray(node.examples)) continue;
      const check = ajv.compile({ $ref: `${id}#${encodeURI(pointer)}` });
      for (const example of node.examples as unknown[]) {
        checked += 1;
        if (!check(example))
          failures.push(
            `${pointer}: ${JSON.stringify(example)} -> ${ajv.errorsText(check.errors)}`,
          );
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(file.startsWith('connector') ? 200 : 20);
  });

  it('gives every property a title, a description and examples', () => {
    const missing = propertySchemas(schema)
      .filter(({ pointer }) => !pointer.includes('/Matcher/'))
      .filter(({ property }) => {
        const documented = deref(schema, property);
        return !['title', 'description', 'examples'].every((key) => key in documented);
      })
      .map(({ pointer }) => pointer);
    expect(missing).toEqual([]);
  });
});

describe('connector.schema.json shape', () => {
  const defs = connectorSchema.$defs as Record<string, Json>;

  it('tells every node type apart by a const `type`', () => {
    const branches = (defs.FlowNode!.oneOf as Json[]).map((branch) =>
      String(branch.$ref).split('/').pop()!,
    );
    expect(branches).toEqual(NODE_TYPES);
    const tags = branches.map(
      (name) => (defs[name]!.properties as Record<string, Json>).type!.const,
    );
    expect(tags).toEqual(['http', 'transform', 'code', 'branch', 'forEach', 'output', 'fail']);
    for (const name of branches) expect(defs[name]!.required).toContain('type');
  });

  it('closes every object except embedded JSON Schemas and free-form maps', () => {
    const open = locations(connectorSchema)
      .filter(
        ({ node }) =>
          (node.type === 'object' || (Array.isArray(node.type) && node.type.includes('object'))) &&
          node.additionalProperties !== false,
      )
      // Discriminated unions are closed by each of their branches.
      .filter(({ node }) => node.oneOf === undefined)
      .filter(
        ({ node }) =>
          node.properties !== undefined ||
          node.additionalProperties === undefined ||
          node.additionalProperties === true,
      )
      .map(({ pointer }) => pointer);
    expect(open).toEqual(['/$defs/JsonSchema']);
  });

  it('says which variables every templated field may use', () => {
    const templated = locations(connectorSchema).filter(
      ({ node }) =>
        node.$ref === '#/$defs/Template' ||
        (typeof node.description === 'string' &&
          /[Tt]emplates?\b/.test(node.description) &&
          !('$defs' in node)),
    );
    expect(templated.length).toBeGreaterThanOrEqual(12);
    for (const { pointer, node } of templated) {
      if (pointer === '/$defs/Template') continue;
      expect(String(node.description), pointer).toMatch(/`(input|config|response)`/);
    }
  });

  it('carries deprecation as data on actions and triggers', () => {
    for (const name of ['Action', 'WebhookTrigger', 'PollTrigger']) {
      const properties = defs[name]!.properties as Record<string, Json>;
      expect(properties.deprecated?.type).toBe('boolean');
      expect(properties.deprecationMessage?.type).toBe('string');
    }
  });
});

describe('generated files', () => {
  it('match what `npm run generate` writes now (regenerate after editing a schema)', async () => {
    const files = await generate();
    expect(Object.keys(files).sort()).toEqual([
      'src/generated/connector.generated.ts',
      'src/generated/contract.generated.ts',
      'src/generated/schemas.generated.ts',
    ]);
    for (const [path, content] of Object.entries(files)) {
      const committed = await readFile(join(packageRoot, path), 'utf8');
      expect(committed, `${path} is stale: run npm run generate -w @plugboard/definition`).toBe(
        content,
      );
      expect(committed).toContain('generated, do not edit');
    }
  });

  it('export the agreed type names', async () => {
    const types = await readFile(join(packageRoot, 'src/generated/connector.generated.ts'), 'utf8');
    for (const name of [
      'ConnectorDefinition',
      'Action',
      'Trigger',
      'Flow',
      'FlowNode',
      ...NODE_TYPES,
      'Auth',
      'Limits',
      'Pagination',
      'WebhookVerify',
    ]) {
      expect(types).toMatch(new RegExp(`export (interface|type) ${name}\\b`));
    }
    const contract = await readFile(
      join(packageRoot, 'src/generated/contract.generated.ts'),
      'utf8',
    );
    expect(contract).toMatch(/export interface ContractCase\b/);
  });
});

describe('browser entry', () => {
  it('reaches no Node API through its imports', async () => {
    const seen = new Set<string>();
    const queue = [resolve(packageRoot, 'src/browser.ts')];
    const external = new Set<string>();
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const text = await readFile(file, 'utf8');
      for (const match of text.matchAll(/(?:import|export)[^'";]*?from\s+'([^']+)'/g)) {
        const spec = match[1]!;
        if (spec.startsWith('.')) queue.push(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
        else external.add(spec);
      }
    }
    expect(
      [...external].filter(
        (spec) => spec.startsWith('node:') || ['fs', 'path', 'crypto', 'os'].includes(spec),
      ),
    ).toEqual([]);
    expect([...external].sort()).toEqual([
      'ajv-formats',
      'ajv/dist/2020.js',
      'jsonata',
      'safe-regex2',
      'semver',
    ]);
    expect(seen.size).toBeGreaterThan(5);
    expect(await readdir(join(packageRoot, 'src'))).toContain('browser.ts');
  });
});
