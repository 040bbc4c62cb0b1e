import type { DatabaseConnection } from '../base/connection';
import type { IntrospectedColumn, IntrospectedForeignKey, IntrospectedIndex, Introspection } from '../base/introspection';

/** pg_constraint.confdeltype → the ON DELETE action. */
const ON_DELETE: Readonly<Record<string, string>> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };

/** Reads pg_catalog for the tables of the connection's current schema (the first of its search_path). */
export class PostgresqlIntrospection implements Introspection {
  constructor(private readonly connection: DatabaseConnection) {}

  tableNames(): string[] {
    const rows = this.connection.selectRows("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename", []);
    return rows.map((row) => row[0] as string);
  }

  columns(table: string): IntrospectedColumn[] {
    const rows = this.connection.selectRows(
      'SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid), ' +
        "COALESCE((SELECT TRUE FROM pg_index i WHERE i.indrelid = a.attrelid AND i.indisprimary AND a.attnum = ANY (i.indkey)), FALSE) " +
        'FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum ' +
        'WHERE a.attrelid = to_regclass(quote_ident(?)) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum',
      [table],
    );
    // Booleans arrive as 1 / 0 (see the connection's converters).
    return rows.map(([name, type, notNull, defaultSql, primaryKey]) => ({
      name: name as string,
      type: (type as string).toLowerCase(),
      null: notNull !== 1,
      primaryKey: primaryKey === 1,
      default: defaultSql as string | null,
    }));
  }

  indexes(table: string): IntrospectedIndex[] {
    const rows = this.connection.selectRows(
      'SELECT c.relname, i.indisunique, i.indisprimary, i.indpred IS NOT NULL, ' +
        'EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN (\'p\', \'u\')), ' +
        'a.attname, (i.indoption[k.n - 1] & 1) = 1 ' +
        'FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid ' +
        'CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n) ' +
        'LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum AND k.attnum > 0 ' +
        'WHERE i.indrelid = to_regclass(quote_ident(?)) AND k.n <= i.indnkeyatts ORDER BY c.relname, k.n',
      [table],
    );
    const indexes: IntrospectedIndex[] = [];
    for (const [name, unique, primaryKey, partial, constraint, column, descending] of rows) {
      let index = indexes.at(-1);
      if (!index || index.name !== name) {
        index = {
          name: name as string,
          columns: [],
          orders: [],
          unique: unique === 1,
          constraint: constraint === 1,
          primaryKey: primaryKey === 1,
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
    const rows = this.connection.selectRows(
      'SELECT a.attname, t.relname, ta.attname, k.confdeltype ' +
        'FROM pg_constraint k CROSS JOIN LATERAL unnest(k.conkey, k.confkey) AS u(attnum, target) ' +
        'JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum ' +
        'JOIN pg_class t ON t.oid = k.confrelid ' +
        'JOIN pg_attribute ta ON ta.attrelid = k.confrelid AND ta.attnum = u.target ' +
        "WHERE k.contype = 'f' AND k.conrelid = to_regclass(quote_ident(?)) ORDER BY a.attnum, k.conname",
      [table],
    );
    return rows.map(([column, target, targetColumn, onDelete]) => ({
      column: column as string,
      table: target as string,
      targetColumn: targetColumn as string,
      onDelete: ON_DELETE[onDelete as string] ?? String(onDelete),
    }));
  }
}
