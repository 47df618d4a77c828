/**
 * What the debugger reads from source text: the parameter names of a
 * function (for `args`) and the functions a file defines (for `break name`
 * in files whose code has not run yet). Parsed with @babel/parser, once per file.
 */
import { propertyKeyName } from "../common/property-key.js";
import { parseLoosely } from "../common/source-kinds.js";
import { getsource } from "../runtime/index.js";

interface FunctionInfo {
  name: string;
  line: number;
  /** first line of the body's first statement (or of the expression body) */
  bodyLine: number;
  params: string[];
}

const cache = new Map<string, FunctionInfo[] | null>();

type Node = { type: string; loc?: { start: { line: number } }; [key: string]: unknown };

function isNode(value: unknown): value is Node {
  return typeof value === "object" && value !== null && typeof (value as Node).type === "string";
}

function bindingNames(node: unknown, out: string[]): void {
  if (!isNode(node)) return;
  switch (node.type) {
    case "Identifier":
      out.push(node.name as string);
      break;
    case "AssignmentPattern":
      bindingNames(node.left, out);
      break;
    case "RestElement":
      bindingNames(node.argument, out);
      break;
    case "ArrayPattern":
      for (const element of node.elements as unknown[]) bindingNames(element, out);
      break;
    case "ObjectPattern":
      for (const prop of node.properties as Node[]) bindingNames(prop.type === "RestElement" ? prop : prop.value, out);
      break;
    case "TSParameterProperty":
      bindingNames(node.parameter, out);
      break;
  }
}

/** A property key's name, as the compiler names Codes (`<anonymous>` for a computed key). */
function keyName(key: unknown, computed = false): string {
  return (isNode(key) && propertyKeyName(key, computed)) || "<anonymous>";
}

function functionsOf(filename: string): FunctionInfo[] | null {
  if (cache.has(filename)) return cache.get(filename)!;
  let result: FunctionInfo[] | null = null;
  const text = getsource(filename);
  if (text !== undefined) {
    try {
      const ast = parseLoosely(text, filename);
      result = [];
      const found = result;
      const walk = (node: unknown, name: string) => {
        if (Array.isArray(node)) {
          for (const child of node) walk(child, name);
          return;
        }
        if (!isNode(node)) return;
        let own = name;
        if (/Function|Method/.test(node.type) && Array.isArray(node.params) && node.loc) {
          let fname = name;
          if (isNode(node.id)) fname = node.id.name as string;
          else if (node.type === "ObjectMethod" || node.type === "ClassMethod" || node.type === "ClassPrivateMethod")
            fname = keyName(node.key, node.computed === true);
          const key =
            node.type === "ClassMethod" || node.type === "ObjectMethod" || node.type === "ClassPrivateMethod" ? (node.key as Node) : null;
          const params: string[] = [];
          for (const p of node.params) bindingNames(p, params);
          const body = node.body as Node;
          let bodyLine = body.loc?.start.line ?? node.loc.start.line;
          if (body.type === "BlockStatement") {
            const first = (body.body as Node[])[0];
            if (first?.loc) bodyLine = first.loc.start.line;
          }
          const line = node.type === "ArrowFunctionExpression" ? node.loc.start.line : (key?.loc?.start.line ?? node.loc.start.line);
          found.push({ name: fname || "<anonymous>", line, bodyLine, params });
          own = "";
        }
        for (const [k, child] of Object.entries(node)) {
          if (k === "loc" || k === "start" || k === "end" || k === "leadingComments" || k === "trailingComments") continue;
          if (typeof child !== "object" || child === null) continue;
          let childName = "";
          if (node.type === "VariableDeclarator" && k === "init" && isNode(node.id) && node.id.type === "Identifier")
            childName = node.id.name as string;
          else if ((node.type === "ObjectProperty" || node.type === "ClassProperty") && k === "value")
            childName = keyName(node.key, node.computed === true);
          else if (node.type === "AssignmentExpression" && k === "right" && isNode(node.left)) {
            const left = node.left;
            childName =
              left.type === "Identifier"
                ? (left.name as string)
                : left.type === "MemberExpression"
                  ? keyName(left.property, left.computed === true)
                  : "";
          }
          walk(child, childName || (k === "body" ? "" : own && ""));
        }
      };
      walk(ast.program, "");
    } catch {
      result = null;
    }
  }
  cache.set(filename, result);
  return result;
}

/** Parameter names of the function that starts on `line` (preferring one named `name`), or null. */
export function parameterNames(filename: string, line: number, name: string): string[] | null {
  const fns = functionsOf(filename);
  if (!fns) return null;
  const candidates = fns.filter((f) => f.line === line);
  const best = candidates.find((f) => f.name === name) ?? candidates[0];
  return best ? best.params : null;
}

/** Functions named `name` in a file: `[line of the function, line of its first statement]`. */
export function findFunction(filename: string, name: string): { line: number; bodyLine: number } | null {
  const fns = functionsOf(filename);
  const f = fns?.find((fn) => fn.name === name);
  return f ? { line: f.line, bodyLine: f.bodyLine } : null;
}
