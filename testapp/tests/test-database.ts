/**
 * The database a test file runs on: a private SQLite ':memory:' database, or with
 * THREADORM_TEST_DATABASE=postgresql a fresh PostgreSQL database of its own (threadorm_<file>_<pid>),
 * created on the server THREADORM_TEST_PG_URL names and dropped when the file is done.
 */
import { basename } from 'node:path';
import { connectSync } from '../../src/db/backends/postgresql/driver';

export const onPostgresql = process.env.THREADORM_TEST_DATABASE === 'postgresql';

const SERVER_URL = process.env.THREADORM_TEST_PG_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';

/** `test` on SQLite; skipped on PostgreSQL, for a test of SQLite's own text or behaviour (say which in its title). */
export const sqliteOnlyTest: jest.It = onPostgresql ? test.skip : test;

const created: string[] = [];

/**
 * The `database` for configure(): ':memory:' on SQLite, the URL of a new, empty database on PostgreSQL.
 * Called again (for a second alias of `databases`), it makes another one, told apart by `suffix`.
 */
export function testDatabase(suffix = ''): string {
  if (!onPostgresql) return ':memory:';
  const file = basename(expect.getState().testPath ?? 'test').replace(/\.test\.ts$/, '').replace(/[^a-z0-9]+/gi, '_').toLowerCase();
  const tail = `_${process.pid}_${Date.now().toString(36)}${suffix ? `_${suffix.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}` : ''}`;
  const name = `threadorm_${file}`.slice(0, 63 - tail.length) + tail;
  runOnServer(`DROP DATABASE IF EXISTS "${name}"`, `CREATE DATABASE "${name}"`);
  created.push(name);
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops the databases testDatabase() created (after close(), so no connection holds them). */
export function dropTestDatabase(): void {
  for (const name of created.splice(0)) runOnServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

function runOnServer(...statements: string[]): void {
  const connection = connectSync(SERVER_URL);
  try {
    for (const statement of statements) connection.exec(statement);
  } finally {
    connection.close();
  }
}
