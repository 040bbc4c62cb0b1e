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

let created: string | null = null;

/** The `database` for configure(): ':memory:' on SQLite, the URL of a new, empty database on PostgreSQL. */
export function testDatabase(): string {
  if (!onPostgresql) return ':memory:';
  const file = basename(expect.getState().testPath ?? 'test').replace(/\.test\.ts$/, '').replace(/[^a-z0-9]+/gi, '_').toLowerCase();
  const name = `threadorm_${file}_${process.pid}_${Date.now().toString(36)}`.slice(0, 63);
  runOnServer(`DROP DATABASE IF EXISTS "${name}"`, `CREATE DATABASE "${name}"`);
  created = name;
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops the database testDatabase() created (after close(), so no connection holds it). */
export function dropTestDatabase(): void {
  if (!created) return;
  const name = created;
  created = null;
  runOnServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

function runOnServer(...statements: string[]): void {
  const connection = connectSync(SERVER_URL);
  try {
    for (const statement of statements) connection.exec(statement);
  } finally {
    connection.close();
  }
}
