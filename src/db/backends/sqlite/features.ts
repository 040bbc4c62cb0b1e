import type { DatabaseFeatures } from '../base/features';

export const sqliteFeatures: DatabaseFeatures = {
  // RETURNING exists since SQLite 3.35; better-sqlite3 bundles a newer one.
  canReturnRowsFromBulkInsert: true,
  hasSelectForUpdate: false,
  hasSelectForUpdateNowait: false,
  hasSelectForUpdateSkipLocked: false,
  hasSelectForUpdateOf: false,
  hasSelectForNoKeyUpdate: false,
  supportsTransactionalDdl: true,
  usesSavepoints: true,
  hasNativeBoolean: false,
  hasNativeDecimal: false,
  hasNativeUuid: false,
  hasNativeJson: false,
  // better-sqlite3 runs a statement on the calling thread to its end; a cancelled query ends its worker.
  canInterruptStatements: false,
  // One write lock per database file.
  maxWriters: 1,
  canDistinctOnFields: false,
};
