/**
 * Every operation forwards and backwards on tables that hold rows: row counts and values are compared before
 * and after, including table rebuilds of tables that other tables reference (with the ORM's CASCADE rule and
 * with a database-level ON DELETE CASCADE): nothing is deleted, nothing is left pointing nowhere.
 */
import { close, configure, IntegrityError, IrreversibleError, migrate, sqlMigrate } from '../../../src';
import { loadMigrations } from '../../../src/migrations/loader';
import { ScratchProject } from './helpers';
import { onPostgresql, sqliteOnlyTest } from '../test-database';

/** A column type as the database spells it: SQLite keeps the declared text, PostgreSQL names its type. */
const typed = (text: string) =>
  onPostgresql ? text.replace(/varchar\((\d+)\)/, 'character varying($1)').replace(/^INTEGER/, 'integer') : text;

let project: ScratchProject;
let previous: string;

const INITIAL = `
  initial: true,
  operations: [
    new CreateModel({ name: 'Box', fields: { id: new AutoField(), name: new CharField({ maxLength: 30 }) } }),
    new CreateModel({ name: 'Topping', fields: { id: new AutoField(), name: new CharField({ maxLength: 30 }) } }),
    new CreateModel({
      name: 'Pizza',
      fields: {
        id: new AutoField(),
        name: new CharField({ maxLength: 50 }),
        size: new IntegerField({ default: 1 }),
        note: new CharField({ maxLength: 20, null: true }),
        box: new ForeignKey(byLabel('Box'), { onDelete: CASCADE }),
        toppings: new ManyToManyField(byLabel('Topping')),
      },
    }),
    // A table of the database's own, whose key deletes its rows with the pizza's (ON DELETE CASCADE).
    new RunSQL(
      'CREATE TABLE "label" ("id" integer PRIMARY KEY, "pizza_id" integer NOT NULL REFERENCES "pizza" ("id") ON DELETE CASCADE, "text" text)',
      'DROP TABLE "label"',
    ),
  ],
`;

beforeEach(() => {
  project = new ScratchProject();
  configure({ database: project.database, models: [] });
  project.write('0001_initial', INITIAL);
  migrate({ migrations: project.migrations });
  previous = '0001_initial';
  project.run(`
    INSERT INTO box (id, name) VALUES (1, 'small'), (2, 'large');
    INSERT INTO topping (id, name) VALUES (1, 'basil'), (2, 'ham'), (3, 'olives');
    INSERT INTO pizza (id, name, size, note, box_id) VALUES
      (1, 'Margherita', 1, NULL, 1), (2, 'Marinara', 2, 'spicy', 2), (3, 'Diavola', 3, NULL, 2), (4, 'Capricciosa', 2, 'big', 1);
    INSERT INTO pizza_toppings (pizza_id, topping_id) VALUES (1, 1), (2, 3), (4, 1), (4, 2), (4, 3);
    INSERT INTO label (id, pizza_id, text) VALUES (1, 1, 'classic'), (2, 4, 'house'), (3, 4, 'favourite');
  `);
});

afterEach(async () => {
  await close();
  project.remove();
});

/** Writes the next migration (depending on the previous one) and applies it. */
function step(name: string, operations: string): void {
  project.write(name, `dependencies: ['${previous}'], operations: [${operations}]`);
  previous = name;
  migrate({ migrations: project.migrations });
}

/** Unapplies everything after `target`. */
function back(target: string): void {
  migrate({ migrations: project.migrations, target });
}

function pizzas(columns = 'id, name, size, note, box_id'): Record<string, unknown>[] {
  return project.all(`SELECT ${columns} FROM pizza ORDER BY id`);
}

/** Rows of every table but pizza: what a change to pizza must leave alone. */
function others(data = project.data()): Record<string, unknown> {
  const { pizza: _pizza, ...rest } = data;
  return rest;
}

