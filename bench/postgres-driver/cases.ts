/**
 * What the driver benchmark measures, the same code on the main thread and in worker threads:
 * latency of one statement (µs/op, median of timed rounds) and throughput of several workers at once.
 */
import { parentPort, workerData } from 'worker_threads';
import { connectSync } from '../../src/db/backends/postgresql/driver';
import { openClient, type BenchClient, type ClientName } from './clients';

export const LATENCY_CASES = ['select', 'prepared', 'fetch'] as const;
export type LatencyCase = (typeof LATENCY_CASES)[number];

export const SELECT_SQL = 'SELECT $1::int';
export const FETCH_SQL = 'SELECT id, name, price, qty, active, created FROM bench_rows ORDER BY id';
export const FETCH_ROWS = 1000;

/** Milliseconds on a clock that threads of one process share. */
export const now = (): number => performance.timeOrigin + performance.now();

type Op = (i: number) => unknown;

function operation(client: BenchClient, name: LatencyCase): Op {
  switch (name) {
    case 'select':
      return (i) => client.query(SELECT_SQL, [i & 0xffff]);
    case 'prepared':
      return (i) => client.execute('bench_select', [i & 0xffff]);
    case 'fetch':
      return () => client.query(FETCH_SQL, []);
  }
}

/** Runs `op` for about `ms` milliseconds; returns microseconds per call. */
async function timed(client: BenchClient, op: Op, ms: number): Promise<number> {
  let calls = 0;
  const start = now();
  let elapsed = 0;
  if (client.sync) {
    do {
      for (let k = 0; k < 8; k++) op(calls++);
      elapsed = now() - start;
    } while (elapsed < ms);
  } else {
    do {
      for (let k = 0; k < 8; k++) await op(calls++);
      elapsed = now() - start;
    } while (elapsed < ms);
  }
  return (elapsed * 1000) / calls;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function check(client: BenchClient): Promise<void> {
  const rows = await client.query(FETCH_SQL, []);
  if (rows.length !== FETCH_ROWS || rows[0]!.length !== 6) throw new Error(`fetch returned ${rows.length} rows`);
  const [[one]] = (await client.query(SELECT_SQL, [7])) as unknown[][];
  if (Number(one) !== 7) throw new Error(`SELECT $1::int returned ${String(one)}`);
}

/** µs/op for each case: a warm-up round, then the median of `rounds` rounds of `roundMs`. */
export async function measureLatency(
  client: BenchClient,
  cases: readonly LatencyCase[],
  roundMs = 250,
  rounds = 5,
): Promise<Record<string, number>> {
  await check(client);
  await client.prepare('bench_select', SELECT_SQL, 1);
  const out: Record<string, number> = {};
  for (const name of cases) {
    const op = operation(client, name);
    await timed(client, op, name === 'fetch' ? 300 : 150);
    const samples: number[] = [];
    for (let r = 0; r < rounds; r++) samples.push(await timed(client, op, roundMs));
    out[name] = median(samples);
  }
  return out;
}

/**
 * Our driver only: µs per statement for SELECT $1::int run one by one and as queryBatch() of 8 and 32
 * (one round trip each), unprepared and prepared.
 */
export function measureBatch(url: string, roundMs = 250, rounds = 5): Record<string, number> {
  const connection = connectSync(url);
  connection.prepare('bench_select', SELECT_SQL);
  const perStatement = (run: () => void, statements: number): number => {
    const samples: number[] = [];
    for (let r = -1; r < rounds; r++) {
      let calls = 0;
      const start = now();
      while (now() - start < roundMs) {
        run();
        calls++;
      }
      if (r >= 0) samples.push(((now() - start) * 1000) / (calls * statements));
    }
    return median(samples);
  };
  const out: Record<string, number> = {};
  for (const prepared of [false, true]) {
    const prefix = prepared ? 'prepared' : 'plain';
    let i = 0;
    out[`${prefix}1`] = perStatement(
      () => (prepared ? connection.execute('bench_select', [i++ & 0xffff]) : connection.query(SELECT_SQL, [i++ & 0xffff])),
      1,
    );
    for (const size of [8, 32]) {
      const batch = Array.from({ length: size }, (_, k) => (prepared ? { name: 'bench_select', params: [k] } : { sql: SELECT_SQL, params: [k] }));
      out[`${prefix}${size}`] = perStatement(() => connection.queryBatch(batch), size);
    }
  }
  connection.close();
  return out;
}

export interface WorkerJob {
  client: ClientName;
  url: string;
  mode: 'latency' | 'throughput' | 'sleep';
  /** throughput: every worker waits on it (index 0 becomes 1 to start). */
  barrier?: Int32Array;
  durationMs?: number;
}

export type WorkerMessage =
  | { kind: 'ready'; token?: number; pid?: number }
  | { kind: 'latency'; result: Record<string, number> }
  | { kind: 'throughput'; calls: number; elapsedMs: number }
  | { kind: 'sleep-ended'; at: number; code: string }
  | { kind: 'error'; message: string };

/** The body of bench/postgres-driver/worker.js. */
export async function workerMain(): Promise<void> {
  const job = workerData as WorkerJob;
  const post = (message: WorkerMessage) => parentPort!.postMessage(message);
  try {
    if (job.mode === 'sleep') {
      const connection = connectSync(job.url);
      for (;;) {
        post({ kind: 'ready', token: connection.cancelToken, pid: connection.backendPid });
        try {
          connection.query('SELECT pg_sleep(5)');
          post({ kind: 'sleep-ended', at: now(), code: 'none' });
        } catch (error) {
          post({ kind: 'sleep-ended', at: now(), code: (error as { code?: string }).code ?? '?' });
        }
        // Wait for the main thread to ask for another round (or terminate this worker).
        const next = await new Promise<string>((resolve) => parentPort!.once('message', resolve));
        if (next !== 'again') break;
      }
      connection.close();
      return;
    }
    const client = await openClient(job.client, job.url);
    if (job.mode === 'latency') {
      post({ kind: 'latency', result: await measureLatency(client, LATENCY_CASES) });
    } else {
      const op = operation(client, 'select');
      await timed(client, op, 200);
      post({ kind: 'ready' });
      Atomics.wait(job.barrier!, 0, 0);
      const start = now();
      let calls = 0;
      let elapsed = 0;
      do {
        if (client.sync) for (let k = 0; k < 8; k++) op(calls++);
        else for (let k = 0; k < 8; k++) await op(calls++);
        elapsed = now() - start;
      } while (elapsed < job.durationMs!);
      post({ kind: 'throughput', calls, elapsedMs: elapsed });
    }
    await client.close();
  } catch (error) {
    post({ kind: 'error', message: ((error as Error).message ?? String(error)).split('\n')[0]! });
  }
}
