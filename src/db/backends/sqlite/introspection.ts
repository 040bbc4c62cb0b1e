import type { DatabaseConnection } from '../base/connection';
import type { IntrospectedColumn, IntrospectedForeignKey, IntrospectedIndex, Introspection } from '../base/introspection';

/** Reads SQLite's catalogue through its table-valued pragma functions: one statement per question. */
export class SqliteIntrospection implements Introspection {
  constructor(private readonly connection: DatabaseConnection) {}

  tableNames(): string[] {
    const rows = this.connection.selectRows(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
      [],
    );
    return rows.map((row) => row[0] as string);
  }

  columns(table: string): IntrospectedColumn[] {
    const rows = this.connection.selectRows('SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?) ORDER BY cid', [table]);
    return rows.map(([name, type, notNull, defaultSql, primaryKey]) => ({
      name: name as string,
      // SQLite reports the names it knows as such upper-cased (INTEGER, TEXT) and others as written.
      type: (type as string).toLowerCase(),
      null: notNull === 0,
      primaryKey: (primaryKey as number) > 0,
      default: defaultSql as string | null,
    }));
  }

  indexes(table: string): IntrospectedIndex[] {
    // origin: 'c' CREATE INDEX, 'u' a UNIQUE constraint, 'pk' a PRIMARY KEY that is not the rowid.
    const rows = this.connection.selectRows(
      'SELECT list.name, list."unique", list.origin, list.partial, info.name, info."desc" ' +
        'FROM pragma_index_list(?) AS list JOIN pragma_index_xinfo(list.name) AS info ' +
        'WHERE info.key = 1 ORDER BY list.name, info.seqno',
      [table],
    );
    const indexes: IntrospectedIndex[] = [];
    for (const [name, unique, origin, partial, column, descending] of rows) {
      let index = indexes.at(-1);
      if (!index || index.name !== name) {
        index = {
          name: name as string,
          columns: [],
          orders: [],
          unique: unique === 1,
          constraint: origin !== 'c',
          primaryKey: origin === 'pk',
          partial: partial === 1,
        };
        indexes.push(index);
      }
      index.columns.push(column as string | null);
      index.orders.push(descending === 1 ? 'DESC' : 'ASC');
    }
    return indexes;
  }

  foreignKeys(table: string): IntrospectedForeignKey[] {
    // A REFERENCES clause without a column refers to the target's primary key.
    const rows = this.connection.selectRows(
      'SELECT fk."from", fk."table", COALESCE(fk."to", (SELECT name FROM pragma_table_info(fk."table") WHERE pk = 1)), fk.on_delete ' +
        'FROM pragma_foreign_key_list(?) AS fk JOIN pragma_table_info(?) AS col ON col.name = fk."from" ' +
        'ORDER BY col.cid, fk.id',
      [table, table],
    );
    return rows.map(([column, target, targetColumn, onDelete]) => ({
      column: column as string,
      table: target as string,
      targetColumn: targetColumn as string,
      onDelete: onDelete as string,
    }));
  }
}
