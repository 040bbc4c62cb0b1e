/**
 * IP address parsing and normalisation with the rules Django follows (`django.utils.ipv6`, which relies on
 * Python's `ipaddress`): strict dotted quads, RFC 5952 text for IPv6, IPv4-mapped addresses kept in dotted form.
 */

/** The longest text an IPv6 address may have (Django refuses longer input before parsing it). */
export const MAX_IPV6_ADDRESS_LENGTH = 39;

/** An IPv4 address as its four octets, or null: exactly four decimal parts of 0-255, no leading zeros. */
export function parseIPv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const octets: number[] = [];
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || (part.length > 1 && part[0] === '0')) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    octets.push(octet);
  }
  return octets;
}

export function isValidIPv4Address(text: string): boolean {
  return parseIPv4(text) !== null;
}

interface IPv6 {
  /** Eight 16-bit groups. */
  hextets: number[];
  /** The zone after `%`, if any (`fe80::1%eth0`). */
  scope: string | null;
}

/** Python's IPv6Address parsing: one `::` at most, 1-4 hex digits a group, an optional dotted IPv4 tail. */
function parseIPv6(text: string): IPv6 | null {
  if (text.length > MAX_IPV6_ADDRESS_LENGTH) return null;
  const percent = text.indexOf('%');
  let scope: string | null = null;
  if (percent >= 0) {
    scope = text.slice(percent + 1);
    text = text.slice(0, percent);
    if (!scope || scope.includes('%')) return null;
  }
  const parts = text.split(':');
  if (parts.length < 3) return null;
  const tail = parts[parts.length - 1]!;
  if (tail.includes('.')) {
    const octets = parseIPv4(tail);
    if (!octets) return null;
    parts.pop();
    parts.push(((octets[0]! << 8) | octets[1]!).toString(16), ((octets[2]! << 8) | octets[3]!).toString(16));
  }
  if (parts.length > 9) return null;
  let skipIndex: number | null = null;
  for (let i = 1; i < parts.length - 1; i++) {
    if (parts[i] !== '') continue;
    if (skipIndex !== null) return null;
    skipIndex = i;
  }
  let high: number;
  let low: number;
  let skipped: number;
  if (skipIndex !== null) {
    high = skipIndex;
    low = parts.length - skipIndex - 1;
    if (parts[0] === '' && --high) return null;
    if (parts[parts.length - 1] === '' && --low) return null;
    skipped = 8 - (high + low);
    if (skipped < 1) return null;
  } else {
    if (parts.length !== 8 || parts[0] === '' || parts[parts.length - 1] === '') return null;
    high = parts.length;
    low = 0;
    skipped = 0;
  }
  const hextets: number[] = [];
  const group = (part: string): number | null => (/^[0-9a-fA-F]{1,4}$/.test(part) ? parseInt(part, 16) : null);
  for (let i = 0; i < high; i++) {
    const value = group(parts[i]!);
    if (value === null) return null;
    hextets.push(value);
  }
  for (let i = 0; i < skipped; i++) hextets.push(0);
  for (let i = parts.length - low; i < parts.length; i++) {
    const value = group(parts[i]!);
    if (value === null) return null;
    hextets.push(value);
  }
  return { hextets, scope };
}

export function isValidIPv6Address(text: string): boolean {
  return parseIPv6(text) !== null;
}

/** The IPv4 address an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) carries, or null. */
function mappedIPv4({ hextets }: IPv6): string | null {
  if (hextets.slice(0, 5).some((value) => value !== 0) || hextets[5] !== 0xffff) return null;
  return [hextets[6]! >> 8, hextets[6]! & 0xff, hextets[7]! >> 8, hextets[7]! & 0xff].join('.');
}

/** RFC 5952 text: lower case, no leading zeros, the longest run (2 groups or more, leftmost) of zeros as `::`. */
function compress({ hextets, scope }: IPv6): string {
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < hextets.length; ) {
    if (hextets[i] !== 0) {
      i++;
      continue;
    }
    let end = i;
    while (end < hextets.length && hextets[end] === 0) end++;
    if (end - i > bestLength) {
      bestStart = i;
      bestLength = end - i;
    }
    i = end;
  }
  const groups = hextets.map((value) => value.toString(16));
  let text: string;
  if (bestLength > 1) {
    const head = groups.slice(0, bestStart).join(':');
    const tail = groups.slice(bestStart + bestLength).join(':');
    text = `${head}::${tail}`;
  } else {
    text = groups.join(':');
  }
  return scope ? `${text}%${scope}` : text;
}

/**
 * Django's clean_ipv6_address(): the normalised text of a valid IPv6 address, or null. An IPv4-mapped address
 * becomes `::ffff:a.b.c.d`, or `a.b.c.d` itself with `unpackIpv4`.
 */
export function cleanIPv6Address(text: string, unpackIpv4 = false): string | null {
  const address = parseIPv6(text);
  if (!address) return null;
  const ipv4 = address.scope === null ? mappedIPv4(address) : null;
  if (ipv4) return unpackIpv4 ? ipv4 : `::ffff:${ipv4}`;
  return compress(address);
}
