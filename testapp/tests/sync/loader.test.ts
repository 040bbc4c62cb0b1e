/**
 * The TypeScript hook of worker threads (src/loader.ts): a fresh thread, where nothing compiles TypeScript,
 * loads `.ts` modules with TypeScript-only syntax, reports errors at their TypeScript lines, and a later
 * thread takes the compiled output from the cache without starting esbuild at all.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';

const src = resolve(__dirname, '../../../src');
const directory = mkdtempSync(join(tmpdir(), 'threadorm-loader-'));
/** The threads' own temporary directory, so the cache starts empty for this test. */
const threadTmp = mkdtempSync(join(directory, 'tmp-'));
const fixture = join(directory, 'shapes.ts');

const fixtureSource = `
export enum Size { Small = 1, Large = 2 }

interface Shape {
  area(): number;
  readonly name: string;
}

type Pair<T> = [T, T];

export class Square implements Shape {
  readonly name: string = 'square';
  constructor(private readonly side: number) {}
  area(): number {
    return this.side ** 2;
  }
  sides(): Pair<number> {
    return [this.side, this.side];
  }
}

export function fail(): never {
  throw new Error('thrown in shapes.ts');
}
`;
const throwLine = fixtureSource.split('\n').findIndex((line) => line.includes('throw new Error')) + 1;

interface ThreadReport {
  area: number;
  large: number;
  sides: number[];
  failedAt: string;
  esbuildLoaded: boolean;
}

/** Starts a thread the way threadorm starts one from source, loads the fixture in it, and reports. */
function loadInThread(): Promise<ThreadReport> {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    require(workerData.bootstrap);
    const shapes = require(workerData.loader).requireModule(workerData.fixture);
    let failedAt = '';
    try { shapes.fail(); } catch (error) { failedAt = /shapes\\.ts:\\d+/.exec(error.stack)?.[0] ?? error.stack; }
    const square = new shapes.Square(3);
    parentPort.postMessage({
      area: square.area(),
      large: shapes.Size.Large,
      sides: square.sides(),
      failedAt,
      esbuildLoaded: Object.keys(require.cache).some((path) => /[\\\\/]esbuild[\\\\/]lib[\\\\/]main\\.js$/.test(path)),
    });`;
  const worker = new Worker(code, {
    eval: true,
    env: { ...process.env, TMPDIR: threadTmp },
    workerData: { bootstrap: join(src, 'bootstrap-typescript.js'), loader: join(src, 'loader.ts'), fixture },
  });
  return new Promise((resolve, reject) => {
    worker.once('message', (report: ThreadReport) => void worker.terminate().then(() => resolve(report)));
    worker.once('error', reject);
  });
}

beforeAll(() => writeFileSync(fixture, fixtureSource));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

it('loads TypeScript-only syntax in a new thread: enums, interfaces, parameter properties, types', async () => {
  const report = await loadInThread();
  expect(report).toMatchObject({ area: 9, large: 2, sides: [3, 3] });
});

it('reports errors at the TypeScript line (inline source maps)', async () => {
  expect((await loadInThread()).failedAt).toBe(`shapes.ts:${throwLine}`);
});

it('a later thread reads the compiled module from the cache and never starts esbuild', async () => {
  rmSync(threadTmp, { recursive: true, force: true });
  const first = await loadInThread();
  const second = await loadInThread();
  expect(first.esbuildLoaded).toBe(true);
  expect(second.esbuildLoaded).toBe(false);
  expect(second).toEqual({ ...first, esbuildLoaded: false });
  const [cache] = readdirSync(threadTmp).filter((name) => name.startsWith('threadorm-ts-'));
  expect(readdirSync(join(threadTmp, cache!))).toHaveLength(1);
});
