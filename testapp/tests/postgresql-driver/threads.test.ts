/**
 * Threads: several real worker threads, each with its own connection, at once; cancelling from the main
 * thread a statement a worker is blocked in; a connection the server terminates.
 */
import type { Worker } from 'node:worker_threads';
import { cancel, cancelBackend, PgConnectionError, PgDriverError, type SyncPgConnection } from '../../../src/db/backends/postgresql/driver';
import {
  caught,
  createTestDatabase,
  describePg,
  nextMessage,
  startDriverWorker,
  terminateBackend,
  waitUntilRunning,
  type TestDatabase,
} from './helpers';

/**
 * A worker that connects, reports { pid, token }, then for every 'sleep' message runs pg_sleep(5) and
 * reports how it ended (and that its connection still works, when it does), until 'stop'.
 */
const SLEEPER = `
  const conn = driver.connectSync(data.url);
  post({ pid: conn.backendPid, token: conn.cancelToken });
  parentPort.on('message', (command) => {
    if (command === 'stop') { conn.close(); parentPort.close(); return; }
    let ended;
    try {
      conn.query('SELECT pg_sleep(5)');
      ended = { outcome: 'finished' };
    } catch (error) {
      ended = { outcome: error.name, code: error.code, isDriverError: error instanceof driver.PgDriverError };
    }
    try { ended.after = conn.query('SELECT 41 + $1::int', [1]).rows[0][0]; }
    catch (error) { ended.after = error.name + ' ' + error.code; }
    ended.status = conn.transactionStatus;
    post(ended);
  });`;

