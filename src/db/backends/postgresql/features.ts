import type { DatabaseFeatures } from '../base/features';

export const postgresqlFeatures: DatabaseFeatures = {
  canReturnRowsFromBulkInsert: true,
  hasSelectForUpdate: true,
  hasSelectForUpdateNowait: true,
  hasSelectForUpdateSkipLocked: true,
  hasSelectForUpdateOf: true,
  hasSelectForNoKeyUpdate: true,
  supportsTransactionalDdl: true,
  usesSavepoints: true,
  hasNativeBoolean: true,
  hasNativeDecimal: true,
  hasNativeUuid: true,
  hasNativeJson: true,
  // The driver's cancel(token) stops a statement from another thread (SQLSTATE 57014 in the thread running it).
  canInterruptStatements: true,
  // Row locks, not a database lock: any connection may write.
  maxWriters: Infinity,
  canDistinctOnFields: true,
};
