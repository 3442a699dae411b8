// The device-dialect gate: finds in built JavaScript what Espruino 2v29 rejects or runs
// differently from Node (docs/design.md, the device dialect gate). Parsed with the TypeScript compiler API,
// which is already a dependency; nothing here runs the code.
import ts from "typescript";

const K = ts.SyntaxKind;

/**
 * Globals and members the interpreter does not have (measured on 2v29). The Espruino-like
 * test runtime deletes these same ones, so the gate and the runtime cannot drift apart.
 */
export const MISSING_GLOBALS = ["Map", "Set", "WeakMap", "WeakSet", "WeakRef", "Symbol", "Proxy", "Reflect"];
export const MISSING_MEMBERS = [
  "Array.from", "Number.isInteger", "Number.isFinite", "Number.isNaN", "Math.trunc", "Math.clz32", "Math.log2",
  "Date.UTC", "Object.freeze",
];
/** Present but approximate on the device: Math.pow(2, 32) is 4294967295.99999666. */
const APPROXIMATE_MEMBERS = ["Math.pow"];
export const MISSING_DATE_METHODS = ["getUTCFullYear", "getUTCMonth", "getUTCDate", "getUTCDay", "getUTCHours", "getUTCMinutes", "getUTCSeconds"];

const GLOBALS = new Set(MISSING_GLOBALS);
const MEMBERS = new Set([...MISSING_MEMBERS, ...APPROXIMATE_MEMBERS]);
const DATE_METHODS = new Set(MISSING_DATE_METHODS);

function syntaxProblem(node) {
  switch (node.kind) {
    case K.Parameter:
      if (node.initializer) return "default parameter";
      if (node.dotDotDotToken) return "rest parameter";
      return null;
    case K.ObjectBindingPattern:
    case K.ArrayBindingPattern:
      return "destructuring";
    case K.SpreadElement:
    case K.SpreadAssignment:
      return "spread";
    case K.AwaitExpression:
      return "await";
    case K.YieldExpression:
      return "generator (yield)";
    case K.LabeledStatement:
      return "label";
    case K.TaggedTemplateExpression:
      return "tagged template";
    case K.ComputedPropertyName:
      return "computed property key";
    case K.MetaProperty:
      return "new.target / import.meta";
    case K.BigIntLiteral:
      return "BigInt literal";
    case K.PrivateIdentifier:
      return "#private member";
    case K.ForInStatement:
      return null;
    case K.BinaryExpression: {
      const op = node.operatorToken.kind;
      if (op == K.AsteriskAsteriskToken || op == K.AsteriskAsteriskEqualsToken) return "exponent operator **";
      if (op == K.BarBarEqualsToken || op == K.AmpersandAmpersandEqualsToken || op == K.QuestionQuestionEqualsToken)
        return "logical assignment";
      if (op == K.EqualsToken && (node.left.kind == K.ArrayLiteralExpression || node.left.kind == K.ObjectLiteralExpression))
        return "destructuring assignment";
      return null;
    }
    case K.RegularExpressionLiteral:
      // The small RegExp engine: an optional or quantified group never matches, nor {m,n}.
      if (/\)[?*+{]/.test(node.text)) return "RegExp with an optional or quantified group";
      if (/[^\\]\{\d+(,\d*)?\}/.test(node.text)) return "RegExp with a {m,n} quantifier";
      return null;
  }
  if (node.questionDotToken) return "optional chaining ?.";
  if (node.asteriskToken && ts.isFunctionLike(node)) return "generator function";
  if (ts.canHaveModifiers(node) && ts.getModifiers(node)?.some((m) => m.kind == K.AsyncKeyword)) return "async function";
  return null;
}

/** An identifier that names a variable, not a property, method or label. */
function isReference(node) {
  const p = node.parent;
  if (!ts.isIdentifier(node) || !p) return false;
  if ((ts.isPropertyAccessExpression(p) || ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p) ||
    ts.isPropertyDeclaration(p) || ts.isGetAccessor(p) || ts.isSetAccessor(p)) && p.name == node) return false;
  return true;
}

function builtinProblem(node) {
  if (isReference(node) && GLOBALS.has(node.text)) return `${node.text} does not exist on the device`;
  if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression)) {
    const name = node.expression.text + "." + node.name.text;
    if (MEMBERS.has(name)) return `${name} does not exist (or is approximate) on the device`;
  }
  if (ts.isPropertyAccessExpression(node) && DATE_METHODS.has(node.name.text)) return `Date#${node.name.text} does not exist on the device`;
  return null;
}

