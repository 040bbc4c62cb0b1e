import { ImproperlyConfigured } from '../../../errors';
import type { Field } from '../../../models/fields/base';
import type { ForeignKey } from '../../../models/fields/related';
import type { DatabaseConnection } from './connection';
import { fillDataType, type DataTypeCheckConstraints, type DataTypes, type DataTypeSuffixes } from './data-types';
import type { DatabaseFeatures } from './features';
import type { Introspection } from './introspection';
import type { BaseOperations } from './operations';
import type { SchemaEditor, SchemaEditorOptions } from './schema';
import type { ConnectionOptions, ConnectionSettings } from './types';

/**
 * One database as threadorm sees it (Django's backend module, kysely's Dialect): how it spells SQL
 * (`operations`), what it can do (`features`), its column types (`dataTypes`), how to connect, and how to read
 * back (`introspection`) and change (`schemaEditor`) a schema. Every backend is one object of this class;
 * nothing outside its folder names its driver.
 */
export abstract class DatabaseBackend {
  /** `sqlite`, `postgresql`: what settings carry across threads, and what per-vendor SQL overrides are named by. */
  abstract readonly vendor: string;
  /** `SQLite`, `PostgreSQL`: for messages. */
  abstract readonly displayName: string;
  abstract readonly operations: BaseOperations;
  abstract readonly features: DatabaseFeatures;
  abstract readonly dataTypes: DataTypes;
  abstract readonly dataTypeSuffixes: DataTypeSuffixes;
  /** None unless the backend declares some. */
  readonly dataTypeCheckConstraints: DataTypeCheckConstraints = {};

  /**
   * What connections open for `configure({ database })`'s value (a path or URL this backend was chosen for),
   * or ImproperlyConfigured saying what is wrong with it.
   */
  abstract resolveDatabase(database: string): ConnectionSettings;

  abstract connect(settings: ConnectionSettings, options: ConnectionOptions): DatabaseConnection;

  abstract introspection(connection: DatabaseConnection): Introspection;

  /** DDL for models and fields on `connection` (null: the statements are only collected); see `SchemaEditor`. */
  abstract schemaEditor(connection: DatabaseConnection | null, options?: SchemaEditorOptions): SchemaEditor;

  /**
   * The column type of `field` (Django's `Field.db_type`), or null for a field without a column (many-to-many).
   * A foreign key's column holds its target's values, so it takes the target's type, without the suffix that
   * makes that one automatic (Django's `rel_db_type`).
   */
  columnType(field: Field): string | null {
    if (!field.concrete) return null;
    let typed = field;
    while (typed.isRelation) typed = (typed as ForeignKey).targetField;
    const type = this.dataTypes[typed.internalType];
    if (type === undefined) {
      throw new ImproperlyConfigured(
        `${field.label}: ${this.displayName} has no column type for a ${typed.internalType}. ` +
          `A custom field takes the column type of the internal type it declares; the known ones are ${Object.keys(this.dataTypes).join(', ')}.`,
      );
    }
    return fillDataType(typeof type === 'function' ? type(typed) : type, typed);
  }

  /** What follows the column's PRIMARY KEY for its internal type (an automatic key's keyword), or null. */
  columnTypeSuffix(field: Field): string | null {
    if (!field.concrete || field.isRelation) return null;
    return this.dataTypeSuffixes[field.internalType] ?? null;
  }

  /** The condition of the column's CHECK constraint for its internal type (a positive integer's `>= 0`), or null. */
  columnCheck(field: Field): string | null {
    if (!field.concrete || field.isRelation) return null;
    const template = this.dataTypeCheckConstraints[field.internalType];
    return template === undefined ? null : fillDataType(template, field);
  }

  /**
   * Asks the database to stop the statement that the connection with this `interruptToken` is running, from
   * another thread of this process (for `features.canInterruptStatements`). False when nothing was asked:
   * that connection is between statements or gone, or the backend cannot interrupt.
   */
  interruptStatement(_token: number): boolean {
    return false;
  }

  /** Whether `error` is what a statement fails with when interruptStatement() stopped it. */
  isInterruption(_error: unknown): boolean {
    return false;
  }

  /**
   * The REFERENCES clause that ends the column definition of a foreign key with a constraint, checked at commit
   * (Django's `sql_create_inline_fk`). Table and column come quoted. Each backend spells it: deferrable
   * constraints are not every database's (the dialect test keeps such text out of the base classes).
   */
  abstract inlineForeignKeySql(table: string, column: string): string;

  /**
   * Whether `createSchema()` adds foreign keys after every table exists (`ALTER TABLE … ADD CONSTRAINT`), for a
   * database that refuses a REFERENCES clause naming a table not created yet; otherwise they are inline.
   */
  readonly foreignKeysAfterTables: boolean = false;
}
