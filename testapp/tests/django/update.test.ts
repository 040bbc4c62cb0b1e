/** Port of cases of Django's tests/update/tests.py (AdvancedTests) about updating annotated querysets. */
import { Count, F, FieldError, IntegrityError, Max } from '../../../src';
import { DataPoint, PositiveIntegerModel, RelatedPoint } from '../../semantics';
import { emptyTables } from './setup';
import { useSemanticsDatabase } from './semantics-setup';

useSemanticsDatabase();
let d0: DataPoint;
beforeEach(() => {
  emptyTables();
  d0 = DataPoint.objects.create({ name: 'd0', value: 'apple' });
  const d2 = DataPoint.objects.create({ name: 'd2', value: 'peaches' });
  const d3 = DataPoint.objects.create({ name: 'd3', value: 'pears' });
  RelatedPoint.objects.create({ name: 'r1', data: d3 });
  RelatedPoint.objects.create({ name: 'r2', data: d2 });
  RelatedPoint.objects.create({ name: 'r3', data: d2 });
});

describe('update.tests.AdvancedTests', () => {
  test('update.tests.AdvancedTests.test_update_annotated_queryset', () => {
    expect(DataPoint.objects.annotate({ alias: F('value') }).update({ anotherValue: 'foo' })).toBe(3);
    expect(DataPoint.objects.annotate({ alias: F('value') }).filter({ alias: 'apple' }).update({ anotherValue: 'foo' })).toBe(1);
    expect(DataPoint.objects.annotate({ alias: F('value') }).update({ anotherValue: F('alias') })).toBe(3);
    expect(DataPoint.objects.get({ pk: d0.pk }).anotherValue).toBe('apple');
    const withMax = DataPoint.objects.annotate({ max: Max('value') });
    expect(() => withMax.update({ anotherValue: F('max') })).toThrow(FieldError);
    expect(() => withMax.update({ anotherValue: F('max') })).toThrow(/aggregate functions are not allowed in an update \(anotherValue\)/);
  });

  test('update.tests.AdvancedTests.test_update_annotated_multi_table_queryset', () => {
    const counted = DataPoint.objects.annotate({ relatedCount: Count('relatedPoints') });
    expect(counted.update({ value: 'new' })).toBe(3);
    // Filtering on the aggregate: the rows to update are chosen by a grouped pk subquery.
    expect(counted.filter({ relatedCount: 1 }).update({ value: 'one' })).toBe(1);
    expect(DataPoint.objects.get({ value: 'one' }).name).toBe('d3');
    expect(counted.filter({ relatedCount__gte: 1 }).update({ anotherValue: 'related' })).toBe(2);
    expect(() => counted.update({ value: F('relatedCount') })).toThrow(FieldError);
  });
});

describe('model_fields.test_integerfield.PositiveIntegerFieldTests', () => {
  test('model_fields.test_integerfield.PositiveIntegerFieldTests.test_negative_values', () => {
    const row = PositiveIntegerModel.objects.create({ value: 0 });
    // The value is computed by the database, so only the column's CHECK constraint can refuse it.
    (row as unknown as { value: unknown }).value = F('value').sub(1);
    expect(() => row.save()).toThrow(IntegrityError);
    expect(() => PositiveIntegerModel.objects.update({ value: F('value').sub(1) })).toThrow(IntegrityError);
    expect(PositiveIntegerModel.objects.get({ pk: row.pk }).value).toBe(0);
  });
});
