/** Port of cases of Django's tests/annotations/tests.py (NonAggregateAnnotationTestCase). */
import { F, Sum } from '../../../src';
import { AggBook } from '../../semantics';
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
