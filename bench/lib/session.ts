import BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import { close, configure, createSchema } from '../../src';

/**
 * Databases and configurations for the benchmarks. Every database is a file in one temporary
 * directory. threadorm and the raw references both use better-sqlite3 (one SQLite copy in the
 * process), so a raw connection may share a file with threadorm.
 */

export const MODELS = [require.resolve('../../testapp/models')];

let directory: string | null = null;

/** A path for a database file named `name` in the benchmark's temporary directory. */
export function databasePath(name: string): string {
  directory ??= mkdtempSync(join(tmpdir(), 'threadorm-bench-'));
  return join(directory, `${name}.sqlite3`);
}

export function removeDatabases(): void {
  if (directory) rmSync(directory, { recursive: true, force: true });
  directory = null;
}

/** Runs `fn` with threadorm configured on `database` (schema created), and always closes it. */
export async function withOrm<T>(database: string, options: { workers?: number }, fn: () => T | Promise<T>): Promise<T> {
  configure({ database, models: MODELS, workers: options.workers ?? 2 });
  try {
    createSchema();
    return await fn();
  } finally {
    await close();
  }
}

/**
 * A raw better-sqlite3 connection with the settings threadorm's connections use (WAL, synchronous NORMAL,
 * enforced foreign keys), so a comparison measures the ORM's overhead rather than different guarantees.
 */
export function openRaw(database: string): BetterSqlite3.Database {
  const db = new BetterSqlite3(database);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  return db;
}

/** Runs `fn` with a raw connection to `database`, and always closes it. */
export async function withRaw<T>(database: string, fn: (raw: BetterSqlite3.Database) => T | Promise<T>): Promise<T> {
  const raw = openRaw(database);
  try {
    return await fn(raw);
  } finally {
    raw.close();
  }
}

/** A new database file `name`: threadorm creates the tables, then `seed` fills them through a raw connection. */
export async function createDatabase(name: string, seed: (raw: BetterSqlite3.Database) => void): Promise<string> {
  const database = databasePath(name);
  await withOrm(database, {}, () => withRaw(database, seed));
  return database;
}

/**
 * The naive off-thread reference: a bare piscina pool (bench/raw-worker.js) whose workers run `sql`
 * with better-sqlite3, one task per query, no batching. `pool.run(params)` resolves to the first row.
 */
export function rawWorkerPool(database: string, sql: string, threads: number): Piscina {
  return new Piscina({
    filename: require.resolve('../raw-worker.js'),
    minThreads: threads,
    maxThreads: threads,
    workerData: { database, sql },
  });
}
