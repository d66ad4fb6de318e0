import { BlockList, isIP } from 'node:net';

/** Decides whether an address is one of our own proxies, whose X-Forwarded-For may be believed. */
export type ProxyTrust = (address: string) => boolean;

type Rule = { address: string; prefix: number | null; family: 'ipv4' | 'ipv6' };

/** "203.0.113.7", "10.0.0.0/8", "::1" or "fd00::/8"; null when it is none of these. */
function parseRule(entry: string): Rule | null {
  const [address = '', prefixText, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return null;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  if (prefixText === undefined) return { address, prefix: null, family };
  const prefix = Number(prefixText);
  const widest = version === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefixText) || prefix > widest) return null;
  return { address, prefix, family };
}

/** One message per entry of TRUSTED_PROXIES that is neither an address nor a CIDR range. */
export function trustedProxyProblems(entries: readonly string[]): string[] {
  return entries.flatMap((entry, index) =>
    parseRule(entry) ? [] : [`entry ${index + 1} must be an IP address or a CIDR range such as 10.0.0.0/8`],
  );
}

export function trustProxies(entries: readonly string[]): ProxyTrust {
  const list = new BlockList();
  for (const entry of entries) {
    const rule = parseRule(entry);
    if (!rule) throw new Error(`not an IP address or CIDR range: ${entry}`);
    if (rule.prefix === null) list.addAddress(rule.address, rule.family);
    else list.addSubnet(rule.address, rule.prefix, rule.family);
  }
  return (address) => {
    const version = isIP(address);
    return version !== 0 && list.check(address, version === 4 ? 'ipv4' : 'ipv6');
  };
}

/** A socket on a dual-stack listener reports IPv4 clients as ::ffff:a.b.c.d; one client, one key. */
function normalise(address: string): string {
  const trimmed = address.trim().toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(trimmed);
  return mapped?.[1] ?? trimmed;
}

/**
 * The address a request came from. The socket's peer, unless the peer is a trusted proxy: then
 * the right-most X-Forwarded-For entry that is not one of ours, because every proxy appends the
 * address it saw and anything left of our own proxies was written by the client. A hop that is
 * not an address ends the walk at the last proxy we trust.
 */
export function resolveClientIp(peer: string | undefined, forwardedFor: string | null | undefined, trusted: ProxyTrust): string {
  if (!peer) return 'local';
  let client = normalise(peer);
  if (!trusted(client)) return client;
  const hops = (forwardedFor ?? '')
    .split(',')
    .map(normalise)
    .filter((hop) => hop !== '');
  for (const hop of hops.reverse()) {
    if (isIP(hop) === 0) return client;
    client = hop;
    if (!trusted(hop)) return hop;
  }
  return client;
}
