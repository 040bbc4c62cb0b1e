/**
 * How one backend spells SQL (Django's DatabaseOperations): the SQL layer asks it for every piece of text
 * that differs between databases, so nothing above `db/backends` writes dialect of its own.
 */
export abstract class BaseOperations {
  /** Quotes a table, column, index or savepoint name. */
  quoteName(name: string): string {
    return `"${name.replace(/"/g, '""')}"`;
  }

  /** The placeholder for the `index`-th parameter of a statement, counted from 0. */
  abstract placeholder(index: number): string;
}
