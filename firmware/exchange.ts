// The exchange with one server, a per-use part of its own (build/bundle.mjs PER_USE): the client,
// its checks, the packet and the key. A round loads it for each server it asks, from the
// resident code (firmware/clock.ts), and hands it a resident callback, so that while a
// server is asked only this part is in memory, not the schedule and the decision as well
// (firmware/transient.ts): a round's peak is the larger of the two, not their sum.
import { sync } from "../lib/client";
import { Exchange } from "./round";
import { SYNC_OPTIONS } from "./sync-options";

declare let EXCHANGE: Exchange;

EXCHANGE = (env, name, port, done) => sync(env, SYNC_OPTIONS, name, port, done);
