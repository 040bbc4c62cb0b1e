/**
 * The async layer over two databases: a pool per alias (readers and a writer each), using() / dbManager()
 * and asave({ using }) on the main thread's API, instances that remember their database, aatomic({ using })
 * pinning that database's writer, units that use another database, and the ReadReplicaRouter through the
 * pool (reads inside aatomic() stay on default). After Django's multiple_database tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aatomic, acreateSchema, amigrate, captureQueries, close, configure, createSchema, makeMigrations, ReadReplicaRouter, type CapturedQuery } from '../../../src';
import { MULTIDB_MODELS, Person, Pet } from './models';
import { copyPeople, routedRead } from './units';
import { dropTestDatabase, testDatabase } from '../test-database';

jest.setTimeout(60_000);

const MODELS = [...MULTIDB_MODELS, require.resolve('./units')];

/** Which pool's worker ran a captured statement: 'default' or the alias in its connection label. */
function poolOf(statement: CapturedQuery): string {
  const match = /^(?:reader|writer)(?::(.+))?-\d+$/.exec(statement.connection);
  if (!match) return `not a worker: ${statement.connection}`;
  return match[1] ?? 'default';
}

async function reconfigure(routers: ReadReplicaRouter[], aliases: string[]): Promise<void> {
  await close();
  dropTestDatabase();
  const databases = Object.fromEntries(aliases.map((alias) => [alias, testDatabase(alias === 'default' ? '' : alias)]));
  configure({ databases, models: MODELS, workers: 1, routers });
  for (const alias of aliases) createSchema({ using: alias });
}

afterAll(async () => {
  await close();
  dropTestDatabase();
});

describe('two databases, no routers', () => {
  beforeAll(() => reconfigure([], ['default', 'other']));

  test('using() and dbManager() run on that database pool; instances remember it', async () => {
    const captured = await captureQueries(async () => {
      await Person.aobjects.using('other').create({ name: 'Marty Alchin' });
      await Person.aobjects.create({ name: 'Mark Pilgrim' });
    });
    expect(captured.map(poolOf).sort()).toEqual(['default', 'other']);
    expect(await Person.aobjects.using('other').valuesList('name', { flat: true })).toEqual(['Marty Alchin']);
    expect(await Person.aobjects.valuesList('name', { flat: true })).toEqual(['Mark Pilgrim']);
    // The keyed-get fast path, the rows fast path and a decoded result all mark where they came from.
    const viaGet = await Person.aobjects.dbManager('other').get({ name: 'Marty Alchin' });
    expect(viaGet._state.db).toBe('other');
    const [viaRows] = await Person.aobjects.using('other').filter({ name__startswith: 'Marty' });
    expect(viaRows!._state.db).toBe('other');
    const [viaWorker] = await Person.aobjects.using('other').getOrCreate({ name: 'Marty Alchin' });
    expect(viaWorker._state.db).toBe('other');
    expect((await Person.aobjects.get({ name: 'Mark Pilgrim' }))._state.db).toBe('default');
  });

  test('asave() and adelete() go to the instance database, or to the one given', async () => {
    const person = new Person({ name: 'Jacob Kaplan-Moss' });
    await person.asave({ using: 'other' });
    expect(person._state.db).toBe('other');
    person.name = 'Jacob';
    await person.asave();
    expect(await Person.aobjects.using('other').filter({ name: 'Jacob' }).count()).toBe(1);
    expect(await Person.aobjects.filter({ name: 'Jacob' }).count()).toBe(0);
    const pet = new Pet({ name: 'Spot', owner: person });
    await pet.asave();
    expect(await person.a.petSet.count()).toBe(1);
    await person.adelete();
    expect(await Pet.aobjects.using('other').count()).toBe(0);
  });

  test('aatomic({ using }) pins that database writer; other databases stay outside its transaction', async () => {
    class Boom extends Error {}
    await expect(
      aatomic(async () => {
        await Person.aobjects.using('other').create({ name: 'rolled back' });
        await Person.aobjects.create({ name: 'committed on default' });
        throw new Boom();
      }, { using: 'other' }),
    ).rejects.toThrow(Boom);
    expect(await Person.aobjects.using('other').filter({ name: 'rolled back' }).exists()).toBe(false);
    expect(await Person.aobjects.filter({ name: 'committed on default' }).exists()).toBe(true);
  });

  test('an aatomic() block on one database inside one on another: each call joins its own database transaction', async () => {
    const captured = await captureQueries(() =>
      aatomic(async () => {
        await Person.aobjects.create({ name: 'outer default' });
        await aatomic(async () => {
          await Person.aobjects.using('other').create({ name: 'inner other' });
          await Person.aobjects.create({ name: 'still the outer transaction' });
        }, { using: 'other' });
      }),
    );
    const begins = captured.filter((statement) => /^BEGIN/i.test(statement.sql)).map(poolOf).sort();
    expect(begins).toEqual(['default', 'other']);
    // Both writes on default ran on the one writer that held default's transaction.
    const defaultInserts = captured.filter((statement) => /^INSERT/i.test(statement.sql) && poolOf(statement) === 'default');
    expect(new Set(defaultInserts.map((statement) => statement.connection)).size).toBe(1);
    expect(defaultInserts).toHaveLength(2);
    expect(await Person.aobjects.using('other').filter({ name: 'inner other' }).count()).toBe(1);
  });

  test('a unit of work can use another database from its worker', async () => {
    await Person.aobjects.using('other').filter({ name: 'copied' }).delete();
    const before = await Person.aobjects.count();
    const count = await copyPeople('default', 'other');
    expect(count).toBe(await Person.aobjects.using('other').count());
    expect(await Person.aobjects.count()).toBe(before);
    expect(await Person.aobjects.using('other').filter({ name: 'Mark Pilgrim' }).exists()).toBe(true);
  });
});

