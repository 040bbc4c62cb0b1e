/**
 * syncToAsync / asyncToSync and `.ts` model modules in real node processes over the built package (dist/):
 * plain node, node --enable-source-maps (dist/ has source maps, which fooled the old stack parsing), ts-node
 * running a TypeScript app with `.ts` models and units, an ES module app, and models and units bundled
 * into one file. In each: units run in a worker,
 * a unit defined inside a function or in the entry script is refused where it is defined, and no worker
 * ever runs the entry script.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { buildSync } from 'esbuild';
import { bundledApp, cjsApp, esmApp, selfModelsApp, tsApp, type AppReport } from './apps';

jest.setTimeout(300_000);

const run = promisify(execFile);
const root = resolve(__dirname, '../../..');
const directory = mkdtempSync(join(tmpdir(), 'threadorm-processes-'));

/** The package as installed: package.json and dist/, its dependencies from this checkout. */
beforeAll(async () => {
  const pkg = join(directory, 'threadorm');
  await run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', join(pkg, 'dist')]);
  writeFileSync(join(pkg, 'package.json'), readFileSync(join(root, 'package.json')));
  symlinkSync(join(root, 'node_modules'), join(pkg, 'node_modules'), 'dir');
});

afterAll(() => rmSync(directory, { recursive: true, force: true }));

function writeApp(name: string, files: Record<string, string>): string {
  const app = join(directory, name);
  mkdirSync(join(app, 'node_modules'), { recursive: true });
  symlinkSync(join(directory, 'threadorm'), join(app, 'node_modules', 'threadorm'), 'dir');
  for (const [file, text] of Object.entries(files)) writeFileSync(join(app, file), text);
  return app;
}

async function runApp<Report = AppReport>(app: string, args: string[]): Promise<{ report: Report; entryRuns: string[] }> {
  const entryLog = join(app, 'entry.log');
  const { stdout } = await run(process.execPath, args, { cwd: app, env: { ...process.env, ENTRY_LOG: entryLog } });
  const lines = stdout.trim().split('\n');
  return { report: JSON.parse(lines[lines.length - 1]!) as Report, entryRuns: readFileSync(entryLog, 'utf8').trim().split('\n') };
}

function bundle(app: string): void {
  buildSync({
    entryPoints: [join(app, 'bundle-source.mjs')],
    outfile: join(app, 'bundle.js'),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    external: ['threadorm', 'threadorm/mixins'],
    logLevel: 'silent',
  });
}

const flavours: Array<[string, string, Record<string, string>, string[]]> = [
  ['plain node', 'cjs', cjsApp, ['app.js']],
  ['node --enable-source-maps', 'cjs-source-maps', cjsApp, ['--enable-source-maps', 'app.js']],
  ['ts-node with .ts models and units', 'ts', tsApp, [require.resolve('ts-node/dist/bin.js'), '--transpile-only', 'app.ts']],
  ['an ES module app', 'esm', esmApp, ['app.mjs']],
  ['models and units in an esbuild bundle', 'bundled', bundledApp, ['app.js']],
];

describe.each(flavours)('over the built package: %s', (_, name, files, args) => {
  let result: { report: AppReport; entryRuns: string[] };

  beforeAll(async () => {
    const app = writeApp(name, files);
    if (files === bundledApp) bundle(app);
    result = await runApp(app, args);
  });

  it('runs syncToAsync units in a pool worker, instances crossing back', () => {
    expect(result.report.first).toEqual({ value: 2, inWorker: true, isCounter: true });
    expect(result.report.second).toEqual({ value: 5, inWorker: true, isCounter: true });
  });

  it('runs asyncToSync units', () => {
    expect(result.report.counted).toBe(1);
  });

  it('refuses a unit defined inside a function where it is defined', () => {
    expect(result.report.inFunction).toMatch(/^ImproperlyConfigured: syncToAsync\(\): it is called inside a function \(defineLater\(\) in .*app\.[mt]?[jt]s\)/);
  });

  it('refuses a unit defined in the entry script, which no worker ever runs', () => {
    expect(result.report.atEntry).toMatch(/^ImproperlyConfigured: syncToAsync\(\): .*app\.[mt]?[jt]s is the program's entry script/);
    expect(result.entryRuns).toEqual(['0']);
  });
});

it('refuses the entry script as a models module, which every worker would import', async () => {
  const { report, entryRuns } = await runApp<{ refused: string }>(writeApp('self-models', selfModelsApp), ['app.js']);
  expect(report.refused).toMatch(/^ImproperlyConfigured: configure\(\): the models module '.*app\.js' is the program's entry script/);
  expect(entryRuns).toEqual(['0']);
});
