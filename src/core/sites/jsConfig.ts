/**
 * A JavaScript or TypeScript site configuration (docusaurus.config.ts, .vitepress/config.mts, astro.config.mjs) read
 * WITHOUT running it: parsed with @babel/parser, and only literals are evaluated — strings, numbers, arrays, objects,
 * spreads of top-level constants, template literals of known parts, `path.join(__dirname, 'x')` (a path from the
 * config's folder). The exported value is found through `export default`, `module.exports =`, wrapper calls
 * (`defineConfig(…)`, `defineConfigWithTheme<T>(…)`, `extendConfig(…)`) and (async) functions that return the object.
 * Anything else (an environment variable, a call, an import) is an `Unknown`, with the source it was written as.
 */
import { parse } from '@babel/parser';
import type * as t from '@babel/types';

/** A value that can't be known without running the configuration. */
export class Unknown {
  constructor(readonly source: string) {}
}

export type JsValue = string | number | boolean | null | undefined | Unknown | readonly JsValue[] | { readonly [key: string]: JsValue };

export const isUnknown = (v: unknown): v is Unknown => v instanceof Unknown;
export const isRecord = (v: unknown): v is { readonly [key: string]: JsValue } => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Unknown);

/** Syntax errors (JavaScript or TypeScript a newer parser reads) in a configuration we could not read at all. */
export class ConfigSyntaxError extends Error {
  constructor(
    fileName: string,
    /** What is wrong, without the file's name. */
    readonly detail: string,
  ) {
    super(`${fileName} ${detail}`);
  }
}

const WRAPPERS = new Set(['TSSatisfiesExpression', 'TSAsExpression', 'TSNonNullExpression', 'ParenthesizedExpression', 'TSTypeAssertion', 'TSInstantiationExpression']);
const MAX_DEPTH = 60;

type Scope = ReadonlyMap<string, t.Node>;

/** Top-level (and function-body) `const x = …` and `function f() {}`: what an identifier may name. */
function declarations(statements: readonly t.Statement[], parent?: Scope): Map<string, t.Node> {
  const scope = new Map(parent);
  for (const st of statements) {
    const decl = st.type === 'ExportNamedDeclaration' ? st.declaration : st;
    if (decl?.type === 'VariableDeclaration') {
      for (const d of decl.declarations) if (d.id.type === 'Identifier' && d.init) scope.set(d.id.name, d.init);
    } else if (decl?.type === 'FunctionDeclaration' && decl.id) scope.set(decl.id.name, decl);
  }
  return scope;
}

class Evaluator {
  constructor(private readonly text: string) {}

  unknown(n: t.Node | null | undefined): Unknown {
    if (!n || n.start == null || n.end == null) return new Unknown('?');
    const s = this.text.slice(n.start, n.end).replace(/\s+/g, ' ');
    return new Unknown(s.length > 80 ? `${s.slice(0, 77)}…` : s);
  }

  value(node: t.Node | null | undefined, scope: Scope, depth = 0): JsValue {
    let n = node;
    while (n && WRAPPERS.has(n.type)) n = (n as { expression: t.Node }).expression;
    if (!n || depth > MAX_DEPTH) return this.unknown(n);
    switch (n.type) {
      case 'StringLiteral':
      case 'NumericLiteral':
      case 'BooleanLiteral':
        return n.value;
      case 'NullLiteral':
        return null;
      case 'TemplateLiteral':
        return this.template(n, scope, depth);
      case 'ArrayExpression':
        return this.array(n, scope, depth);
      case 'ObjectExpression':
        return this.object(n, scope, depth);
      case 'Identifier':
        if (n.name === 'undefined') return undefined;
        return scope.has(n.name) ? this.value(scope.get(n.name), scope, depth + 1) : this.unknown(n);
      case 'MemberExpression': {
        const object = this.value(n.object, scope, depth + 1);
        const key = n.computed ? this.value(n.property, scope, depth + 1) : n.property.type === 'Identifier' ? n.property.name : undefined;
        if (isRecord(object) && typeof key === 'string') return object[key];
        return this.unknown(n);
      }
      case 'LogicalExpression':
        return this.logical(n, scope, depth);
      case 'ConditionalExpression': {
        const a = this.value(n.consequent, scope, depth + 1);
        const b = this.value(n.alternate, scope, depth + 1);
        if (Array.isArray(a) && Array.isArray(b)) return [...(a as JsValue[]), ...(b as JsValue[])]; // both branches: the union
        return a === b ? a : this.unknown(n);
      }
      case 'CallExpression':
        return this.call(n, scope, depth);
      case 'AwaitExpression':
        return this.value(n.argument, scope, depth + 1);
      case 'ArrowFunctionExpression':
      case 'FunctionExpression':
      case 'FunctionDeclaration':
        return this.returned(n, scope, depth);
      default:
        return this.unknown(n);
    }
  }

  private template(n: t.TemplateLiteral, scope: Scope, depth: number): JsValue {
    let s = n.quasis[0]?.value.cooked ?? '';
    for (const [i, e] of n.expressions.entries()) {
      const v = this.value(e, scope, depth + 1);
      if (typeof v !== 'string' && typeof v !== 'number') return this.unknown(n);
      s += String(v) + (n.quasis[i + 1]?.value.cooked ?? '');
    }
    return s;
  }

  private array(n: t.ArrayExpression, scope: Scope, depth: number): JsValue {
    const out: JsValue[] = [];
    for (const e of n.elements) {
      if (e?.type === 'SpreadElement') {
        const v = this.value(e.argument, scope, depth + 1);
        if (Array.isArray(v)) out.push(...(v as JsValue[]));
        else out.push(this.unknown(e));
      } else out.push(e ? this.value(e, scope, depth + 1) : undefined);
    }
    return out;
  }

