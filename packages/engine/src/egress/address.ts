// Which addresses a partner call may connect to. Every address a name resolves to is checked, and
// the connection then goes to the checked address (see network-transport.ts), so a name that
// resolves differently the second time (DNS rebinding) cannot reach an internal service.
import { isIP } from 'node:net';

type Range = readonly [prefix: number[], bits: number, reason: string];

// IPv4 ranges as [octets, prefix length, reason].
const V4: Range[] = [
  [[0, 0, 0, 0], 8, 'this-network'],
  [[10, 0, 0, 0], 8, 'private'],
  [[100, 64, 0, 0], 10, 'carrier-grade NAT'],
  [[127, 0, 0, 0], 8, 'loopback'],
  [[169, 254, 0, 0], 16, 'link-local (cloud metadata)'],
  [[172, 16, 0, 0], 12, 'private'],
  [[192, 0, 0, 0], 24, 'IETF protocol assignments'],
  [[192, 0, 2, 0], 24, 'documentation'],
  [[192, 88, 99, 0], 24, '6to4 relay'],
  [[192, 168, 0, 0], 16, 'private'],
  [[198, 18, 0, 0], 15, 'benchmarking'],
  [[198, 51, 100, 0], 24, 'documentation'],
  [[203, 0, 113, 0], 24, 'documentation'],
  [[224, 0, 0, 0], 4, 'multicast'],
  [[240, 0, 0, 0], 4, 'reserved'],
];

// IPv6 ranges as [16-bit groups, prefix length, reason]. Ranges that embed an IPv4 address
// (mapped, compatible, NAT64, 6to4) are unwrapped and checked as IPv4 instead.
const V6: Range[] = [
  [[0, 0, 0, 0, 0, 0, 0, 0], 128, 'unspecified'],
  [[0, 0, 0, 0, 0, 0, 0, 1], 128, 'loopback'],
  [[0x0100, 0, 0, 0], 64, 'discard-only'],
  [[0x2001, 0], 32, 'Teredo'],
  [[0x2001, 0x0db8], 32, 'documentation'],
  [[0xfc00], 7, 'unique-local (private)'],
  [[0xfe80], 10, 'link-local'],
  [[0xfec0], 10, 'site-local'],
  [[0xff00], 8, 'multicast'],
];

function matches(value: number[], [prefix, bits]: Range, width: number): boolean {
  let remaining = bits;
  for (let i = 0; remaining > 0; i++) {
    const take = Math.min(width, remaining);
    const mask = ((1 << take) - 1) << (width - take);
    if (((value[i] ?? 0) & mask) !== ((prefix[i] ?? 0) & mask)) return false;
    remaining -= take;
  }
  return true;
}

function parseV4(address: string): number[] {
  return address.split('.').map((part) => Number(part));
}

/** Eight 16-bit groups; a dotted IPv4 tail becomes the last two groups. */
export function parseV6(address: string): number[] {
  let text = address.toLowerCase();
  const zone = text.indexOf('%');
  if (zone !== -1) text = text.slice(0, zone);
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    const [a = 0, b = 0, c = 0, d = 0] = parseV4(last);
    tail = [(a << 8) | b, (c << 8) | d];
    text = text.slice(0, lastColon + 1);
    if (!text.endsWith('::')) text = text.slice(0, -1);
  }
  const [head = '', rest] = text.split('::') as [string, string | undefined];
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const fill = 8 - tail.length - left.length - right.length;
  return [...left, ...new Array<number>(Math.max(0, fill)).fill(0), ...right, ...tail];
}

function v4FromGroups(high: number, low: number): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/** The reason `address` is not a public unicast address, or null when it is one. */
export function privateReason(address: string): string | null {
  const family = isIP(address);
  if (family === 4) {
    const octets = parseV4(address);
    if (address === '255.255.255.255') return 'broadcast';
    for (const range of V4) if (matches(octets, range, 8)) return range[2];
    return null;
  }
  if (family !== 6) return 'not an IP address';
  const g = parseV6(address);
  const zeros = (n: number) => g.slice(0, n).every((x) => x === 0);
  // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible), 64:ff9b::a.b.c.d (NAT64)
  if (zeros(5) && g[5] === 0xffff) return privateReason(v4FromGroups(g[6] ?? 0, g[7] ?? 0));
  if (zeros(6) && ((g[6] ?? 0) !== 0 || (g[7] ?? 0) > 1)) {
    return privateReason(v4FromGroups(g[6] ?? 0, g[7] ?? 0));
  }
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) {
    return privateReason(v4FromGroups(g[6] ?? 0, g[7] ?? 0));
  }
  if (g[0] === 0x2002) return privateReason(v4FromGroups(g[1] ?? 0, g[2] ?? 0));
  for (const range of V6) if (matches(g, range, 16)) return range[2];
  return null;
}
