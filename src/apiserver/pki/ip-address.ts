// IP addresses as the network-order bytes an X.509 iPAddress SAN holds (RFC 5280 4.2.1.6):
// 4 bytes for IPv4, 16 for IPv6.
import { isIPv4, isIPv6 } from 'node:net';
import { PkiError, PkiErrorCode } from './errors.ts';

function ipv4Bytes(address: string): number[] {
  return address.split('.').map(Number);
}

export function ipAddressBytes(address: string): Uint8Array {
  if (isIPv4(address)) return Uint8Array.from(ipv4Bytes(address));
  // Zone IDs (fe80::1%eth0) pass isIPv6 but cannot appear in a certificate.
  if (!isIPv6(address) || address.includes('%')) {
    throw new PkiError(PkiErrorCode.InvalidArgument, `"${address}" is not an IPv4 or IPv6 address`);
  }
  let text = address;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    // An embedded IPv4 tail (::ffff:192.0.2.1) fills the last two groups.
    const [a, b, c, d] = ipv4Bytes(last) as [number, number, number, number];
    tail = [(a << 8) | b, (c << 8) | d];
    text = text.slice(0, lastColon + 1);
    if (!text.endsWith('::')) text = text.slice(0, -1);
  }
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const [head = '', rest] = text.split('::') as [string, string | undefined];
  let groups: number[];
  if (rest === undefined) {
    groups = [...parse(head), ...tail];
  } else {
    const left = parse(head);
    const right = [...parse(rest), ...tail];
    groups = [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
  }
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    bytes[2 * i] = group >> 8;
    bytes[2 * i + 1] = group & 0xff;
  });
  return bytes;
}
