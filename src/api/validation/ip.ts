// IP address syntax checks, as node:net's isIPv4 and isIPv6 answer them, in plain code so `api`
// stays pure and runs in the console's browser bundle too.

const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])';
const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);
const HEXTET = /^[0-9a-fA-F]{1,4}$/;

/** Dotted decimal, four parts of 0-255 without leading zeros. */
export function isIPv4(text: string): boolean {
  return IPV4.test(text);
}

/**
 * RFC 4291 text form: eight groups of 1-4 hex digits, one `::` for a run of zero groups, an
 * IPv4 tail for the last two groups, and an optional non-empty zone (`%eth0`).
 */
export function isIPv6(text: string): boolean {
  let address = text;
  const percent = text.indexOf('%');
  if (percent >= 0) {
    if (percent === text.length - 1 || /[\s%]/.test(text.slice(percent + 1))) return false;
    address = text.slice(0, percent);
  }
  const halves = address.split('::');
  if (halves.length > 2) return false;
  const groupsOf = (part: string): string[] | undefined => (part === '' ? [] : part.split(':'));
  const head = groupsOf(halves[0] as string);
  const tail = halves.length === 2 ? groupsOf(halves[1] as string) : [];
  if (head === undefined || tail === undefined) return false;
  const groups = [...head, ...tail];
  let count = groups.length;
  const last = groups[groups.length - 1];
  if (last !== undefined && last.includes('.')) {
    if (!address.endsWith(last) || !isIPv4(last)) return false;
    groups.pop();
    count += 1;
  }
  if (!groups.every((g) => HEXTET.test(g))) return false;
  return halves.length === 2 ? count <= 7 : count === 8;
}
