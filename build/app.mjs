// An --entry app, type-checked and gated before it is bundled with the clock app.
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { checkDialect, formatProblems } from "../tools/dialect.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

export class DialectError extends Error {}

/**
 * An --entry app, checked before it is bundled, each message with the app's own file and
 * line: tsc with the declarations it may import (types/ntptime.ts: the ntptime object, its
 * events and alarms; types/espruino.d.ts: the Espruino globals), then the dialect gate on
 * its source. Returns the file's absolute path.
 */
export function checkApp(file) {
  const path = resolve(file);
  const name = relative(process.cwd(), path) || path;
  const options = {
    target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, strict: true, noEmit: true,
    skipLibCheck: true, types: [], lib: ["lib.es2020.d.ts"], baseUrl: ROOT, paths: { ntptime: ["types/ntptime.ts"] },
  };
  const program = ts.createProgram([path, join(ROOT, "types/espruino.d.ts")], options);
  // (only the app's own: the sources behind types/ntptime.ts are the project's tsc's)
  const typeErrors = ts.getPreEmitDiagnostics(program).filter((d) => !d.file || resolve(d.file.fileName) == path).map((d) => {
    const at = d.file ? d.file.getLineAndCharacterOfPosition(d.start) : { line: -1, character: -1 };
    return `${name}:${at.line + 1}:${at.character + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n  ")}`;
  });
  if (typeErrors.length) throw new DialectError(`${name}: tsc found ${typeErrors.length} error(s):\n` + typeErrors.join("\n"));
  const problems = checkDialect(readFileSync(path, "utf8"), name, ts.ScriptKind.TS);
  if (problems.length) throw new DialectError(`${name}: Espruino 2v29 would reject this app:\n` + formatProblems(problems, name));
  return path;
}

