/** What a backend can read back about an existing database (Django's DatabaseIntrospection). */
export interface Introspection {
  tableNames(): string[];
  /** Columns in table order; `type` is the backend's declared type text. */
  columns(table: string): IntrospectedColumn[];
  indexes(table: string): IntrospectedIndex[];
  foreignKeys(table: string): IntrospectedForeignKey[];
}

export interface IntrospectedColumn {
  name: string;
  type: string;
  null: boolean;
  primaryKey: boolean;
  /** The default as SQL text, or null. */
  default: string | null;
}

export interface IntrospectedIndex {
  name: string;
  columns: string[];
  unique: boolean;
  /** Made by a PRIMARY KEY or UNIQUE constraint rather than CREATE INDEX. */
  constraint: boolean;
}

export interface IntrospectedForeignKey {
  column: string;
  table: string;
  targetColumn: string;
  onDelete: string;
}
