// Threads started from the TypeScript sources (ts-node, ts-jest) have nothing that compiles TypeScript:
// compile the loader itself with esbuild, then let it register its hook for every other `.ts` module.
// The built package (dist/) needs none of this: its threads start from JavaScript and use src/loader.ts compiled.
const Module = require('node:module');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const filename = join(__dirname, 'loader.ts');
if (!require.cache[filename]) {
  const { transformSync } = require('esbuild');
  const loader = new Module(filename, module);
  loader.filename = filename;
  loader.paths = Module._nodeModulePaths(__dirname);
  require.cache[filename] = loader;
  loader._compile(transformSync(readFileSync(filename, 'utf8'), { loader: 'ts', format: 'cjs', sourcefile: filename }).code, filename);
  loader.loaded = true;
}
require.cache[filename].exports.registerTypeScript();
