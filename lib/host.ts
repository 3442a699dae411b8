// Server addresses as people type them: `name` or `a.b.c.d`, each with an optional `:port`.
// IPv6 literals are refused: every board's UDP is IPv4 (Espruino's dgram has udp4 only, and
// so do the modems' AT sockets). Parsed with split/indexOf and character comparisons, no
// RegExp: Espruino puts a built-in class in the global scope at its first use, for good
// (8 JsVars on an ESP8266), and its RegExp engine fails optional and quantified groups.

export interface HostPort {
  name: string;
  port: number;
}

const DIGITS = "0123456789";

/** One character or more, each among `allowed`. */
function only(s: string, allowed: string): boolean {
  for (let i = 0; i < s.length; i++) if (allowed.indexOf(s[i]) < 0) return false;
  return s.length > 0;
}

/**
 * True for an IPv4 address literal, false for a name that still needs resolving. (On its own,
 * with no helper: the module's exchange and a board's socket carry it, and each function
 * there is about 7 JsVars.)
 */
export function isIpLiteral(s: string): boolean {
  const q = s.split(".");
  if (q.length != 4) return false;
  for (let i = 0; i < 4; i++) {
    const n = q[i];
    // one to three digits, no leading zero, at most 255
    if (!n || n.length > 3 || (n.length > 1 && n[0] == "0") || !(+n < 256)) return false;
    for (let j = 0; j < n.length; j++) if (n[j] < "0" || n[j] > "9") return false;
  }
  return true;
}

/** RFC 1123 s2.1 host names (labels of letters, digits and inner hyphens), or an IPv4 literal. */
function isName(s: string): boolean {
  const labels = s.split(".");
  // RFC 3696 s2: a top-level label is never all digits, so such a name must be an IPv4 literal.
  if (only(labels[labels.length - 1], DIGITS)) return isIpLiteral(s);
  return s.length < 254 && labels.every((l) => l.length < 64 && only(l.toLowerCase(), "abcdefghijklmnopqrstuvwxyz-" + DIGITS) && l[0] != "-" && l.slice(-1) != "-");
}

/** The host and port in `s`, or null when `s` is not a valid server address. */
export function parseHost(s: unknown, defaultPort: number): HostPort | null {
  if (typeof s != "string") return null;
  const i = s.indexOf(":");
  const colon = i < 0 ? s.length : i;
  const name = s.slice(0, colon);
  const rest = s.slice(colon);
  const port = rest ? +rest.slice(1) : defaultPort;
  // `rest` is empty or starts at the first ":"
  return isName(name) && (!rest || (only(rest.slice(1), DIGITS) && port < 65536 && port > 0)) ? { name, port } : null;
}
