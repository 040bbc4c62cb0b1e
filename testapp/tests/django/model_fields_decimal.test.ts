/**
 * Ports of Django's tests/model_fields/test_decimalfield.py and the decimal cases of tests/validation, on the
 * Item (price: 12 digits, 2 places) and Ledger (30, 2) models of testapp/inventory.ts.
 *
 * A value keeps what was written until it is saved, as in Django: fullClean() refuses too many digits or places
 * (Django's DecimalValidator), save() rounds to the field's places (half-even, as the column does) and the
 * instance then holds the stored value.
 *
 * Not ported:
 * - test_get_prep_value, test_filter_with_strings, test_save_nan_invalid's Decimal('NaN'): Python's Decimal
 *   objects; decimals are strings here (NaN and infinities as numbers are covered).
 * - test_default, test_decimal_field_0_decimal_places: formfield / system checks.
 */
import { DecimalField, ValidationError } from '../../../src';
import { Item, Ledger } from '../../inventory';
import { emptyTables, useParityDatabase } from './setup';

useParityDatabase({ models: [require.resolve('../../models'), require.resolve('../../inventory')] });
beforeEach(() => emptyTables());

/** Django's field.clean(value, None): conversion, then validation; the messages, or the clean value. */
function clean(field: DecimalField, value: unknown): string {
  const converted = field.toValue(value);
  const messages = field.validate(converted);
  if (messages.length) throw new ValidationError(messages.join(' '));
  return converted;
}

