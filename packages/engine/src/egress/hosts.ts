// The hosts a connector may reach: `base.allowedHosts` plus the host of `base.url`. A label of
// base.url that is templated (`https://{{config.subdomain}}.example.com`) becomes a one-label
// wildcard, so an installation's config picks a subdomain but can never point the connector at
// another domain (`evil.com#` does not fit one DNS label).
const PLACEHOLDER = '\u0000';

// The URL parser's spelling of a literal host (IPv6 compressed, IPv4 canonical), so a pattern and
// a request URL compare equal however the definition wrote the address.
function canonical(pattern: string): string {
  if (pattern.includes('*')) return pattern;
  try {
    return new URL(`http://${pattern}`).hostname;
  } catch {
    return pattern;
  }
}

// An allowedHosts entry that is exactly `{{ config.<path> }}` allows the host an installation's
// config names (a generic webhook or REST connector reaching the tenant's own server; the address
// checks still refuse private and loopback addresses). It is read here, host side, as a plain
// config path rather than JSONata, so no sandbox is needed; any other template allows nothing.
const CONFIG_HOST = /^\{\{\s*config((?:\.[A-Za-z_$][\w$]*)+)\s*\}\}$/;

/** The config value a `{{ config.<path> }}` entry names, read without JSONata; else undefined. */
export function configValue(entry: string, config: Record<string, unknown> | undefined): unknown {
  const path = CONFIG_HOST.exec(entry.trim())?.[1];
  if (path === undefined) return undefined;
  let value: unknown = config;
  for (const key of path.slice(1).split('.')) {
    value =
      value !== null && typeof value === 'object' && Object.hasOwn(value, key)
        ? (value as Record<string, unknown>)[key]
        : undefined;
  }
  return value;
}

function configHost(entry: string, config: Record<string, unknown> | undefined): string | null {
  const value = configValue(entry, config);
  if (typeof value !== 'string') return null;
  const text = value.trim().toLowerCase();
  if (text === '' || text.includes('*')) return null;
  try {
    // A URL names its host; a bare host, with an optional port, is taken as it is.
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//.test(text) ? text : `http://${text}`);
    return url.hostname === '' ? null : url.hostname;
  } catch {
    return null;
  }
}

export function hostPatterns(
  base: { url?: string; allowedHosts?: string[] } | undefined,
  config?: Record<string, unknown>,
): string[] {
  const patterns: string[] = [];
  for (const entry of base?.allowedHosts ?? []) {
    if (!entry.includes('{{')) patterns.push(entry.trim().toLowerCase());
    else {
      const host = configHost(entry.trim(), config);
      if (host !== null) patterns.push(host);
    }
  }
  const template = base?.url;
  if (typeof template === 'string') {
    const literal = template.replace(/\{\{[\s\S]+?\}\}/g, PLACEHOLDER);
    const match = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?(\[[^\]]*\]|[^/:?#]*)/i.exec(literal);
    const host = match?.[1]?.toLowerCase();
    if (host) {
      const labels = host.split('.').map((label) => (label.includes(PLACEHOLDER) ? '*' : label));
      // A wholly templated host would let config choose any domain: then allowedHosts must say.
      if (labels.filter((l) => l !== '*').length >= 2 || !host.includes(PLACEHOLDER)) {
        patterns.push(labels.join('.'));
      }
    }
  }
  return patterns.map(canonical);
}

export function hostAllowed(hostname: string, patterns: string[]): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  const labels = host.split('.');
  return patterns.some((pattern) => {
    if (pattern === host) return true;
    const parts = pattern.split('.');
    if (parts.length !== labels.length) return false;
    return parts.every((part, i) =>
      part === '*' ? /^[a-z0-9-]+$/.test(labels[i] ?? '') : part === labels[i],
    );
  });
}
