// The app's start, once at load: the saved record checked against this image and taken in,
// the zone applied, the discipline's warm start, and the console's first line.
import { MIN_POLL } from "../lib/poll";
import { warm } from "../lib/discipline";
import { applyZone } from "@zone";
import { Resident } from "./state";
import { ASIDE, FREQ_MOVED, RECORD, checkSaved, servers, zoneOf } from "./settings";

export function start(r: Resident) {
  // (each call's arguments worked out before it: lib/client.ts send)
  const text = r.store.read(RECORD);
  const saved = (r.saved = checkSaved(text, CONFIG.image, r.dev.log, (aside) => r.store.write(ASIDE, aside)));
  if (saved.host) r.api.host = saved.host;
  if (saved.tz != null) r.zone = { std: saved.tz * 60, dst: 0 };
  r.api.tz = zoneOf(r).std / 60;
  applyZone(r.dev, zoneOf(r));
  r.pollEvery = saved.rate || 0;
  // the crystal's frequency error as the last run left it: a warm start (docs/rtc.md)
  if (saved.freq) warm(r.disc, r, saved.freq * 1e-6, (saved.skew || FREQ_MOVED) * 1e-6);
  r.dev.log("clock: board " + r.board.name + ", server " + servers(r).join(" ") + ", poll " + Math.max(MIN_POLL, CONFIG.poll) + "-" + CONFIG.maxPoll + " s" + (CONFIG.key != null ? ", key " + CONFIG.key : ""));
}
