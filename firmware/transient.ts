// The image's per-round code (build.mjs @transient): everything only a round or a boot
// needs (the client, its checks, the choice among servers, the key, the saved record's
// checks). Its functions are made when a round starts and are garbage when it ends, so
// between rounds they take no memory; their code stays in flash. This file has no
// exports: the build wraps it in loadTransient() and hands back TRANSIENT.
import { round } from "./round";
import { checkSaved } from "./settings";
import { NTP_PORT } from "../lib/wire";
import { parseHost } from "../lib/host";
import { auth } from "@auth";
import { choose } from "@choose";

declare let TRANSIENT: import("./round").Transient;

TRANSIENT = {
  round: (r, hosts, apply, done) =>
    round(r, {
      burst: CONFIG.burst, gap: CONFIG.gap, timeout: CONFIG.timeout, retries: CONFIG.retries, backoff: CONFIG.backoff,
      pivot: CONFIG.pivot, maxDelay: CONFIG.maxDelay, maxDistance: CONFIG.maxDistance, maxStep: CONFIG.maxStep,
      auth: auth, choose: choose,
    }, hosts, apply, done),
  valid: (host) => !!parseHost(host, NTP_PORT),
  settings: (text, log, setAside) => checkSaved(text, CONFIG.image, log, setAside),
};
