/**
 * Migrations of inherited models: a multi-table child is a CreateModel of its own table whose primary key is
 * the one-to-one link to its parent, made after the parent; an abstract base and a proxy make no table and
 * no operation. The migrated schema is the one createSchema() makes.
 */
import { close, configure, createSchema, makeMigrations, migrate } from '../../../src';
import { ProjectState } from '../../../src/migrations/state';
import { onPostgresql } from '../test-database';
import { ScratchProject } from './helpers';

const MODELS = [require.resolve('../django/inheritance-models')];
const projects: ScratchProject[] = [];

afterEach(async () => {
  await close();
  for (const project of projects.splice(0)) project.remove();
});

test('makemigrations writes a multi-table child with its parent link, after its parent, and no proxy', () => {
  const project = new ScratchProject('threadorm-inheritance-');
  projects.push(project);
  configure({ database: project.database, models: MODELS });
  const made = makeMigrations({ migrations: project.migrations });
  const source = made.migrations[0]!.source;
  expect(source).toMatch(/placePtr: new OneToOneField\(byLabel\('Place'\), \{ onDelete: CASCADE, primaryKey: true, (?:unique: true, )?parentLink: true \}\)/);
  expect(source).toMatch(/restaurantPtr: new OneToOneField\(byLabel\('Restaurant'\), \{ onDelete: CASCADE, primaryKey: true, (?:unique: true, )?parentLink: true \}\)/);
  // A declared parent link is kept as declared.
  expect(source).toMatch(/parent: new OneToOneField\(byLabel\('Place'\), \{ onDelete: CASCADE, primaryKey: true, (?:unique: true, )?parentLink: true \}\)/);
  const created = made.changes.filter((line) => line.startsWith('Create model'));
  expect(created.indexOf('Create model Place')).toBeLessThan(created.indexOf('Create model Restaurant'));
  expect(created.indexOf('Create model Restaurant')).toBeLessThan(created.indexOf('Create model ItalianRestaurant'));
  for (const absent of ['MyPerson', 'MyPersonProxy', 'UserProxy', 'StateProxy', 'ProxyBug', 'CommonInfo', 'Attachment']) {
    expect(created).not.toContain(`Create model ${absent}`);
  }
  // The child's state holds its own fields only: the parent's stay the parent's.
  const state = ProjectState.fromApps();
  expect([...state.model('Restaurant', 'test').fields.keys()]).toEqual(['placePtr', 'rating', 'servesHotDogs', 'servesPizza', 'chef']);
  expect(state.has('MyPerson')).toBe(false);
});

test('the migrated schema of inherited models is the one createSchema() makes, and it holds rows', async () => {
  const migrated = new ScratchProject('threadorm-inheritance-migrated-');
  const created = new ScratchProject('threadorm-inheritance-created-');
  projects.push(migrated, created);
  configure({ database: migrated.database, models: MODELS });
  makeMigrations({ migrations: migrated.migrations });
  expect(makeMigrations({ migrations: migrated.migrations, check: true }).changes).toEqual([]);
  migrate({ migrations: migrated.migrations });
  const { ItalianRestaurant, Place } = await import('../django/inheritance-models');
  ItalianRestaurant.objects.create({ name: 'Ristorante Miron', address: '1234 W. Ash', servesGnocchi: true });
  expect(Place.objects.get({ name: 'Ristorante Miron' }).restaurant.italianRestaurant.servesGnocchi).toBe(true);
  await close();
  configure({ database: created.database, models: MODELS });
  createSchema();
  const tables = created.tables();
  expect(migrated.tables()).toEqual([...tables, 'threadorm_migrations'].sort());
  expect(tables).toContain('my_restaurant');
  expect(tables).not.toContain('my_person');
  const [integer, boolean] = onPostgresql ? ['integer', 'boolean'] : ['INTEGER', 'bool'];
  expect(migrated.shape('my_restaurant')).toEqual({
    place_ptr_id: `${integer} NOT NULL PK`, rating: integer, serves_hot_dogs: `${boolean} NOT NULL`, serves_pizza: `${boolean} NOT NULL`, chef_id: integer,
  });
  for (const table of tables) {
    expect({ table, shape: migrated.shape(table) }).toEqual({ table, shape: created.shape(table) });
    expect({ table, keys: migrated.foreignKeys(table) }).toEqual({ table, keys: created.foreignKeys(table) });
  }
  expect(migrated.foreignKeys('italian_restaurant')).toEqual([{ from: 'restaurant_ptr_id', table: 'my_restaurant', to: 'place_ptr_id' }]);
});
