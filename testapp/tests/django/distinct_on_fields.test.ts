/**
 * Port of Django's tests/distinct_on_fields/tests.py on the models of testapp/distinct.ts. DISTINCT ON is
 * PostgreSQL's: on SQLite the same calls are refused with NotSupportedError.
 *
 * Not ported: the "join unreffing" part of test_basic_distinct_on (it checks that Django drops a join no
 * longer used, an optimisation of its SQL text).
 */
import { FieldError, Max, NotSupportedError } from '../../../src';
import { Celebrity, DStaff, DStaffTag, DTag, Fan } from '../../distinct';
import { onPostgresql } from '../test-database';
import { useParityDatabase } from './setup';

useParityDatabase({ models: [require.resolve('../../distinct')] });

const postgresqlTest: jest.It = onPostgresql ? test : test.skip;
const sqliteTest: jest.It = onPostgresql ? test.skip : test;
const names = (rows: Iterable<{ name: string }>) => [...rows].map((row) => row.name);

let p1o1: DStaff, p2o1: DStaff, p3o1: DStaff, p1o2: DStaff;
let fan1: Fan, fan2: Fan, fan3: Fan;
beforeAll(() => {
  const t1 = DTag.objects.create({ name: 't1' });
  DTag.objects.create({ name: 't2', parent: t1 });
  const t3 = DTag.objects.create({ name: 't3', parent: t1 });
  DTag.objects.create({ name: 't4', parent: t3 });
  DTag.objects.create({ name: 't5', parent: t3 });
  p1o1 = DStaff.objects.create({ id: 1, name: 'p1', organisation: 'o1' });
  p2o1 = DStaff.objects.create({ id: 2, name: 'p2', organisation: 'o1' });
  p3o1 = DStaff.objects.create({ id: 3, name: 'p3', organisation: 'o1' });
  p1o2 = DStaff.objects.create({ id: 4, name: 'p1', organisation: 'o2' });
  p1o1.coworkers.add(p2o1, p3o1);
  DStaffTag.objects.create({ staff: p1o1, tag: t1 });
  DStaffTag.objects.create({ staff: p1o1, tag: t1 });
  const celeb1 = Celebrity.objects.create({ name: 'c1' });
  const celeb2 = Celebrity.objects.create({ name: 'c2' });
  fan1 = Fan.objects.create({ fanOf: celeb1 });
  fan2 = Fan.objects.create({ fanOf: celeb1 });
  fan3 = Fan.objects.create({ fanOf: celeb2 });
});

