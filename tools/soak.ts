// npm run soak: the fault soak (test/helpers/soak.ts) of the default and the full esp8266
// config on the ESP8266-sized interpreter, booted from flash, against chronyd behind a relay
// that turns bad on command; several devices per config side by side, each in its own network
// namespace, each from its own seed, each ticking at its own moment. Prints one table per config: every fault kind with how
// often it was injected and survived, the seconds to the next good sync, and memory at rest
// before and after; then rounds, lost schedules, memory at rest at the start and the end, and
// the device clock's worst error at a check.
//   npm run soak [-- --config default|full|both] [--faults 200] [--rounds 1000] [--devices 3]
//                [--seed 1] [--minutes 60] [--kinds "power cut,server silent"]
import { cli } from "./cli.mjs";
import { peersMissing } from "../test/helpers/chrony";
import { deviceMissing } from "../test/helpers/device";
import { FAULTS, SoakResult, soak, table } from "../test/helpers/soak";

const a = cli(
  "soak",
  `npm run soak [-- --config default|full|both] [--faults N] [--rounds N] [--devices N] [--seed N] [--minutes N] [--kinds "a,b"]
  faults and rounds are per config, shared among its devices; kinds: ${Object.keys(FAULTS).join(", ")}`,
  {
    config: { type: "string", default: "both" },
    faults: { type: "string", default: "200" },
    rounds: { type: "string", default: "1000" },
    devices: { type: "string", default: "3" },
    seed: { type: "string", default: "1" },
    minutes: { type: "string", default: "60" },
    kinds: { type: "string" },
  },
);
const why = deviceMissing(["esp8266"]) || peersMissing();
if (why) {
  console.error("soak: cannot run: " + why);
  process.exit(1);
}
const configs = (a.config == "both" ? ["default", "full"] : [a.config!]) as ("default" | "full")[];
const devices = +a.devices!;
const kinds = a.kinds ? a.kinds.split(",").map((k) => k.trim()) : undefined;
for (const k of kinds || []) if (!FAULTS[k]) throw new Error(`no fault kind "${k}": ${Object.keys(FAULTS).join(", ")}`);

console.log(`soak: ${configs.join(" and ")} config, ${devices} device(s) each on the ESP8266 size, ${a.faults} faults and ${a.rounds} rounds per config, seed ${a.seed}, at most ${a.minutes} min`);
// Each device's servers run ahead of this machine by a fraction of a second of their own, so
// that the devices (whose ticks come at the top of their clock's second) tick at different
// moments: on the same moment eight interpreters wake together on this machine's
// two cores and preempt one another, a setTime between its reading and its setting among
// them, which loses the time it waited (tools/preemption.ts); a board has its core to itself.
const all = configs.length * devices;
const runs = configs.flatMap((config, ci) =>
  Array.from({ length: devices }, (_, i) =>
    soak({
      ahead: 1.5 + (ci * devices + i) / all,
      config,
      seed: +a.seed! * 1000 + ci * 100 + i,
      faults: Math.ceil(+a.faults! / devices),
      rounds: Math.ceil(+a.rounds! / devices),
      kinds,
      minutes: +a.minutes!,
      log: (line) => console.log(line),
    }),
  ),
);
const results: SoakResult[] = await Promise.all(runs);
let lost = 0;
for (const config of configs) {
  const rs = results.filter((r) => r.config == config);
  console.log(`\n## ${config} config (${rs.length} devices, ${Math.round(Math.max(...rs.map((r) => r.seconds)) / 60)} min)\n`);
  console.log(table(rs));
  lost += rs.flatMap((r) => r.soaked).filter((s) => !s.survived).length;
}
process.exit(lost ? 1 : 0);
