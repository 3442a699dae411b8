// A test whose tool is missing is skipped, and says why; in CI (CI=true) it fails instead:
// CI installs every tool, so a missing one there is a broken set-up, not a pass.
import { test as uvuTest } from "uvu";

type Suite = typeof uvuTest;
type Fn = Parameters<Suite>[1];

/**
 * test() for tests that need a tool: with `why` empty it is uvu's test(); otherwise each
 * test is registered as skipped, with the reason (printed once), or in CI as a failure.
 */
export function guarded(file: string, why: string, suite: Suite = uvuTest): (name: string, fn: Fn) => void {
  if (!why) return (name, fn) => suite(name, fn);
  const ci = process.env.CI == "true";
  console.log(`  ${ci ? "CANNOT RUN" : "SKIP"} ${file}: ${why}`);
  return (name, fn) => {
    if (!ci) return suite.skip(`${name} (skipped: ${why})`, fn);
    suite(name, () => {
      throw new Error(`${file}: cannot run in CI: ${why}`);
    });
  };
}
