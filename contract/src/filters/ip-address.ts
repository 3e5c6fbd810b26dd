// Whether a text is an IP address as the agent writes SrcAddr/DstAddr: dotted-quad IPv4, or
// IPv6 in any of its textual forms (RFC 4291 §2.2, with an embedded IPv4 tail). Written here
// because the contract takes no Node modules (node:net isIP is not available to the page).

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HEXTET = /^[0-9a-fA-F]{1,4}$/;

export function isIPv4(text: string): boolean {
  return IPV4.test(text);
}

export function isIPv6(text: string): boolean {
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  const all = [...head, ...tail];
  let width = all.length;
  const last = all[all.length - 1];
  if (last !== undefined && last.includes('.')) {
    if (!isIPv4(last)) return false;
    all.pop();
    width += 1; // the IPv4 tail fills two groups
  }
  if (!all.every((g) => HEXTET.test(g))) return false;
  return halves.length === 2 ? width <= 7 : width === 8;
}

export function isIPAddress(text: string): boolean {
  return isIPv4(text) || isIPv6(text);
}