describe('fields', () => {
  test('AddField fills the existing rows with the default; backwards drops the column and keeps every row', () => {
    const before = project.data();
    step('0002_pizza_spicy', `new AddField({ modelName: 'Pizza', name: 'rating', field: new IntegerField({ default: 5 }) })`);
    expect(pizzas('id, rating')).toEqual([1, 2, 3, 4].map((id) => ({ id, rating: 5 })));
    expect(pizzas()).toEqual(before.pizza);
    expect(others()).toEqual(others(before));
    back('0001_initial');
    expect(project.columns('pizza')).not.toContain('rating');
    expect(project.data()).toEqual(before);
  });

  test('AddField with a one-off default: the rows get the value, the migration state keeps no default', () => {
    step(
      '0002_pizza_code',
      `new AddField({ modelName: 'Pizza', name: 'code', field: new CharField({ maxLength: 10, default: 'n/a' }), preserveDefault: false })`,
    );
    expect(pizzas('code').map((row) => row.code)).toEqual(['n/a', 'n/a', 'n/a', 'n/a']);
    const state = loadMigrations(project.migrations).graph.stateAt();
    expect(state.model('Pizza', 'test').field('code', 'test').hasDefault).toBe(false);
  });

  test('a non-null field without a default cannot be added to a table with rows', () => {
    expect(() => step('0002_pizza_weight', `new AddField({ modelName: 'Pizza', name: 'weight', field: new IntegerField() })`)).toThrow(
      /Cannot add the non-null field Pizza\.weight without a default: table 'pizza' has 4 row\(s\)/,
    );
    expect(project.applied()).toEqual(['0001_initial']);
    expect(project.columns('pizza')).not.toContain('weight');
  });

  test('RemoveField drops that column only; backwards brings it back with its default', () => {
    const before = project.data();
    step('0002_remove_pizza_size', `new RemoveField({ modelName: 'Pizza', name: 'size' })`);
    expect(project.columns('pizza')).toEqual(['id', 'name', 'note', 'box_id']);
    expect(pizzas('id, name, note, box_id')).toEqual(before.pizza!.map(({ size: _size, ...row }) => row));
    expect(others()).toEqual(others(before));
    back('0001_initial');
    // Where the column comes back is the database's business (PostgreSQL adds it last; SQLite rebuilds in order).
    expect([...project.columns('pizza')].sort()).toEqual(['box_id', 'id', 'name', 'note', 'size']);
    expect(pizzas('size').map((row) => row.size)).toEqual([1, 1, 1, 1]);
  });

  test('RenameField renames the column in place (no rebuild) and back', () => {
    const before = project.data();
    step('0002_rename', `new RenameField({ modelName: 'Pizza', oldName: 'note', newName: 'remark' })`);
    expect(sqlMigrate('0002', { migrations: project.migrations })).toContain('ALTER TABLE "pizza" RENAME COLUMN "note" TO "remark"');
    expect(pizzas('id, name, size, remark, box_id')).toEqual(before.pizza!.map(({ note, ...row }) => ({ ...row, remark: note })));
    back('0001_initial');
    expect(project.data()).toEqual(before);
  });

  test('RenameField of a foreign key renames its column, keeping the keys', () => {
    step('0002_rename', `new RenameField({ modelName: 'Pizza', oldName: 'box', newName: 'crate' })`);
    expect(pizzas('id, crate_id')).toEqual([
      { id: 1, crate_id: 1 },
      { id: 2, crate_id: 2 },
      { id: 3, crate_id: 2 },
      { id: 4, crate_id: 1 },
    ]);
  });

  test('AlterField: a wider column, then null to non-null with a default that fills the NULLs, then back', () => {
    const before = project.data();
    step('0002_wider', `new AlterField({ modelName: 'Pizza', name: 'name', field: new CharField({ maxLength: 80 }) })`);
    expect(project.shape('pizza').name).toBe(typed('varchar(80) NOT NULL'));
    expect(project.data()).toEqual(before);
    step('0003_note_required', `new AlterField({ modelName: 'Pizza', name: 'note', field: new CharField({ maxLength: 20, default: '-' }) })`);
    expect(project.shape('pizza').note).toBe(typed('varchar(20) NOT NULL'));
    expect(pizzas('note').map((row) => row.note)).toEqual(['-', 'spicy', '-', 'big']);
    expect(others()).toEqual(others(before));
    back('0001_initial');
    expect(project.shape('pizza').note).toBe(typed('varchar(20)'));
    expect(project.shape('pizza').name).toBe(typed('varchar(50) NOT NULL'));
    expect(pizzas('note').map((row) => row.note)).toEqual(['-', 'spicy', '-', 'big']);
  });

  test('AlterField to another type converts every stored value, both ways', () => {
    step('0002_size_text', `new AlterField({ modelName: 'Pizza', name: 'size', field: new CharField({ maxLength: 5, default: '1' }) })`);
    // The type each stored value has now (SQLite's typeof, PostgreSQL's pg_typeof).
    const sizes = () => project.all(`SELECT size, ${onPostgresql ? 'CAST(pg_typeof(size) AS text)' : 'typeof(size)'} AS type FROM pizza ORDER BY id`);
    expect(sizes()).toEqual(['1', '2', '3', '2'].map((size) => ({ size, type: onPostgresql ? 'character varying' : 'text' })));
    back('0001_initial');
    expect(sizes()).toEqual([1, 2, 3, 2].map((size) => ({ size, type: 'integer' })));
  });

  test('narrowing a column that holds longer values fails with the rows named, and changes nothing', () => {
    const before = project.data();
    const schema = project.schema();
    let message = '';
    try {
      step('0002_short', `new AlterField({ modelName: 'Pizza', name: 'name', field: new CharField({ maxLength: 8 }) })`);
    } catch (error) {
      expect(error).toBeInstanceOf(IntegrityError);
      message = (error as Error).message;
    }
    expect(message).toMatch(/Applying 0002_short failed, and its transaction was rolled back/);
    expect(message).toMatch(/Cannot alter Pizza\.name to varchar\(8\): 2 row\(s\) hold values the new column cannot store/);
    expect(message).toMatch(/id=1: Ensure this value has at most 8 characters \(it has 10\)/);
    expect(message).toMatch(/id=4: Ensure this value has at most 8 characters \(it has 11\)/);
    expect(project.data()).toEqual(before);
    expect(project.schema()).toEqual(schema);
    expect(project.applied()).toEqual(['0001_initial']);
  });

  test('a string column made non-null fills its NULLs with the empty string (a non-null string defaults to \'\')', () => {
    step('0002_required', `new AlterField({ modelName: 'Pizza', name: 'note', field: new CharField({ maxLength: 20 }) })`);
    expect(pizzas('note').map((row) => row.note)).toEqual(['', 'spicy', '', 'big']);
  });

  test('null to non-null without a default fails when rows hold NULL, naming them', () => {
    step('0002_optional', `new AlterField({ modelName: 'Pizza', name: 'size', field: new IntegerField({ null: true }) })`);
    project.run('UPDATE pizza SET size = NULL WHERE id IN (2, 3)');
    expect(() => step('0003_required', `new AlterField({ modelName: 'Pizza', name: 'size', field: new IntegerField() })`)).toThrow(
      /Cannot make Pizza\.size non-null: rows with id 2, 3 hold NULL and the field has no default/,
    );
    expect(project.shape('pizza').size).toBe(typed('INTEGER'));
    expect(project.applied()).toEqual(['0001_initial', '0002_optional']);
  });

  test('AlterField of a default only changes the state: no SQL, the table is kept', () => {
    const schema = project.schema();
    step('0002_default', `new AlterField({ modelName: 'Pizza', name: 'size', field: new IntegerField({ default: 9 }) })`);
    expect(sqlMigrate('0002', { migrations: project.migrations })).toContain('-- (no SQL: this changes the migration state only)');
    expect(project.schema()).toEqual(schema);
  });

  test('a change that leaves keys pointing nowhere is rolled back with the rows named', () => {
    project.run('DELETE FROM pizza_toppings WHERE topping_id = 2; DELETE FROM topping WHERE id = 2');
    const before = project.data();
    expect(() =>
      step('0002_box_to_topping', `new AlterField({ modelName: 'Pizza', name: 'box', field: new ForeignKey(byLabel('Topping'), { onDelete: CASCADE }) })`),
    ).toThrow(
      onPostgresql
        ? /violates foreign key constraint .*Key \(box_id\)=\(2\) is not present in table "topping"/
        : /leaves 2 row\(s\) pointing at rows that do not exist: 'pizza' row 2 refers to a missing 'topping' row; 'pizza' row 3 refers/,
    );
    expect(project.data()).toEqual(before);
    if (onPostgresql) expect(project.schema().filter((row) => String(row.sql).startsWith('FOREIGN KEY (box_id)')).map((row) => row.sql)).toEqual(['FOREIGN KEY (box_id) REFERENCES box(id) DEFERRABLE INITIALLY DEFERRED']);
    else expect(project.schema().find((row) => row.name === 'pizza')!.sql).toContain('REFERENCES "box"');
    expect(project.applied()).toEqual(['0001_initial']);
  });

  test('AddField and RemoveField of a many-to-many create and drop its table', () => {
    step('0002_fans', `new AddField({ modelName: 'Box', name: 'favourites', field: new ManyToManyField(byLabel('Topping')) })`);
    expect(project.tables()).toContain('box_favourites');
    project.run('INSERT INTO box_favourites (box_id, topping_id) VALUES (1, 2)');
    step('0003_no_fans', `new RemoveField({ modelName: 'Box', name: 'favourites' })`);
    expect(project.tables()).not.toContain('box_favourites');
    back('0002_fans');
    expect(project.all('SELECT count(*) AS n FROM box_favourites')).toEqual([{ n: 0 }]);
  });
});

