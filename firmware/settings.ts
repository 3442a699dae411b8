// The saved settings: the record the board's store keeps across reboots (the REPL's host and
// zone, the Kiss-o'-Death memory, the crystal's frequency error), its checks at boot, its
// writes; and the servers and zone in effect, which it decides.
import { NTP_PORT } from "../lib/wire";
import { parseHost } from "../lib/host";
import { fitted, freq, skew } from "../lib/discipline";
import { Resident, Saved } from "./state";
import { Fault, fault, recovered } from "./faults";

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
    is(v.tz, "number") && !(v.tz < -12 || v.tz > 14) && is(v.rate, "number") && !(v.rate < 0) && is(v.freq, "number") && is(v.skew, "number") && !(v.skew <= 0) &&
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
    if (v.freq) {
      s.freq = v.freq;
      if (v.skew) s.skew = v.skew;
    }
  } else if (v.host != null || v.tz != null) log("ntptime: saved host/tz are another image's; starting from the build config");
  return s;
}

/** The servers: ntptime.host (the saved one, or the build's) first, then the config's others. */
export const servers = (r: Resident) => [r.api.host].concat(CONFIG.servers);
/** Those a round asks: every server but one that answered Kiss-o'-Death DENY or RSTR. */
export const hosts = (r: Resident) => servers(r).filter((h) => !r.saved.denied![h]);

/** The zone in effect: settime(hours)'s, or the build's (the parts carry it). */
export const zoneOf = (r: Resident) => r.zone || CONFIG.zone!;

/** Bytes a Storage file takes besides its text, at most: its header (a 4-byte size, a 28-byte name) and its end's alignment. */
const FILE_OVERHEAD = 40;

/**
 * A file written to the board's store: false (a storage fault counted) when Storage is full
 * or failing (write returns false or throws). The clock goes on either way.
 */
export function write(r: Resident, name: string, text: string) {
  const s = r.store;
  let ok = false;
  try {
    // Storage erases a file's old text before it looks for room for the new: a write that
    // cannot fit would lose the record and throw (an exception puts Error's class in the
    // global scope, for good). So room is made first, or the write not tried.
    // (getFree reads through every file in Storage: once when there is room)
    const need = text.length + FILE_OVERHEAD;
    let room = !s.getFree || s.getFree() >= need;
    if (!room) {
      s.compact!();
      room = s.getFree!() >= need;
    }
    ok = room && s.write(name, text) !== false;
  } catch (e) {}
  if (!ok) fault(r, Fault.Storage, "Storage would not take " + name + ", kept for the next round");
  return ok;
}

/**
 * The record as the store keeps it: written only when it changes (REPL, Kiss-o'-Death), to
 * spare the flash; after a failed write, again at every round's end until it is written
 * (firmware/round-end.ts).
 */
export function save(r: Resident) {
  if (!write(r, RECORD, JSON.stringify(r.saved))) {
    r.unsaved = 1;
    return;
  }
  delete r.unsaved;
  if (r.told == Fault.Storage + 1) recovered(r);
}

/**
 * ppm the frequency error must have moved since it was saved, and seconds between saves, to
 * save it again; a record without the skew (written before it was kept) is taken as known to
 * FREQ_MOVED
 */
export const FREQ_MOVED = 1;
const FREQ_EVERY = 3600;

/**
 * After a good sync: the discipline's frequency error and its standard error kept in the
 * record for the next boot's warm start (firmware/start.ts), as chrony's driftfile keeps them:
 * once the fit knows it within FREQ_MOVED, again when it has moved more than that since it was
 * saved or is known better than it was then, and at most once every FREQ_EVERY: the flash is spared
 * (once the fit has settled, a skew lower than every one before it comes seldom).
 */
export function saveFreq(r: Resident) {
  const f = Math.round(freq(r.disc) * 1e9) / 1000;
  const k = Math.max(1, Math.round(skew(r.disc) * 1e9)) / 1000;
  const was = r.saved;
  const now = r.dev.clock();
  if (!fitted(r.disc, FREQ_MOVED * 1e-6) || now - r.freqAt! < FREQ_EVERY) return;
  if (!(Math.abs(f - (was.freq || 0)) > FREQ_MOVED) && !(k < (was.skew || FREQ_MOVED))) return;
  was.freq = f;
  was.skew = k;
  r.freqAt = now;
  save(r);
}
