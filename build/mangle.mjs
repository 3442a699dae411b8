// Which property names esbuild shortens: those the code's own types declare internal, less
// the names the config's objects carry and never one a device API uses.
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { nestedConfigProps } from "./config.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * The properties esbuild shortens to a letter or two (a third off the core's size): those
 * whose objects never leave the image, read from the code's own types. A member is shortened
 * when its interface's doc comment says `@internal`, or its own does; minus any member of an
 * interface marked `@public` (what a user sees: ntptime.last, status(), the REPL object),
 * unless that member is itself `@internal`. The build fails when one of them is also the name
 * of a device API's member (tools/device-names.json): shortening `x.setup` would shorten
 * Serial1.setup too. (mangled() then leaves out the config's own names.)
 */
export function declaredProps(files = SOURCES(), deviceNames = DEVICE_NAMES()) {
  const internal = new Map();
  const pub = new Set();
  const tagged = (node, tag) => ts.getJSDocTags(node).some((t) => t.tagName.text == tag);
  const nameOf = (m) => (m.name && (ts.isIdentifier(m.name) || ts.isStringLiteral(m.name)) ? m.name.text : null);
  for (const file of files) {
    const src = ts.createSourceFile(file, readFileSync(resolve(ROOT, file), "utf8"), ts.ScriptTarget.Latest, true);
    const visit = (node) => {
      if (ts.isInterfaceDeclaration(node)) {
        const whole = tagged(node, "internal");
        const isPublic = tagged(node, "public");
        for (const m of node.members) {
          const name = nameOf(m);
          if (!name) continue;
          if (whole || tagged(m, "internal")) internal.set(name, `${file} ${node.name.text}.${name}`);
          else if (isPublic) pub.add(name);
        }
      } else if ((ts.isPropertyAssignment(node) || ts.isMethodDeclaration(node)) && tagged(node, "internal")) {
        const name = nameOf(node);
        if (name) internal.set(name, `${file} ${name}`);
      }
      ts.forEachChild(node, visit);
    };
    visit(src);
  }
  for (const name of pub) internal.delete(name);
  const clash = [...internal].filter(([name]) => deviceNames.has(name)).map(([, where]) => where);
  if (clash.length) throw new Error(`shortened properties that are also device API member names (tools/device-names.json), to be renamed: ${clash.join(", ")}`);
  return [...internal.keys()].sort();
}

/** The image's sources: every module the builds can take in, as paths from the project's root. @type {() => string[]} */
export const SOURCES = () =>
  ["lib", "boards", "firmware", "displays"].flatMap((dir) =>
    readdirSync(join(ROOT, dir), { recursive: true }).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")).map((f) => `${dir}/${f.split("\\").join("/")}`));
const DEVICE_NAMES = () => new Set(JSON.parse(readFileSync(join(ROOT, "tools/device-names.json"), "utf8")));
/** (once per process: every image shares them) */
let declared;

/** The mangle pattern for one config: the declared internal properties less the names its objects carry. */
export function mangled(config) {
  const keep = nestedConfigProps(config);
  declared = declared || declaredProps();
  return new RegExp("^(" + declared.filter((p) => !keep.has(p)).join("|") + ")$");
}

