import { SyncOptions } from "../lib/client";
import { auth } from "@auth";

/** The exchange's options, from the build config and the key: the clock app's and the module's. */
export const SYNC_OPTIONS: SyncOptions = {
  burst: CONFIG.burst, gap: CONFIG.gap, timeout: CONFIG.timeout, retries: CONFIG.retries, backoff: CONFIG.backoff,
  pivot: CONFIG.pivot, maxDelay: CONFIG.maxDelay, maxDistance: CONFIG.maxDistance, auth: auth,
};
