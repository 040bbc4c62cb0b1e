import { relative } from 'node:path';
import { getSettings, isConfigured } from '../conf';
import * as rules from '../models/deletion-rules';
import type { OnDelete } from '../models/deletion-rules';
import { MigrationError } from './errors';
import { FIELD_CLASSES, FieldSpec } from './fields';

/**
 * Values as TypeScript source, for migration files. The output is a small tree (calls, objects, arrays) laid out
 * by one rule: a node goes on one line when it fits, else one entry per line with trailing commas, as a
 * formatter would. The same values always give the same text, which is also how specs are compared.
 */
export type Code = Raw | Call | ObjectCode | ArrayCode;

export class Raw {
  constructor(readonly text: string) {}
}

export class Call {
  constructor(
    readonly callee: string,
    readonly args: readonly Code[],
    readonly construct = true,
  ) {}
}

export class ObjectCode {
  constructor(
    readonly entries: ReadonlyArray<readonly [string, Code]>,
    /** Always one entry per line (a model's fields), even when it would fit on one. */
    readonly multiline = false,
  ) {}
}

export class ArrayCode {
  constructor(
    readonly items: readonly Code[],
    readonly multiline = false,
  ) {}
}

/** A plain object or array that is always written one entry per line (a model's fields, a migration's operations). */
export class Multiline {
  constructor(readonly value: object) {}
}

/** Named imports a file needs, by module. */
export class Imports {
  private readonly byModule = new Map<string, Set<string>>();

  constructor(
    /**
     * The folder of the file being written, for relative imports of functions exported by model modules; null
     * when the text is only compared (then a function's source counts without its whitespace).
     */
    readonly directory: string | null = null,
  ) {}

  add(module: string, name: string): void {
    let names = this.byModule.get(module);
    if (!names) this.byModule.set(module, (names = new Set()));
    names.add(name);
  }

  render(): string {
    // Packages first, then the project's own modules (relative paths), each group sorted.
    const order = (module: string) => `${module.startsWith('.') ? 1 : 0}${module}`;
    return [...this.byModule.keys()]
      .sort((a, b) => (order(a) < order(b) ? -1 : 1))
      .map((module) => {
        const names = [...this.byModule.get(module)!].sort(compareNames);
        const line = `import { ${names.join(', ')} } from '${module}';`;
        return line.length <= LINE_WIDTH ? line : `import {\n${names.map((name) => `${INDENT}${name},`).join('\n')}\n} from '${module}';`;
      })
      .join('\n');
  }
}

/** Case-insensitive, then by case, so `CASCADE, CharField, ForeignKey` reads alphabetically. */
function compareNames(a: string, b: string): number {
  const lower = a.toLowerCase().localeCompare(b.toLowerCase());
  return lower || (a < b ? -1 : a > b ? 1 : 0);
}

const LINE_WIDTH = 120;
const INDENT = '  ';

/** The source text of `code`, its first line starting at column `indent.length`. */
export function render(code: Code, indent = ''): string {
  const flat = renderFlat(code);
  if (flat !== null && indent.length + flat.length <= LINE_WIDTH) return flat;
  const inner = indent + INDENT;
  if (code instanceof Raw) return code.text;
  if (code instanceof Call) {
    const prefix = `${code.construct ? 'new ' : ''}${code.callee}(`;
    if (code.args.length === 1) return `${prefix}${render(code.args[0]!, indent)})`;
    return `${prefix}\n${code.args.map((arg) => `${inner}${render(arg, inner)},`).join('\n')}\n${indent})`;
  }
  if (code instanceof ObjectCode) {
    if (!code.entries.length) return '{}';
    return `{\n${code.entries.map(([key, value]) => `${inner}${propertyName(key)}: ${render(value, inner)},`).join('\n')}\n${indent}}`;
  }
  if (!code.items.length) return '[]';
  return `[\n${code.items.map((item) => `${inner}${render(item, inner)},`).join('\n')}\n${indent}]`;
}

/** One line, or null when the node must break. */
function renderFlat(code: Code): string | null {
  if (code instanceof Raw) return code.text.includes('\n') ? null : code.text;
  if (code instanceof Call) {
    const args = code.args.map(renderFlat);
    if (args.some((arg) => arg === null)) return null;
    return `${code.construct ? 'new ' : ''}${code.callee}(${args.join(', ')})`;
  }
  if (code instanceof ObjectCode) {
    if (code.multiline && code.entries.length) return null;
    const entries = code.entries.map(([key, value]) => {
      const text = renderFlat(value);
      return text === null ? null : `${propertyName(key)}: ${text}`;
    });
    if (entries.some((entry) => entry === null)) return null;
    return entries.length ? `{ ${entries.join(', ')} }` : '{}';
  }
  if (code.multiline && code.items.length) return null;
  const items = code.items.map(renderFlat);
  if (items.some((item) => item === null)) return null;
  return `[${items.join(', ')}]`;
}

function propertyName(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : quoteString(key);
}

