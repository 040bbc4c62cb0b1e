/**
 * Port of the cases of Django's tests/queries/tests.py about ordering through relations, empty sets, slices
 * and comparisons of integers with fractions, on the models of testapp/semantics.ts.
 */
import { captureQueries, FieldError, Q } from '../../../src';
import { ExtraInfo, LoopX, LoopZ, NumberRow, OrdArticle, QAuthor, Report } from '../../semantics';
import { emptyTables } from './setup';
import { useSemanticsDatabase } from './semantics-setup';

useSemanticsDatabase();

const names = (rows: Iterable<{ name: string }>) => [...rows].map((row) => row.name);

describe('queries.tests.Queries1Tests', () => {
  let e1: ExtraInfo, e2: ExtraInfo;
  beforeAll(() => {
    emptyTables();
    // Created out of order, so that ordering by id differs from ordering by info.
    e2 = ExtraInfo.objects.create({ info: 'e2', value: 41 });
    e1 = ExtraInfo.objects.create({ info: 'e1', value: 42 });
    const a1 = QAuthor.objects.create({ name: 'a1', num: 1001, extra: e1 });
    QAuthor.objects.create({ name: 'a2', num: 2002, extra: e1 });
    const a3 = QAuthor.objects.create({ name: 'a3', num: 3003, extra: e2 });
    QAuthor.objects.create({ name: 'a4', num: 4004, extra: e2 });
    Report.objects.create({ name: 'r1', creator: a1 });
    Report.objects.create({ name: 'r2', creator: a3 });
    Report.objects.create({ name: 'r3' });
  });

  test('queries.tests.Queries1Tests.test_tickets_2076_7256', () => {
    // Ordering on a related field uses the remote model's default ordering (ExtraInfo: info) as a final step.
    expect(names(QAuthor.objects.orderBy('extra', '-name'))).toEqual(['a2', 'a1', 'a4', 'a3']);
    // Descending flips the remote ordering too.
    expect(names(QAuthor.objects.orderBy('-extra', 'name'))).toEqual(['a3', 'a4', 'a1', 'a2']);
    // Through two relations: Report -> QAuthor (ordering: name).
    expect(names(Report.objects.filter({ creator__isnull: false }).orderBy('-creator'))).toEqual(['r2', 'r1']);
  });

  test('queries.tests.Queries1Tests.test_ticket7181', () => {
    const all = ['e1', 'e2'];
    const infos = (rows: Iterable<ExtraInfo>) => [...rows].map((row) => row.info);
    expect(infos(ExtraInfo.objects.none().or(ExtraInfo.objects.all()))).toEqual(all);
    expect(infos(ExtraInfo.objects.all().or(ExtraInfo.objects.none()))).toEqual(all);
    expect(infos(ExtraInfo.objects.none().and(ExtraInfo.objects.all()))).toEqual([]);
    expect(infos(ExtraInfo.objects.all().and(ExtraInfo.objects.none()))).toEqual([]);
    // The other side keeps its own conditions.
    expect(infos(ExtraInfo.objects.none().or(ExtraInfo.objects.filter({ value: 41 })))).toEqual(['e2']);
  });

  test('queries.tests.Queries1Tests.test_tickets_1878_2939 (distinct over values ordered by an unselected column)', () => {
    expect(QAuthor.objects.values('extra').distinct().count()).toBe(2);
    // Django selects the ordering column too, so the rows stay apart: one per author, in num order.
    const rows = QAuthor.objects.orderBy('num').values('extra').distinct().eval();
    expect(rows).toEqual([{ extra: e1.pk }, { extra: e1.pk }, { extra: e2.pk }, { extra: e2.pk }]);
    expect(QAuthor.objects.orderBy('num').valuesList('extra', { flat: true }).distinct().eval()).toEqual([e1.pk, e1.pk, e2.pk, e2.pk]);
    // Ordering by a selected column adds nothing.
    expect(QAuthor.objects.orderBy('extra').values('extra').distinct().eval()).toHaveLength(2);
    // Counting ignores the ordering.
    expect(QAuthor.objects.orderBy('num').values('extra').distinct().count()).toBe(2);
  });
});