describe('ReadReplicaRouter through the pool', () => {
  beforeAll(() => reconfigure([new ReadReplicaRouter()], ['default', 'replica']));

  test('reads go to the replica pool, writes to default; inside aatomic() reads stay on default', async () => {
    await Person.aobjects.using('replica').create({ name: 'replicated' });
    const written = await captureQueries(() => Person.aobjects.create({ name: 'fresh' }));
    expect(written.map(poolOf)).toContain('default');
    expect(written.map(poolOf)).not.toContain('replica');
    const read = await captureQueries(async () => expect(await Person.aobjects.valuesList('name', { flat: true })).toEqual(['replicated']));
    expect(read.map(poolOf)).toEqual(['replica']);
    const fetched = await Person.aobjects.get({ name: 'replicated' });
    expect(fetched._state.db).toBe('replica');
    const inside = await aatomic(async () => {
      await Person.aobjects.create({ name: 'in the transaction' });
      return Person.aobjects.filter({ name__in: ['fresh', 'in the transaction'] }).valuesList('name', { flat: true }).eval();
    });
    expect(inside).toEqual(['fresh', 'in the transaction']);
  });

  test('units route their reads with the same router in the worker', async () => {
    expect(await routedRead()).toBe('replica');
  });
});

test('amigrate({ database }) and acreateSchema({ using }) run on that database pool, with the main thread forbidden', async () => {
  await close();
  dropTestDatabase();
  const directory = mkdtempSync(join(tmpdir(), 'threadorm-multidb-async-'));
  try {
    configure({ databases: { default: testDatabase(), other: testDatabase('other'), third: testDatabase('third') }, models: MODELS, workers: 1, mainThread: 'forbid' });
    makeMigrations({ migrations: directory });
    const captured = await captureQueries(() => amigrate({ migrations: directory, database: 'other' }));
    expect(new Set(captured.map(poolOf))).toEqual(new Set(['other']));
    await acreateSchema({ using: 'third' });
    await Person.aobjects.using('other').create({ name: 'migrated' });
    await Person.aobjects.using('third').create({ name: 'created' });
    expect(await Person.aobjects.using('other').valuesList('name', { flat: true })).toEqual(['migrated']);
    expect(await Person.aobjects.using('third').valuesList('name', { flat: true })).toEqual(['created']);
    // Nothing was made on default.
    await expect(Person.aobjects.count()).rejects.toThrow(/person/);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