describe('table rebuilds', () => {
  sqliteOnlyTest('rebuilding a table that others reference (ORM CASCADE and ON DELETE CASCADE) keeps every row of every table (SQLite rebuilds tables)', () => {
    const before = project.data();
    expect(before.label).toHaveLength(3);
    expect(before.pizza_toppings).toHaveLength(5);
    step('0002_pizza_rebuild', `new AlterField({ modelName: 'Pizza', name: 'size', field: new IntegerField({ null: true, default: 1 }) })`);
    expect(sqlMigrate('0002', { migrations: project.migrations })).toMatch(/DROP TABLE "pizza"/);
    expect(project.data()).toEqual(before);
    expect(project.all('PRAGMA foreign_key_check')).toEqual([]);
    // The references still work: deleting a pizza cascades as the label table says.
    project.run('DELETE FROM pizza_toppings WHERE pizza_id = 4; DELETE FROM pizza WHERE id = 4');
    expect(project.all('SELECT id FROM label ORDER BY id')).toEqual([{ id: 1 }]);
  });

  test('rebuilding the table at the top of the references (box) loses no pizza, link or label', () => {
    const before = project.data();
    step('0002_box_rebuild', `new AlterField({ modelName: 'Box', name: 'name', field: new CharField({ maxLength: 30, unique: true }) })`);
    step('0003_box_back', `new AlterField({ modelName: 'Box', name: 'name', field: new CharField({ maxLength: 30 }) })`);
    expect(project.data()).toEqual(before);
    back('0001_initial');
    expect(project.data()).toEqual(before);
  });

  test('the AUTOINCREMENT counter survives a rebuild: a deleted key is never handed out again', () => {
    project.run('DELETE FROM label WHERE pizza_id = 4; DELETE FROM pizza_toppings WHERE pizza_id = 4; DELETE FROM pizza WHERE id = 4');
    step('0002_pizza_rebuild', `new AlterField({ modelName: 'Pizza', name: 'name', field: new CharField({ maxLength: 60 }) })`);
    project.run("INSERT INTO pizza (name, size, box_id) VALUES ('Quattro', 1, 1)");
    expect(project.all("SELECT id FROM pizza WHERE name = 'Quattro'")).toEqual([{ id: 5 }]);
  });

  test("a column's CHECK constraint (a positive integer's) holds after a rebuild", () => {
    step('0002_stock', `new AddField({ modelName: 'Pizza', name: 'stock', field: new PositiveIntegerField({ default: 0 }) })`);
    step('0003_rebuild', `new AlterField({ modelName: 'Pizza', name: 'name', field: new CharField({ maxLength: 70 }) })`);
    expect(() => project.run('UPDATE pizza SET stock = -1 WHERE id = 1')).toThrow(/CHECK constraint failed|violates check constraint/);
    expect(pizzas('stock').map((row) => row.stock)).toEqual([0, 0, 0, 0]);
  });

  test('indexes come back after a rebuild', () => {
    step('0002_index', `new AddIndex({ modelName: 'Pizza', index: { name: 'pizza_size_name', fields: ['size', '-name'] } })`);
    const indexes = project.indexes('pizza');
    step('0003_rebuild', `new AlterField({ modelName: 'Pizza', name: 'size', field: new IntegerField({ default: 2 , null: true }) })`);
    expect(project.indexes('pizza')).toEqual(indexes);
    expect(indexes).toEqual({ pizza_box_id_idx: '(box_id)', pizza_size_name: '(size, name)' });
  });
});

