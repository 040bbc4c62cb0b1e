/**
 * What a backend can read back about an existing database (Django's DatabaseIntrospection): the schema
 * editor and createSchema()'s drift check compare it with the models. Names come as the database holds them.
 */
export interface Introspection {
  /** The tables of the database (not views, not the database's own bookkeeping tables), sorted by name. */
  tableNames(): string[];
  /** Columns in table order; none for a table that does not exist. */
  columns(table: string): IntrospectedColumn[];
  /**
   * Every index of the table, including those the database made for a PRIMARY KEY or UNIQUE constraint,
   * sorted by name. (A SQLite INTEGER PRIMARY KEY is the rowid itself, not an index: see `columns`.)
   */
  indexes(table: string): IntrospectedIndex[];
  /** The table's foreign keys, one per referencing column, in column order. */
  foreignKeys(table: string): IntrospectedForeignKey[];
}

export interface IntrospectedColumn {
  name: string;
  /** The declared type, in lower case as the backend's data types write it (`varchar(20)`, `integer`). */
  type: string;
  null: boolean;
  primaryKey: boolean;
  /** The default as SQL text, or null. */
  default: string | null;
}

export interface IntrospectedIndex {
  name: string;
  /** Key columns in index order; null for an expression. */
  columns: Array<string | null>;
  /** Sort order of each key column. */
  orders: Array<'ASC' | 'DESC'>;
  unique: boolean;
  /** Made by a PRIMARY KEY or UNIQUE constraint rather than CREATE INDEX. */
  constraint: boolean;
  primaryKey: boolean;
  /** Covers only the rows of a WHERE clause. */
  partial: boolean;
}

export interface IntrospectedForeignKey {
  column: string;
  table: string;
  targetColumn: string;
  /** `CASCADE`, `SET NULL`, `RESTRICT`, `NO ACTION`, `SET DEFAULT`. */
  onDelete: string;
}
