import type { ConnectorDefinition } from './generated/connector.generated.js';
import { scanTemplates } from './templates.js';

/** The host (with port) of an absolute http(s) URL or URL template, or null. */
export function hostOf(url: string): string | null {
  const match = /^https?:\/\/([^/?#]*)/i.exec(url);
  if (!match || match[1] === undefined) return null;
  const authority = match[1].replace(/^[^@]*@/, '');
  return authority.toLowerCase();
}

export interface HostRules {
  allows(host: string): boolean;
  coversTemplated(host: string): boolean;
}

export function hostRules(definition: ConnectorDefinition): HostRules {
  const base = hostOf(definition.base?.url ?? '');
  const listed = definition.base?.allowedHosts;
  const patterns = (listed ?? (base && !base.includes('{{') ? [base] : [])).map((h) =>
    h.toLowerCase(),
  );
  const matches = (pattern: string, host: string): boolean => {
    if (pattern.includes('{{')) return false;
    // As the engine does (egress/hosts.ts): `*` stands for exactly one DNS label.
    if (pattern.startsWith('*.')) {
      const suffix = pattern.slice(1);
      const label = host.endsWith(suffix) ? host.slice(0, -suffix.length) : '';
      return /^[a-z0-9-]+$/.test(label);
    }
    return pattern === host || pattern === host.replace(/:\d+$/, '');
  };
  const normalise = (template: string): string =>
    scanTemplates(template).parts.reduceRight(
      (text, part) => `${text.slice(0, part.start)}{{${part.expression}}}${text.slice(part.end)}`,
      template,
    );
  return {
    allows: (host) =>
      patterns.some((pattern) => matches(pattern, host)) ||
      // base.url's own literal host is always reachable when no allowedHosts narrows it.
      (listed === undefined && host === base),
    coversTemplated: (host) => {
      const template = normalise(host);
      if (patterns.some((pattern) => pattern.includes('{{') && normalise(pattern) === template))
        return true;
      // `{{ config.sub }}.example.com` is covered by `*.example.com`: the templated labels stand
      // for one or more labels of the wildcard's suffix.
      const literalSuffix = /^(?:\{\{[^}]*\}\})+(\.[a-z0-9.-]+(?::\d+)?)$/.exec(template)?.[1];
      return (
        literalSuffix !== undefined && patterns.some((pattern) => pattern === `*${literalSuffix}`)
      );
    },
  };
}
