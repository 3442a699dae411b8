import { Hash } from "../lib/mac";
import { sha1 as sha1Js } from "../lib/sha1";

/**
 * Espruino's crypto.SHA1 takes a Uint8Array and gives a 20-byte ArrayBuffer, which it keeps
 * in a flat string: 3 JsVars in a row. A heap with room enough in pieces may have no such run
 * (a keyed exchange at its peak on an ESP8266), nor may one full of the console's history
 * (lines typed at the REPL, given back to single JsVars on demand, never to a flat string):
 * then crypto.SHA1 prints "Not enough memory for result" and gives nothing. The heap is then
 * put together (E.defrag: what nothing holds locked moved down, the free JsVars left in one
 * run; a firmware built to save flash has none) and asked again; failing that, the hash is
 * made in JavaScript (lib/sha1.ts), which needs single JsVars only, but more of them: a keyed
 * exchange at its peak (npm run footprint, the full config with an RTC) had not always enough.
 */
export const sha1: Hash = (b) => {
  const crypto = require("crypto");
  let d = crypto.SHA1(b);
  if (!d && E.defrag) {
    E.defrag();
    d = crypto.SHA1(b);
  }
  return d ? new Uint8Array(d) : sha1Js(b);
};
