import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';

/**
 * Loads the modules a thread needs (model modules, unit modules) and, when one of them is TypeScript and
 * nothing in this thread can compile TypeScript yet, registers a transpiler first.
 *
 * Every pool worker and asyncToSync helper is a fresh thread: a TypeScript hook that the main thread runs
 * under (ts-node, ts-jest) is not there. ts-node re-registered in each thread costs seconds on a busy machine,
 * paid again whenever a cancelled worker is replaced. esbuild strips types in a few milliseconds a file,
 * and the output is cached on disk by content, so a replacement thread mostly reads JavaScript.
 */

const TYPESCRIPT_EXTENSIONS = ['.ts', '.mts', '.cts'] as const;

/** Node's CommonJS loader internals this hook plugs into (stable since Node 0.x, used by every require hook). */
type CompilableModule = Module & { _compile(code: string, filename: string): void };
const extensions = (Module as unknown as { _extensions: Record<string, (module: CompilableModule, filename: string) => void> })._extensions;

export function isTypeScriptFile(path: string): boolean {
  return (TYPESCRIPT_EXTENSIONS as readonly string[]).includes(extname(path));
}

/** `require(path)`, compiling it (and what it imports) from TypeScript when this thread cannot yet. */
export function requireModule(path: string): unknown {
  if (isTypeScriptFile(path) && !extensions[extname(path)]) registerTypeScript();
  return require(path);
}

/**
 * Lets `require()` load `.ts`, `.mts` and `.cts` files in this thread. Extensions that already have a
 * handler (ts-node, ts-jest or an earlier call) keep it.
 */
export function registerTypeScript(): void {
  let installed = false;
  for (const extension of TYPESCRIPT_EXTENSIONS) {
    if (extensions[extension]) continue;
    extensions[extension] = compileTypeScript;
    installed = true;
  }
  // Stack traces of errors thrown in this thread point at the TypeScript lines (the output has inline maps).
  if (installed) process.setSourceMapsEnabled(true);
}

function compileTypeScript(module: CompilableModule, filename: string): void {
  module._compile(transpile(readFileSync(filename, 'utf8'), filename), filename);
}

type Esbuild = typeof import('esbuild');
let esbuild: Esbuild | null = null;

/** Types stripped, imports turned into require(), with the options of the nearest tsconfig.json that change the output. */
function transpile(source: string, filename: string): string {
  const tsconfig = nearestTsconfig(dirname(filename));
  const key = createHash('sha256').update(`${ESBUILD_VERSION}\0${TARGET}\0${filename}\0${tsconfig}\0${source}`).digest('hex');
  const cached = readCache(key);
  if (cached !== null) return cached;
  // Loaded on the first miss only: a thread that finds everything cached never starts esbuild's service.
  esbuild ??= require('esbuild') as Esbuild;
  const { code } = esbuild.transformSync(source, {
    loader: 'ts',
    format: 'cjs',
    target: TARGET,
    sourcefile: filename,
    sourcemap: 'inline',
    tsconfigRaw: tsconfig || undefined,
  });
  writeCache(key, code);
  return code;
}

const ESBUILD_VERSION = (require('esbuild/package.json') as { version: string }).version;
/** Syntax this Node runs natively is left as written. */
const TARGET = `node${process.versions.node.split('.')[0]}`;

const tsconfigs = new Map<string, string>();

/** The text of the tsconfig.json that governs files in `directory` ('' when there is none). */
function nearestTsconfig(directory: string): string {
  let found = tsconfigs.get(directory);
  if (found !== undefined) return found;
  try {
    found = readFileSync(join(directory, 'tsconfig.json'), 'utf8');
  } catch {
    const parent = dirname(directory);
    found = parent === directory ? '' : nearestTsconfig(parent);
  }
  tsconfigs.set(directory, found);
  return found;
}

// ---------------------------------------------------------------- the compiled-output cache

/** One directory per user, readable by that user only: a cached file is code that will run. */
const cacheDirectory = join(tmpdir(), `threadorm-ts-${process.getuid?.() ?? 'user'}`);
let cacheUsable: boolean | null = null;

function cacheReady(): boolean {
  if (cacheUsable === null) {
    try {
      mkdirSync(cacheDirectory, { recursive: true, mode: 0o700 });
      const stats = statSync(cacheDirectory);
      cacheUsable = !process.getuid || (stats.uid === process.getuid() && (stats.mode & 0o077) === 0);
    } catch {
      cacheUsable = false;
    }
  }
  return cacheUsable;
}

function readCache(key: string): string | null {
  if (!cacheReady()) return null;
  try {
    return readFileSync(join(cacheDirectory, `${key}.js`), 'utf8');
  } catch {
    return null;
  }
}

/** Written under a temporary name and renamed, so threads starting together never read half a file. */
function writeCache(key: string, code: string): void {
  if (!cacheReady()) return;
  const target = join(cacheDirectory, `${key}.js`);
  const temporary = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  try {
    writeFileSync(temporary, code, { mode: 0o600 });
    renameSync(temporary, target);
  } catch {
    // A cache that cannot be written only makes the next thread transpile again.
  }
}
