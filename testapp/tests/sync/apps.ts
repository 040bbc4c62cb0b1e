/**
 * Three small programs that use the built package the way an installed one is used: the same app written
 * as CommonJS JavaScript, as TypeScript (run by ts-node, with `.ts` models and units) and as an ES module.
 * Each prints one JSON line (see AppReport) and appends its thread id to $ENTRY_LOG when its entry script
 * runs, so a test can tell whether a worker ever ran it again.
 */

export interface AppReport {
  first: { value: number; inWorker: boolean; isCounter: boolean };
  second: { value: number; inWorker: boolean; isCounter: boolean };
  /** What defining a unit inside a function did ('accepted', or the error's class and message). */
  inFunction: string;
  /** What defining a unit at the top of the entry script did. */
  atEntry: string;
  /** Counter rows counted by an asyncToSync unit (through the pool, from the helper thread). */
  counted: number;
}

const modelsJs = `
const { Model, CharField, IntegerField } = require('threadorm');
const { AsyncMixin } = require('threadorm/mixins');

class Counter extends AsyncMixin(Model) {
  static fields = { name: new CharField({ maxLength: 20, unique: true }), value: new IntegerField({ default: 0 }) };
}
module.exports = { Counter };
`;

/** The body shared by every flavour once `threadorm`, `./units` and the paths are at hand. */
const run = `
  configure({ database: DATABASE, models: [MODELS], workers: 1 });
  createSchema();
  const describe = (result) => ({ value: result.counter.value, inWorker: result.threadId !== 0, isCounter: result.counter instanceof Counter });
  const first = describe(await units.bump('a', 2));
  const second = describe(await units.bump('a', 3));
  let inFunction = 'accepted';
  const defineLater = () => syncToAsync(() => 1);
  try { defineLater(); } catch (error) { inFunction = error.constructor.name + ': ' + error.message; }
  const counted = units.countViaAsync();
  console.log(JSON.stringify({ first, second, inFunction, atEntry, counted }));
  await close();
`;

const cjsEntry = (unitsModule: string, modelsModule: string) => `
require('node:fs').appendFileSync(process.env.ENTRY_LOG, require('node:worker_threads').threadId + '\\n');
const { join } = require('node:path');
const { close, configure, createSchema, syncToAsync } = require('threadorm');
const { Counter } = require('${modelsModule}');
const units = require('${unitsModule}');
const DATABASE = join(__dirname, 'app.sqlite3');
const MODELS = require.resolve('${modelsModule}');

let atEntry = 'accepted';
try { syncToAsync(function entryUnit() { return 1; }); } catch (error) { atEntry = error.constructor.name + ': ' + error.message; }

(async () => {${run}})().catch((error) => { console.error(error); process.exit(1); });
`;

export const cjsApp: Record<string, string> = {
  'models.js': modelsJs,
  'units.js': `
const { threadId } = require('node:worker_threads');
const { asyncToSync, atomic, syncToAsync } = require('threadorm');
const { Counter } = require('./models');

exports.bump = syncToAsync(function bump(name, by) {
  return atomic(() => {
    const [counter] = Counter.objects.getOrCreate({ name });
    counter.value += by;
    counter.save();
    return { counter, threadId };
  });
});

exports.countViaAsync = asyncToSync(async () => Counter.aobjects.count());
`,
  'app.js': cjsEntry('./units', './models'),
};

