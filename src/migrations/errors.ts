import { errorClasses, ThreadormError } from '../errors';

/** A problem with the migration files, their history or a command's arguments; the message says what to do. */
export class MigrationError extends ThreadormError {
  static override readonly kind: string = 'MigrationError';
}

/** Unapplying was asked for a migration with an operation that cannot be undone (RunSQL / RunCode without a reverse). */
export class IrreversibleError extends MigrationError {
  static override readonly kind: string = 'IrreversibleError';
}

/** The database records a migration as applied while one it depends on is not. */
export class InconsistentMigrationHistory extends MigrationError {
  static override readonly kind: string = 'InconsistentMigrationHistory';
}

// The async layer rebuilds errors by kind: amigrate() rejects with these classes as migrate() throws them.
for (const cls of [MigrationError, IrreversibleError, InconsistentMigrationHistory]) {
  errorClasses[cls.kind] = cls as new (message: string) => ThreadormError;
}
