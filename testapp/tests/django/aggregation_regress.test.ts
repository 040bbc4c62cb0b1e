/** Port of cases of Django's tests/aggregation_regress/tests.py (AggregationTests) about HAVING and grouping. */
import { Avg, Count, F, Max, Q, Sum } from '../../../src';
import { AggAuthor, AggBook, Publisher } from '../../semantics';
import { createAggregationFixture, type AggregationFixture } from './aggregation-fixture';
import { emptyTables } from './setup';
import { useSemanticsDatabase } from './semantics-setup';

useSemanticsDatabase();
let fixture: AggregationFixture;
beforeAll(() => {
  emptyTables();
  fixture = createAggregationFixture();
});

describe('aggregation_regress.tests.AggregationTests', () => {
  test('aggregation_regress.tests.AggregationTests.test_aggregate_fexpr', () => {
    const counted = () => Publisher.objects.annotate({ numBooks: Count('books') });
    const shape = ['name', 'numBooks', 'numAwards'];
    // An F() against an aggregate goes to HAVING ...
    expect(counted().filter({ numBooks__lt: F('numAwards').div(2) }).orderBy('name').values(...shape).eval()).toEqual([
      { name: 'Morgan Kaufmann', numBooks: 1, numAwards: 9 },
      { name: 'Prentice Hall', numBooks: 2, numAwards: 7 },
    ]);
    expect(counted().exclude({ numBooks__lt: F('numAwards').div(2) }).orderBy('name').values(...shape).eval()).toEqual([
      { name: 'Apress', numBooks: 2, numAwards: 3 },
      { name: "Jonno's House of Books", numBooks: 0, numAwards: 0 },
      { name: 'Sams', numBooks: 1, numAwards: 1 },
    ]);
    // ... and so does a plain field compared with an F() of an aggregate.
    expect(counted().filter({ numAwards__gt: F('numBooks').mul(2) }).orderBy('name').values(...shape).eval()).toEqual([
      { name: 'Morgan Kaufmann', numBooks: 1, numAwards: 9 },
      { name: 'Prentice Hall', numBooks: 2, numAwards: 7 },
    ]);
  });

  test('aggregation_regress.tests.AggregationTests.test_more_more_more (count() of grouped querysets)', () => {
    expect(AggBook.objects.values('publisher').annotate({ publisherCount: Count('publisher') }).count()).toBe(4);
    expect(AggBook.objects.annotate({ publisherCount: Count('publisher') }).values('publisher').count()).toBe(6);
    const publishers = Publisher.objects.filter({ id__in: [fixture.publishers[0]!.pk, fixture.publishers[1]!.pk] }).annotate({ nBooks: Count('books') });
    expect([...publishers].sort((a, b) => a.name.localeCompare(b.name)).map((p) => (p as unknown as { nBooks: number }).nBooks)).toEqual([2, 1]);
  });

  test('aggregation_regress.tests.AggregationTests.test_values_queryset_non_conflict', () => {
    // age is a field of AggAuthor, but not one of the values() names, so the annotation may take the name.
    const results = AggAuthor.objects.values('name').annotate({ age: Count('bookContactSet') }).orderBy('name').eval();
    expect(results).toHaveLength(9);
    expect(results[0]).toEqual({ name: 'Adrian Holovaty', age: 1 });
    const averaged = AggAuthor.objects.values('name').annotate({ age: Avg('friends__age') }).orderBy('name').eval();
    expect(averaged).toHaveLength(9);
    expect(averaged[0]).toEqual({ name: 'Adrian Holovaty', age: 32.0 });
    const counted = AggAuthor.objects.values('name').annotate({ friends: Count('friends') }).orderBy('name').eval();
    expect(counted[0]).toEqual({ name: 'Adrian Holovaty', friends: 2 });
  });

  test('aggregation_regress.tests.AggregationTests.test_more (aggregates composed over annotations)', () => {
    const counted = () => AggBook.objects.annotate({ numAuthors: Count('authors__id') });
    const composed = counted().aggregate({ maxPages: Max('pages'), sumAuthors: Sum('numAuthors'), avgAuthors: Avg('numAuthors') });
    expect(composed.maxPages).toBe(1132);
    expect(composed.sumAuthors).toBe(10);
    expect(composed.avgAuthors).toBeCloseTo(1.667, 2);
    // Through values(): the aggregate still runs over one row per book.
    expect(counted().values('numAuthors').aggregate({ maxAuthors: Max('numAuthors') })).toEqual({ maxAuthors: 3 });
    expect(counted().values('numAuthors').aggregate({ sumAuthors: Sum('numAuthors') })).toEqual({ sumAuthors: 10 });
  });

  test('aggregation_regress.tests.AggregationTests.test_ticket_11293', () => {
    // An aggregate condition inside an OR: the whole disjunction goes to HAVING.
    const query = AggBook.objects.annotate({ authorsCount: Count('authors') }).filter(Q({ price__gt: 50 }).or(Q({ authorsCount__gt: 1 }))).orderBy('pk');
    const [b1, , , b4, b5, b6] = fixture.books;
    expect([...query].map((book) => book.pk)).toEqual([b1!.pk, b4!.pk, b5!.pk, b6!.pk]);
  });

  test('aggregation_regress.tests.AggregationTests.test_more_more_more (annotations work with dates())', () => {
    const qs = AggBook.objects.annotate({ numAuthors: Count('authors') }).filter({ numAuthors: 2 }).dates('pubdate', 'day');
    expect(qs.eval()).toEqual(['1995-01-15', '2007-12-06']);
  });

  test('aggregation_regress.tests.AggregationTests.test_more_more_more (dates() through the async API)', async () => {
    expect(await AggBook.aobjects.dates('pubdate', 'year', 'DESC')).toEqual(['2008-01-01', '2007-01-01', '1995-01-01', '1991-01-01']);
  });
});
