/**
 * PostgreSQL driver benchmark:
 *
 *   npx ts-node --transpile-only bench/postgres-driver.ts [client ...]
 *
 * Compares threadorm-pg-native (ours) with sync-over-async node-postgres (a helper thread per caller, the
 * caller blocked in Atomics.wait), node-postgres awaited, and pg-native, on the same queries in the same
 * run: SELECT $1::int on the main thread and in a worker, a prepared statement, a 1,000-row × 6-column
 * fetch, and 1/2/4 workers querying at once. Then, for ours: how long a cancel from the main thread takes
 * to stop a worker's statement, and queryBatch() against statements one by one.
 *
 * Each measurement runs in a process of its own (pg-native's addon loads in one thread of a process only,
 * and no client should inherit another's heap), clients take turns, and every figure is the median over
 * PG_BENCH_PASSES passes (default 3). `pg` and `pg-native` are measured when installed
 * (npm i -D pg pg-native --no-save). PG_BENCH_URL names the server (default postgres@127.0.0.1:5432).
 *
 *   npx ts-node --transpile-only bench/postgres-driver.ts --instructions [client ...]
 *
 * counts instead the instructions each call costs the client process (callgrind, every thread of it), a
 * figure that load from other processes does not move: on a shared 2-core machine, where the server runs
 * too, wall-clock latency is mostly waiting for a core.
 */
import { spawnSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { cancel, cancelBackend, connectSync, driverUnavailableReason } from '../src/db/backends/postgresql/driver';
import { FETCH_ROWS, LATENCY_CASES, measureBatch, measureLatency, now, type WorkerJob, type WorkerMessage } from './postgres-driver/cases';
import { CLIENTS, openClient, type ClientName } from './postgres-driver/clients';

const ADMIN_URL = process.env.PG_BENCH_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const DATABASE = 'threadorm_bench_driver';
const WORKER = path.join(__dirname, 'postgres-driver', 'worker.js');
const COUNTER = path.join(__dirname, 'postgres-driver', 'count.js');
const THROUGHPUT_MS = 1500;
const CANCEL_ROUNDS = 5;
/** Whole passes over every client (PG_BENCH_PASSES); each figure is the median over passes. */
const PASSES = Math.max(1, Number(process.env.PG_BENCH_PASSES ?? 3));

function databaseUrl(): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${DATABASE}`;
  return url.toString();
}

type Job =
  | { group: 'main' | 'worker'; client: ClientName }
  | { group: 'throughput'; client: ClientName; workers: number }
  | { group: 'cancel' }
  | { group: 'batch' };

type JobResult = Record<string, number> | { error: string };

// ---------------------------------------------------------------- in the child process

function startWorker(job: WorkerJob): { worker: Worker; next: () => Promise<WorkerMessage> } {
  const worker = new Worker(WORKER, { workerData: job });
  const queue: WorkerMessage[] = [];
  const waiting: Array<(message: WorkerMessage) => void> = [];
  const deliver = (message: WorkerMessage) => {
    const resolve = waiting.shift();
    if (resolve) resolve(message);
    else queue.push(message);
  };
  worker.on('message', deliver);
  worker.on('error', (error) => deliver({ kind: 'error', message: error.message.split('\n')[0]! }));
  const next = () => {
    const queued = queue.shift();
    return queued ? Promise.resolve(queued) : new Promise<WorkerMessage>((resolve) => waiting.push(resolve));
  };
  return { worker, next };
}

function expect<K extends WorkerMessage['kind']>(message: WorkerMessage, kind: K): Extract<WorkerMessage, { kind: K }> {
  if (message.kind === 'error') throw new Error(message.message);
  if (message.kind !== kind) throw new Error(`expected ${kind}, got ${message.kind}`);
  return message as Extract<WorkerMessage, { kind: K }>;
}

async function throughput(client: ClientName, workers: number): Promise<Record<string, number>> {
  const barrier = new Int32Array(new SharedArrayBuffer(4));
  const started = Array.from({ length: workers }, () =>
    startWorker({ client, url: databaseUrl(), mode: 'throughput', barrier, durationMs: THROUGHPUT_MS }),
  );
  try {
    for (const { next } of started) expect(await next(), 'ready');
    Atomics.store(barrier, 0, 1);
    Atomics.notify(barrier, 0);
    let calls = 0;
    let elapsed = 0;
    for (const { next } of started) {
      const done = expect(await next(), 'throughput');
      calls += done.calls;
      elapsed = Math.max(elapsed, done.elapsedMs);
    }
    return { perSecond: (calls * 1000) / elapsed };
  } finally {
    await Promise.all(started.map(({ worker }) => worker.terminate()));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A worker blocks in pg_sleep(5); the main thread cancels it, by token and by pg_cancel_backend. */
async function cancelLatency(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const method of ['token', 'backend'] as const) {
    const { worker, next } = startWorker({ client: 'threadorm-pg-native', url: databaseUrl(), mode: 'sleep' });
    const effect: number[] = [];
    const call: number[] = [];
    try {
      for (let round = 0; round < CANCEL_ROUNDS; round++) {
        const ready = expect(await next(), 'ready');
        await sleep(150);
        const start = now();
        const sent = method === 'token' ? cancel(ready.token!) : cancelBackend(databaseUrl(), ready.pid!);
        call.push(now() - start);
        const ended = expect(await next(), 'sleep-ended');
        if (!sent || ended.code !== '57014') throw new Error(`cancel by ${method}: sent=${sent}, code ${ended.code}`);
        effect.push(ended.at - start);
        worker.postMessage(round + 1 < CANCEL_ROUNDS ? 'again' : 'stop');
      }
    } finally {
      await worker.terminate();
    }
    effect.sort((a, b) => a - b);
    call.sort((a, b) => a - b);
    out[`${method}Effect`] = effect[Math.floor(effect.length / 2)]!;
    out[`${method}Call`] = call[Math.floor(call.length / 2)]!;
  }
  return out;
}

async function runJob(job: Job): Promise<Record<string, number>> {
  switch (job.group) {
    case 'main': {
      const client = await openClient(job.client, databaseUrl());
      const result = await measureLatency(client, LATENCY_CASES);
      await client.close();
      return result;
    }
    case 'worker': {
      const { worker, next } = startWorker({ client: job.client, url: databaseUrl(), mode: 'latency' });
      try {
        return expect(await next(), 'latency').result;
      } finally {
        await worker.terminate();
      }
    }
    case 'throughput':
      return throughput(job.client, job.workers);
    case 'cancel':
      return cancelLatency();
    case 'batch':
      return measureBatch(databaseUrl());
  }
}

// ---------------------------------------------------------------- in the parent process

function runChild(job: Job): JobResult {
  const child = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', __filename, '--child', JSON.stringify(job)], {
    cwd: path.resolve(__dirname, '..'),
    encoding: 'utf8',
    timeout: 180_000,
  });
  const line = child.stdout?.split('\n').find((text) => text.startsWith('RESULT '));
  if (line) return JSON.parse(line.slice('RESULT '.length)) as JobResult;
  const why = (child.stderr || child.error?.message || `exit ${child.status}`).trim().split('\n');
  return { error: why.find((text) => /Error|error:/.test(text)) ?? why.at(-1) ?? 'no result' };
}

function setUp(): void {
  const admin = connectSync(ADMIN_URL);
  try {
    admin.exec(`DROP DATABASE IF EXISTS ${DATABASE}`);
    admin.exec(`CREATE DATABASE ${DATABASE}`);
  } finally {
    admin.close();
  }
  const db = connectSync(databaseUrl());
  db.exec(`
    CREATE TABLE bench_rows (id int PRIMARY KEY, name text NOT NULL, price numeric(10, 2) NOT NULL,
                             qty bigint NOT NULL, active boolean NOT NULL, created timestamptz NOT NULL);
    INSERT INTO bench_rows
      SELECT i, 'pizza number ' || i, i * 1.25, i * 1000, i % 2 = 0, timestamptz '2024-01-01' + i * interval '1 hour'
      FROM generate_series(1, ${FETCH_ROWS}) AS i;
    ANALYZE bench_rows;`);
  db.close();
}

function tearDown(): void {
  const admin = connectSync(ADMIN_URL);
  admin.exec(`DROP DATABASE IF EXISTS ${DATABASE}`);
  admin.close();
}

function available(client: ClientName): string | null {
  if (client === 'threadorm-pg-native') return driverUnavailableReason();
  const module = client === 'pg-native' ? 'pg-native' : 'pg';
  try {
    require.resolve(module);
    return null;
  } catch {
    return `${module} is not installed (npm i -D ${module} --no-save)`;
  }
}

const LABELS: Record<ClientName, string> = {
  'threadorm-pg-native': 'threadorm-pg-native',
  'sync-over-async': 'sync-over-async (pg)',
  'pg-async': 'pg, awaited',
  'pg-native': 'pg-native',
};

/** Per field, the median over passes that succeeded; the first error when none did. */
function medianResult(list: JobResult[]): JobResult {
  const ok = list.filter((result): result is Record<string, number> => !('error' in result));
  if (!ok.length) return list[0]!;
  const out: Record<string, number> = {};
  for (const field of Object.keys(ok[0]!)) {
    const values = ok.map((result) => result[field]!).sort((a, b) => a - b);
    out[field] = values[Math.floor(values.length / 2)]!;
  }
  return out;
}

function cell(result: JobResult | undefined, key: string, digits: number): string {
  if (!result) return '-';
  if ('error' in result) return `fails: ${String(result.error).slice(0, 60)}`;
  const value = result[key];
  return value === undefined ? '-' : value.toFixed(digits);
}

/** Instructions of one client process running `name` `count` times (after the same warm-up). */
function instructions(client: ClientName, name: string, count: number): number {
  const run = spawnSync('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, COUNTER, client, name, databaseUrl(), String(count)], {
    cwd: path.resolve(__dirname, '..'),
    encoding: 'utf8',
    timeout: 600_000,
  });
  const collected = /Collected : (\d+)/.exec(run.stderr ?? '');
  if (run.status !== 0 || !collected) throw new Error(`callgrind run failed: ${(run.stderr || run.error?.message || '').trim().split('\n').at(-1)}`);
  return Number(collected[1]);
}

function countInstructions(clients: readonly ClientName[]): void {
  const cases: Array<[string, string, number]> = [
    ['SELECT $1::int (instructions per call)', 'select', 2000],
    ['prepared SELECT $1::int (instructions per call)', 'prepared', 2000],
    [`${FETCH_ROWS} rows × 6 columns (instructions per call)`, 'fetch', 100],
  ];
  const results = new Map<string, string>();
  for (const client of clients) {
    // A first run outside callgrind fills the TypeScript output cache, so no counted run compiles.
    spawnSync(process.execPath, [COUNTER, client, 'select', databaseUrl(), '0'], { cwd: path.resolve(__dirname, '..') });
    for (const [, name, count] of cases) {
      const perCall = (instructions(client, name, count) - instructions(client, name, 0)) / count;
      results.set(`${client}:${name}`, Math.round(perCall).toLocaleString('en-US'));
      console.log(`  ${client} ${name}: ${Math.round(perCall)} instructions per call`);
    }
  }
  console.log('');
  console.log(table([['client process, main thread', ...clients.map((client) => LABELS[client])], ...cases.map(([label, name]) => [label, ...clients.map((client) => results.get(`${client}:${name}`)!)])]));
}

function main(): void {
  const counting = process.argv.includes('--instructions');
  const asked = process.argv.slice(2).filter((arg) => arg !== '--instructions') as ClientName[];
  const unknown = asked.filter((name) => !CLIENTS.includes(name));
  if (unknown.length) throw new Error(`unknown client ${unknown.join(', ')}; clients: ${CLIENTS.join(', ')}`);
  const ours = driverUnavailableReason();
  if (ours) throw new Error(`the benchmark needs threadorm-pg-native: ${ours}`);
  const clients = (asked.length ? asked : [...CLIENTS]).filter((client) => {
    const why = available(client);
    if (why) console.log(`skipping ${client}: ${why}`);
    return !why;
  });
  console.log(`PostgreSQL driver benchmark — ${os.cpus().length} cores, node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  setUp();
  try {
    if (counting) {
      countInstructions(clients);
      return;
    }
    const results = new Map<string, JobResult>();
    const groups: Array<{ key: string; job: (client: ClientName) => Job }> = [
      { key: 'main', job: (client) => ({ group: 'main', client }) },
      { key: 'worker', job: (client) => ({ group: 'worker', client }) },
      ...[1, 2, 4].map((workers) => ({ key: `x${workers}`, job: (client: ClientName): Job => ({ group: 'throughput', client, workers }) })),
    ];
    // Clients take turns within each pass, so a burst of load from elsewhere hits all of them.
    const passes = new Map<string, JobResult[]>();
    for (let pass = 0; pass < PASSES; pass++) {
      for (const { key, job } of groups) {
        for (const client of clients) {
          const result = runChild(job(client));
          passes.set(`${key}:${client}`, [...(passes.get(`${key}:${client}`) ?? []), result]);
          console.log(`  pass ${pass + 1}/${PASSES} ${key} ${client}: ${JSON.stringify(result)}`);
        }
      }
    }
    for (const [key, list] of passes) results.set(key, medianResult(list));
    const cancelResult = runChild({ group: 'cancel' });
    const batchResult = runChild({ group: 'batch' });

    const rows: Array<[string, string, string, number]> = [
      ['SELECT $1::int, main thread (µs)', 'main', 'select', 1],
      ['SELECT $1::int, one worker (µs)', 'worker', 'select', 1],
      ['prepared SELECT $1::int, main thread (µs)', 'main', 'prepared', 1],
      ['prepared SELECT $1::int, one worker (µs)', 'worker', 'prepared', 1],
      [`${FETCH_ROWS} rows × 6 columns, main thread (µs)`, 'main', 'fetch', 0],
      [`${FETCH_ROWS} rows × 6 columns, one worker (µs)`, 'worker', 'fetch', 0],
      ['1 worker, SELECT $1::int (queries/s)', 'x1', 'perSecond', 0],
      ['2 workers at once (queries/s, total)', 'x2', 'perSecond', 0],
      ['4 workers at once (queries/s, total)', 'x4', 'perSecond', 0],
    ];
    const header = ['measurement', ...clients.map((client) => LABELS[client])];
    const body = rows.map(([label, key, field, digits]) => [label, ...clients.map((client) => cell(results.get(`${key}:${client}`), field, digits))]);
    console.log('');
    console.log(table([header, ...body]));
    console.log('');
    console.log(
      table([
        ['cancel a worker blocked in pg_sleep(5), from the main thread', 'call (ms)', 'statement ends after (ms)'],
        ['cancel(token): PQcancel from the calling thread', cell(cancelResult, 'tokenCall', 2), cell(cancelResult, 'tokenEffect', 2)],
        ['cancelBackend(url, pid): new connection + pg_cancel_backend', cell(cancelResult, 'backendCall', 2), cell(cancelResult, 'backendEffect', 2)],
      ]),
    );
    console.log('');
    console.log(
      table([
        ['threadorm-pg-native, SELECT $1::int on the main thread (µs per statement)', 'one by one', 'queryBatch of 8', 'queryBatch of 32'],
        ['unnamed statement', cell(batchResult, 'plain1', 1), cell(batchResult, 'plain8', 1), cell(batchResult, 'plain32', 1)],
        ['prepared statement', cell(batchResult, 'prepared1', 1), cell(batchResult, 'prepared8', 1), cell(batchResult, 'prepared32', 1)],
      ]),
    );
    console.log(`\nmedians of 5 rounds in each of ${PASSES} passes; load afterwards ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  } finally {
    tearDown();
  }
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: string[]) => `| ${row.map((text, column) => (column === 0 ? text.padEnd(widths[column]!) : text.padStart(widths[column]!))).join(' | ')} |`;
  return [line(rows[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

const childIndex = process.argv.indexOf('--child');
if (childIndex >= 0) {
  runJob(JSON.parse(process.argv[childIndex + 1]!) as Job).then(
    (result) => {
      console.log(`RESULT ${JSON.stringify(result)}`);
      process.exit(0);
    },
    (error: Error) => {
      console.log(`RESULT ${JSON.stringify({ error: error.message.split('\n')[0] })}`);
      process.exit(0);
    },
  );
} else {
  main();
}
