// chrony's key file (chrony.conf(5), keyfile): one key per line, "ID [TYPE] KEY", where KEY
// is "HEX:" and hex digits, or ASCII text with an optional "ASCII:" prefix; "#" starts a
// comment. Read by the build, so the device carries the keys and none of this.

/** A key as the build writes it into the image: the secret as byte values. */
export interface KeyEntry {
  id: number;
  secret: number[];
}

/** Only SHA1: Espruino's crypto module has no MD5 (chrony's default type) and no AES-CMAC. */
export const KEY_TYPE = "SHA1";

/** chrony refuses keys longer than this many bytes. */
const MAX_SECRET = 512;

/** The keys of a key file's text, or why a line is refused ("line 2: ..."). */
export function parseKeys(text: string): KeyEntry[] | string {
  const keys: KeyEntry[] = [];
  const lines = text.split("\n");
  for (let n = 0; n < lines.length; n++) {
    const f = lines[n].replace(/#.*/, "").trim().split(/\s+/).filter((w) => w);
    if (!f.length) continue;
    const at = "line " + (n + 1) + ": ";
    if (f.length > 3) return at + "expected ID [TYPE] KEY";
    const id = Number(f[0]);
    if (!/^\d+$/.test(f[0]) || id < 1 || id > 0xffffffff) return at + "the key id must be 1 to 4294967295 (0 is the crypto-NAK)";
    const type = f.length == 3 ? f[1].toUpperCase() : "MD5";
    if (type != KEY_TYPE) return at + "key type " + type + " is not supported: use SHA1 (chronyc keygen " + id + " SHA1)";
    const k = f[f.length - 1];
    let secret: number[];
    if (/^HEX:/i.test(k)) {
      const h = k.slice(4);
      if (!/^([0-9a-f]{2})+$/i.test(h)) return at + "HEX: needs an even number of hex digits";
      secret = h.match(/../g)!.map((x) => parseInt(x, 16));
    } else secret = Array.from(k.replace(/^ASCII:/i, ""), (c) => c.charCodeAt(0));
    if (!secret.length || secret.length > MAX_SECRET || secret.some((c) => c > 255)) return at + "the key must be 1 to " + MAX_SECRET + " bytes";
    if (keys.some((e) => e.id == id)) return at + "key " + id + " is defined twice";
    keys.push({ id, secret });
  }
  return keys;
}