export const tsApp: Record<string, string> = {
  'tsconfig.json': JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'commonjs', esModuleInterop: true, strict: true } }),
  'models.ts': `
import { CharField, IntegerField, Model, type FieldsOf } from 'threadorm';
import { AsyncMixin } from 'threadorm/mixins';

export class Counter extends AsyncMixin(Model) {
  static fields = { name: new CharField({ maxLength: 20, unique: true }), value: new IntegerField({ default: 0 }) };
}
export interface Counter extends FieldsOf<typeof Counter.fields> {}
`,
  'units.ts': `
import { threadId } from 'node:worker_threads';
import { asyncToSync, atomic, syncToAsync } from 'threadorm';
import { Counter } from './models';

export const bump = syncToAsync(function bump(name: string, by: number): { counter: Counter; threadId: number } {
  return atomic(() => {
    const [counter] = Counter.objects.getOrCreate({ name });
    counter.value += by;
    counter.save();
    return { counter: counter as Counter, threadId };
  });
});

export const countViaAsync = asyncToSync(async (): Promise<number> => Counter.aobjects.count());
`,
  'app.ts': `
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
appendFileSync(process.env.ENTRY_LOG!, threadId + '\\n');
import { close, configure, createSchema, syncToAsync } from 'threadorm';
import { Counter } from './models';
import * as units from './units';

const DATABASE = join(__dirname, 'app.sqlite3');
const MODELS = require.resolve('./models');

let atEntry = 'accepted';
try { syncToAsync(function entryUnit() { return 1; }); } catch (error: any) { atEntry = error.constructor.name + ': ' + error.message; }

(async () => {${run.replace('(result) =>', '(result: { counter: Counter; threadId: number }) =>').replace('catch (error)', 'catch (error: any)')}})().catch((error) => { console.error(error); process.exit(1); });
`,
};

export const esmApp: Record<string, string> = {
  'models.cjs': modelsJs,
  'units.mjs': `
import { threadId } from 'node:worker_threads';
import threadorm from 'threadorm';
import models from './models.cjs';
const { asyncToSync, atomic, syncToAsync } = threadorm;
const { Counter } = models;

export const bump = syncToAsync(function bump(name, by) {
  return atomic(() => {
    const [counter] = Counter.objects.getOrCreate({ name });
    counter.value += by;
    counter.save();
    return { counter, threadId };
  });
});

export const countViaAsync = asyncToSync(async () => Counter.aobjects.count());
`,
  'app.mjs': `
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { threadId } from 'node:worker_threads';
import threadorm from 'threadorm';
import models from './models.cjs';
import * as units from './units.mjs';
appendFileSync(process.env.ENTRY_LOG, threadId + '\\n');
const { close, configure, createSchema, syncToAsync } = threadorm;
const { Counter } = models;
const DATABASE = fileURLToPath(new URL('./app.sqlite3', import.meta.url));
const MODELS = fileURLToPath(new URL('./models.cjs', import.meta.url));

let atEntry = 'accepted';
try { syncToAsync(function entryUnit() { return 1; }); } catch (error) { atEntry = error.constructor.name + ': ' + error.message; }
${run}`,
};

/**
 * Models and units bundled into one CommonJS file by esbuild from ES module sources (the test bundles
 * `bundle-source.mjs` into `bundle.js`, threadorm left external); the entry script stays outside the bundle.
 */
export const bundledApp: Record<string, string> = {
  'bundle-source.mjs': `
import { threadId } from 'node:worker_threads';
import { asyncToSync, atomic, CharField, IntegerField, Model, syncToAsync } from 'threadorm';
import { AsyncMixin } from 'threadorm/mixins';

export class Counter extends AsyncMixin(Model) {
  static fields = { name: new CharField({ maxLength: 20, unique: true }), value: new IntegerField({ default: 0 }) };
}

export const bump = syncToAsync(function bump(name, by) {
  return atomic(() => {
    const [counter] = Counter.objects.getOrCreate({ name });
    counter.value += by;
    counter.save();
    return { counter, threadId };
  });
});

export const countViaAsync = asyncToSync(async () => Counter.aobjects.count());
`,
  'app.js': cjsEntry('./bundle', './bundle'),
};

/** A one-file program that lists itself as its models module: configure() must refuse before any worker starts. */
export const selfModelsApp: Record<string, string> = {
  'app.js': `
require('node:fs').appendFileSync(process.env.ENTRY_LOG, require('node:worker_threads').threadId + '\\n');
const { configure, close, Model, CharField } = require('threadorm');
class Note extends Model {
  static fields = { text: new CharField({ maxLength: 20 }) };
}
module.exports = { Note };
let refused = 'accepted';
try { configure({ database: ':memory:', models: [__filename] }); } catch (error) { refused = error.constructor.name + ': ' + error.message; }
close().then(() => console.log(JSON.stringify({ refused })));
`,
};
