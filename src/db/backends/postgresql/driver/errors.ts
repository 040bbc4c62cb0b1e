/**
 * The driver's errors. The native binding throws these classes itself (they are handed to it at load), so
 * a failed statement costs no wrapping in TypeScript. Fields are PostgreSQL's diagnostic fields
 * (PQresultErrorField), present when the server sent them.
 */
export class PgDriverError extends Error {
  /** SQLSTATE, e.g. '23505' unique_violation, '57014' query_canceled; '08xxx' for connection errors. */
  code: string;
  severity?: string;
  detail?: string;
  hint?: string;
  position?: string;
  where?: string;
  schema?: string;
  table?: string;
  column?: string;
  dataType?: string;
  constraint?: string;

  constructor(message: string, code = '') {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * The connection is gone (terminated by the server, network lost, or closed by this side): the statement's
 * outcome is unknown and the connection cannot be used again. `code` is the server's when it said why
 * (57P01 admin_shutdown after pg_terminate_backend), else 08006 (connection_failure), 08003 (closed here)
 * or 08001 (could not connect).
 */
export class PgConnectionError extends PgDriverError {}
