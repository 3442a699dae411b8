// Server addresses as people type them: `name`, `a.b.c.d` or `[v6]`, each with an optional
// `:port`. Parsed with split/indexOf and plain character classes only: the Espruino RegExp
// engine fails optional and quantified groups, and `{m,n}` quantifiers.

export interface HostPort {
  name: string;
  port: number;
}

const DIGITS = /^[0-9]+$/;

function isIPv4(s: string): boolean {
  const q = s.split(".");
  return q.length == 4 && q.every((n) => DIGITS.test(n) && +n < 256 && (n.length < 2 || n[0] > "0"));
}

/** RFC 4291 s2.2 text forms: eight groups of 1-4 hex digits, or fewer on either side of one `::`. */
function isIPv6(s: string): boolean {
  const sides = s.split("::");
  let groups = 0;
  return (
    sides.length < 3 &&
    sides.every((side) => !side || side.split(":").every((g) => (groups++, /^[0-9a-f]+$/i.test(g) && g.length < 5))) &&
    (sides.length > 1 ? groups < 8 : groups == 8)
  );
}

/** RFC 1123 s2.1 host names (labels of letters, digits and inner hyphens), or an IPv4 literal. */
function isName(s: string): boolean {
  const labels = s.split(".");
  // RFC 3696 s2: a top-level label is never all digits, so such a name must be an IPv4 literal.
  if (DIGITS.test(labels[labels.length - 1])) return isIPv4(s);
  return s.length < 254 && labels.every((l) => l.length < 64 && /^[a-z0-9-]+$/i.test(l) && l[0] != "-" && l.slice(-1) != "-");
}

/** The host and port in `s`, or null when `s` is not a valid server address. */
export function parseHost(s: unknown, defaultPort: number): HostPort | null {
  if (typeof s != "string") return null;
  // Past the "]" of a bracketed IPv6 literal (0 when there is none), else at the first ":".
  const close = s[0] == "[" ? s.indexOf("]") + 1 : 0;
  const colon = close || (s.indexOf(":") + 1 || s.length + 1) - 1;
  const name = close ? s.slice(1, close - 1) : s.slice(0, colon);
  const rest = s.slice(colon);
  const port = rest ? +rest.slice(1) : defaultPort;
  return (close ? isIPv6(name) : isName(name)) && (!rest || (rest[0] == ":" && DIGITS.test(rest.slice(1)) && port < 65536 && port > 0))
    ? { name, port }
    : null;
}

/** True for an address literal, false for a name that still needs resolving. */
export function isIpLiteral(s: string): boolean {
  return s.indexOf(":") >= 0 || isIPv4(s);
}
