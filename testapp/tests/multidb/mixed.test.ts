/**
 * A PostgreSQL default and a SQLite second database in one configuration: each alias compiles its SQL for its
 * own backend, on the main thread and in its pool. Runs in the PostgreSQL suite (it needs the server).
 */
import { close, configure, createSchema, Model } from '../../../src';
import { configuredBackend } from '../../../src/db/connections';
import { MULTIDB_MODELS, Person, Pet } from './models';
import { dropTestDatabase, onPostgresql, testDatabase } from '../test-database';

const postgresqlTest: jest.It = onPostgresql ? test : test.skip;

jest.setTimeout(60_000);

beforeAll(() => {
  if (!onPostgresql) return;
  configure({ databases: { default: testDatabase(), local: ':memory:' }, models: MULTIDB_MODELS, workers: 1 });
  createSchema();
  createSchema({ using: 'local' });
});

afterAll(async () => {
  await close();
  dropTestDatabase();
});

postgresqlTest('each alias has its backend and its SQL dialect', () => {
  expect(configuredBackend('default').vendor).toBe('postgresql');
  expect(configuredBackend('local').vendor).toBe('sqlite');
  expect(Person.objects.filter({ name__icontains: 'x' }).toSql().sql).toContain('ILIKE');
  expect(Person.objects.using('local').filter({ name__icontains: 'x' }).toSql().sql).not.toContain('ILIKE');
  expect(Person.objects.filter({ name__regex: 'x' }).toSql().sql).not.toContain('REGEXP');
  expect(Person.objects.using('local').filter({ name__regex: 'x' }).toSql().sql).toContain('REGEXP');
});

postgresqlTest('rows written to one backend are read back from it, sync and async', async () => {
  const remote = Person.objects.create({ name: 'on the server' });
  const local = new Person({ name: 'in the file' });
  local.save({ using: 'local' });
  new Pet({ name: 'Spot', owner: local }).save();
  expect(Pet.objects.using('local').get({ name: 'Spot' }).owner.name).toBe('in the file');
  expect(await Person.aobjects.valuesList('name', { flat: true })).toEqual(['on the server']);
  expect(await Person.aobjects.using('local').valuesList('name', { flat: true })).toEqual(['in the file']);
  const copy = (await Person.aobjects.get({ pk: remote.pk })) as Person & Model;
  copy.pk = null;
  copy._state.adding = true;
  await copy.asave({ using: 'local' });
  expect(await Person.aobjects.using('local').count()).toBe(2);
  expect((await Person.aobjects.using('local').get({ name: 'on the server' }))._state.db).toBe('local');
});
