// The exchange with one server, a part of its own (build/bundle.mjs PARTS): the client, its
// checks, the packet and the key, with the build's options. A round loads it for each server
// it asks (firmware/clock.ts proceed) and hands it a resident callback, so that while a server
// is asked only this part is in memory: a round's peak is the larger of it and the round's
// end (firmware/parts/end.ts), not their sum.
import { sync } from "../../lib/client";
import { SYNC_OPTIONS } from "../sync-options";
import { Ask } from "../round";

declare let EXCHANGE: Ask;

EXCHANGE = (env, name, port, done) => sync(env, SYNC_OPTIONS, name, port, done);
