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

export function hostPatterns(
  base: { url?: string; allowedHosts?: string[] } | undefined,
): string[] {
  const patterns = (base?.allowedHosts ?? []).map((h) => h.trim().toLowerCase());
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