function fieldErrors(run: () => void): Record<string, string[]> {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error.errors;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('model_fields.test_decimalfield.DecimalFieldTests', () => {
  test('model_fields.test_decimalfield.DecimalFieldTests.test_to_python', () => {
    const f = new DecimalField({ maxDigits: 4, decimalPlaces: 2 });
    expect(f.toValue(3)).toBe('3');
    expect(f.toValue('3.14')).toBe('3.14');
    // A number honours maxDigits (significant digits), rounding half-even.
    expect(f.toValue(3.1415926535897)).toBe('3.142');
    // Django gives Decimal('2.400'), equal to it; a number is read by its shortest decimal form here.
    expect(f.toValue(2.4)).toBe('2.4');
    expect(f.toValue(2.0625)).toBe('2.062');
    expect(f.toValue(2.1875)).toBe('2.188');
    // A string is exact: it is not rounded before validation.
    expect(f.toValue('2.0625')).toBe('2.0625');
  });

  test('model_fields.test_decimalfield.DecimalFieldTests.test_invalid_value', () => {
    const f = new DecimalField({ maxDigits: 4, decimalPlaces: 2 });
    for (const value of ['abc', {}, [], NaN, Infinity, -Infinity, '1.2.3', '']) {
      expect(() => f.toValue(value)).toThrow('value must be a decimal number.');
    }
  });

  test('model_fields.test_decimalfield.DecimalFieldTests.test_max_digits_validation', () => {
    const field = new DecimalField({ maxDigits: 2, decimalPlaces: 0 });
    expect(() => clean(field, 100)).toThrow('Ensure that there are no more than 2 digits in total.');
    expect(clean(field, 99)).toBe('99');
  });

  test('model_fields.test_decimalfield.DecimalFieldTests.test_max_decimal_places_validation', () => {
    const field = new DecimalField({ maxDigits: 4, decimalPlaces: 1 });
    expect(() => clean(field, '0.99')).toThrow('Ensure that there are no more than 1 decimal place.');
    const two = new DecimalField({ maxDigits: 4, decimalPlaces: 2 });
    expect(() => clean(two, '1.234')).toThrow('Ensure that there are no more than 2 decimal places.');
    // Trailing zeros are places too, as Python's Decimal counts them.
    expect(() => clean(two, '1.230')).toThrow('Ensure that there are no more than 2 decimal places.');
    expect(clean(two, '1.23')).toBe('1.23');
  });

  test('model_fields.test_decimalfield.DecimalFieldTests.test_max_whole_digits_validation', () => {
    const field = new DecimalField({ maxDigits: 1, decimalPlaces: 1 });
    expect(() => clean(field, '1')).toThrow('Ensure that there are no more than 0 digits before the decimal point.');
    expect(clean(field, '0.5')).toBe('0.5');
    const wide = new DecimalField({ maxDigits: 5, decimalPlaces: 2 });
    expect(() => clean(wide, '1234.5')).toThrow('Ensure that there are no more than 3 digits before the decimal point.');
    expect(() => clean(wide, '1234.567')).toThrow('Ensure that there are no more than 5 digits in total.');
  });

  test('model_fields.test_decimalfield.DecimalFieldTests.test_save_without_float_conversion', () => {
    const ledger = Ledger.objects.create({ balance: '1234567890123456789012345.67' });
    expect(Ledger.objects.get({ pk: ledger.pk }).balance).toBe('1234567890123456789012345.67');
  });

  test('model_fields.test_decimalfield.DecimalFieldTests.test_save_inf_invalid', () => {
    for (const value of [Infinity, -Infinity, NaN]) {
      expect(Object.keys(fieldErrors(() => Item.objects.create({ name: 'x', price: value as never })))).toEqual(['price']);
    }
    expect(Item.objects.count()).toBe(0);
  });

  test('model_fields.test_decimalfield.DecimalFieldTests.test_roundtrip_with_trailing_zeros', () => {
    // The column's places: '8.3' is stored, and read back, as '8.30'; '8.30' keeps its trailing zero.
    const item = Item.objects.create({ name: 'x', price: '8.3' });
    expect(Item.objects.get({ pk: item.pk }).price).toBe('8.30');
    const exact = Item.objects.create({ name: 'y', price: '8.30' });
    expect(Item.objects.get({ pk: exact.pk }).price).toBe('8.30');
  });

  test('model_fields.test_decimalfield.DecimalFieldTests.test_lookup_really_big_value', () => {
    // A value wider than the column matches nothing and raises nothing.
    expect(Item.objects.filter({ price__gte: '1'.repeat(40) }).eval()).toEqual([]);
  });
});

describe('fullClean() sees the decimal as written; save() rounds it as before', () => {
  test('too many places: fullClean() refuses, save() rounds half-even and the instance holds what was stored', () => {
    const item = new Item({ name: 'x', price: '2.345' });
    expect(item.price).toBe('2.345');
    expect(fieldErrors(() => item.fullClean())).toEqual({ price: ['Ensure that there are no more than 2 decimal places.'] });
    item.save();
    expect(item.price).toBe('2.34');
    expect(Item.objects.get({ pk: item.pk }).price).toBe('2.34');
    item.fullClean();
  });

  test('an assigned value is kept until saved, by save() and by update()', () => {
    const item = Item.objects.create({ name: 'x', price: '1.00' });
    item.price = '9.995';
    expect(fieldErrors(() => item.fullClean()).price).toEqual(['Ensure that there are no more than 2 decimal places.']);
    item.save({ updateFields: ['price'] });
    expect(item.price).toBe('10.00');
    expect(Item.objects.get({ pk: item.pk }).price).toBe('10.00');
    Item.objects.filter({ pk: item.pk }).update({ price: '0.125' });
    expect(Item.objects.get({ pk: item.pk }).price).toBe('0.12');
  });

  test('the rounded value must still fit the column when saved', () => {
    const item = new Item({ name: 'x', price: '9999999999.995' });
    expect(fieldErrors(() => item.save())).toEqual({ price: ['Ensure that there are no more than 10 digits before the decimal point.'] });
    expect(Item.objects.count()).toBe(0);
  });

  test('errorMessages overrides take the DecimalValidator codes', () => {
    const field = new DecimalField({ maxDigits: 4, decimalPlaces: 2, errorMessages: { max_decimal_places: 'At most %(max)s places.' } });
    expect(() => clean(field, '1.234')).toThrow('At most 2 places.');
  });
});
