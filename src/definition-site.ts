import { realpathSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ImproperlyConfigured } from './errors';

/**
 * Where a syncToAsync / asyncToSync unit is defined: the module another thread imports to find it.
 *
 * Read from V8's structured call sites, not from the text of `error.stack`: a call site's file is the file
 * that was really loaded (a path for CommonJS, a `file://` URL for ES modules), whatever source maps say,
 * and the frame below it tells whether the definition runs in that module's top-level code. A definition
 * anywhere else could not be reproduced by importing the module, and the entry script must never be
 * imported by a worker (that would run the program again): both are refused here, on the defining thread,
 * before anything is sent.
 */
export function definitionSite(helper: string, definer: Function): string {
  const [site, caller] = callSites(definer);
  const file = site?.getFileName();
  if (!file || !(isAbsolute(file) || file.startsWith('file://'))) {
    throw misplaced(helper, 'it is not called from a module file (eval, a REPL or a string of code cannot be imported by a worker)');
  }
  if (!isModuleLoader(caller)) {
    throw misplaced(helper, `it is called inside a function (${describe(site!)} in ${file}), so importing ${file} would not define it`);
  }
  if (isEntryScript(file)) {
    throw misplaced(helper, `${file} is the program's entry script, which a worker must not import (it would run the program again)`);
  }
  return file;
}

export function misplaced(helper: string, reason: string): ImproperlyConfigured {
  return new ImproperlyConfigured(
    `${helper}(): ${reason}. Define the unit once, at module level, in a module of its own that workers can import ` +
      '(`export const transfer = syncToAsync((from, to, amount) => atomic(() => ...))` in units.ts), and import it where you call it.',
  );
}

/** The frames above `definer` (the code that called it, and that code's caller), as V8 call sites. */
function callSites(definer: Function): NodeJS.CallSite[] {
  const { prepareStackTrace, stackTraceLimit } = Error;
  try {
    Error.stackTraceLimit = 2;
    Error.prepareStackTrace = (_, sites) => sites;
    const holder: { stack?: NodeJS.CallSite[] } = {};
    Error.captureStackTrace(holder, definer);
    return holder.stack ?? [];
  } finally {
    Error.prepareStackTrace = prepareStackTrace;
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/**
 * True when `caller` is what runs a module's top-level code: Node's CommonJS `Module._compile`, the ES module
 * job (or nothing at all, when a module resumes after a top-level await), or jest's module runtime.
 */
function isModuleLoader(caller: NodeJS.CallSite | undefined): boolean {
  if (!caller) return true;
  const file = caller.getFileName() ?? '';
  return file.startsWith('node:internal/modules/') || /[\\/]jest-runtime[\\/]/.test(file);
}

/** The function a definition sits in. No line number: a call site's is in the compiled code, not the source. */
function describe(site: NodeJS.CallSite): string {
  const name = site.getFunctionName();
  if (name === '<static_initializer>' || name === '<instance_members_initializer>') return 'a class field initializer';
  return name ? `${name}()` : 'an anonymous function';
}

/** Is `file` (a path or a `file://` URL) the script node (or ts-node, or jest) started, as `require.main` and `process.argv[1]` name it? */
export function isEntryScript(file: string): boolean {
  const path = canonical(file.startsWith('file://') ? fileURLToPath(file) : file);
  return entryScripts().has(path);
}

let entries: Set<string> | null = null;

function entryScripts(): Set<string> {
  if (!entries) {
    entries = new Set();
    if (require.main?.filename) entries.add(canonical(require.main.filename));
    const script = process.argv[1];
    if (script) {
      entries.add(canonical(resolve(script)));
      try {
        entries.add(canonical(require.resolve(resolve(script)))); // `node app` starts app.js
      } catch {
        // not a resolvable module path: the plain path above is all there is
      }
    }
  }
  return entries;
}

function canonical(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