describe('distinct_on_fields.tests.DistinctOnTests', () => {
  postgresqlTest('distinct_on_fields.tests.DistinctOnTests.test_basic_distinct_on', () => {
    const cases: Array<[{ eval(): unknown[]; count(): number }, unknown[]]> = [
      [DStaff.objects.distinct().orderBy('name'), ['p1', 'p1', 'p2', 'p3']],
      [DStaff.objects.distinct('name').orderBy('name'), ['p1', 'p2', 'p3']],
      [DStaff.objects.distinct('organisation').orderBy('organisation', 'name'), ['p1', 'p1']],
      [DStaff.objects.distinct('name', 'organisation').orderBy('name', 'organisation'), ['p1', 'p1', 'p2', 'p3']],
      [Celebrity.objects.filter({ fan__in: [fan1, fan2, fan3] }).distinct('name').orderBy('name'), ['c1', 'c2']],
      // Combining querysets.
      [
        Celebrity.objects
          .filter({ fan__in: [fan1, fan2] })
          .distinct('name')
          .orderBy('name')
          .or(Celebrity.objects.filter({ fan__in: [fan3] }).distinct('name').orderBy('name')),
        ['c1', 'c2'],
      ],
      [DTag.objects.orderBy('parent__pk', 'pk').distinct('parent'), ['t2', 't4', 't1']],
    ];
    for (const [queryset, expected] of cases) {
      expect(names(queryset.eval() as Array<{ name: string }>)).toEqual(expected);
      expect(queryset.count()).toBe(expected.length);
    }
    const staffTags = DStaffTag.objects.distinct('staff', 'tag');
    expect(staffTags.eval()).toHaveLength(1);
    expect(staffTags.count()).toBe(1);
    const byStaffName = DStaffTag.objects.selectRelated('staff').distinct('staff__name').orderBy('staff__name');
    expect(byStaffName.eval().map((row) => row.staff!.name)).toEqual(['p1']);
    expect(byStaffName.count()).toBe(1);
    // The alphabetically first coworker of each worker.
    const firstCoworker = DStaff.objects.distinct('id').orderBy('id', 'coworkers__name').valuesList('id', 'coworkers__name');
    expect(firstCoworker.eval()).toEqual([[1, 'p2'], [2, 'p1'], [3, 'p1'], [4, null]]);
    expect(firstCoworker.count()).toBe(4);

    const base = Celebrity.objects.all();
    expect(() => base.distinct('id').and(base.distinct('name'))).toThrow('cannot combine queries with different distinct fields');
  });

  postgresqlTest('distinct_on_fields.tests.DistinctOnTests.test_distinct_not_implemented_checks', () => {
    expect(() => Celebrity.objects.annotate({ m: Max('id') }).distinct('id').at(0)).toThrow(NotSupportedError);
    expect(() => Celebrity.objects.distinct('id').annotate({ m: Max('id') }).at(0)).toThrow(NotSupportedError);
    // Checked when the query runs, so a later distinct() without fields takes them away.
    expect(Celebrity.objects.distinct('id').annotate({ m: Max('id') }).distinct().at(0)).toBeTruthy();
    expect(() => Celebrity.objects.distinct('id').aggregate({ m: Max('id') })).toThrow(NotSupportedError);
  });

  postgresqlTest('distinct_on_fields.tests.DistinctOnTests.test_distinct_on_in_ordered_subquery', () => {
    let inner = DStaff.objects.distinct('name').orderBy('name', 'id');
    expect(DStaff.objects.filter({ pk__in: inner }).orderBy('name').eval().map((s) => s.pk)).toEqual([p1o1.pk, p2o1.pk, p3o1.pk]);
    inner = DStaff.objects.distinct('name').orderBy('name', '-id');
    expect(DStaff.objects.filter({ pk__in: inner }).orderBy('name').eval().map((s) => s.pk)).toEqual([p1o2.pk, p2o1.pk, p3o1.pk]);
  });

  postgresqlTest('distinct_on_fields.tests.DistinctOnTests.test_distinct_on_get_ordering_preserved', () => {
    const staff = DStaff.objects.distinct('name').orderBy('name', '-organisation').get({ name: 'p1' });
    expect(staff.organisation).toBe('o2');
  });

  postgresqlTest('an ordering that does not start with the distinct fields is refused, naming them', () => {
    expect(() => DStaff.objects.distinct('name').orderBy('organisation').eval()).toThrow(FieldError);
    expect(() => DStaff.objects.distinct('name').orderBy('organisation').eval()).toThrow(/distinct\('name'\): the ordering must start with the distinct fields/);
    // DTag's default ordering (name) applies too.
    expect(() => DTag.objects.distinct('parent').eval()).toThrow(/the default ordering of DTag \(name\) does not/);
    // No ordering at all is allowed: any row of each group.
    expect(DStaff.objects.distinct('name').orderBy().count()).toBe(3);
  });

  postgresqlTest('distinct(fields) through the pool', async () => {
    expect(names(await DStaff.aobjects.distinct('name').orderBy('name', '-organisation').eval())).toEqual(['p1', 'p2', 'p3']);
    expect((await DStaff.aobjects.distinct('name').orderBy('name', '-organisation').get({ name: 'p1' })).organisation).toBe('o2');
  });

  sqliteTest('distinct(fields) on SQLite is a NotSupportedError naming the call', () => {
    expect(() => DStaff.objects.distinct('name')).toThrow(NotSupportedError);
    expect(() => DStaff.objects.distinct('name')).toThrow('DStaff.objects.distinct(): DISTINCT ON fields is not supported by this database backend (sqlite).');
    // distinct() without fields is plain DISTINCT.
    expect(names(DStaff.objects.distinct().orderBy('name'))).toEqual(['p1', 'p1', 'p2', 'p3']);
  });

  test('distinct() names are checked when chained', () => {
    // @ts-expect-error: not a field of DStaff
    expect(() => DStaff.objects.distinct('nmae')).toThrow(onPostgresql ? FieldError : NotSupportedError);
    expect(() => DStaff.objects.orderBy('name').slice(0, 1).distinct('name')).toThrow(/once a slice has been taken/);
  });
});
