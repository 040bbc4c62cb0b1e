/** Port of cases of Django's tests/annotations/tests.py (NonAggregateAnnotationTestCase). */
import { Count, F, Sum } from '../../../src';
import { AggAuthor, AggBook } from '../../semantics';
import { createAggregationFixture } from './aggregation-fixture';
import { emptyTables } from './setup';
import { useSemanticsDatabase } from './semantics-setup';

useSemanticsDatabase();
beforeAll(() => {
  emptyTables();
  createAggregationFixture();
});

describe('annotations.tests.NonAggregateAnnotationTestCase', () => {
  test('annotations.tests.NonAggregateAnnotationTestCase.test_filter_decimal_annotation', () => {
    const qs = AggBook.objects.annotate({ newPrice: F('price').add(1) }).filter({ newPrice: '31' }).valuesList('newPrice');
    expect(qs.get()).toEqual(['31.00']);
    expect(AggBook.objects.annotate({ newPrice: F('price').add(1) }).filter({ newPrice__gt: '80' }).count()).toBe(1);
  });

  test('annotations.tests.NonAggregateAnnotationTestCase.test_filter_agg_with_double_f', () => {
    const books = AggBook.objects.annotate({ sumRating: Sum('rating') }).filter({ sumRating: F('sumRating') });
    expect(books.count()).toBe(6);
    for (const book of books) expect(book.sumRating).toBe(book.rating);
  });
});

describe('annotations.tests: references reuse the joins of the filters before them', () => {
  test('annotations.tests.NonAggregateAnnotationTestCase.test_chaining_annotation_filter_with_m2m', () => {
    const qs = AggAuthor.objects
      .filter({ name: 'Adrian Holovaty', friends__age: 35 })
      .annotate({ jacobName: F('friends__name') })
      .filter({ friends__age: 29 })
      .annotate({ jamesName: F('friends__name') })
      .values('jacobName', 'jamesName');
    expect(qs.eval()).toEqual([{ jacobName: 'Jacob Kaplan-Moss', jamesName: 'James Bennett' }]);
  });

  test('a reference before any filter joins the relation; a filter() after it joins it again', () => {
    // Django: annotate() first makes the join, the later filter() call gets a join of its own (a different
    // friend may match), so the annotation still lists every friend of Adrian's.
    const qs = AggAuthor.objects
      .filter({ name: 'Adrian Holovaty' })
      .annotate({ friendName: F('friends__name') })
      .filter({ friends__age: 29 })
      .orderBy('friendName')
      .valuesList('friendName', { flat: true });
    expect(qs.eval()).toEqual(['Jacob Kaplan-Moss', 'James Bennett']);
  });

  test('conditions in one filter() call share the join; an aggregate after them counts the filtered rows', () => {
    const sameCall = AggAuthor.objects.filter({ friends__age: 35, friends__name: 'Jacob Kaplan-Moss' }).annotate({ n: Count('friends') });
    expect(sameCall.orderBy('name').valuesList('name', 'n').eval()).toEqual([
      ['Adrian Holovaty', 1],
      ['Wesley J. Chun', 1],
    ]);
  });
});
