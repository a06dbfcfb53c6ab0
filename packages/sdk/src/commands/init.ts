import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { failure, issue, type CommandResult } from '../errors.js';
import { describeFsError } from '../json-file.js';
import { printErrors, setExit } from '../output.js';
import { displayPath } from '../paths.js';
import { DEFAULT_LAYOUT } from '../package-files.js';

export interface InitOptions {
  /** The directory to create (or an existing empty one). */
  dir: string;
  /** Connector id, a lowercase slug; defaults to the directory name. */
  id?: string;
  /** Display name; defaults to the id in title case. */
  name?: string;
}

export type InitResult = CommandResult<{ dir: string; id: string; files: string[] }>;

const ID_PATTERN = /^[a-z][a-z0-9-]*$/;

/**
 * Writes a connector package that validates and whose contract passes, so an author starts from
 * something that works: one realtime action doing a GET and returning a named schema.
 */
export function init(options: InitOptions): InitResult {
  const dir = resolve(options.dir);
  const shown = displayPath(dir);
  const id = options.id ?? slug(basename(dir));
  if (!ID_PATTERN.test(id)) {
    return failure(
      issue(
        'INVALID_OPTION',
        `connector id "${id}" must be a lowercase slug (letters, digits and dashes, starting with a letter); pass --id`,
      ),
    );
  }
  const name = options.name ?? titleCase(id);
  try {
    const stats = statSync(dir, { throwIfNoEntry: false });
    if (stats && !stats.isDirectory()) {
      return failure(
        issue('INVALID_OPTION', `${shown} exists and is not a directory`, { file: shown }),
      );
    }
    if (stats && readdirSync(dir).length > 0) {
      return failure(
        issue(
          'DIR_NOT_EMPTY',
          `${shown} is not empty: init only writes into a new or empty directory, so nothing is overwritten`,
          {
            file: shown,
          },
        ),
      );
    }
  } catch (error) {
    return failure(
      issue('FILE_UNREADABLE', `cannot read ${shown}: ${describeFsError(error)}`, { file: shown }),
    );
  }

  const files = scaffold(id, name);
  try {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    mkdirSync(join(dir, DEFAULT_LAYOUT.scripts), { recursive: true });
  } catch (error) {
    return failure(
      issue('WRITE_FAILED', `cannot write into ${shown}: ${describeFsError(error)}`, {
        file: shown,
      }),
    );
  }
  return { ok: true, dir: shown, id, files: Object.keys(files) };
}

function scaffold(id: string, name: string): Record<string, string> {
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  const packageJson = {
    name: `plugboard-connector-${id}`,
    version: '0.1.0',
    private: true,
    description: `${name} connector for Plugboard`,
    type: 'module',
    plugboard: { ...DEFAULT_LAYOUT },
  };
  const connector = {
    id,
    version: '0.1.0',
    name,
    description: `Reads items from the ${name} API.`,
    categories: ['developer-tools'],
    publisher: 'you',
    base: { url: 'https://api.example.com', allowedHosts: ['api.example.com'] },
    auth: { type: 'bearer' },
    config: { type: 'object', properties: {}, additionalProperties: false },
    schemas: {
      Item: {
        type: 'object',
        title: 'Item',
        description: 'An item as the API returns it.',
        properties: {
          id: { type: 'string', description: 'The item id.' },
          name: { type: 'string', description: 'Display name.' },
        },
        required: ['id', 'name'],
        additionalProperties: false,
      },
    },
    actions: {
      getItem: {
        title: 'Get an item',
        description: 'Fetches one item by id.',
        urgency: 'realtime',
        input: {
          type: 'object',
          properties: {
            id: { type: 'string', minLength: 1, description: 'The id of the item to fetch.' },
          },
          required: ['id'],
          additionalProperties: false,
        },
        output: { $ref: '#/schemas/Item' },
        flow: {
          nodes: [
            { id: 'fetch', type: 'http', method: 'GET', path: '/items/{{ input.id }}' },
            {
              id: 'result',
              type: 'output',
              value: '{ "id": steps.fetch.body.id, "name": steps.fetch.body.name }',
            },
          ],
          edges: [{ from: 'fetch', to: 'result' }],
        },
      },
    },
  };
  const contract = {
    name: 'getItem returns the item',
    action: 'getItem',
    input: { id: '42' },
    interactions: [
      {
        request: { method: 'GET', path: '/items/42' },
        response: {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: { id: '42', name: 'The answer', extra: true },
        },
      },
    ],
    expect: { output: { id: '42', name: { $match: 'type', example: 'any name' } } },
  };
  const readme = `# ${name}

A Plugboard connector package.

- \`connector.json\`: the definition (actions, schemas, auth, limits).
- \`contracts/\`: contract cases, each a recorded partner exchange and the expected result.
- \`scripts/\`: JavaScript for \`code\` nodes that name a \`script\`.

## Actions

- \`getItem\`: fetches one item by id (\`GET /items/:id\`).

## Develop

\`\`\`sh
npx plugboard validate .
npx plugboard test .
npx plugboard publish . --url http://localhost:3000 --key $PLUGBOARD_API_KEY
\`\`\`

## Limits

Describe the partner's rate limits and what the connector does not cover here.
`;
  return {
    'package.json': json(packageJson),
    'connector.json': json(connector),
    'contracts/happy-path.json': json(contract),
    'README.md': readme,
  };
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+|-+$/g, '');
}

function titleCase(id: string): string {
  return id
    .split('-')
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(' ');
}

export function configureInitCommand(program: Command): Command {
  return program
    .command('init')
    .argument('<dir>', 'the directory to create (it must not exist or be empty)')
    .option('--id <id>', 'connector id, a lowercase slug (default: the directory name)')
    .option('--name <name>', 'display name (default: the id in title case)')
    .description('scaffold a connector package: package.json, connector.json, a contract, a README')
    .addHelpText(
      'after',
      `
The package validates and its contract passes as written; change the base URL, auth and action to
your partner's API, then run validate and test again.

Examples:
  $ plugboard init connectors/acme
  $ plugboard init ./my-connector --id acme-crm --name "Acme CRM"`,
    )
    .action((dir: string, options: { id?: string; name?: string }) => {
      const result = init({ dir, ...options });
      if (!result.ok) printErrors(result.errors);
      else {
        console.log(`✓ created ${result.id} in ${result.dir}`);
        for (const file of result.files) console.log(`  ${file}`);
        console.log(`next: plugboard validate ${result.dir} && plugboard test ${result.dir}`);
      }
      setExit(result.ok);
    });
}
