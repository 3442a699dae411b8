// Lets Node import the TypeScript sources directly (tests, tools): `node --import ./tools/ts-register.mjs`.
// Each .ts file is transpiled by esbuild, type-stripped only; `tsc --noEmit` does the type checking.
import { register } from "node:module";
register("./ts-hooks.mjs", import.meta.url);