describe('queries.tests.Queries1Tests (values() subqueries)', () => {
  test('queries.tests.Queries1Tests.test_ticket9997', () => {
    const e1Authors = QAuthor.objects.filter({ extra__info: 'e1' });
    expect(names(QAuthor.objects.filter({ name__in: e1Authors.values('name') }))).toEqual(['a1', 'a2']);
    expect(() => QAuthor.objects.filter({ name__in: e1Authors.values('name', 'id') })).toThrow(TypeError);
    expect(() => QAuthor.objects.filter({ name__in: e1Authors.values('name', 'id') })).toThrow(/cannot use multi-field values as a filter value/);
    expect(() => QAuthor.objects.filter({ name__in: e1Authors.valuesList('name', 'id') })).toThrow(/multi-field values/);
  });
});

describe('queries.tests.OrderingLoopTests', () => {
  test('queries.tests.OrderingLoopTests.test_infinite_loop', () => {
    expect(() => LoopX.objects.all().eval()).toThrow(FieldError);
    expect(() => LoopX.objects.all().eval()).toThrow(/infinite loop caused by ordering/);
    expect(() => LoopZ.objects.all().eval()).toThrow(/infinite loop caused by ordering/);
    // An explicit path through the same relations is no loop.
    expect(LoopX.objects.all().orderBy('y__x__y__x__id').eval()).toEqual([]);
  });
});

describe('queries.tests.Queries2Tests', () => {
  beforeAll(() => {
    emptyTables();
    for (const num of [4, 8, 12]) NumberRow.objects.create({ num });
  });
  const nums = (rows: Iterable<NumberRow>) => [...rows].map((row) => row.num).sort((a, b) => a - b);

  test('queries.tests.Queries2Tests.test_ticket12239', () => {
    expect(nums(NumberRow.objects.filter({ num__gt: 11.9 }))).toEqual([12]);
    expect(nums(NumberRow.objects.filter({ num__gt: 12 }))).toEqual([]);
    expect(nums(NumberRow.objects.filter({ num__gt: 12.0 }))).toEqual([]);
    expect(nums(NumberRow.objects.filter({ num__gt: 12.1 }))).toEqual([]);
    expect(nums(NumberRow.objects.filter({ num__lt: 12 }))).toEqual([4, 8]);
    expect(nums(NumberRow.objects.filter({ num__lt: 12.0 }))).toEqual([4, 8]);
    expect(nums(NumberRow.objects.filter({ num__lt: 12.1 }))).toEqual([4, 8, 12]);
    expect(nums(NumberRow.objects.filter({ num__gte: 11.9 }))).toEqual([12]);
    expect(nums(NumberRow.objects.filter({ num__gte: 12 }))).toEqual([12]);
    expect(nums(NumberRow.objects.filter({ num__gte: 12.0 }))).toEqual([12]);
    expect(nums(NumberRow.objects.filter({ num__gte: 12.1 }))).toEqual([]);
    expect(nums(NumberRow.objects.filter({ num__gte: 12.9 }))).toEqual([]);
    expect(nums(NumberRow.objects.filter({ num__lte: 11.9 }))).toEqual([4, 8]);
    expect(nums(NumberRow.objects.filter({ num__lte: 12 }))).toEqual([4, 8, 12]);
    expect(nums(NumberRow.objects.filter({ num__lte: 12.0 }))).toEqual([4, 8, 12]);
    expect(nums(NumberRow.objects.filter({ num__lte: 12.1 }))).toEqual([4, 8, 12]);
    expect(nums(NumberRow.objects.filter({ num__lte: 12.9 }))).toEqual([4, 8, 12]);
  });
});

describe('queries.tests.WeirdQuerysetSlicingTests', () => {
  beforeAll(() => {
    emptyTables();
    NumberRow.objects.create({ num: 1 });
    NumberRow.objects.create({ num: 2 });
  });

  test('queries.tests.WeirdQuerysetSlicingTests.test_tickets_7698_10202', () => {
    expect(NumberRow.objects.all().slice(0, 0).eval()).toEqual([]);
    expect(NumberRow.objects.all().slice(0, 0).slice(0, 10).eval()).toEqual([]);
    expect(NumberRow.objects.all().slice(0, 0).count()).toBe(0);
    expect(() => NumberRow.objects.all().slice(0, 0).latest('num')).toThrow(/once a slice has been taken/);
  });

  test('queries.tests.WeirdQuerysetSlicingTests.test_empty_resultset_sql', () => {
    expect(captureQueries(() => NumberRow.objects.all().slice(1, 1).eval())).toHaveLength(0);
    expect(captureQueries(() => NumberRow.objects.all().slice(42, 42).eval())).toHaveLength(0);
  });

  test('queries.tests.WeirdQuerysetSlicingTests.test_empty_sliced_subquery', () => {
    expect(NumberRow.objects.filter({ pk__in: NumberRow.objects.all().slice(0, 0) }).count()).toBe(0);
  });
});