describe('models', () => {
  test('CreateModel and DeleteModel; backwards the table comes back, empty', () => {
    step('0002_crate', `new CreateModel({ name: 'Crate', fields: { id: new AutoField(), box: new ForeignKey(byLabel('Box'), { onDelete: PROTECT }), toppings: new ManyToManyField(byLabel('Topping')) } })`);
    expect(project.tables()).toEqual(expect.arrayContaining(['crate', 'crate_toppings']));
    project.run('INSERT INTO crate (id, box_id) VALUES (1, 2)');
    step('0003_no_crate', `new DeleteModel({ name: 'Crate' })`);
    expect(project.tables()).not.toContain('crate');
    expect(project.tables()).not.toContain('crate_toppings');
    back('0002_crate');
    expect(project.all('SELECT count(*) AS n FROM crate')).toEqual([{ n: 0 }]);
    back('0001_initial');
    expect(project.tables()).not.toContain('crate');
  });

  test('RenameModel renames the table, its many-to-many table and key column; rows and links stay', () => {
    const before = project.data();
    step('0002_pie', `new RenameModel({ oldName: 'Pizza', newName: 'Pie' })`);
    expect(project.tables()).toEqual(['box', 'label', 'pie', 'pie_toppings', 'threadorm_migrations', 'topping']);
    expect(project.all('SELECT * FROM pie ORDER BY id')).toEqual(before.pizza);
    expect(project.all('SELECT pie_id, topping_id FROM pie_toppings ORDER BY id')).toEqual(
      before.pizza_toppings!.map((row) => ({ pie_id: row.pizza_id, topping_id: row.topping_id })),
    );
    // The references of other tables point at the new name.
    if (onPostgresql) expect(project.schema().some((row) => /^FOREIGN KEY \(pizza_id\) REFERENCES pie\(id\)/.test(String(row.sql)))).toBe(true);
    else expect(project.all("SELECT sql FROM sqlite_master WHERE name = 'label'")[0]!.sql).toContain('REFERENCES "pie"');
    expect(project.data().label).toEqual(before.label);
    back('0001_initial');
    expect(project.data()).toEqual(before);
  });

  test('RenameModel of a many-to-many target renames the key column of the other model\'s table', () => {
    const before = project.data();
    step('0002_extra', `new RenameModel({ oldName: 'Topping', newName: 'Extra' })`);
    expect(project.columns('pizza_toppings')).toEqual(['id', 'pizza_id', 'extra_id']);
    expect(project.all('SELECT pizza_id, extra_id FROM pizza_toppings ORDER BY id')).toEqual(
      before.pizza_toppings!.map((row) => ({ pizza_id: row.pizza_id, extra_id: row.topping_id })),
    );
    back('0001_initial');
    expect(project.data()).toEqual(before);
  });

  test('AlterModelTable renames the table and the many-to-many table named after it', () => {
    const before = project.data();
    step('0002_table', `new AlterModelTable({ name: 'Pizza', table: 'menu_pizza' })`);
    expect(project.tables()).toEqual(expect.arrayContaining(['menu_pizza', 'menu_pizza_toppings']));
    expect(project.all('SELECT * FROM menu_pizza ORDER BY id')).toEqual(before.pizza);
    back('0001_initial');
    expect(project.data()).toEqual(before);
  });

  test('AlterModelOptions changes the state only', () => {
    const schema = project.schema();
    step('0002_ordering', `new AlterModelOptions({ name: 'Pizza', options: { ordering: ['-size'] } })`);
    expect(project.schema()).toEqual(schema);
    expect(loadMigrations(project.migrations).graph.stateAt().getModel('Pizza')._meta.ordering).toEqual(['-size']);
  });
});

