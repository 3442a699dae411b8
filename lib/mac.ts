// Symmetric-key authentication (RFC 5905 s7.3, s9.1): the header, then the key id and
// hash(key || header). Interoperates with chrony's and ntpd's SHA1 keys. The hash is
// injected: Espruino's crypto.SHA1 on the device, node:crypto on the host.
import { HEADER_LEN, KEY_ID_LEN, MAC_LEN, SHA1_LEN } from "./wire";
import { put, u32 } from "./packet";

export type Hash = (b: Uint8Array) => Uint8Array;

/** One key of chrony's key file (lib/keys.ts reads it): its id (1 to 2^32 - 1) and secret. */
export interface Key {
  id: number;
  /** @internal */
  secret: Uint8Array;
}

function digest(hash: Hash, k: Key, msg: Uint8Array): Uint8Array {
  const b = new Uint8Array(k.secret.length + msg.length);
  b.set(k.secret);
  b.set(msg, k.secret.length);
  return hash(b);
}

/** The 48-byte header `h` followed by its MAC under key `k`. */
export function sign(hash: Hash, k: Key, h: Uint8Array): Uint8Array {
  const b = new Uint8Array(HEADER_LEN + MAC_LEN);
  b.set(h.subarray(0, HEADER_LEN));
  put(b, HEADER_LEN, k.id);
  // (each call's arguments worked out before it: lib/client.ts send)
  const header = b.subarray(0, HEADER_LEN);
  const d = digest(hash, k, header);
  b.set(d, HEADER_LEN + KEY_ID_LEN);
  return b;
}

/**
 * The key among `keys` whose MAC `b` carries and whose digest matches, or undefined: no MAC
 * or another length (a crypto-NAK, an MD5 MAC), an unknown key id, a wrong digest. Every
 * digest byte is compared, so the time taken does not tell how many matched.
 */
export function signer(hash: Hash, keys: Key[], b: Uint8Array): Key | undefined {
  if (b.length != HEADER_LEN + MAC_LEN) return;
  const id = u32(b, HEADER_LEN);
  // (a loop, not filter(): no closure and no array made for every reply)
  let k: Key | undefined;
  for (let i = 0; i < keys.length; i++) if (keys[i].id == id) k = keys[i];
  if (!k) return;
  const header = b.subarray(0, HEADER_LEN);
  const d = digest(hash, k, header);
  // (a digest of another length, from a hash that failed, matches no MAC)
  let diff = d.length ^ SHA1_LEN;
  for (let i = 0; i < d.length; i++) diff |= d[i] ^ b[HEADER_LEN + KEY_ID_LEN + i];
  return diff ? undefined : k;
}
