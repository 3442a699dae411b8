import { Hash } from "../lib/mac";

/**
 * Espruino's crypto.SHA1 takes a Uint8Array and gives a 20-byte ArrayBuffer, kept in a flat
 * string: 3 JsVars in a row. A heap with room enough in pieces (a keyed exchange at its peak on
 * an ESP8266, the console's history between) may have no such run, and SHA1 gives nothing
 * ("Not enough memory for result"): memory is compacted, as Espruino's own E.toString does, and
 * the hash asked once more. Still nothing gives an empty digest, which no MAC matches
 * (lib/mac.ts): the exchange's retry asks again.
 */
export const sha1: Hash = (b) => {
  const crypto = require("crypto");
  let d = crypto.SHA1(b);
  if (!d && E.defrag) {
    E.defrag();
    d = crypto.SHA1(b);
  }
  return new Uint8Array(d || 0);
};
