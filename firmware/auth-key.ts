// Symmetric-key authentication, built in when the config names keys (docs/trust.md): the
// client signs with CONFIG.key (the build keeps only that one), the GPS server answers
// requests signed by any of them with a reply signed by the same key.
import { sha1 } from "@sha1";
import { Auth } from "../lib/checks";
import { Key, sign, signer } from "../lib/mac";

export const keys: Key[] = CONFIG.keys!.map((k) => ({ id: k.id, secret: new Uint8Array(k.secret) }));

export const auth: Auth | undefined = {
  signRequest: (h) => sign(sha1, keys[0], h),
  check: (b) => !!signer(sha1, keys, b),
};

/** The key a request is signed with (undefined: a bad or missing MAC), and a reply signed with it. */
export const signedBy = (b: Uint8Array) => signer(sha1, keys, b);
export const signWith = (k: Key, h: Uint8Array) => sign(sha1, k, h);
