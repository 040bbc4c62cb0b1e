import type { BaseOperations } from '../db/backends/base/operations';

/**
 * The statements that write rows by key, outside any Query: save()'s UPDATE, the deletion collector's UPDATE
 * and DELETE by primary keys, bulkUpdate()'s batches, and the unlinking of many-to-many rows. Table and column
 * names are the database's (`meta.dbTable`, `field.column`); every value is a parameter.
 */

/** `UPDATE t SET a = ?, b = ? WHERE pk = ?`: the set values, then the key. */
export function updateByKeySql(ops: BaseOperations, table: string, columns: readonly string[], keyColumn: string): string {
  const sets = columns.map((column) => `${ops.quoteName(column)} = ${ops.placeholder()}`).join(', ');
  return `UPDATE ${ops.quoteName(table)} SET ${sets} WHERE ${ops.quoteName(keyColumn)} = ${ops.placeholder()}`;
}

/** `UPDATE t SET column = ? WHERE pk IN (?, ...)`: the value, then `count` keys. */
export function updateColumnByKeysSql(ops: BaseOperations, table: string, column: string, keyColumn: string, count: number): string {
  return `UPDATE ${ops.quoteName(table)} SET ${ops.quoteName(column)} = ${ops.placeholder()} WHERE ${ops.quoteName(keyColumn)} IN (${ops.placeholders(count)})`;
}

/** `DELETE FROM t WHERE pk IN (?, ...)` for `count` keys. */
export function deleteByKeysSql(ops: BaseOperations, table: string, keyColumn: string, count: number): string {
  return `DELETE FROM ${ops.quoteName(table)} WHERE ${ops.quoteName(keyColumn)} IN (${ops.placeholders(count)})`;
}

/**
 * `DELETE FROM t WHERE a = ? [AND b IN (?, ...)]`: rows of a link table whose `column` is the value, and
 * whose `otherColumn` is one of `count` values (null: any).
 */
export function deleteLinksSql(ops: BaseOperations, table: string, column: string, otherColumn: string, count: number | null): string {
  const among = count === null ? '' : ` AND ${ops.quoteName(otherColumn)} IN (${ops.placeholders(count)})`;
  return `DELETE FROM ${ops.quoteName(table)} WHERE ${ops.quoteName(column)} = ${ops.placeholder()}${among}`;
}

/**
 * One UPDATE for `rows` rows: their new values as a VALUES table joined on the key. Each row's parameters are
 * its key, then one value per column; `columnTypes` (the key's first) type the first row where the backend
 * needs it (operations.typedPlaceholder).
 */
export function bulkUpdateSql(
  ops: BaseOperations,
  table: string,
  columns: readonly string[],
  keyColumn: string,
  rows: number,
  columnTypes: readonly string[],
): string {
  const quoted = ops.quoteName(table);
  const assignments = columns.map((column, i) => `${ops.quoteName(column)} = v.column${i + 2}`).join(', ');
  const row = `(${ops.placeholders(columns.length + 1)})`;
  const firstRow = `(${columnTypes.map((type) => ops.typedPlaceholder(type)).join(', ')})`;
  const values = [firstRow, ...Array<string>(rows - 1).fill(row)].join(', ');
  return `UPDATE ${quoted} SET ${assignments} FROM (VALUES ${values}) AS v WHERE ${quoted}.${ops.quoteName(keyColumn)} = v.column1`;
}
