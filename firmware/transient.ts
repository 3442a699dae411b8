// The image's per-use code (build.mjs @transient): everything a round, a boot or a REPL call
// needs and the time between them does not (the schedule, the client, its checks, the choice
// among servers, the key, the saved record's checks). Its functions are made when it is
// loaded and are garbage when the call ends, so between rounds they take no memory; their
// code stays in flash. The build wraps this file in loadTransient() and hands back
// TRANSIENT; it works on the resident state (firmware/clock.ts), passed in.
import { Resident, RoundOptions } from "./round";
import { Transient, boot, due, leapNow, pipeline, start, status } from "./schedule";
import { repl } from "../lib/ntptime";
import { auth } from "@auth";
import { choose } from "@choose";

declare let TRANSIENT: Transient;

/** The round's options, from the build config, the key and the choice the config picks. */
const OPTIONS: RoundOptions = {
  burst: CONFIG.burst, gap: CONFIG.gap, timeout: CONFIG.timeout, retries: CONFIG.retries, backoff: CONFIG.backoff,
  pivot: CONFIG.pivot, maxDelay: CONFIG.maxDelay, maxDistance: CONFIG.maxDistance, maxStep: CONFIG.maxStep,
  stepThreshold: CONFIG.stepThreshold, auth: auth, choose: choose,
};

TRANSIENT = {
  start: start,
  boot: boot,
  due: (r) => due(r, OPTIONS),
  leapNow: leapNow,
  repl: (r) => repl(r.api, r.dev, pipeline(r, OPTIONS)),
  status: status,
};
