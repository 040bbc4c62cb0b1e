import type { SqlValue } from '../db/backends/base/types';
import type { ExecutedStatement } from '../db/observers';
import type { MigrateOptions } from '../migrations/executor';
import type { BulkCreatePayload } from './bulk-create';

/** One ORM call sent to a worker. Arguments are already encoded by the codec. */
export type CallPayload =
  /** `queryset.<method>(...args)`; the method is one of the async method table (src/models/async-methods.ts). */
  | { kind: 'query'; queryset: unknown; method: string; args: unknown; capture?: boolean }
  /** The rows of `queryset.eval()`, compiled by the main thread (queryset.compileSelect); they come back packed (codec.packRows). */
  | { kind: 'select'; sql: string; params: SqlValue[]; safeIntegers: boolean; capture?: boolean }
  | { kind: 'instance'; instance: unknown; method: string; args: unknown; capture?: boolean }
  | { kind: 'function'; key: string; file: string; args: unknown; capture?: boolean }
  | { kind: 'schema'; capture?: boolean }
  /** amigrate(): migrate() on the writer, outside a batch transaction (each migration opens its own). */
  | { kind: 'migrate'; options: MigrateOptions; capture?: boolean }
  | BulkCreatePayload
  /** One caller's `get()` by a unique field; coalesced per model and field into `keyedGets` when sent. */
  | { kind: 'keyedGet'; label: string; field: string; param: SqlValue; capture?: boolean }
  | { kind: 'keyedGets'; label: string; field: string; params: SqlValue[]; capture?: boolean }
  /** An aatomic() step; `depth` is the block's (1: the transaction itself), checked against the connection. */
  | { kind: 'transaction'; op: 'begin' | 'commit' | 'rollback'; depth: number; capture?: boolean };

export type CallResult =
  | { ok: true; value: unknown; args?: unknown; instance?: unknown; statements?: ExecutedStatement[] }
  | { ok: false; error: unknown; statements?: ExecutedStatement[] };

/** One message to a worker: the calls made in one event-loop turn for that lane. */
export interface Task {
  calls: CallPayload[];
  /** Writer lane outside an async transaction: run the batch in one transaction, each call in a savepoint. */
  groupCommit: boolean;
  /** With groupCommit: the number the writer stores in its commit mark once the batch has committed. */
  seq: number;
}

export type Role = 'reader' | 'writer';