describe('indexes and constraints', () => {
  test('AddIndex and RemoveIndex, both ways', () => {
    step('0002_index', `new AddIndex({ modelName: 'Pizza', index: { name: 'pizza_name_uniq', fields: ['name'], unique: true } })`);
    expect(project.indexes('pizza').pizza_name_uniq).toBe('unique (name)');
    step('0003_no_index', `new RemoveIndex({ modelName: 'Pizza', name: 'pizza_name_uniq' })`);
    expect(project.indexes('pizza').pizza_name_uniq).toBeUndefined();
    back('0002_index');
    expect(project.indexes('pizza').pizza_name_uniq).toBe('unique (name)');
    back('0001_initial');
    expect(project.indexes('pizza').pizza_name_uniq).toBeUndefined();
  });

  test('AlterUniqueTogether is enforced, keeps every row, and undoes', () => {
    const before = project.data();
    step('0002_unique', `new AlterUniqueTogether({ name: 'Pizza', uniqueTogether: [['box', 'size']] })`);
    expect(project.data()).toEqual(before);
    expect(() => project.run("INSERT INTO pizza (name, size, box_id) VALUES ('Twin', 2, 2)")).toThrow(/UNIQUE constraint failed|duplicate key value violates unique constraint/);
    back('0001_initial');
    expect(() => project.run("INSERT INTO pizza (name, size, box_id) VALUES ('Twin', 2, 2)")).not.toThrow();
  });

  test('a unique constraint that the rows violate fails, and nothing changes', () => {
    const before = project.data();
    expect(() => step('0002_unique', `new AlterUniqueTogether({ name: 'Pizza', uniqueTogether: [['box']] })`)).toThrow(IntegrityError);
    expect(project.data()).toEqual(before);
    expect(project.applied()).toEqual(['0001_initial']);
  });
});

