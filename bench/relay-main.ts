// bench/relay.ts as a process, for a relay inside a device's network namespace (bench/device.ts):
//   node --import ./tools/ts-register.mjs bench/relay-main.ts TARGET SPEC_JSON
// relays 127.0.0.1:PORT to 127.0.0.1:TARGET as SPEC_JSON (a RelaySpec) says, prints
// "ready PORT", and at a line "end" on its standard input prints "log " and the JSON of
// what it applied to each datagram (Relay.log), then exits.
import { createInterface } from "node:readline";
import { startRelay } from "./relay";

const [target, spec] = process.argv.slice(2);
const relay = await startRelay(+target, JSON.parse(spec));
console.log("ready " + relay.port);
createInterface({ input: process.stdin }).on("line", async (line) => {
  if (line.trim() != "end") return;
  await relay.close();
  console.log("log " + JSON.stringify(relay.log));
  process.exit(0);
});
