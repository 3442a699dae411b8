// Holdover: the built linux image on a virtual clock whose crystal runs 50 ppm fast, synced
// through a path of 20 ms + Exp(10 ms) each way (seeded) with the default config, then an
// hour with the server silent, at once or from a reboot (a warm start with the record's
// frequency error, or a cold one), after the reboot's first sync or later on its schedule.
// How far the clock is from the truth at the end.
import { buildImage, loadConfig } from "../build.mjs";
import { EspruinoVm } from "../test/helpers/espruino-vm";
import { advance, virtualServer } from "../test/helpers/virtual-server";
import { EXP_LEG, draw, seeded } from "./relay";

export interface HoldoverRun {
  seed: number;
  /** ms from the truth when the server fell silent, and an hour later */
  before: number;
  after: number;
  /** the frequency error the image had estimated, ppm */
  ppm: number;
  /** what the same hour costs a clock without the discipline, ms */
  free: number;
  /** the error each minute of the silent hour: [minutes, ms] */
  trace: [number, number][];
}

/**
 * `warm`: the hour starts from a reboot instead: after the synced hours the image is started
 * again on the same Storage (a power cut), syncs once, runs on its schedule for `afterBoot`
 * minutes more, and then the server falls silent; with the frequency error the record kept (a
 * warm start, firmware/start.ts), or, `warm` false, with it taken out of the record (a cold start).
 */
export async function holdover(seed: number, ppm = 50, syncedHours = 6, warm?: boolean, afterBoot = 0): Promise<HoldoverRun> {
  const rand = seeded(seed);
  let silent = Infinity;
  const start = Math.floor(Date.now() / 1000) + 86400;
  let dev: EspruinoVm;
  const server = virtualServer(() => dev, [], 0, (t) => (t >= silent ? "silent" : "ok"), [], 0, () => [draw(EXP_LEG, rand) / 1000, draw(EXP_LEG, rand) / 1000]);
  const storage: Record<string, string> = {};
  dev = new EspruinoVm({ virtual: true, ppm, clockStart: start + 0.3, modules: { dgram: server }, storage });
  const image = await buildImage({ board: "linux", config: loadConfig(undefined, { host: "127.0.0.1:123", console: false }) });
  dev.load(image, "linux.js");
  const error = () => (dev.clock!.t - dev.clock!.truth()) * 1000;
  await advance(dev, syncedHours * 3600 * 1000);
  if (warm != null) {
    const truth = dev.clock!.truth();
    dev.dispose();
    if (!warm) storage["ntptime.json"] = JSON.stringify({ ...JSON.parse(storage["ntptime.json"]), freq: undefined });
    // power back 10 s later, the clock 0.3 s off (an RTC's, or a modem's), until the first sync
    dev = new EspruinoVm({ virtual: true, ppm, clockStart: truth + 10.3, modules: { dgram: server }, storage });
    dev.load(image, "linux.js");
    for (let s = 0; s < 120 && !dev.eval("ntptime.last && !ntptime.last.reason"); s++) await advance(dev, 1000);
    await advance(dev, afterBoot * 60 * 1000);
  }
  silent = dev.clock!.t;
  const before = error();
  const estimated = dev.eval("ntptime.status().ppm");
  const trace: [number, number][] = [[0, before]];
  for (let m = 1; m <= 60; m++) {
    await advance(dev, 60 * 1000);
    trace.push([m, error()]);
  }
  const after = error();
  dev.dispose();
  return { seed, before, after, ppm: estimated, free: 3600 * ppm * 1e-3, trace };
}