describe('RunSQL and RunCode', () => {
  test('RunSQL runs in the migration and its reverse undoes it', () => {
    step('0002_sql', `new RunSQL("UPDATE pizza SET size = size * 10", "UPDATE pizza SET size = size / 10")`);
    expect(pizzas('size').map((row) => row.size)).toEqual([10, 20, 30, 20]);
    back('0001_initial');
    expect(pizzas('size').map((row) => row.size)).toEqual([1, 2, 3, 2]);
  });

  test('RunCode gets historical models: filters across relations, related managers, saves; backwards too', () => {
    step(
      '0002_data',
      `new RunCode(
        (apps) => {
          const Pizza = apps.getModel('Pizza');
          Pizza.objects.filter({ box__name: 'large' }).update({ note: 'from the large box' });
          for (const pizza of Pizza.objects.filter({ toppings__name: 'basil' })) {
            pizza.size = pizza.toppings.count() * 100;
            pizza.save();
          }
        },
        (apps) => {
          apps.getModel('Pizza').objects.filter({ size__gte: 100 }).update({ size: 1 });
        },
      )`,
    );
    expect(pizzas('id, size, note')).toEqual([
      { id: 1, size: 100, note: null },
      { id: 2, size: 2, note: 'from the large box' },
      { id: 3, size: 3, note: 'from the large box' },
      { id: 4, size: 300, note: 'big' },
    ]);
    back('0001_initial');
    expect(pizzas('size').map((row) => row.size)).toEqual([1, 2, 3, 1]);
  });

  test('historical models are the models of that point of the history, not the current ones', () => {
    step('0002_rating', `new AddField({ modelName: 'Pizza', name: 'rating', field: new IntegerField({ default: 0 }) })`);
    step(
      '0003_data',
      `new RunCode((apps) => {
        const Pizza = apps.getModel('Pizza');
        if (!Pizza._meta.findField('rating')) throw new Error('no rating');
        Pizza.objects.create({ name: 'Bianca', rating: 4, box: apps.getModel('Box').objects.get({ name: 'small' }) });
      }, RunCode.noop)`,
    );
    expect(project.all("SELECT rating, size, box_id FROM pizza WHERE name = 'Bianca'")).toEqual([{ rating: 4, size: 1, box_id: 1 }]);
  });

  test('an irreversible step stops migrate zero before anything is unapplied', () => {
    step('0002_sql', `new RunSQL("UPDATE pizza SET size = 7")`);
    step('0003_more', `new AddField({ modelName: 'Pizza', name: 'rating', field: new IntegerField({ default: 0 }) })`);
    const schema = project.schema();
    expect(() => migrate({ migrations: project.migrations, target: 'zero' })).toThrow(IrreversibleError);
    expect(() => migrate({ migrations: project.migrations, target: 'zero' })).toThrow(/Cannot unapply 0002_sql: its operation "Raw SQL: UPDATE pizza SET size = 7" is irreversible/);
    expect(project.schema()).toEqual(schema);
    expect(project.applied()).toEqual(['0001_initial', '0002_sql', '0003_more']);
  });
});
