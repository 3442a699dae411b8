// A part's functions that name nothing of the part's own scope, found in its built code, so
// that the part can take that scope from them as it is made (build/bundle.mjs buildPart).
// Espruino stores with every function the scope it was made in (the hidden "\xFFsco",
// src/jsparse.c), one JsVar for as long as the function lives, though a function that
// names none of that scope's variables never reads it: u32, refidText, request and their
// like, each in memory while a server is asked.
import ts from "typescript";

/**
 * The top-level functions of `code` (declarations, and variables whose value is a function
 * or an arrow) whose bodies name none of its top-level names, nor `outer`, names of the scope
 * declared around the code (a part's value). Counted as naming one: any identifier but a
 * member's name after a dot and an object literal's key, so a local that shadows a top-level
 * name keeps its function's scope too (the test errs on the safe side).
 * @param {string} code
 * @param {string[]} [outer]
 * @returns {string[]}
 */
export function leafFunctions(code, outer = []) {
  const file = ts.createSourceFile("part.js", code, ts.ScriptTarget.ES2020, true, ts.ScriptKind.JS);
  const top = new Set(outer);
  const functions = [];
  for (const s of file.statements) {
    if (ts.isFunctionDeclaration(s) && s.name) {
      top.add(s.name.text);
      functions.push([s.name.text, s]);
    } else if (ts.isVariableStatement(s)) {
      for (const d of s.declarationList.declarations) {
        if (!ts.isIdentifier(d.name)) continue;
        top.add(d.name.text);
        if (d.initializer && (ts.isArrowFunction(d.initializer) || ts.isFunctionExpression(d.initializer))) functions.push([d.name.text, d.initializer]);
      }
    }
  }
  return functions.filter(([, node]) => !namesAny(node.body, top) && !node.parameters.some((p) => namesAny(p, top))).map(([name]) => name);
}

/** Whether `node` has an identifier among `names`, but for members' names and object literals' keys. */
function namesAny(node, names) {
  if (ts.isIdentifier(node)) {
    const p = node.parent;
    const member = (ts.isPropertyAccessExpression(p) && p.name == node) || (ts.isPropertyAssignment(p) && p.name == node);
    return !member && names.has(node.text);
  }
  return !!ts.forEachChild(node, (c) => namesAny(c, names) || undefined);
}

/**
 * The statement that takes their scope from `names`, or "" for none. (The key decoded at run
 * time, as boards/espruino.ts does: esbuild would write "\xFF" as two bytes of UTF-8.)
 * @param {string[]} names
 */
export function unscope(names) {
  return names.length ? `[${names.join(",")}].forEach(function(f){delete f[atob("/w==")+"sco"]});\n` : "";
}
