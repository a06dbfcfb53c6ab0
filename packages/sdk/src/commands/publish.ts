import type { Command } from 'commander';
import { createClient, PlugboardApiError, type PublishReport } from '../client.js';
import { issue, type CliIssue } from '../errors.js';
import { formatCase, formatChanges, formatIssue, plural } from '../format.js';
import { addJsonOption, printJson, setExit, type OutputOptions } from '../output.js';
import { showPointer } from '../pointer.js';
import { pack } from './pack.js';

export interface PublishOptions {
  /** The package directory. */
  dir: string;
  /** Base URL of the runtime; defaults to `PLUGBOARD_URL`. */
  url?: string;
  /** API key with the `catalog:publish` scope; defaults to `PLUGBOARD_API_KEY`. */
  key?: string;
  /** The fetch to use (tests). */
  fetch?: typeof fetch;
}

export interface PublishTarget {
  id: string;
  version: string;
  digest: string;
  url: string;
}

export type PublishResult =
  | { ok: true; status: number; connector: PublishTarget; report: PublishReport }
  | {
      ok: false;
      errors: CliIssue[];
      status?: number;
      connector?: PublishTarget;
      report?: PublishReport;
    };

/** Packs the package and sends it to the runtime's publish gate; the gate's report comes back either way. */
export async function publish(options: PublishOptions): Promise<PublishResult> {
  const url = options.url ?? process.env.PLUGBOARD_URL;
  const key = options.key ?? process.env.PLUGBOARD_API_KEY;
  const missing: CliIssue[] = [];
  if (!url)
    missing.push(
      issue('MISSING_OPTION', 'no runtime URL: pass --url http://host:3000 or set PLUGBOARD_URL'),
    );
  if (!key)
    missing.push(
      issue(
        'MISSING_OPTION',
        'no API key: pass --key pb_... (a key with the catalog:publish scope) or set PLUGBOARD_API_KEY',
      ),
    );
  if (url && !/^https?:\/\//.test(url))
    missing.push(issue('INVALID_OPTION', `--url must be an http(s) URL, got "${url}"`));
  if (missing.length > 0 || !url || !key) return { ok: false, errors: missing };

  const packed = await pack({ dir: options.dir });
  if (!packed.ok) return packed;
  const { bundle } = packed;
  const connector = {
    id: bundle.definition.id,
    version: bundle.definition.version,
    digest: bundle.digest,
    url,
  };
  const client = createClient({ url, key, ...(options.fetch ? { fetch: options.fetch } : {}) });
  try {
    const answer = await client.connectors.publish(bundle);
    return { ok: true, status: answer.status, connector, report: answer.report };
  } catch (error) {
    if (!(error instanceof PlugboardApiError)) throw error;
    const report = reportOf(error);
    return {
      ok: false,
      status: error.status,
      connector,
      errors: [{ code: error.code, message: error.message }],
      ...(report ? { report } : {}),
    };
  }
}

function reportOf(error: PlugboardApiError): PublishReport | undefined {
  return isObject(error.details) && 'valid' in error.details
    ? (error.details as unknown as PublishReport)
    : undefined;
}

export function formatPublish(result: PublishResult): string[] {
  const lines: string[] = [];
  const name = result.connector ? `${result.connector.id}@${result.connector.version}` : '';
  if (result.ok) {
    // 200: this exact content was published before; versions are immutable, so nothing changed.
    const verb = result.status === 200 ? 'already published' : 'published';
    lines.push(
      `✓ ${verb} ${name} to ${result.connector.url} (${result.status}, ${result.connector.digest})`,
    );
  } else if (result.status === undefined) {
    lines.push(...result.errors.map(formatIssue));
  } else {
    const [first] = result.errors;
    const verb = result.status === 422 ? 'refused by the publish gate' : 'failed';
    lines.push(
      `✗ publish of ${name} ${verb}: ${result.status === 0 ? '' : `${result.status} `}${first?.code ?? ''} ${first?.message ?? ''}`.trimEnd(),
    );
  }
  if (result.report) lines.push(...formatReport(result.report));
  return lines;
}

/** The gate's report: its errors, the changes since the previous version, and the contract runs (failures in full). */
export function formatReport(report: PublishReport): string[] {
  const lines: string[] = [];
  const errors = report.errors ?? [];
  if (errors.length > 0) {
    lines.push(`  errors (${errors.length}):`);
    for (const e of errors) lines.push(`    ${showPointer(e.pointer)} ${e.code} ${e.message}`);
  }
  const changes = report.changes ?? [];
  if (report.previousVersion === null) {
    lines.push('  changes: first version, nothing to compare');
  } else {
    const since = report.previousVersion === undefined ? '' : ` since ${report.previousVersion}`;
    lines.push(
      `  changes${since}: ${plural(changes.length, 'change')}, required bump: ${report.requiredBump ?? 'none'}`,
    );
    lines.push(...formatChanges(changes, '    '));
  }
  const contracts = report.contracts ?? [];
  const failed = contracts.filter((c) => !c.passed);
  lines.push(`  contracts: ${contracts.length - failed.length} passed, ${failed.length} failed`);
  for (const c of failed) lines.push(...formatCase(c, '    '));
  return lines;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function configurePublishCommand(program: Command): Command {
  const command = program
    .command('publish')
    .argument('<dir>', 'the connector package directory')
    .option('--url <url>', 'base URL of the Plugboard runtime (default: $PLUGBOARD_URL)')
    .option('--key <key>', 'API key with the catalog:publish scope (default: $PLUGBOARD_API_KEY)')
    .description(
      "pack the package and publish it to a runtime's catalog; prints the publish gate's report",
    )
    .addHelpText(
      'after',
      `
The runtime validates the bundle, checks the version bump against the previous version, runs the
package's contracts and every registered consumer contract, and stores the version only when all
pass. The report (errors, changes, required bump, contract results) is printed either way.
Exits 1 when the runtime refuses (422), fails (4xx/5xx, printed with its error code) or is unreachable.
Prefer PLUGBOARD_API_KEY to --key: a key on the command line shows in the process list and history.

Examples:
  $ plugboard publish connectors/slack --url http://localhost:3000 --key pb_abc_secret
  $ PLUGBOARD_URL=https://plugboard.example.com PLUGBOARD_API_KEY=pb_... plugboard publish connectors/slack --json`,
    );
  addJsonOption(command).action(
    async (dir: string, options: OutputOptions & { url?: string; key?: string }) => {
      const result = await publish({
        dir,
        ...(options.url === undefined ? {} : { url: options.url }),
        ...(options.key === undefined ? {} : { key: options.key }),
      });
      if (options.json) printJson(result);
      else
        for (const line of formatPublish(result)) (result.ok ? console.log : console.error)(line);
      setExit(result.ok);
    },
  );
  return command;
}
