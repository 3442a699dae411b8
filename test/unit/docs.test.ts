// The README and docs/: the README fits a few screens, and every relative link resolves to a
// file of the repository and, with an anchor, to one of that page's headings (GitHub's slugs).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, normalize } from "node:path";

const PAGES = ["README.md", "CHANGELOG.md", ...readdirSync("docs").filter((f) => f.endsWith(".md")).map((f) => join("docs", f))];

/** GitHub's anchor for a heading: lower case, punctuation but - and _ dropped, spaces to -. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
/** Each page's heading anchors, read once however many links point at it. */
const headings = new Map<string, Set<string>>();
const anchors = (file: string) => {
  if (!headings.has(file))
    headings.set(
      file,
      new Set(
        readFileSync(file, "utf8")
          .split("\n")
          .filter((l) => /^#{1,6} /.test(l))
          .map((l) => slug(l.replace(/^#+ /, "").replace(/`/g, ""))),
      ),
    );
  return headings.get(file)!;
};

test("README.md fits a few screens (200 lines at most)", () => {
  const lines = readFileSync("README.md", "utf8").split("\n").length;
  assert.ok(lines <= 200, `README.md has ${lines} lines`);
});

test("every relative link in the README and docs/ resolves, anchors included", () => {
  const broken: string[] = [];
  let links = 0;
  for (const page of PAGES) {
    // (code spans and blocks left out: a link there is an example)
    const text = readFileSync(page, "utf8").replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1];
      if (/^[a-z]+:/.test(target)) continue;
      links++;
      const [path, anchor] = target.split("#");
      const file = path ? normalize(join(dirname(page), path)) : page;
      if (!existsSync(file)) broken.push(`${page}: ${target} (no ${file})`);
      else if (anchor && file.endsWith(".md") && !anchors(file).has(anchor)) broken.push(`${page}: ${target} (no heading #${anchor} in ${file})`);
    }
  }
  assert.ok(links > 50, `only ${links} links found`);
  assert.equal(broken, []);
});

test.run();
