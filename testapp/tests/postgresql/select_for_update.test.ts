/**
 * selectForUpdate() on PostgreSQL: the locking clause, Django's rules for its options, and real locks held by
 * one connection against another (NOWAIT failing at once, SKIP LOCKED leaving the row out, a plain lock
 * waiting until the other transaction commits). Ported from Django's select_for_update.tests.SelectForUpdateTests
 * where the cases fit; each names its source test.
 */
import {
  aatomic,
  atomic,
  captureQueries,
  close,
  configure,
  createSchema,
  DatabaseError,
  FieldError,
  OperationalError,
  TransactionManagementError,
} from '../../../src';
import { connectSync, type SyncPgConnection } from '../../../src/db/backends/postgresql/driver';
import { Box, Pizza, Price } from '../../models';
import { MODEL_MODULES } from '../core/helpers';
import { dropTestDatabase, onPostgresql, testDatabase } from '../test-database';

const describePg = onPostgresql ? describe : describe.skip;

describePg('selectForUpdate() on PostgreSQL', () => {
  let url: string;
  /** A second connection of its own, as another process would hold it. */
  let other: SyncPgConnection;
  let small: Box;
  let first: Pizza;
  let second: Pizza;

  beforeAll(() => {
    url = testDatabase();
    configure({ database: url, models: MODEL_MODULES, workers: 1 });
    createSchema();
    other = connectSync(url);
  });

  afterAll(async () => {
    other.close();
    await close();
    dropTestDatabase();
  });

  beforeEach(() => {
    Pizza.objects.all().delete();
    Price.objects.all().delete();
    Box.objects.all().delete();
    small = Box.objects.create({ name: 'small' });
    first = Pizza.objects.create({ name: 'first', box: small, price: Price.objects.create({ amount: '9.50' }) });
    second = Pizza.objects.create({ name: 'second', price: Price.objects.create({ amount: '7.00' }) });
  });

  afterEach(() => {
    if (other.inTransaction) other.exec('ROLLBACK');
  });

  const pizzas = () => `"${Pizza._meta.dbTable}"`;
  const prices = () => `"${Price._meta.dbTable}"`;
  const boxes = () => `"${Box._meta.dbTable}"`;

  /** The other connection opens a transaction and locks `pizza`'s row. */
  const lockElsewhere = (pizza: Pizza) => {
    other.exec('BEGIN');
    other.query(`SELECT id FROM ${pizzas()} WHERE id = $1 FOR UPDATE`, [pizza.pk]);
  };

  const lockingSql = (run: () => unknown): string[] => {
    const captured = atomic(() => captureQueries(run));
    return captured.map((query) => query.sql).filter((sql) => sql.startsWith('SELECT'));
  };

  test('select_for_update.tests.SelectForUpdateTests.test_for_update_sql_generated', () => {
    const [sql] = lockingSql(() => Pizza.objects.filter({ name: 'first' }).selectForUpdate().eval());
    expect(sql).toMatch(/ FOR UPDATE$/);
  });

  test('select_for_update.tests.SelectForUpdateTests.test_for_update_sql_generated_nowait, _skip_locked and no_key', () => {
    expect(lockingSql(() => Pizza.objects.selectForUpdate({ nowait: true }).eval())[0]).toMatch(/ FOR UPDATE NOWAIT$/);
    expect(lockingSql(() => Pizza.objects.selectForUpdate({ skipLocked: true }).eval())[0]).toMatch(/ FOR UPDATE SKIP LOCKED$/);
    expect(lockingSql(() => Pizza.objects.selectForUpdate({ noKey: true }).eval())[0]).toMatch(/ FOR NO KEY UPDATE$/);
  });

  test('select_for_update.tests.SelectForUpdateTests.test_for_update_sql_generated_of: of names the joined tables', () => {
    const [sql] = lockingSql(() => Pizza.objects.selectRelated('box', 'price').selectForUpdate({ of: ['self', 'price'] }).eval());
    const aliases = /FOR UPDATE OF (\w+), (\w+)$/.exec(sql!);
    expect(aliases).not.toBeNull();
    // The aliases are the pizza's own table and the price's join, not the box's.
    expect(sql).toContain(`FROM ${pizzas()} AS ${aliases![1]}`);
    expect(sql).toContain(`${prices()} AS ${aliases![2]}`);
    expect(sql).not.toContain(`${boxes()} AS ${aliases![2]}`);
  });

  test('the locked rows come back as instances, with their selectRelated objects', () => {
    const pizzas = atomic(() => Pizza.objects.selectRelated('box').selectForUpdate({ of: ['self'] }).eval());
    expect(pizzas.map((pizza) => [pizza.name, pizza.box?.name ?? null])).toEqual([['first', 'small'], ['second', null]]);
  });

  test('select_for_update.tests.SelectForUpdateTests.test_for_update_requires_transaction', () => {
    expect(() => Pizza.objects.selectForUpdate().eval()).toThrow(TransactionManagementError);
    expect(() => Pizza.objects.selectForUpdate().get({ pk: first.pk })).toThrow(/cannot be used outside of a transaction/);
    expect(() => [...Pizza.objects.selectForUpdate().iterator()]).toThrow(TransactionManagementError);
  });

  test('select_for_update.tests.SelectForUpdateTests.test_for_update_requires_transaction_only_in_execution', () => {
    // Building the queryset outside a transaction is fine; running it there is not.
    const locking = Pizza.objects.selectForUpdate();
    expect(() => locking.eval()).toThrow(TransactionManagementError);
    expect(atomic(() => locking.eval()).map((pizza) => pizza.name)).toEqual(['first', 'second']);
  });

  test('select_for_update.tests.SelectForUpdateTests.test_nowait_and_skip_locked', () => {
    expect(() => Pizza.objects.selectForUpdate({ nowait: true, skipLocked: true })).toThrow(/nowait option cannot be used with skipLocked/);
    // @ts-expect-error misuse on purpose: the run-time check is under test
    expect(() => Pizza.objects.selectForUpdate({ wait: false })).toThrow(/unknown option 'wait'/);
    // @ts-expect-error misuse on purpose: the run-time check is under test
    expect(() => Pizza.objects.selectForUpdate({ nowait: 'yes' })).toThrow(/nowait must be true or false/);
  });

  test('select_for_update.tests.SelectForUpdateTests.test_unrelated_of_argument_raises_error', () => {
    const run = () => atomic(() => Pizza.objects.selectRelated('box').selectForUpdate({ of: ['self', 'name' as 'box'] }).eval());
    expect(run).toThrow(FieldError);
    expect(run).toThrow("invalid name(s) in of: 'name'. Only 'self', parent links and relations followed with selectRelated() are allowed. Choices are: self, box.");
  });

  test('select_for_update.tests.SelectForUpdateTests.test_related_but_unselected_of_argument_raises_error', () => {
    const run = () => atomic(() => Pizza.objects.selectRelated('box').selectForUpdate({ of: ['price'] }).eval());
    expect(run).toThrow(/invalid name\(s\) in of: 'price'.*Choices are: self, box\./);
  });

  test('select_for_update.tests.SelectForUpdateTests.test_nowait_raises_error_on_block', () => {
    lockElsewhere(first);
    let caught: unknown;
    try {
      atomic(() => Pizza.objects.filter({ pk: first.pk }).selectForUpdate({ nowait: true }).eval());
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(OperationalError);
    expect(caught).toBeInstanceOf(DatabaseError);
    expect((caught as Error).message).toMatch(/could not obtain lock/);
  });

  test('select_for_update.tests.SelectForUpdateTests.test_skip_locked_skips_locked_rows', () => {
    lockElsewhere(first);
    const unlocked = atomic(() => Pizza.objects.selectForUpdate({ skipLocked: true }).eval());
    expect(unlocked.map((pizza) => pizza.pk)).toEqual([second.pk]);
    // Without the lock held elsewhere, both rows are there.
    other.exec('ROLLBACK');
    expect(atomic(() => Pizza.objects.selectForUpdate({ skipLocked: true }).count())).toBe(2);
  });

  test('select_for_update.tests.SelectForUpdateTests.test_for_update_of_self_when_self_is_not_selected (values)', () => {
    lockElsewhere(second);
    const names = atomic(() => Pizza.objects.selectForUpdate({ of: ['self'], skipLocked: true }).valuesList('name', { flat: true }).eval());
    expect(names).toEqual(['first']);
  });

  test('select_for_update.tests.SelectForUpdateTests.test_select_for_update_with_limit: a sliced query locks its rows', () => {
    lockElsewhere(first);
    const [row] = atomic(() => Pizza.objects.orderBy('pk').selectForUpdate({ skipLocked: true }).slice(0, 1).eval());
    expect(row!.pk).toBe(second.pk);
    expect(atomic(() => Pizza.objects.orderBy('pk').selectForUpdate({ skipLocked: true }).first())!.pk).toBe(second.pk);
    expect(atomic(() => Pizza.objects.filter({ pk: first.pk }).selectForUpdate({ skipLocked: true }).exists())).toBe(false);
  });

  test('select_for_update.tests.SelectForUpdateTests.test_block: a lock waits until the other transaction commits', async () => {
    // The other connection changes the row (which locks it) and keeps its transaction open.
    other.exec('BEGIN');
    other.query(`UPDATE ${pizzas()} SET name = $1 WHERE id = $2`, ['changed elsewhere', first.pk]);
    const locked = aatomic(async () => (await Pizza.aobjects.filter({ pk: first.pk }).selectForUpdate().get()).name);
    // The pool's writer is now waiting for the row: PostgreSQL reports a backend blocked by this one (pg_locks is
    // read afresh each time, where pg_stat_activity would be the snapshot of the open transaction).
    const waiting = () =>
      Number(other.query('SELECT count(*) FROM pg_locks WHERE NOT granted AND $1 = ANY(pg_blocking_pids(pid))', [other.backendPid]).rows[0]![0]);
    while (waiting() === 0) await new Promise((resolve) => setImmediate(resolve));
    other.exec('COMMIT');
    // The locking read saw the committed change: it waited for the lock instead of reading the old row.
    expect(await locked).toBe('changed elsewhere');
  });

  test('aobjects.selectForUpdate() runs on the pinned writer inside aatomic, and is refused outside it', async () => {
    lockElsewhere(first);
    const names = await aatomic(async () => (await Pizza.aobjects.selectForUpdate({ skipLocked: true })).map((pizza) => pizza.name));
    expect(names).toEqual(['second']);
    await expect(Pizza.aobjects.selectForUpdate().eval()).rejects.toBeInstanceOf(TransactionManagementError);
  });

  test('the lock lasts until the transaction ends', () => {
    atomic(() => {
      Pizza.objects.filter({ pk: first.pk }).selectForUpdate().eval();
      other.exec('BEGIN');
      const seen = other.query(`SELECT id FROM ${pizzas()} ORDER BY id FOR UPDATE SKIP LOCKED`).rows.map(([id]) => id);
      expect(seen).toEqual([second.pk]);
      other.exec('ROLLBACK');
    });
    other.exec('BEGIN');
    expect(other.query(`SELECT id FROM ${pizzas()} ORDER BY id FOR UPDATE SKIP LOCKED`).rows.map(([id]) => id)).toEqual([first.pk, second.pk]);
  });
});
