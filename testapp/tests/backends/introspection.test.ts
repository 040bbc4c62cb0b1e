/**
 * SQLite introspection on real databases: tables, columns, indexes (those made by CREATE INDEX and those a
 * PRIMARY KEY or UNIQUE constraint made) and foreign keys, for tables createSchema() made from models and for
 * tables written by hand with what the models never produce (partial and expression indexes, ON DELETE rules,
 * a REFERENCES clause without a column). createSchema()'s drift check reads its columns through it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BooleanField,
  captureQueries,
  CASCADE,
  CharField,
  close,
  configure,
  createSchema,
  ForeignKey,
  IntegerField,
  ManyToManyField,
  Model,
  PROTECT,
  UUIDField,
} from '../../../src';
import type { Introspection } from '../../../src/db/backends/base/introspection';
import { getConnection } from '../../../src/db/connections';

class Aisle extends Model {
  static fields = {
    code: new CharField({ maxLength: 5, unique: true }),
    open: new BooleanField({ default: true }),
  };
}

class Tag extends Model {
  static fields = { id: new UUIDField({ primaryKey: true, default: UUIDField.random }), label: new CharField({ maxLength: 20 }) };
}

class Slot extends Model {
  static fields = {
    aisle: new ForeignKey(() => Aisle, { onDelete: PROTECT }),
    byCode: new ForeignKey(() => Aisle, { onDelete: CASCADE, toField: 'code', null: true, relatedName: 'slotsByCode' }),
    loose: new ForeignKey(() => Aisle, { onDelete: CASCADE, dbConstraint: false, relatedName: 'looseSlots' }),
    position: new IntegerField({ dbIndex: true }),
    note: new CharField({ maxLength: 40, null: true, default: 'none' }),
    tags: new ManyToManyField(() => Tag),
  };
  static meta = {
    uniqueTogether: [['aisle', 'position']],
    indexes: [{ fields: ['position', '-note'], name: 'slot_position_note' }, { fields: ['note'], unique: true }],
  };
}

let directory: string;
let introspection: Introspection;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'threadorm-introspection-'));
  configure({ database: join(directory, 'db.sqlite3'), models: [], workers: 1 });
  void Slot._meta;
  createSchema();
  const connection = getConnection('test');
  connection.exec(
    'CREATE TABLE "legacy_parent" ("key" text PRIMARY KEY, "name" text); ' +
      'CREATE TABLE "legacy_child" ("id" integer PRIMARY KEY, ' +
      '"parent" text REFERENCES "legacy_parent" ON DELETE CASCADE, ' +
      '"other" text REFERENCES "legacy_parent" ("key") ON DELETE SET NULL, "size" integer DEFAULT 3 NOT NULL, "label" text); ' +
      'CREATE INDEX "legacy_child_big" ON "legacy_child" ("size") WHERE "size" > 10; ' +
      'CREATE INDEX "legacy_child_lower" ON "legacy_child" (lower("label"), "size" DESC); ' +
      'CREATE VIEW "legacy_view" AS SELECT * FROM "legacy_child"',
  );
  introspection = connection.backend.introspection(connection);
});

afterAll(async () => {
  await close();
  rmSync(directory, { recursive: true, force: true });
});

describe('tableNames()', () => {
  test("every table, sorted, without views or SQLite's own tables", () => {
    // AUTOINCREMENT keys make SQLite create sqlite_sequence.
    expect(getConnection('test').selectRows("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'", [])).toEqual([[1]]);
    expect(introspection.tableNames()).toEqual(['aisle', 'legacy_child', 'legacy_parent', 'slot', 'slot_tags', 'tag']);
  });
});

describe('columns()', () => {
  test('names, declared types, nullability, key and default, in table order', () => {
    expect(introspection.columns('slot')).toEqual([
      { name: 'id', type: 'integer', null: false, primaryKey: true, default: null },
      { name: 'aisle_id', type: 'integer', null: false, primaryKey: false, default: null },
      { name: 'by_code_id', type: 'varchar(5)', null: true, primaryKey: false, default: null },
      { name: 'loose_id', type: 'integer', null: false, primaryKey: false, default: null },
      { name: 'position', type: 'integer', null: false, primaryKey: false, default: null },
      { name: 'note', type: 'varchar(40)', null: true, primaryKey: false, default: null },
    ]);
    expect(introspection.columns('legacy_child')).toContainEqual({ name: 'size', type: 'integer', null: false, primaryKey: false, default: '3' });
  });

  test('a table that does not exist has none', () => {
    expect(introspection.columns('no_such_table')).toEqual([]);
  });
});

describe('indexes()', () => {
  test('CREATE INDEX ones, UNIQUE constraints (single and together) and unique indexes, sorted by name', () => {
    const indexes = introspection.indexes('slot');
    const byColumns = (columns: string[]) => indexes.find((index) => index.columns.join() === columns.join());
    expect(indexes.map((index) => index.name)).toEqual([...indexes.map((index) => index.name)].sort());
    expect(byColumns(['aisle_id'])).toEqual({
      name: 'slot_aisle_id_idx', columns: ['aisle_id'], orders: ['ASC'], unique: false, constraint: false, primaryKey: false, partial: false,
    });
    expect(byColumns(['position'])).toMatchObject({ name: 'slot_position_idx', unique: false, constraint: false });
    expect(byColumns(['position', 'note'])).toMatchObject({ name: 'slot_position_note', orders: ['ASC', 'DESC'], unique: false, constraint: false });
    expect(byColumns(['note'])).toMatchObject({ name: 'slot_note_idx', unique: true, constraint: false });
    expect(byColumns(['aisle_id', 'position'])).toMatchObject({ unique: true, constraint: true, primaryKey: false });
    // A foreign key without a constraint still gets its index.
    expect(byColumns(['loose_id'])).toMatchObject({ name: 'slot_loose_id_idx', unique: false });
    expect(indexes).toHaveLength(7);
  });

  test('a unique field is a constraint-made index', () => {
    expect(introspection.indexes('aisle')).toEqual([
      { name: expect.stringMatching(/^sqlite_autoindex_aisle_/), columns: ['code'], orders: ['ASC'], unique: true, constraint: true, primaryKey: false, partial: false },
    ]);
  });

  test('a primary key that is not the rowid is an index; an INTEGER PRIMARY KEY is not', () => {
    expect(introspection.indexes('tag')).toEqual([
      { name: expect.stringMatching(/^sqlite_autoindex_tag_/), columns: ['id'], orders: ['ASC'], unique: true, constraint: true, primaryKey: true, partial: false },
    ]);
    expect(introspection.indexes('legacy_child').some((index) => index.primaryKey)).toBe(false);
  });

  test('partial and expression indexes', () => {
    const indexes = introspection.indexes('legacy_child');
    expect(indexes.map((index) => index.name)).toEqual(['legacy_child_big', 'legacy_child_lower']);
    expect(indexes[0]).toMatchObject({ columns: ['size'], partial: true, unique: false });
    expect(indexes[1]).toMatchObject({ columns: [null, 'size'], orders: ['ASC', 'DESC'], partial: false });
  });

  test('an M2M table has its pair unique', () => {
    const pair = introspection.indexes('slot_tags').find((index) => index.columns.length === 2);
    expect(pair).toMatchObject({ columns: ['slot_id', 'tag_id'], unique: true, constraint: true });
  });
});

describe('foreignKeys()', () => {
  test('one per referencing column with a constraint, in column order', () => {
    expect(introspection.foreignKeys('slot')).toEqual([
      { column: 'aisle_id', table: 'aisle', targetColumn: 'id', onDelete: 'NO ACTION' },
      { column: 'by_code_id', table: 'aisle', targetColumn: 'code', onDelete: 'NO ACTION' },
    ]);
    expect(introspection.foreignKeys('slot_tags').map((key) => [key.column, key.table, key.targetColumn])).toEqual([
      ['slot_id', 'slot', 'id'],
      ['tag_id', 'tag', 'id'],
    ]);
  });

  test("ON DELETE rules, and a REFERENCES clause without a column points at the target's primary key", () => {
    expect(introspection.foreignKeys('legacy_child')).toEqual([
      { column: 'parent', table: 'legacy_parent', targetColumn: 'key', onDelete: 'CASCADE' },
      { column: 'other', table: 'legacy_parent', targetColumn: 'key', onDelete: 'SET NULL' },
    ]);
  });

  test('a table without any has none', () => {
    expect(introspection.foreignKeys('aisle')).toEqual([]);
  });
});

describe("createSchema()'s drift check", () => {
  test('reads the columns of each model table through introspection, one statement per table', () => {
    const statements = captureQueries(() => createSchema()).map((statement) => statement.sql);
    const columnQueries = statements.filter((sql) => sql.includes('pragma_table_info'));
    expect(columnQueries).toHaveLength(4);
    expect(statements[0]).toBe('BEGIN IMMEDIATE');
    expect(statements.at(-1)).toBe('COMMIT');
  });
});