describe('queries.tests.Queries1Tests (dates)', () => {
  beforeAll(() => {
    emptyTables();
    // Item.created of Queries1Tests: time1 .. time4.
    for (const [headline, created] of [
      ['one', Date.UTC(2007, 11, 19, 22, 25)],
      ['two', Date.UTC(2007, 11, 19, 21, 0)],
      ['three', Date.UTC(2007, 11, 20, 22, 25)],
      ['four', Date.UTC(2007, 11, 20, 21, 0)],
    ] as const) {
      OrdArticle.objects.create({ headline, pubDate: new Date(created) });
    }
  });

  test('queries.tests.Queries1Tests.test_tickets_6180_6203', () => {
    expect(OrdArticle.objects.count()).toBe(4);
    expect(OrdArticle.objects.datetimes('pubDate', 'month').count()).toBe(1);
    expect(OrdArticle.objects.datetimes('pubDate', 'day').count()).toBe(2);
    expect(OrdArticle.objects.datetimes('pubDate', 'day').eval()).toHaveLength(2);
    expect(OrdArticle.objects.datetimes('pubDate', 'day').at(0)).toEqual(new Date(Date.UTC(2007, 11, 19)));
    expect(OrdArticle.objects.datetimes('pubDate', 'hour', 'DESC').eval()).toEqual(
      [Date.UTC(2007, 11, 20, 22), Date.UTC(2007, 11, 20, 21), Date.UTC(2007, 11, 19, 22), Date.UTC(2007, 11, 19, 21)].map((time) => new Date(time)),
    );
    expect(OrdArticle.objects.dates('pubDate', 'week').eval()).toEqual(['2007-12-17']);
  });

  test('queries.tests.Queries3Tests.test_ticket8683', () => {
    expect(() => OrdArticle.objects.dates('headline' as never, 'day')).toThrow(/'headline' is not a DateField or DateTimeField/);
    expect(() => OrdArticle.objects.dates('pubDate', 'hour' as never)).toThrow(/'kind' must be one of/);
    expect(() => OrdArticle.objects.dates('pubDate', 'day', 'UP' as never)).toThrow(/'order' must be either 'ASC' or 'DESC'/);
  });
});

