/**
 * The dependency rules of ARCHITECTURE.md, checked on the source: mixins → async → models → sql → db/backends.
 * Every `src/**\/*.ts` is parsed with the TypeScript compiler; imports and re-exports that are type-only
 * (`import type`, `{ type X }` specifiers only) are not runtime dependencies and are skipped.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

const SRC = path.resolve(__dirname, '../../../src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** The module a relative specifier names, as a path relative to src/ (null: a package or outside src/). */
function resolveModule(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = path.resolve(path.dirname(from), specifier);
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts')]) {
    if (fs.existsSync(candidate)) return path.relative(SRC, candidate).split(path.sep).join('/');
  }
  return path.relative(SRC, base).split(path.sep).join('/');
}

function runtimeSpecifiers(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const specifiers: string[] = [];
  const typeOnlyNames = (elements: ts.NodeArray<ts.ImportSpecifier | ts.ExportSpecifier>) => elements.length > 0 && elements.every((element) => element.isTypeOnly);
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.isTypeOnly) continue;
      if (clause && !clause.name && clause.namedBindings && ts.isNamedImports(clause.namedBindings) && typeOnlyNames(clause.namedBindings.elements)) continue;
      specifiers.push((statement.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier) {
      if (statement.isTypeOnly) continue;
      if (statement.exportClause && ts.isNamedExports(statement.exportClause) && typeOnlyNames(statement.exportClause.elements)) continue;
      specifiers.push((statement.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isImportEqualsDeclaration(statement) && !statement.isTypeOnly && ts.isExternalModuleReference(statement.moduleReference)) {
      specifiers.push((statement.moduleReference.expression as ts.StringLiteral).text);
    }
  }
  // require('./x') calls anywhere in the file are runtime imports too.
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'require' && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      specifiers.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specifiers;
}

/** Runtime imports between modules of src/, as paths relative to src/ (`sql/query.ts` → `models/base.ts`). */
const graph = new Map<string, string[]>();
for (const file of sourceFiles(SRC)) {
  const from = path.relative(SRC, file).split(path.sep).join('/');
  graph.set(from, runtimeSpecifiers(file).map((specifier) => resolveModule(file, specifier)).filter((target): target is string => target !== null));
}

/** The runtime imports from modules under `from` into modules under `into`, as "a -> b". */
function importsBetween(from: string, into: readonly string[]): string[] {
  const found: string[] = [];
  for (const [module, targets] of graph) {
    if (!module.startsWith(from)) continue;
    for (const target of targets) if (into.some((prefix) => target.startsWith(prefix))) found.push(`${module} -> ${target}`);
  }
  return found.sort();
}

/**
 * Runtime imports from the backends up into the model or SQL layer that are allowed anyway, each with its
 * reason. None so far: a backend reads the fields it is given through their types only.
 */
const BACKEND_EXCEPTIONS: string[] = [];

/**
 * Import cycles that remain, each a strongly connected set of modules, with the reason it is there. The model
 * layer's core is one: a Model class gets its manager and its field accessors when it is defined (base →
 * manager, descriptors), managers and querysets build instances (→ hydrate → base's instance state), and
 * Options checks fields against the Model class (options → base). Splitting it means moving instance state
 * and class set-up out of models/base.ts.
 */
const KNOWN_CYCLES: string[][] = [
  ['models/base.ts', 'models/custom-methods.ts', 'models/descriptors.ts', 'models/hydrate.ts', 'models/manager.ts', 'models/options.ts', 'models/queryset.ts', 'models/related-managers.ts'],
];

/** Strongly connected components of more than one module (Tarjan), each sorted. */
function cycles(): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (module: string): void => {
    index.set(module, counter);
    low.set(module, counter);
    counter++;
    stack.push(module);
    onStack.add(module);
    for (const target of graph.get(module) ?? []) {
      if (!graph.has(target)) continue;
      if (!index.has(target)) {
        connect(target);
        low.set(module, Math.min(low.get(module)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(module, Math.min(low.get(module)!, index.get(target)!));
      }
    }
    if (low.get(module) !== index.get(module)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== module);
    if (component.length > 1) found.push(component.sort());
  };
  for (const module of graph.keys()) if (!index.has(module)) connect(module);
  return found.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

test('the source was read, and type-only imports do not count', () => {
  expect(graph.size).toBeGreaterThan(50);
  // query.ts names model-layer types (Options, ModelClass) without importing those modules at runtime.
  expect(graph.get('sql/query.ts')).toEqual(expect.arrayContaining(['sql/expressions.ts', 'sql/where.ts']));
  expect(graph.get('sql/query.ts')!.some((target) => target.startsWith('models/'))).toBe(false);
});

test('the SQL layer imports nothing of the model layer, the async layer or the mixins at runtime', () => {
  expect(importsBetween('sql/', ['models/', 'async/', '../mixins'])).toEqual([]);
});

test('the model layer does not import the async layer at runtime', () => {
  expect(importsBetween('models/', ['async/', '../mixins'])).toEqual([]);
});

test('the backends import neither the model layer nor the SQL layer at runtime', () => {
  expect(importsBetween('db/backends/', ['models/', 'sql/'])).toEqual(BACKEND_EXCEPTIONS);
});

test('no runtime import cycle in src/ except the documented ones', () => {
  expect(cycles()).toEqual(KNOWN_CYCLES);
});
