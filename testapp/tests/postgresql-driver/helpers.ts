/**
 * Shared by the PostgreSQL driver tests: whether the driver and a server are there, a database of each
 * test file's own, and worker threads that load the driver from source.
 *
 * Without the driver or the server the tests are skipped with the reason in their title, unless CI=true:
 * then they fail, so that CI really tests PostgreSQL. THREADORM_TEST_PG_URL names the server
 * (default postgresql://postgres@127.0.0.1:5432/postgres).
 */
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { connectSync, driverUnavailableReason, type SyncPgConnection } from '../../../src/db/backends/postgresql/driver';

export const ADMIN_URL = process.env.THREADORM_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

const SRC = resolve(__dirname, '../../../src');
export const DRIVER_PATH = join(SRC, 'db/backends/postgresql/driver/index.ts');
const BOOTSTRAP_PATH = join(SRC, 'bootstrap-typescript.js');

/** Why PostgreSQL cannot be tested here (no driver, no server at ADMIN_URL), or null when it can. */
export function unavailableReason(): string | null {
  const driver = driverUnavailableReason();
  if (driver) return driver;
  try {
    connectSync(ADMIN_URL).close();
    return null;
  } catch (error) {
    return `no PostgreSQL server at ${ADMIN_URL}: ${(error as Error).message}`;
  }
}

const reason = unavailableReason();

/**
 * describe() when PostgreSQL can be tested; otherwise a skipped block whose title says why, or (CI=true)
 * one failing test that says why.
 */
export function describePg(name: string, body: () => void): void {
  if (!reason) {
    describe(name, body);
  } else if (process.env.CI === 'true') {
    describe(name, () => {
      test('PostgreSQL driver and server are available (required when CI=true)', () => {
        throw new Error(reason);
      });
    });
  } else {
    console.warn(`${name}: skipped (set CI=true to fail instead): ${reason}`);
    describe.skip(`${name} (skipped: ${reason})`, body);
  }
}

/** A fresh database for one test file; `drop()` removes it even while connections are still open. */
export interface TestDatabase {
  name: string;
  url: string;
  connect(): SyncPgConnection;
  drop(): void;
}

export function createTestDatabase(label: string): TestDatabase {
  const name = `threadorm_driver_${label}_${process.pid}`;
  const admin = connectSync(ADMIN_URL);
  try {
    admin.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    admin.exec(`CREATE DATABASE ${name}`);
  } finally {
    admin.close();
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    connect: () => connectSync(url.toString()),
    drop: () => {
      const cleanup = connectSync(ADMIN_URL);
      try {
        cleanup.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        cleanup.close();
      }
    },
  };
}

/**
 * A worker thread running `body` (JavaScript) with `driver` (this driver, loaded from source), `data`
 * (workerData.data) and `post(message)` in scope.
 */
export function startDriverWorker(body: string, data: unknown): Worker {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    require(workerData.bootstrap);
    const driver = require(workerData.driver);
    const data = workerData.data;
    const post = (message) => parentPort.postMessage(message);
    (async () => { ${body} })().catch((error) => post({ failed: String(error && error.stack || error) }));`;
  return new Worker(code, { eval: true, workerData: { bootstrap: BOOTSTRAP_PATH, driver: DRIVER_PATH, data } });
}

/** The next message from `worker`; rejects when the worker fails or reports a failure. */
export function nextMessage<T = Record<string, unknown>>(worker: Worker): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const onMessage = (message: { failed?: string }) => {
      worker.off('error', onError);
      if (message && message.failed) reject(new Error(`worker failed: ${message.failed}`));
      else resolvePromise(message as T);
    };
    const onError = (error: Error) => {
      worker.off('message', onMessage);
      reject(error);
    };
    worker.once('message', onMessage);
    worker.once('error', onError);
  });
}

/** Polls (on `monitor`) until backend `pid` is running a statement matching `pattern`. */
export async function waitUntilRunning(monitor: SyncPgConnection, pid: number, pattern: string): Promise<void> {
  for (;;) {
    const { rows } = monitor.query(
      "SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND state = 'active' AND query LIKE $2",
      [pid, pattern],
    );
    if (rows.length) return;
    await new Promise((resolveWait) => setTimeout(resolveWait, 10));
  }
}

/** Terminates backend `pid` (pg_terminate_backend) and waits until the server no longer lists it. */
export async function terminateBackend(monitor: SyncPgConnection, pid: number): Promise<void> {
  monitor.query('SELECT pg_terminate_backend($1)', [pid]);
  while (monitor.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid]).rows.length) {
    await new Promise((resolveWait) => setTimeout(resolveWait, 10));
  }
}

/** The error `fn` throws (fails the test when it throws none). */
export function caught(fn: () => unknown): Error & Record<string, unknown> {
  try {
    fn();
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected an error');
}