describe('queries.tests: join reuse when querysets are combined', () => {
  let a1: QAuthor, a3: QAuthor;
  beforeAll(() => {
    emptyTables();
    const e1 = ExtraInfo.objects.create({ info: 'e1', value: 42 });
    const e2 = ExtraInfo.objects.create({ info: 'e2', value: 41 });
    a1 = QAuthor.objects.create({ name: 'a1', num: 1001, extra: e1 });
    QAuthor.objects.create({ name: 'a2', num: 2002, extra: e1 });
    a3 = QAuthor.objects.create({ name: 'a3', num: 3003, extra: e2 });
    QAuthor.objects.create({ name: 'a4', num: 4004, extra: e2 });
    Report.objects.create({ name: 'r1', creator: a1 });
    Report.objects.create({ name: 'r2', creator: a3 });
    Report.objects.create({ name: 'r3' });
    // test_combine_join_reuse's own row.
    Report.objects.create({ name: 'r4', creator: a1 });
  });
  const joinCount = (sql: string) => sql.split('JOIN').length - 1;

  test('queries.tests.Queries1Tests.test_combine_join_reuse', () => {
    const q1 = QAuthor.objects.filter({ report__name: 'r5' });
    const q2 = QAuthor.objects.filter({ report__name: 'r4' }).filter({ report__name: 'r1' });
    const combined = q1.or(q2);
    // q1's join stands for q2's first one; q2's second filter() keeps a join of its own.
    expect(joinCount(combined.query.toString())).toBe(2);
    expect(names(combined)).toEqual(['a1']);
  });

  test('queries.tests.Queries1Tests.test_combine_or_filter_reuse', () => {
    const combined = QAuthor.objects.filter({ name: 'a1' }).or(QAuthor.objects.filter({ name: 'a3' }));
    expect(combined.get({ name: 'a1' }).pk).toBe(a1.pk);
  });

  test('an OR whose sides each join the reverse relation once shares that join, as one filter() would', () => {
    const combined = QAuthor.objects.filter({ report__name: 'r1' }).or(QAuthor.objects.filter({ report__name: 'r4' }));
    expect(joinCount(combined.query.toString())).toBe(1);
    // a1 has both reports: with one join each of its rows is tested against both sides, so a1 comes back
    // once per matching report, as in Django (and as filter(Q(report__name: 'r1').or(Q(report__name: 'r4')))).
    expect(names(combined)).toEqual(['a1', 'a1']);
    expect(combined.query.toString()).toBe(
      QAuthor.objects.filter(Q({ report__name: 'r1' }).or(Q({ report__name: 'r4' }))).query.toString(),
    );
  });

  test('AND of two querysets over a to-many relation joins it twice: two reports may match', () => {
    const combined = QAuthor.objects.filter({ report__name: 'r1' }).and(QAuthor.objects.filter({ report__name: 'r4' }));
    expect(joinCount(combined.query.toString())).toBe(2);
    expect(names(combined)).toEqual(['a1']);
    // The same as two filter() calls.
    expect(names(QAuthor.objects.filter({ report__name: 'r1' }).filter({ report__name: 'r4' }))).toEqual(['a1']);
  });

  test('a join only one side of an OR needs becomes a LEFT join', () => {
    // Report.creator is nullable; ExtraInfo through a non-null key is an INNER join on its own.
    const onlyLeft = QAuthor.objects.filter({ extra__info: 'e1' }).or(QAuthor.objects.filter({ name: 'a3' }));
    expect(onlyLeft.query.toString()).toMatch(/LEFT OUTER JOIN/);
    expect(names(onlyLeft)).toEqual(['a1', 'a2', 'a3']);
    const bothSides = QAuthor.objects.filter({ extra__info: 'e1' }).or(QAuthor.objects.filter({ extra__value: 41 }));
    expect(bothSides.query.toString()).toMatch(/INNER JOIN/);
    expect(names(bothSides)).toEqual(['a1', 'a2', 'a3', 'a4']);
    // Django's test_ticket7204-style mix: the right side's own conditions keep their meaning.
    expect(names(Report.objects.filter({ creator__extra__info: 'e1' }).or(Report.objects.filter({ creator__isnull: true }))).sort()).toEqual(['r1', 'r3', 'r4']);
  });

  test('queries.tests.Queries1Tests: a unique query combines only with a unique one (Django: TypeError)', () => {
    expect(() => QAuthor.objects.distinct().or(QAuthor.objects.all())).toThrow('cannot combine a unique query with a non-unique query');
    expect(() => QAuthor.objects.all().and(QAuthor.objects.distinct())).toThrow(TypeError);
    expect(names(QAuthor.objects.distinct().filter({ report__name: 'r1' }).or(QAuthor.objects.distinct().filter({ report__name: 'r4' })))).toEqual(['a1']);
    // An empty side takes the other as it is.
    expect(names(QAuthor.objects.none().or(QAuthor.objects.filter({ report__isnull: false }).distinct()))).toEqual(['a1', 'a3']);
  });

  test('the right side of an OR may carry a subquery and an exclude()', () => {
    const combined = QAuthor.objects
      .filter({ report__name: 'r2' })
      .or(QAuthor.objects.exclude({ report__name__in: ['r1', 'r2'] }).filter({ extra__in: ExtraInfo.objects.filter({ info: 'e1' }) }));
    expect(names(combined).sort()).toEqual(['a2', 'a3']);
  });
});

describe('queries.tests: the ordering of combined querysets', () => {
  beforeAll(() => {
    emptyTables();
    for (const [value, info] of [[1, 'b'], [2, 'a'], [3, 'c']] as const) ExtraInfo.objects.create({ info, value });
  });
  const infos = (rows: Iterable<ExtraInfo>) => [...rows].map((row) => row.info);

  test("the right side's ordering wins, unless it has none (Django's Query.combine)", () => {
    const byValue = ExtraInfo.objects.filter({ value__lt: 3 }).orderBy('-value');
    expect(infos(byValue.or(ExtraInfo.objects.filter({ value: 3 }).orderBy('value')))).toEqual(['b', 'a', 'c']);
    expect(infos(byValue.or(ExtraInfo.objects.filter({ value: 3 })))).toEqual(['c', 'a', 'b']);
    expect(infos(ExtraInfo.objects.filter({ value: 3 }).or(byValue))).toEqual(['c', 'a', 'b']);
    // Default ordering (ExtraInfo: info) on both sides.
    expect(infos(ExtraInfo.objects.filter({ value: 3 }).or(ExtraInfo.objects.filter({ value: 1 })))).toEqual(['b', 'c']);
  });
});