  private object(n: t.ObjectExpression, scope: Scope, depth: number): JsValue {
    const out: Record<string, JsValue> = {};
    for (const p of n.properties) {
      if (p.type === 'SpreadElement') {
        const v = this.value(p.argument, scope, depth + 1);
        if (isRecord(v)) Object.assign(out, v);
        continue;
      }
      const key = p.computed ? undefined : p.key.type === 'Identifier' ? p.key.name : p.key.type === 'StringLiteral' || p.key.type === 'NumericLiteral' ? String(p.key.value) : undefined;
      if (key === undefined) continue;
      out[key] = p.type === 'ObjectMethod' ? this.unknown(p) : this.value(p.value, scope, depth + 1);
    }
    return out;
  }

  /** `process.env.BASE ?? '/'` and `a || 'x'`: the literal fallback when the left side can't be known. */
  private logical(n: t.LogicalExpression, scope: Scope, depth: number): JsValue {
    const left = this.value(n.left, scope, depth + 1);
    const right = this.value(n.right, scope, depth + 1);
    if (!isUnknown(left)) return n.operator === '&&' ? (left ? right : left) : n.operator === '??' ? (left ?? right) : left || right;
    return n.operator === '&&' || isUnknown(right) ? this.unknown(n) : right;
  }

  private call(n: t.CallExpression, scope: Scope, depth: number): JsValue {
    const c = n.callee;
    const name = c.type === 'Identifier' ? c.name : c.type === 'MemberExpression' && c.object.type === 'Identifier' && c.property.type === 'Identifier' ? `${c.object.name}.${c.property.name}` : '';
    if (/^(path\.)?(join|resolve)$/.test(name) && n.arguments[0] && isConfigDir(n.arguments[0])) {
      const parts = n.arguments.slice(1).map((a) => this.value(a, scope, depth + 1));
      return parts.every((p) => typeof p === 'string') ? ['.', ...(parts as string[])].join('/') : this.unknown(n);
    }
    if (name === 'require.resolve' && n.arguments[0]) return this.value(n.arguments[0], scope, depth + 1);
    // A wrapper — defineConfig({…}), extendConfig(config), starlight({…}): its first argument. A method call
    // (`versions.slice(0, 2)`) is not one.
    const arg = n.arguments[0];
    return c.type === 'Identifier' && arg && arg.type !== 'SpreadElement' && arg.type !== 'ArgumentPlaceholder' ? this.value(arg, scope, depth + 1) : this.unknown(n);
  }

  /** A function's result: its expression body, or the object its body's `return` gives. */
  private returned(n: t.ArrowFunctionExpression | t.FunctionExpression | t.FunctionDeclaration, scope: Scope, depth: number): JsValue {
    if (n.body.type !== 'BlockStatement') return this.value(n.body, scope, depth + 1);
    const inner = declarations(n.body.body, scope);
    const ret = n.body.body.find((s): s is t.ReturnStatement => s.type === 'ReturnStatement');
    return ret ? this.value(ret.argument, inner, depth + 1) : this.unknown(n);
  }
}

/** `__dirname`, `import.meta.dirname`, `import.meta.dir`: the configuration's own folder. */
function isConfigDir(n: t.Node): boolean {
  if (n.type === 'Identifier') return n.name === '__dirname';
  return n.type === 'MemberExpression' && n.object.type === 'MetaProperty' && n.property.type === 'Identifier' && (n.property.name === 'dirname' || n.property.name === 'dir');
}

/** The node the module exports: `export default X`, `export { X as default }`, `module.exports = X`. */
function exported(program: t.Program): t.Node | undefined {
  let found: t.Node | undefined;
  for (const st of program.body) {
    if (st.type === 'ExportDefaultDeclaration') found = st.declaration;
    else if (st.type === 'ExportNamedDeclaration') {
      for (const s of st.specifiers) {
        if (s.type === 'ExportSpecifier' && (s.exported.type === 'Identifier' ? s.exported.name : s.exported.value) === 'default') found = s.local;
      }
    } else if (st.type === 'ExpressionStatement' && st.expression.type === 'AssignmentExpression') {
      const left = st.expression.left;
      if (left.type === 'MemberExpression' && left.object.type === 'Identifier' && left.object.name === 'module' && left.property.type === 'Identifier' && left.property.name === 'exports') found = st.expression.right;
    }
  }
  return found;
}

/**
 * The configuration object a JS/TS config file exports, as far as it can be known without running it. Throws
 * ConfigSyntaxError when the file does not parse at all, or exports nothing we can find.
 */
export function readJsConfig(text: string, fileName: string): JsValue {
  let ast;
  try {
    ast = parse(text, { sourceType: 'unambiguous', sourceFilename: fileName, plugins: ['typescript', 'jsx', 'importAttributes', 'decorators-legacy'], errorRecovery: true });
  } catch (e) {
    throw new ConfigSyntaxError(fileName, `could not be parsed: ${(e as Error).message}`);
  }
  const node = exported(ast.program);
  if (!node) throw new ConfigSyntaxError(fileName, 'has no export default or module.exports');
  return new Evaluator(text).value(node, declarations(ast.program.body));
}

/** The value at a dotted path (`markdown.format`), or undefined where a part is missing, or the Unknown met on the way. */
export function valueAt(config: JsValue, dotted: string): JsValue {
  let v: JsValue = config;
  for (const key of dotted.split('.')) {
    if (isUnknown(v)) return v;
    if (!isRecord(v)) return undefined;
    v = v[key];
  }
  return v;
}
