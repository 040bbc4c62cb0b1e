/** Port of Django's tests/aggregation/tests.py test_empty_aggregate, through the sync and the async API. */
import { Count } from '../../../src';
import { captureQueries } from '../../../src';
import { Guest } from '../../parity';
import { emptyTables, useParityDatabase } from './setup';

useParityDatabase();
beforeAll(() => {
  emptyTables();
  Guest.objects.create({ name: 'Ann' });
});

describe('aggregation.tests.AggregateTestCase', () => {
  test('aggregation.tests.AggregateTestCase.test_empty_aggregate', () => {
    expect(Guest.objects.aggregate()).toEqual({});
    // No aggregates, no query.
    expect(captureQueries(() => Guest.objects.filter({ name: 'Ann' }).aggregate())).toHaveLength(0);
  });

  test('aggregation.tests.AggregateTestCase.test_empty_aggregate (async)', async () => {
    expect(await Guest.aobjects.aggregate()).toEqual({});
    expect(await Guest.objects.aaggregate()).toEqual({});
    expect(await Guest.aobjects.filter({ name: 'Ann' }).aggregate({ n: Count('id') })).toEqual({ n: 1 });
  });
});
