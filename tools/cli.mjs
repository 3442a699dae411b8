// One style for every command line (build, flash, start, footprint, soak): node:util
// parseArgs, --help printing the usage, and a wrong option answered with the usage.
import { parseArgs } from "node:util";

/**
 * The options given; `--help` prints `usage` and exits, a wrong option prints it and exits 2.
 * @template {NonNullable<import("node:util").ParseArgsConfig["options"]>} T
 * @param {string} name
 * @param {string} usage
 * @param {T} options
 * @returns {{ [K in keyof T]?: T[K] extends { type: "boolean" } ? boolean : string }}
 */
export function cli(name, usage, options) {
  let values;
  try {
    values = parseArgs({ options: { ...options, help: { type: "boolean" } } }).values;
  } catch (e) {
    console.error(`${name}: ${e.message}\n${usage}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  return values;
}
