#!/usr/bin/env node
// `npm start`: the main job with no hardware and no internet. Starts an SNTP server on
// loopback, builds the host image pointed at it, and runs that image as a simulated device
// whose clock starts near 1970, as an ESP8266's does at power-on. Ends after --seconds N
// (default 20; 0 runs until Ctrl-C). The machine's own clock is never touched.
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildImage, loadConfig } from "../build.mjs";
import { startNtpServer } from "./ntp-server.mjs";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf("--" + name);
  return i >= 0 ? args[i + 1] : def;
};
const seconds = Number(opt("seconds", 20));
const offset = Number(opt("offset", 0));
const tz = Number(opt("tz", 8));

const server = await startNtpServer({ offset });
const config = loadConfig(undefined, { host: "127.0.0.1:" + server.port, tz, poll: 15 });
const out = join(root, "dist", "sim");
mkdirSync(out, { recursive: true });
writeFileSync(join(out, "package.json"), '{"type":"module"}');
const file = join(out, "host.js");
await buildImage({ board: "host", config, outfile: file });

console.log(`simulator: SNTP server on 127.0.0.1:${server.port} (machine time${offset ? ` ${offset >= 0 ? "+" : ""}${offset} s` : ""}), device image ${file}`);
console.log(`simulator: the device clock starts at 1970 like an ESP8266 after power-on; ${seconds ? `stopping after ${seconds} s` : "Ctrl-C to stop"}\n`);
const device = spawn(process.execPath, [file], { stdio: "inherit", env: { ...process.env, NTPTIME_RTC: "0" } });
const stop = async (code) => {
  device.kill();
  await server.close();
  console.log(`\nsimulator: stopped; the server answered ${server.requests} requests`);
  process.exit(code);
};
if (seconds > 0) setTimeout(() => stop(0), seconds * 1000);
process.on("SIGINT", () => stop(0));
device.on("exit", (code) => code && stop(code));
