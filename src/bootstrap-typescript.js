// Threads started from the TypeScript sources (ts-node, ts-jest) have nothing that compiles TypeScript:
// compile the loader itself with esbuild, then let it register its hook for every other `.ts` module.
// The built package (dist/) needs none of this: its threads start from JavaScript and use src/loader.ts compiled.
//
// The compiled loader is kept in the checkout's node_modules/.cache, keyed by the loader's source: starting
// esbuild's service costs a new thread and a process, which a thread whose other modules are all in
// the loader's own cache then never pays.
const Module = require('node:module');
const { createHash } = require('node:crypto');
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const filename = join(__dirname, 'loader.ts');
if (!require.cache[filename]) {
  const loader = new Module(filename, module);
  loader.filename = filename;
  loader.paths = Module._nodeModulePaths(__dirname);
  require.cache[filename] = loader;
  loader._compile(compiledLoader(), filename);
  loader.loaded = true;
}
require.cache[filename].exports.registerTypeScript();

function compiledLoader() {
  const source = readFileSync(filename, 'utf8');
  const directory = join(__dirname, '..', 'node_modules', '.cache', 'threadorm');
  const cached = join(directory, `loader-${createHash('sha256').update(source).digest('hex')}.js`);
  try {
    return readFileSync(cached, 'utf8');
  } catch {
    const { code } = require('esbuild').transformSync(source, { loader: 'ts', format: 'cjs', sourcefile: filename });
    try {
      mkdirSync(directory, { recursive: true });
      const temporary = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}`;
      writeFileSync(temporary, code);
      renameSync(temporary, cached);
    } catch {
      // not writable: the next thread compiles the loader again
    }
    return code;
  }
}
