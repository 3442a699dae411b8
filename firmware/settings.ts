import { NTP_PORT } from "../lib/wire";
import { parseHost } from "../lib/host";

/** The record kept in the board's store: written by the rounds (firmware/round.ts), read back at boot (checkSaved below). */
export interface Saved {
  /** the image that wrote host and tz (CONFIG.image): another image's are not taken */
  image?: string;
  /** from ntptime.sethost() */
  host?: string;
  /** hours, from ntptime.settime(hours) */
  tz?: number;
  /** servers that answered Kiss-o'-Death DENY or RSTR: never asked again (RFC 4330 s8) */
  denied?: Record<string, string>;
  /** the interval after a Kiss-o'-Death RATE, 0 once a round passes without one */
  rate?: number;
  /** the crystal's frequency error (ppm), this image's: the discipline's warm start at boot (firmware/round.ts saveFreq) */
  freq?: number;
}

/** The record's file in the board's store, and where a damaged one is kept for its owner to look at. */
export const RECORD = "ntptime.json";
export const ASIDE = "ntptime.bad";

/**
 * The saved record as the store holds it (text), checked at boot against this image:
 * - damaged (not JSON, not an object, a field of the wrong type): set aside, as if there
 *   were none, with a console line; never a crash, never a wrong setting;
 * - written by another image (a new config flashed): its REPL settings (host, tz) and its
 *   frequency error are not taken, the image's own config is, and the console says so; the Kiss-o'-Death memory
 *   (denied, rate) is about the servers, not the image, and is kept.
 * `image` identifies this image's config (build/config.mjs configImage).
 */
export function checkSaved(text: string | undefined, image: string, log: (line: string) => void, setAside: (text: string) => void): Saved {
  const s: Saved = { image: image, denied: {} };
  if (text == null) return s;
  let v: any = null;
  try {
    v = JSON.parse(text);
  } catch (e) {}
  const d = v && v.denied;
  // absent, or of the type this app writes
  const is = (x: unknown, type: string) => x == null || typeof x == type;
  const ok = v && typeof v == "object" && !Array.isArray(v) && is(v.image, "string") && (v.host == null || parseHost(v.host, NTP_PORT)) &&
    is(v.tz, "number") && !(v.tz < -12 || v.tz > 14) && is(v.rate, "number") && !(v.rate < 0) && is(v.freq, "number") &&
    is(d, "object") && !Array.isArray(d) && (!d || Object.keys(d).every((k) => typeof d[k] == "string"));
  if (!ok) {
    setAside(text);
    log("ntptime: saved settings damaged, set aside as " + ASIDE + "; starting from the build config");
    return s;
  }
  if (d) s.denied = d;
  if (v.rate) s.rate = v.rate;
  if (v.image === image) {
    s.host = v.host;
    s.tz = v.tz;
    // (another image's crystal may be another board's: its frequency is not taken)
    if (v.freq) s.freq = v.freq;
  } else if (v.host != null || v.tz != null) log("ntptime: saved host/tz are another image's; starting from the build config");
  return s;
}
