import { DataError, driverErrorClasses, IntegrityError, OperationalError, ThreadormError } from '../../../errors';
import { PgConnectionError, PgDriverError } from './driver/errors';

// An error the driver raised in a pool worker is rebuilt on the main thread as the same class.
driverErrorClasses.PgDriverError = PgDriverError;
driverErrorClasses.PgConnectionError = PgConnectionError;

/** SQLSTATEs of constraint violations: unique, foreign key, not null, check, exclusion. */
const INTEGRITY_CODES = new Set(['23505', '23503', '23502', '23514', '23P01', '23000', '23001']);

/**
 * SQLSTATEs that say the database could not do it now (Django's OperationalError through psycopg): a lock not
 * granted (NOWAIT), a deadlock, a serialization failure.
 */
const OPERATIONAL_CODES = new Set(['55P03', '40P01', '40001']);

/** Constraint violations become IntegrityError naming the constraint; other errors keep their class with the SQL attached. */
export function translatePostgresqlError(error: unknown, sql: string): unknown {
  if (typeof error !== 'object' || error === null || error instanceof ThreadormError) return error;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code !== 'string' || !code || typeof message !== 'string') return error;
  if (INTEGRITY_CODES.has(code)) {
    const { constraint, detail, table, column } = error as PgDriverError;
    // A NOT NULL failure is named as on SQLite; its detail (the failing row) is left out, as it may hold private data.
    if (code === '23502') return new IntegrityError(`NOT NULL constraint failed: ${table}.${column} (${message.trim()})`);
    const where = constraint ? ` (constraint ${constraint}${table ? ` on ${table}` : ''})` : '';
    return new IntegrityError(`${message.trim()}${where}${detail ? `: ${detail}` : ''}`);
  }
  if (OPERATIONAL_CODES.has(code)) return new OperationalError(`${message.trim()} (SQLSTATE ${code}, while running: ${sql})`);
  // Class 22: data exceptions (numeric out of range, division by zero, invalid text for a type).
  if (code.startsWith('22')) return new DataError(`${message.trim()} (SQLSTATE ${code}, while running: ${sql})`);
  (error as { message: string }).message = `${message.trim()} (while running: ${sql})`;
  return error;
}