export function quoteString(text: string): string {
  return `'${JSON.stringify(text).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
}

const ON_DELETE_RULES = new Map<unknown, string>(
  Object.entries(rules).filter(([, value]) => typeof value === 'object' && value !== null && 'kind' in value).map(([name, value]) => [value, name]),
);

/** `value` as source; `where` names the model field or operation in errors. */
export function valueCode(value: unknown, imports: Imports, where: string): Code {
  if (value === undefined) return new Raw('undefined');
  if (value === null || typeof value === 'boolean') return new Raw(String(value));
  if (typeof value === 'number') return new Raw(Object.is(value, -0) ? '-0' : String(value));
  if (typeof value === 'bigint') return new Raw(`${value}n`);
  if (typeof value === 'string') return new Raw(quoteString(value));
  if (typeof value === 'function') return functionCode(value, imports, where);
  if (value instanceof FieldSpec) return fieldCode(value, imports, where);
  if (value instanceof Multiline) {
    const code = valueCode(value.value, imports, where);
    if (code instanceof ObjectCode) return new ObjectCode(code.entries, true);
    if (code instanceof ArrayCode) return new ArrayCode(code.items, true);
    return code;
  }
  if (value instanceof Date) return new Call('Date', [new Raw(quoteString(value.toISOString()))]);
  if (Buffer.isBuffer(value)) return new Call('Buffer.from', [new Raw(quoteString(value.toString('base64'))), new Raw("'base64'")], false);
  if (Array.isArray(value)) return new ArrayCode(value.map((item) => valueCode(item, imports, where)));
  const rule = ON_DELETE_RULES.get(value);
  if (rule) {
    imports.add('threadorm', rule);
    return new Raw(rule);
  }
  if (isOnDelete(value) && value.kind === 'SET') {
    imports.add('threadorm', 'SET');
    return new Call('SET', [valueCode(value.value, imports, where)], false);
  }
  if (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null) {
    return new ObjectCode(Object.entries(value as object).map(([key, item]) => [key, valueCode(item, imports, where)] as const));
  }
  throw new MigrationError(`${where}: a ${(value as object).constructor?.name ?? 'value'} cannot be written into a migration file.`);
}

function isOnDelete(value: unknown): value is OnDelete {
  return typeof value === 'object' && value !== null && typeof (value as OnDelete).kind === 'string' && Object.isFrozen(value);
}

/** `new CharField({ maxLength: 50 })`, `new ForeignKey(byLabel('Box'), { onDelete: CASCADE })`. */
export function fieldCode(spec: FieldSpec, imports: Imports, where: string): Code {
  imports.add('threadorm', spec.type);
  const args: Code[] = [];
  if (spec.to !== null) args.push(labelCode(spec.to, imports));
  const entries = Object.entries(spec.options).map(([key, value]) => {
    const code = key === 'through' ? labelCode(value as string, imports) : valueCode(value, imports, `${where} option ${key}`);
    return [key, code] as const;
  });
  if (entries.length) args.push(new ObjectCode(entries));
  return new Call(spec.type, args);
}

/** A model named by its label, as migration files name relation targets: `byLabel('Box')`. */
function labelCode(label: string, imports: Imports): Code {
  imports.add('threadorm/migrations', 'byLabel');
  return new Call('byLabel', [new Raw(quoteString(label))], false);
}

/**
 * A function (a default, a SET() value), written as Django writes a callable, by reference where it can be:
 * a static helper of a field class (`UUIDField.random`), or a function a models module exports (imported from
 * that module). Otherwise its source is copied, and must stand alone (an arrow or function expression that uses
 * no names of the module it came from).
 */
function functionCode(fn: Function, imports: Imports, where: string): Code {
  for (const [name, cls] of FIELD_CLASSES) {
    for (const key of Object.getOwnPropertyNames(cls)) {
      if (key !== 'prototype' && (cls as unknown as Record<string, unknown>)[key] === fn) {
        imports.add('threadorm', name);
        return new Raw(`${name}.${key}`);
      }
    }
  }
  const exported = exportOf(fn);
  if (exported) {
    const module = imports.directory === null ? exported.file : importPath(imports.directory, exported.file);
    imports.add(module, exported.name);
    return new Raw(exported.name);
  }
  const source = fn.toString();
  let standsAlone = !source.includes('[native code]');
  try {
    if (standsAlone) new Function(`return (${source});`);
  } catch {
    standsAlone = false;
  }
  if (!standsAlone) {
    throw new MigrationError(
      `${where}: the function ${fn.name || '(anonymous)'} cannot be copied into a migration file (a method or native function). ` +
        'Export it from a models module (the migration then imports it), or use an arrow function that stands alone, ' +
        'e.g. default: () => new Date().toISOString().',
    );
  }
  // Compiled again where the migration loads, a copied function may be laid out anew: compared without whitespace.
  return new Raw(imports.directory === null ? source.replace(/\s+/g, ' ') : source);
}

/** The models module (of `configure({ models })`) that exports `fn`, and the name it exports it as. */
function exportOf(fn: Function): { file: string; name: string } | null {
  if (!isConfigured()) return null;
  for (const file of getSettings().models) {
    const exports = require.cache[file]?.exports as Record<string, unknown> | undefined;
    for (const [name, value] of Object.entries(exports ?? {})) if (value === fn && name !== 'default') return { file, name };
  }
  return null;
}

/** `../models` from a migrations folder to a module file (no extension: TypeScript and JavaScript alike). */
function importPath(directory: string, file: string): string {
  const path = relative(directory, file).replace(/\\/g, '/').replace(/\.[cm]?[jt]s$/, '');
  return path.startsWith('.') ? path : `./${path}`;
}

/** The text a value would be written as: how specs and options are compared. */
export function sourceOf(value: unknown, where = 'value'): string {
  return render(valueCode(value, new Imports(), where));
}