describePg('PostgreSQL driver: threads', () => {
  let db: TestDatabase;
  let monitor: SyncPgConnection;
  const workers: Worker[] = [];

  beforeAll(() => {
    db = createTestDatabase('threads');
    monitor = db.connect();
    monitor.exec('CREATE TABLE hit (worker int NOT NULL, n int NOT NULL, backend int NOT NULL)');
  });

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.terminate()));
    monitor?.close();
    db?.drop();
  });

  function start(body: string, data: unknown): Worker {
    const worker = startDriverWorker(body, data);
    workers.push(worker);
    return worker;
  }

  test('four workers query at once, each on its own connection', async () => {
    const body = `
      const conn = driver.connectSync(data.url);
      const barrier = data.barrier;
      Atomics.add(barrier, 1, 1);
      Atomics.wait(barrier, 0, 0);
      let sum = 0;
      conn.prepare('hit', 'INSERT INTO hit VALUES ($1, $2, pg_backend_pid()) RETURNING n');
      for (let n = 0; n < 200; n++) {
        sum += conn.query('SELECT $1::int * 2', [n]).rows[0][0];
        conn.execute('hit', [data.index, n]);
      }
      post({ pid: conn.backendPid, sum, count: conn.query('SELECT count(*) FROM hit WHERE worker = $1', [data.index]).rows[0][0] });
      conn.close();`;
    const barrier = new Int32Array(new SharedArrayBuffer(8));
    const started = [0, 1, 2, 3].map((index) => start(body, { url: db.url, index, barrier }));
    const results = started.map((worker) => nextMessage<{ pid: number; sum: number; count: number }>(worker));
    while (Atomics.load(barrier, 1) < started.length) await new Promise((resolve) => setTimeout(resolve, 5));
    Atomics.store(barrier, 0, 1);
    Atomics.notify(barrier, 0);
    const reports = await Promise.all(results);

    expect(new Set(reports.map((report) => report.pid)).size).toBe(4);
    for (const report of reports) expect(report).toMatchObject({ sum: 199 * 200, count: 200 });
    const byWorker = monitor.query('SELECT worker, count(*), count(DISTINCT backend) FROM hit GROUP BY worker ORDER BY worker').rows;
    expect(byWorker).toEqual([
      [0, 200, 1],
      [1, 200, 1],
      [2, 200, 1],
      [3, 200, 1],
    ]);
  });

  test('the main thread cancels a statement a worker is blocked in (cancel by token)', async () => {
    const worker = start(SLEEPER, { url: db.url });
    const { pid, token } = await nextMessage<{ pid: number; token: number }>(worker);
    expect(cancel(token)).toBe(false); // between statements: nothing to cancel

    for (let round = 0; round < 2; round++) {
      const ended = nextMessage(worker);
      worker.postMessage('sleep');
      await waitUntilRunning(monitor, pid, '%pg_sleep%');
      expect(cancel(token)).toBe(true);
      // The statement reports cancellation (57014) instead of finishing its 5 seconds; the connection goes on.
      expect(await ended).toEqual({ outcome: 'PgDriverError', code: '57014', isDriverError: true, after: 42, status: 'idle' });
    }
    worker.postMessage('stop');
  });

  test('cancelBackend(url, pid) cancels over a connection of its own', async () => {
    const worker = start(SLEEPER, { url: db.url });
    const { pid } = await nextMessage<{ pid: number }>(worker);
    const ended = nextMessage(worker);
    worker.postMessage('sleep');
    await waitUntilRunning(monitor, pid, '%pg_sleep%');
    expect(cancelBackend(db.url, pid)).toBe(true);
    expect(await ended).toMatchObject({ outcome: 'PgDriverError', code: '57014', after: 42 });
    worker.postMessage('stop');
  });

  test('a worker blocked in a statement is stopped by cancel() then terminate(); its connection closes', async () => {
    // terminate() alone cannot interrupt native code: the worker would stop only when pg_sleep returned.
    const worker = start(SLEEPER, { url: db.url });
    const { pid, token } = await nextMessage<{ pid: number; token: number }>(worker);
    worker.postMessage('sleep');
    await waitUntilRunning(monitor, pid, '%pg_sleep%');
    const stopped = worker.terminate();
    expect(cancel(token)).toBe(true);
    expect(await stopped).toBe(1);
    // The environment's teardown finalizes the connection: the server ends the backend.
    while (monitor.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid]).rows.length) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(cancel(token)).toBe(false);
  });

  test('a token stops working when its connection closes', async () => {
    const worker = start(`const conn = driver.connectSync(data.url); const token = conn.cancelToken; conn.close(); post({ token });`, { url: db.url });
    const { token } = await nextMessage<{ token: number }>(worker);
    expect(cancel(token)).toBe(false);
    expect(cancel(-1)).toBe(false);
  });

  test('a worker whose backend is terminated while it waits gets PgConnectionError', async () => {
    const worker = start(SLEEPER, { url: db.url });
    const { pid } = await nextMessage<{ pid: number }>(worker);
    const ended = nextMessage(worker);
    worker.postMessage('sleep');
    await waitUntilRunning(monitor, pid, '%pg_sleep%');
    expect(monitor.query('SELECT pg_terminate_backend($1)', [pid]).rows).toEqual([[true]]);
    const report = await ended;
    expect(report.outcome).toBe('PgConnectionError');
    expect(['57P01', '08006']).toContain(report.code);
    expect(report.after).toMatch(/^PgConnectionError 08/);
    expect(report.status).toBe('lost');
    worker.postMessage('stop');
  });

  test('an idle connection terminated by the server fails its next statement with PgConnectionError', async () => {
    const victim = db.connect();
    await terminateBackend(monitor, victim.backendPid);
    const error = caught(() => victim.query('SELECT 1'));
    expect(error).toBeInstanceOf(PgConnectionError);
    expect(error).toBeInstanceOf(PgDriverError);
    expect(['57P01', '08006']).toContain(error.code);
    expect(victim.transactionStatus).toBe('lost');
    expect(caught(() => victim.query('SELECT 1'))).toBeInstanceOf(PgConnectionError);
    victim.close();
  });

  test('a batch on a terminated connection answers PgConnectionError for every statement', async () => {
    const victim = db.connect();
    await terminateBackend(monitor, victim.backendPid);
    const answers = victim.queryBatch([{ sql: 'SELECT 1' }, { sql: 'SELECT 2' }, { sql: 'SELECT 3' }]);
    expect(answers).toHaveLength(3);
    for (const answer of answers) expect(answer).toBeInstanceOf(PgConnectionError);
    expect(victim.transactionStatus).toBe('lost');
    victim.close();
  });

  test('a connection terminated inside a transaction loses the transaction', async () => {
    const victim = db.connect();
    victim.exec('BEGIN');
    victim.query('INSERT INTO hit VALUES (99, 1, pg_backend_pid())');
    await terminateBackend(monitor, victim.backendPid);
    expect(caught(() => victim.exec('COMMIT'))).toBeInstanceOf(PgConnectionError);
    expect(monitor.query('SELECT count(*) FROM hit WHERE worker = 99').rows).toEqual([[0]]);
    victim.close();
  });
});
