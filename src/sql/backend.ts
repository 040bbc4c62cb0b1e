import type { BaseOperations } from '../db/backends/base/operations';
import { sqliteOperations } from '../db/backends/sqlite/operations';

/**
 * The operations queries are compiled for when no connection chose them: the default database's backend.
 * SQLite is the only backend so far; this is the one place above `db/backends` that names it.
 */
export const defaultOperations: BaseOperations = sqliteOperations;
