import { Max, Min, Sum } from '../../../src';
import { Ledger } from '../../inventory';
import { clearTables, useDatabase } from './helpers';

useDatabase();
beforeEach(() => clearTables(Ledger));

const BIG = '1234567890123456789012345.01';
const BIGGER = '1234567890123456789012345.02';

describe('DecimalField beyond 15 significant digits', () => {
  beforeEach(() => {
    for (const balance of [BIGGER, '-5.00', BIG, '-1234567890123456789012345.01']) Ledger.objects.create({ balance });
  });

  it('round-trips exactly', () => {
    expect(Ledger.objects.orderBy('id').valuesList('balance', { flat: true }).eval()).toEqual([
      BIGGER, '-5.00', BIG, '-1234567890123456789012345.01',
    ]);
  });

  it('orders exactly, negatives first', () => {
    expect(Ledger.objects.orderBy('balance').valuesList('balance', { flat: true }).eval()).toEqual([
      '-1234567890123456789012345.01', '-5.00', BIG, BIGGER,
    ]);
    expect(Ledger.objects.orderBy('-balance').first()!.balance).toBe(BIGGER);
  });

  it('compares exactly in ordering lookups', () => {
    expect(Ledger.objects.filter({ balance__gt: BIG }).valuesList('balance', { flat: true }).eval()).toEqual([BIGGER]);
    expect(Ledger.objects.filter({ balance__lte: BIG, balance__gte: '-5' }).count()).toBe(2);
    expect(Ledger.objects.filter({ balance__range: [BIG, BIGGER] }).count()).toBe(2);
    expect(Ledger.objects.filter({ balance: '1234567890123456789012345.010' }).count()).toBe(1);
  });

  it('aggregates exactly', () => {
    expect(Ledger.objects.aggregate({ max: Max('balance'), min: Min('balance'), sum: Sum('balance') })).toEqual({
      max: BIGGER,
      min: '-1234567890123456789012345.01',
      sum: '1234567890123456789012340.02',
    });
  });
});