const isFunctionNode = (n) => ts.isFunctionLike(n) && n.kind != K.CallSignature;

/** Identifiers used inside nested functions under `node` (closures). */
function closureRefs(node, out = new Set(), inFn = false) {
  ts.forEachChild(node, (c) => {
    const fn = inFn || isFunctionNode(c);
    if (fn && isReference(c)) out.add(c.text);
    closureRefs(c, out, fn);
  });
  return out;
}

/** `let`/`const` loop variables captured by a closure: on the device every closure sees the last value. */
function loopCaptureProblem(node) {
  if (!(ts.isForStatement(node) || ts.isForOfStatement(node) || ts.isForInStatement(node))) return null;
  const init = node.initializer;
  if (!init || !ts.isVariableDeclarationList(init) || !(init.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const))) return null;
  const names = init.declarations.filter((d) => ts.isIdentifier(d.name)).map((d) => d.name.text);
  const used = closureRefs(node.statement);
  const hit = names.find((n) => used.has(n));
  return hit ? `loop variable '${hit}' captured by a closure (let is not per-iteration on the device)` : null;
}

/** A statement after which the rest of its list never runs. */
const exits = (s) => ts.isReturnStatement(s) || ts.isThrowStatement(s) || ts.isBreakStatement(s) || ts.isContinueStatement(s);

/**
 * The device does not hoist: a function declaration is made when execution reaches it. So
 * (1) one placed after a return (or throw, break, continue) in its list is never made, and
 * (2) any use of it from code placed before it, directly or inside a closure or another
 * function that may be called before the declaration runs, can meet an undefined name.
 */
function hoistingProblems(statements, report) {
  const declaredAt = new Map();
  let exit = -1;
  statements.forEach((s, i) => {
    if (exit < 0 && exits(s)) exit = i;
    if (!ts.isFunctionDeclaration(s) || !s.name) return;
    if (exit >= 0) report(s.name, `function '${s.name.text}' declared after a ${statements[exit].getFirstToken().getText()}: never made on the device (no hoisting)`);
    else declaredAt.set(s.name.text, i);
  });
  if (!declaredAt.size) return;
  statements.forEach((s, i) => {
    const walk = (n, inner) => {
      if (isReference(n) && declaredAt.get(n.text) > i && !(ts.isFunctionDeclaration(n.parent) && n.parent.name == n))
        report(n, inner ? `'${n.text}' used in a function that may run before '${n.text}' is declared (no hoisting on the device)` : `'${n.text}' used before its function declaration (no hoisting on the device)`);
      ts.forEachChild(n, (c) => walk(c, inner || isFunctionNode(n) || ts.isClassLike(n)));
    };
    walk(s, false);
  });
}

/**
 * Problems in `code` as [{ message, line, column, module, text }]. `module` is the source
 * file esbuild's `// path` comment names above the spot, when the bundle is not minified.
 */
export function checkDialect(code, filename = "bundle.js", kind = ts.ScriptKind.JS) {
  const sf = ts.createSourceFile(filename, code, ts.ScriptTarget.Latest, true, kind);
  const problems = [];
  const lines = code.split("\n");
  const report = (node, message) => {
    const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    let module = "";
    for (let l = line; l >= 0 && !module; l--) {
      const m = /^\s*\/\/ (\S+\.[cm]?[jt]s)$/.exec(lines[l]);
      if (m) module = m[1];
    }
    problems.push({ message, line: line + 1, column: character + 1, module, text: node.getText(sf).slice(0, 80) });
  };
  for (const d of sf.parseDiagnostics) {
    problems.push({ message: "syntax error: " + ts.flattenDiagnosticMessageText(d.messageText, " "), line: 0, column: d.start, module: "", text: "" });
  }
  const visit = (node) => {
    // (a TypeScript source, an app's: its types are not code, and leave nothing on the device)
    if (ts.isTypeNode(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node) || (ts.isFunctionDeclaration(node) && !node.body)) return;
    const p = syntaxProblem(node) || builtinProblem(node) || loopCaptureProblem(node);
    if (p) report(node, p);
    if (ts.isSourceFile(node) || ts.isBlock(node) || ts.isModuleBlock(node) || ts.isCaseOrDefaultClause(node)) hoistingProblems(node.statements, report);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return problems;
}

export function formatProblems(problems, file) {
  return problems
    .map((p) => `${file}:${p.line}:${p.column}${p.module ? ` (from ${p.module})` : ""}: ${p.message}${p.text ? `\n    ${p.text}` : ""}`)
    .join("\n");
}
