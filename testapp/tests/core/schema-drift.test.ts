/**
 * createSchema() on a database whose tables were made by older models: until migrations exist it must stop
 * with the table and the missing or extra columns named, rather than keep the old table and let the first
 * insert fail with a raw SQLite error. Under mainThread 'forbid' its error points to acreateSchema().
 */
import BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  acreateSchema,
  BooleanField,
  CharField,
  close,
  configure,
  createSchema,
  ImproperlyConfigured,
  IntegerField,
  Model,
  SynchronousOnlyOperation,
} from '../../../src';
import { MODEL_MODULES } from './helpers';

// acreateSchema() starts pool workers, which load the TypeScript model modules: seconds on a loaded machine.
jest.setTimeout(120_000);

let directory: string;
let database: string;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'threadorm-drift-'));
  database = join(directory, 'db.sqlite3');
});

afterEach(async () => {
  await close();
  rmSync(directory, { recursive: true, force: true });
});

/** Creates a table by hand, as an older version of the app would have. */
function oldTable(sql: string): void {
  const db = new BetterSqlite3(database);
  db.exec(sql);
  db.close();
}

function schemaError(): Error {
  try {
    createSchema();
  } catch (error) {
    return error as Error;
  }
  throw new Error('createSchema() accepted the drifted table');
}

describe('createSchema() on tables that differ from the models', () => {
  test('a field added to the model names the table and the missing column', () => {
    oldTable('CREATE TABLE "shelf" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" varchar(20) NOT NULL)');
    class Shelf extends Model {
      static fields = { name: new CharField({ maxLength: 20 }), capacity: new IntegerField({ default: 10, dbIndex: true }) };
    }
    configure({ database, models: [], workers: 1 });
    void Shelf._meta;
    const error = schemaError();
    expect(error).toBeInstanceOf(ImproperlyConfigured);
    expect(error.message).toMatch(/table 'shelf' \(Shelf\): missing column 'capacity'/);
    expect(error.message).toMatch(/change tables with migrations/);
  });

  test('a field removed from the model names the extra columns', () => {
    oldTable(
      'CREATE TABLE "shelf" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" varchar(20) NOT NULL, ' +
        '"legacy" integer NOT NULL, "note" text NULL)',
    );
    class Shelf extends Model {
      static fields = { name: new CharField({ maxLength: 20 }), open: new BooleanField({ default: true }) };
    }
    configure({ database, models: [], workers: 1 });
    void Shelf._meta;
    const error = schemaError();
    expect(error.message).toMatch(/table 'shelf' \(Shelf\): missing column 'open'; columns 'legacy', 'note' not in the model/);
  });

  test('nothing is created when one table has drifted', () => {
    oldTable('CREATE TABLE "shelf" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT)');
    class Shelf extends Model {
      static fields = { name: new CharField({ maxLength: 20 }) };
    }
    class Crate extends Model {
      static fields = { name: new CharField({ maxLength: 20 }) };
    }
    configure({ database, models: [], workers: 1 });
    void Shelf._meta;
    void Crate._meta;
    schemaError();
    const db = new BetterSqlite3(database, { readonly: true });
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    db.close();
    expect(tables).not.toContain('crate');
  });

  test('a table that matches its model is kept with its rows', async () => {
    oldTable(
      'CREATE TABLE "shelf" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" varchar(20) NOT NULL); ' +
        "INSERT INTO shelf (name) VALUES ('kept')",
    );
    class Shelf extends Model {
      static fields = { name: new CharField({ maxLength: 20 }) };
    }
    configure({ database, models: [], workers: 1 });
    void Shelf._meta;
    createSchema();
    expect(Shelf.objects.valuesList('name', { flat: true }).eval()).toEqual(['kept']);
  });

  test('acreateSchema() rejects with the same error class and message', async () => {
    oldTable('CREATE TABLE "topping" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "label" text NOT NULL)');
    configure({ database, models: MODEL_MODULES, workers: 1, mainThread: 'forbid' });
    const rejection = acreateSchema();
    await expect(rejection).rejects.toBeInstanceOf(ImproperlyConfigured);
    await expect(rejection).rejects.toThrow(/table 'topping' \(Topping\): missing columns 'name', 'vegetarian'; column 'label' not in the model/);
  });
});

describe("createSchema() under mainThread: 'forbid'", () => {
  test('points to acreateSchema()', () => {
    configure({ database: ':memory:', models: MODEL_MODULES, workers: 1, mainThread: 'forbid' });
    const error = schemaError();
    expect(error).toBeInstanceOf(SynchronousOnlyOperation);
    expect(error.message).toMatch(/createSchema\(\) cannot run synchronously/);
    expect(error.message).toMatch(/await acreateSchema\(\)/);
  });
});
