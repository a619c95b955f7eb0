// The repository's own import graph, read from source with the TypeScript parser (not regexes,
// so comments and strings that mention a path never count). arch.test.ts checks it for cycles
// and for imports against ARCHITECTURE.md's direction; bench or review scripts may reuse it.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** One relative import: `from` and `to` are repository-relative paths with `/` separators. */
export interface ImportEdge {
  from: string;
  to: string;
  /** `import type`/`export type`, or every named binding marked `type`: erased at run time. */
  typeOnly: boolean;
  /** `import('…')` in an expression (a type position's `import('…')` counts as typeOnly). */
  dynamic: boolean;
}

const SKIP_DIRS = new Set(['node_modules', '.git', '.warroom', 'dist', 'scratch']);

/** Source files of the graph: every .ts/.mjs file under root except tests and skipped folders. */
export function sourceFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) walk(join(dir, e.name));
      } else if (/\.(ts|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts') && !/\.test\.ts$/.test(e.name)) {
        out.push(toRel(root, join(dir, e.name)));
      }
    }
  };
  walk(root);
  return out.sort();
}

/** The relative imports of one file's text (paths as written, with their kind). */
export function importsOf(fileName: string, text: string): { spec: string; typeOnly: boolean; dynamic: boolean }[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const found: { spec: string; typeOnly: boolean; dynamic: boolean }[] = [];
  const add = (lit: ts.Expression | undefined, typeOnly: boolean, dynamic: boolean): void => {
    if (lit && ts.isStringLiteralLike(lit) && lit.text.startsWith('.')) found.push({ spec: lit.text, typeOnly, dynamic });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const c = node.importClause;
      const allTypeNamed =
        !!c && !c.name && !!c.namedBindings && ts.isNamedImports(c.namedBindings) &&
        c.namedBindings.elements.length > 0 && c.namedBindings.elements.every((e) => e.isTypeOnly);
      add(node.moduleSpecifier, !!c && (c.isTypeOnly || allTypeNamed), false);
    } else if (ts.isExportDeclaration(node)) {
      const allTypeNamed =
        !!node.exportClause && ts.isNamedExports(node.exportClause) &&
        node.exportClause.elements.length > 0 && node.exportClause.elements.every((e) => e.isTypeOnly);
      add(node.moduleSpecifier, node.isTypeOnly || allTypeNamed, false);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node.arguments[0], false, true);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal as ts.Expression, true, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** Every relative import edge between the source files under root. */
export function importGraph(root: string): ImportEdge[] {
  const files = sourceFiles(root);
  const known = new Set(files);
  const edges: ImportEdge[] = [];
  for (const from of files) {
    for (const imp of importsOf(from, readFileSync(join(root, from), 'utf8'))) {
      const to = resolveSpec(root, from, imp.spec, known);
      if (to) edges.push({ from, to, typeOnly: imp.typeOnly, dynamic: imp.dynamic });
    }
  }
  return edges;
}

// NodeNext style: './x.js' names './x.ts'; a path may also name the file itself or a folder's index.
function resolveSpec(root: string, from: string, spec: string, known: Set<string>): string | undefined {
  const base = toRel(root, resolve(root, dirname(from), spec));
  const candidates = [base, base.replace(/\.js$/, '.ts'), base.replace(/\.mjs$/, '.mts'), `${base}.ts`, `${base}/index.ts`];
  return candidates.find((c) => known.has(c));
}

function toRel(root: string, abs: string): string {
  return relative(root, abs).split(sep).join('/');
}

/**
 * Test code outside *.test.ts: this folder, contract suites (x.contract.ts, contract.ts,
 * kb-contract.ts) and test-helpers.ts. Production code must not import it.
 */
export function isTestCode(file: string): boolean {
  return file.startsWith('test-support/') || file.startsWith('store/contracts/') || /(^|[/.-])contract\.ts$/.test(file) || /(^|\/)test-helpers\.ts$/.test(file);
}

/** The folder an architecture rule talks about: the first path segment ('.' for root files). */
export function topFolder(file: string): string {
  const i = file.indexOf('/');
  return i < 0 ? '.' : file.slice(0, i);
}

/**
 * Strongly connected components with more than one member (or a self-loop), by Tarjan's
 * algorithm: each is an import circle. Sorted, so a failure message is stable.
 */
export function cycles(edges: { from: string; to: string }[]): string[][] {
  const adj = new Map<string, string[]>();
  for (const e of edges) {
    if (!adj.has(e.from)) adj.set(e.from, []);
    if (!adj.has(e.to)) adj.set(e.to, []);
    adj.get(e.from)!.push(e.to);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let next = 0;
  const strong = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of adj.get(v)!) {
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || adj.get(v)!.includes(v)) out.push(scc.sort());
    }
  };
  for (const v of [...adj.keys()].sort()) if (!index.has(v)) strong(v);
  return out.sort((a, b) => a[0].localeCompare(b[0]));
}
