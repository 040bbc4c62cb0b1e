/**
 * What a database can do (Django's DatabaseFeatures): facts the layers above read to choose between ways of
 * doing one thing, so none of them asks which database it runs on. Only facts something reads belong here.
 */
export interface DatabaseFeatures {
  /** A multi-row `INSERT … RETURNING` gives back every new row, keys handed out in row order (bulkCreate keys in one statement). */
  readonly canReturnRowsFromBulkInsert: boolean;
  /** `SELECT … FOR UPDATE` locks rows (selectForUpdate). */
  readonly hasSelectForUpdate: boolean;
  /** `FOR UPDATE NOWAIT`: a row locked elsewhere fails the query at once (selectForUpdate({ nowait })). */
  readonly hasSelectForUpdateNowait: boolean;
  /** `FOR UPDATE SKIP LOCKED`: rows locked elsewhere are left out (selectForUpdate({ skipLocked })). */
  readonly hasSelectForUpdateSkipLocked: boolean;
  /** `FOR UPDATE OF t`: only the named tables of a join are locked (selectForUpdate({ of })). */
  readonly hasSelectForUpdateOf: boolean;
  /** `FOR NO KEY UPDATE`: a weaker lock that lets other transactions insert rows referencing the locked ones. */
  readonly hasSelectForNoKeyUpdate: boolean;
  /** CREATE / ALTER / DROP run inside a transaction and roll back with it (the schema editor's `atomic`). */
  readonly supportsTransactionalDdl: boolean;
  /** Nested atomic blocks are savepoints, so an inner failure leaves the outer work intact. */
  readonly usesSavepoints: boolean;
  /** A boolean column type: values come back as true / false rather than 1 / 0. */
  readonly hasNativeBoolean: boolean;
  /** An exact decimal column type with arithmetic on it; without one, decimals are text and exact SQL functions. */
  readonly hasNativeDecimal: boolean;
  readonly hasNativeUuid: boolean;
  /** A JSON column type with containment operators; without one, JSON is text and functions of our own. */
  readonly hasNativeJson: boolean;
  /** A statement another thread can interrupt; without it, cancelling a query ends the thread running it. */
  readonly canInterruptStatements: boolean;
  /**
   * How many connections may write at the same time: 1 means every write goes through one writer lane
   * (SQLite has one write lock per database); Infinity means any connection may write.
   */
  readonly maxWriters: number;
  /** `SELECT DISTINCT ON (…)`: one row per distinct value of some expressions (`distinct('name')`). */
  readonly canDistinctOnFields: boolean;
}
