/** Port of Django's tests/ordering/tests.py (OrderingTests), on the models of testapp/semantics.ts. */
import { Count, F, Upper } from '../../../src';
import { OrdArticle, OrdAuthor, OrdReference } from '../../semantics';
import { emptyTables } from './setup';
import { useSemanticsDatabase } from './semantics-setup';

useSemanticsDatabase();

let a1: OrdArticle, a2: OrdArticle, a3: OrdArticle, a4: OrdArticle;
let author1: OrdAuthor, author2: OrdAuthor;

beforeEach(() => {
  emptyTables();
  a1 = OrdArticle.objects.create({ headline: 'Article 1', pubDate: new Date(2005, 6, 26) });
  a2 = OrdArticle.objects.create({ headline: 'Article 2', pubDate: new Date(2005, 6, 27) });
  a3 = OrdArticle.objects.create({ headline: 'Article 3', pubDate: new Date(2005, 6, 27) });
  a4 = OrdArticle.objects.create({ headline: 'Article 4', pubDate: new Date(2005, 6, 28) });
  author1 = OrdAuthor.objects.create({ name: 'Name 1' });
  author2 = OrdAuthor.objects.create({ name: 'Name 2' });
  OrdAuthor.objects.create({});
  OrdAuthor.objects.create({});
});

const headlines = (articles: Iterable<OrdArticle>) => [...articles].map((article) => article.headline);
const ids = (rows: Iterable<{ pk: unknown }>) => [...rows].map((row) => row.pk);

describe('ordering.tests.OrderingTests', () => {
  test('ordering.tests.OrderingTests.test_default_ordering', () => {
    expect(headlines(OrdArticle.objects.all())).toEqual(['Article 4', 'Article 2', 'Article 3', 'Article 1']);
    expect(OrdArticle.objects.all().at(0)!.pk).toBe(a4.pk);
  });

  test('ordering.tests.OrderingTests.test_default_ordering_override', () => {
    expect(headlines(OrdArticle.objects.orderBy('headline'))).toEqual(['Article 1', 'Article 2', 'Article 3', 'Article 4']);
    expect(headlines(OrdArticle.objects.orderBy('pubDate', '-headline'))).toEqual(['Article 1', 'Article 3', 'Article 2', 'Article 4']);
  });

  test('ordering.tests.OrderingTests.test_order_by_nulls_last', () => {
    OrdArticle.objects.filter({ headline: 'Article 3' }).update({ author: author1 });
    OrdArticle.objects.filter({ headline: 'Article 4' }).update({ author: author2 });
    const reversible = (queryset: ReturnType<typeof OrdArticle.objects.orderBy>, expected: OrdArticle[]) => {
      expect(ids(queryset)).toEqual(ids(expected));
      expect(ids(queryset.reverse())).toEqual(ids([...expected].reverse()));
    };
    reversible(OrdArticle.objects.orderBy(F('author').desc({ nullsLast: true }), 'headline'), [a4, a3, a1, a2]);
    reversible(OrdArticle.objects.orderBy(F('author').asc({ nullsLast: true }), 'headline'), [a3, a4, a1, a2]);
    reversible(OrdArticle.objects.orderBy(Upper('author__name').desc({ nullsLast: true }), 'headline'), [a4, a3, a1, a2]);
    reversible(OrdArticle.objects.orderBy(Upper('author__name').asc({ nullsLast: true }), 'headline'), [a3, a4, a1, a2]);
  });

  test('ordering.tests.OrderingTests.test_reversed_ordering', () => {
    expect(headlines(OrdArticle.objects.reverse().slice(0, 2))).toEqual(['Article 1', 'Article 3']);
  });

  test('ordering.tests.OrderingTests.test_reverse_meta_ordering_pure', () => {
    OrdArticle.objects.create({ headline: 'Article 5', pubDate: new Date(2005, 6, 30), author: author1, secondAuthor: author2 });
    OrdArticle.objects.create({ headline: 'Article 5', pubDate: new Date(2005, 6, 30), author: author2, secondAuthor: author1 });
    const names = (articles: Iterable<OrdArticle>) => [...articles].map((article) => article.author!.name);
    expect(names(OrdArticle.objects.filter({ headline: 'Article 5' }).reverse())).toEqual(['Name 2', 'Name 1']);
    expect(names(OrdArticle.objects.filter({ headline: 'Article 5' }))).toEqual(['Name 1', 'Name 2']);
  });

  test('ordering.tests.OrderingTests.test_order_by_pk', () => {
    expect(ids(OrdAuthor.objects.all())).toEqual(ids(OrdAuthor.objects.orderBy('-pk')));
  });

  test('ordering.tests.OrderingTests.test_order_by_fk_attname', () => {
    const authors = [...OrdAuthor.objects.orderBy('id')];
    authors.forEach((author, i) => {
      const article = [a4, a3, a2, a1][i]!;
      article.author = author;
      article.save({ updateFields: ['author'] });
    });
    // By the column: the author's ids ascending, not the author's own ordering (-pk).
    expect(headlines(OrdArticle.objects.orderBy('authorId'))).toEqual(['Article 4', 'Article 3', 'Article 2', 'Article 1']);
    // By the relation: the author's ordering, -pk.
    expect(headlines(OrdArticle.objects.orderBy('author'))).toEqual(['Article 1', 'Article 2', 'Article 3', 'Article 4']);
  });

  test('ordering.tests.OrderingTests.test_order_by_self_referential_fk', () => {
    a1.author = OrdAuthor.objects.create({ editor: author1 });
    a1.save();
    a2.author = OrdAuthor.objects.create({ editor: author2 });
    a2.save();
    expect(headlines(OrdArticle.objects.filter({ author__isnull: false }).orderBy('author__editor'))).toEqual(['Article 2', 'Article 1']);
    expect(headlines(OrdArticle.objects.filter({ author__isnull: false }).orderBy('author__editorId'))).toEqual(['Article 1', 'Article 2']);
  });

  test('ordering.tests.OrderingTests.test_related_ordering_duplicate_table_reference', () => {
    const first = OrdAuthor.objects.create({});
    const second = OrdAuthor.objects.create({});
    a1.author = first;
    a1.secondAuthor = second;
    a1.save();
    a2.author = second;
    a2.secondAuthor = first;
    a2.save();
    const r1 = OrdReference.objects.create({ article: a1 });
    const r2 = OrdReference.objects.create({ article: a2 });
    expect(ids(OrdReference.objects.all())).toEqual([r2.pk, r1.pk]);
  });

  test('ordering.tests.OrderingTests.test_default_ordering_does_not_affect_group_by', () => {
    OrdArticle.objects.exclude({ headline: 'Article 4' }).update({ author: author1 });
    OrdArticle.objects.filter({ headline: 'Article 4' }).update({ author: author2 });
    const rows = OrdArticle.objects.values('author').annotate({ count: Count('author') }).eval();
    expect(rows).toEqual(expect.arrayContaining([{ author: author1.pk, count: 3 }, { author: author2.pk, count: 1 }]));
    expect(rows).toHaveLength(2);
  });

  test.skip('ordering.tests.OrderingTests.test_extra_ordering: there is no extra()', () => {});
  test.skip('ordering.tests.OrderingTests.test_default_ordering_by_f_expression: Meta.ordering takes field names only', () => {});
  test.skip('ordering.tests.OrderingTests.test_order_by_ptr_field_with_default_ordering_by_expression: no multi-table inheritance', () => {});
});
