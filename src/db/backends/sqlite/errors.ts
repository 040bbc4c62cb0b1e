import BetterSqlite3 from 'better-sqlite3';
import { driverErrorClasses, IntegrityError, ThreadormError } from '../../../errors';

// An error better-sqlite3 raised in a pool worker is rebuilt on the main thread as the same class.
driverErrorClasses.SqliteError = BetterSqlite3.SqliteError;

/** SQLite constraint failures become IntegrityError; everything else passes through with the SQL attached. */
export function translateSqliteError(error: unknown, sql: string): unknown {
  // Not `instanceof Error`: the native addon is loaded once per process, so under jest (one vm realm per
  // test file) its errors may come from another realm's Error class.
  if (typeof error !== 'object' || error === null || error instanceof ThreadormError) return error;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code !== 'string' || !code || typeof message !== 'string') return error;
  if (code.startsWith('SQLITE_CONSTRAINT')) return new IntegrityError(message);
  (error as { message: string }).message = `${message} (while running: ${sql})`;
  return error;
}
