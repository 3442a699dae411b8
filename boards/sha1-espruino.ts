import { Hash } from "../lib/mac";
import { sha1 as sha1Js } from "../lib/sha1";

/**
 * Espruino's crypto.SHA1 takes a Uint8Array and gives a 20-byte ArrayBuffer, which it keeps
 * in a flat string: 3 JsVars in a row. A heap with room enough in pieces may have no such run
 * (a keyed exchange at its peak on an ESP8266), nor may one holding the console's history:
 * lines typed at the REPL, kept in free memory and given back one at a time to single JsVars
 * on demand, never to a flat string (process.memory() counts them free; a keyed clock whose
 * console was used finds crypto.SHA1 failing at rest). Then crypto.SHA1 prints "Not enough
 * memory for result" and gives nothing. The history is then given back, oldest first as the
 * interpreter gives it (the newest kept, for the REPL's up arrow), and crypto.SHA1 asked again;
 * failing that, the hash is made in JavaScript (lib/sha1.ts), which needs single JsVars only,
 * but more of them. Not E.defrag: it moves what the code running at that moment is read from,
 * when that is in RAM (a line typed at the REPL, an image sent to RAM), and the code then
 * reads wrong ("print" became "p is not defined"; test/device/sha1-espruino.test.ts).
 * (The hidden root, global["\xff"], named as boards/espruino.ts disarmTimer names it.)
 */
export const sha1: Hash = (b) => {
  const crypto = require("crypto");
  let d = crypto.SHA1(b);
  if (!d) {
    const history = global[atob("/w==")].history;
    while (history && history.length > 1) history.shift();
    d = crypto.SHA1(b);
  }
  return d ? new Uint8Array(d) : sha1Js(b);
};
