// A test whose tool is missing is skipped, and says why; in CI (CI=true) it fails instead:
// CI installs every tool, so a missing one there is a broken set-up, not a pass.
import { test as uvuTest } from "uvu";

type Suite = typeof uvuTest;

/** Registers `names` as skipped (or, in CI, failing) with the reason, and prints it once. */
export function unavailable(file: string, why: string, names: string[], suite: Suite = uvuTest): void {
  if (process.env.CI == "true") {
    for (const name of names) suite(name, () => {
      throw new Error(`${file}: cannot run in CI: ${why}`);
    });
    return;
  }
  console.log(`  SKIP ${file}: ${why}`);
  for (const name of names) suite.skip(`${name} (skipped: ${why})`, () => {});
}

/**
 * For a test inside a suite that otherwise runs: throws in CI, else returns true after printing
 * the reason, and the caller returns. uvu counts only whole tests as skipped, so the reason is
 * printed and the test is listed as skipped by `unavailable` where a whole test depends on it.
 */
export function missingInCi(file: string, why: string): boolean {
  if (!why) return false;
  if (process.env.CI == "true") throw new Error(`${file}: cannot run in CI: ${why}`);
  return true;
}
