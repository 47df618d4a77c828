/**
 * The name a property key gives what it holds (`a`, `"b"`, `1`, `#c`), read
 * from a Babel AST node: the compiler names Codes with it and the debugger
 * finds functions by name in files not loaded yet, so both agree.
 */
interface KeyNode {
  type: string;
  name?: string;
  value?: unknown;
  id?: { name: string };
}

/** The key's name, or null (a computed key other than a string literal). */
export function propertyKeyName(key: unknown, computed: boolean): string | null {
  const node = key as KeyNode;
  if (computed) return node.type === "StringLiteral" ? String(node.value) : null;
  switch (node.type) {
    case "Identifier":
      return node.name!;
    case "StringLiteral":
    case "NumericLiteral":
      return String(node.value);
    case "PrivateName":
      return "#" + node.id!.name;
  }
  return null;
}
