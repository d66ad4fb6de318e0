import { describe, expect, it } from 'vitest';
import { resolveClientIp, trustedProxyProblems, trustProxies } from '../../server/src/http/client-ip.ts';

const nobody = trustProxies([]);
const ours = trustProxies(['10.0.0.0/8', '192.168.1.5', 'fd00::/8']);

describe('the client address behind proxies', () => {
  it('is the socket peer when no proxy is trusted, whatever X-Forwarded-For claims', () => {
    expect(resolveClientIp('198.51.100.9', '203.0.113.1', nobody)).toBe('198.51.100.9');
    expect(resolveClientIp('10.0.0.1', '203.0.113.1', nobody)).toBe('10.0.0.1');
  });

  it('is the socket peer when the peer is not one of our proxies', () => {
    expect(resolveClientIp('198.51.100.9', '203.0.113.1', ours)).toBe('198.51.100.9');
  });

  it('is the right-most forwarded address that is not ours, so entries a client wrote itself are ignored', () => {
    expect(resolveClientIp('10.0.0.1', '203.0.113.1', ours)).toBe('203.0.113.1');
    expect(resolveClientIp('10.0.0.1', '6.6.6.6, 203.0.113.1', ours)).toBe('203.0.113.1');
    expect(resolveClientIp('10.0.0.1', '6.6.6.6, 203.0.113.1, 192.168.1.5, 10.2.3.4', ours)).toBe('203.0.113.1');
  });

  it('is the proxy itself when it forwarded nothing, and the left-most hop when every hop is ours', () => {
    expect(resolveClientIp('10.0.0.1', null, ours)).toBe('10.0.0.1');
    expect(resolveClientIp('10.0.0.1', '', ours)).toBe('10.0.0.1');
    expect(resolveClientIp('10.0.0.1', '192.168.1.5, 10.9.9.9', ours)).toBe('192.168.1.5');
  });

  it('stops at the last proxy we trust when a hop is not an address', () => {
    expect(resolveClientIp('10.0.0.1', '203.0.113.1, unknown', ours)).toBe('10.0.0.1');
    expect(resolveClientIp('10.0.0.1', '203.0.113.1, 10.0.0.2:8080', ours)).toBe('10.0.0.1');
  });

  it('treats an IPv4 client on a dual-stack socket as the same IPv4 address, and matches IPv6 ranges', () => {
    expect(resolveClientIp('::ffff:198.51.100.9', null, nobody)).toBe('198.51.100.9');
    expect(resolveClientIp('::ffff:10.0.0.1', '203.0.113.1', ours)).toBe('203.0.113.1');
    expect(resolveClientIp('fd00::1', '2001:DB8::5', ours)).toBe('2001:db8::5');
  });

  it('is "local" for a request that came through no socket (in-process calls)', () => {
    expect(resolveClientIp(undefined, '203.0.113.1', ours)).toBe('local');
  });
});

describe('TRUSTED_PROXIES entries', () => {
  it('accepts addresses and CIDR ranges of both families', () => {
    expect(trustedProxyProblems(['10.0.0.0/8', '192.168.1.5', '::1', 'fd00::/8', '0.0.0.0/0'])).toEqual([]);
  });

  it('names each entry that is neither, by its position', () => {
    expect(trustedProxyProblems(['10.0.0.0/8', 'proxy.internal', '10.0.0.0/33', '::1/129', '10.0.0.0/8/1', '10.0.0.0/'])).toEqual([
      'entry 2 must be an IP address or a CIDR range such as 10.0.0.0/8',
      'entry 3 must be an IP address or a CIDR range such as 10.0.0.0/8',
      'entry 4 must be an IP address or a CIDR range such as 10.0.0.0/8',
      'entry 5 must be an IP address or a CIDR range such as 10.0.0.0/8',
      'entry 6 must be an IP address or a CIDR range such as 10.0.0.0/8',
    ]);
  });
});
