/**
 * Ports of Django's tests/model_enums/tests.py (ChoicesTests) for IntegerChoices / TextChoices, and of the
 * get_FOO_display() cases of tests/model_fields/tests.py (GetFieldDisplayTests) for getDisplay().
 *
 * A member here is its value itself (`Suit.DIAMOND === 1`), not an enum object, so Django's member attributes
 * become lookups on the enum: `Suit.DIAMOND.label` is `Suit.label(Suit.DIAMOND)`, `Suit(1)` is `Suit.has(1)`.
 *
 * Not ported:
 * - test_templates, test_do_not_call_in_templates_member: Django templates.
 * - test_property_names_conflict_with_member_names for 'label': `label` is a method of the enum here, so it
 *   is a reserved member name too (tested below with the others).
 * - CustomChoicesTests (bytes, float, date, Decimal, ipaddress … bases): members are numbers or strings.
 * - the lazy-translation (`Promise`) label checks: labels are plain strings.
 */
import { CharField, IntegerChoices, IntegerField, TextChoices, ValidationError, type ChoiceValue } from '../../../src';
import { Student, Suit, Vehicle, YearInSchool } from '../../parity';
import { emptyTables, useParityDatabase } from './setup';

const Gender = TextChoices({ MALE: 'M', FEMALE: 'F', NOT_SPECIFIED: 'X' }, { name: 'Gender', empty: '(Undeclared)' });

describe('model_enums.tests.ChoicesTests', () => {
  test('model_enums.tests.ChoicesTests.test_integerchoices', () => {
    expect(Suit.choices).toEqual([
      [1, 'Diamond'],
      [2, 'Spade'],
      [3, 'Heart'],
      [4, 'Club'],
    ]);
    expect(Suit.labels).toEqual(['Diamond', 'Spade', 'Heart', 'Club']);
    expect(Suit.values).toEqual([1, 2, 3, 4]);
    expect(Suit.names).toEqual(['DIAMOND', 'SPADE', 'HEART', 'CLUB']);
    expect(String(Suit)).toBe('[object Suit]');
    expect(Suit.label(Suit.DIAMOND)).toBe('Diamond');
    expect(Suit.DIAMOND).toBe(1);
    expect(Suit['DIAMOND']).toBe(Suit.DIAMOND);
    expect(typeof Suit.DIAMOND).toBe('number');
    expect(Object.isFrozen(Suit)).toBe(true);
  });

  test('model_enums.tests.ChoicesTests.test_integerchoices_auto_label', () => {
    expect(Vehicle.label(Vehicle.CAR)).toBe('Carriage');
    expect(Vehicle.label(Vehicle.TRUCK)).toBe('Truck');
    expect(Vehicle.label(Vehicle.JET_SKI)).toBe('Jet Ski');
  });

  test('model_enums.tests.ChoicesTests.test_integerchoices_empty_label', () => {
    expect(Vehicle.choices[0]).toEqual([null, '(Unknown)']);
    expect(Vehicle.labels[0]).toBe('(Unknown)');
    expect(Vehicle.values[0]).toBeNull();
    expect(Vehicle.names[0]).toBe('__empty__');
  });

  test('model_enums.tests.ChoicesTests.test_integerchoices_functional_api', () => {
    const Place = IntegerChoices(['FIRST', 'SECOND', 'THIRD'], { name: 'Place' });
    expect(Place.labels).toEqual(['First', 'Second', 'Third']);
    expect(Place.values).toEqual([1, 2, 3]);
    expect(Place.names).toEqual(['FIRST', 'SECOND', 'THIRD']);
    expect(Place.SECOND).toBe(2);
  });

  test('model_enums.tests.ChoicesTests.test_integerchoices_containment', () => {
    expect(Suit.has(Suit.DIAMOND)).toBe(true);
    expect(Suit.has(1)).toBe(true);
    expect(Suit.has(0)).toBe(false);
    expect(Suit.has('1')).toBe(false);
  });

  test('model_enums.tests.ChoicesTests.test_textchoices', () => {
    expect(YearInSchool.choices).toEqual([
      ['FR', 'Freshman'],
      ['SO', 'Sophomore'],
      ['JR', 'Junior'],
      ['SR', 'Senior'],
      ['GR', 'Graduate'],
    ]);
    expect(YearInSchool.labels).toEqual(['Freshman', 'Sophomore', 'Junior', 'Senior', 'Graduate']);
    expect(YearInSchool.values).toEqual(['FR', 'SO', 'JR', 'SR', 'GR']);
    expect(YearInSchool.names).toEqual(['FRESHMAN', 'SOPHOMORE', 'JUNIOR', 'SENIOR', 'GRADUATE']);
    expect(YearInSchool.label(YearInSchool.FRESHMAN)).toBe('Freshman');
    expect(YearInSchool.FRESHMAN).toBe('FR');
    expect(YearInSchool['FRESHMAN']).toBe(YearInSchool.FRESHMAN);
    expect(typeof YearInSchool.FRESHMAN).toBe('string');
  });

  test('model_enums.tests.ChoicesTests.test_textchoices_auto_label', () => {
    expect(Gender.label(Gender.MALE)).toBe('Male');
    expect(Gender.label(Gender.FEMALE)).toBe('Female');
    expect(Gender.label(Gender.NOT_SPECIFIED)).toBe('Not Specified');
  });

  test('model_enums.tests.ChoicesTests.test_textchoices_empty_label', () => {
    expect(Gender.choices[0]).toEqual([null, '(Undeclared)']);
    expect(Gender.labels[0]).toBe('(Undeclared)');
    expect(Gender.values[0]).toBeNull();
    expect(Gender.names[0]).toBe('__empty__');
  });

  test('model_enums.tests.ChoicesTests.test_textchoices_functional_api', () => {
    const Medal = TextChoices(['GOLD', 'SILVER', 'BRONZE'], { name: 'Medal' });
    expect(Medal.labels).toEqual(['Gold', 'Silver', 'Bronze']);
    expect(Medal.values).toEqual(['GOLD', 'SILVER', 'BRONZE']);
    expect(Medal.names).toEqual(['GOLD', 'SILVER', 'BRONZE']);
  });

  test('model_enums.tests.ChoicesTests.test_textchoices_containment', () => {
    expect(YearInSchool.has(YearInSchool.FRESHMAN)).toBe(true);
    expect(YearInSchool.has('FR')).toBe(true);
    expect(YearInSchool.has('XX')).toBe(false);
  });

  test('model_enums.tests.ChoicesTests.test_textchoices_blank_value', () => {
    const BlankStr = TextChoices({ EMPTY: ['', '(Empty)'], ONE: ['ONE', 'One'] });
    expect(BlankStr.labels).toEqual(['(Empty)', 'One']);
    expect(BlankStr.values).toEqual(['', 'ONE']);
    expect(BlankStr.names).toEqual(['EMPTY', 'ONE']);
  });

  test('model_enums.tests.ChoicesTests.test_invalid_definition', () => {
    expect(() => IntegerChoices({ ONE: [1, 'X', 'Invalid'] as unknown as [number, string] }, { name: 'InvalidArgumentEnum' })).toThrow(
      /InvalidArgumentEnum.ONE: a member is a value or a \[value, label\] pair/,
    );
    expect(() => IntegerChoices({ ONE: 'one' as unknown as number })).toThrow(/IntegerChoices.ONE: the value must be an integer; got "one"/);
    expect(() => IntegerChoices({ APPLE: [1, 'Apple'], PINEAPPLE: [1, 'Pineapple'] }, { name: 'Fruit' })).toThrow(
      'duplicate values found in Fruit: PINEAPPLE -> APPLE.',
    );
  });

  test('model_enums.tests.ChoicesTests.test_str', () => {
    for (const choices of [Gender, Suit, YearInSchool, Vehicle]) {
      for (const name of choices.names.filter((name) => name !== '__empty__')) {
        const value = (choices as unknown as Record<string, string | number>)[name]!;
        expect(String(value)).toBe(String(choices.values[choices.names.indexOf(name)]));
      }
    }
  });

  test('model_enums.tests.ChoicesTests.test_property_names_conflict_with_member_names', () => {
    for (const name of ['choices', 'labels', 'names', 'values', 'label', 'has']) {
      expect(() => TextChoices([name], { name: 'Properties' })).toThrow(`Properties: '${name}' cannot be a member name; it is reserved`);
    }
  });

  test('model_enums.tests.ChoicesTests.test_label_member (labels are derived as Django derives them)', () => {
    const Stationery = TextChoices(['stamp', 'sticker', 'do_not_call_in_templates']);
    expect(Stationery.labels).toEqual(['Stamp', 'Sticker', 'Do Not Call In Templates']);
    expect(Stationery.values).toEqual(['stamp', 'sticker', 'do_not_call_in_templates']);
  });

  test('label() of a value that is not a member is a TypeError naming the enum', () => {
    expect(() => Suit.label(5 as never)).toThrow(TypeError);
    expect(() => Suit.label(5 as never)).toThrow('5 is not a valid Suit; choose one of 1, 2, 3, 4.');
    expect(() => IntegerChoices({ '1st': 1 })).toThrow(/'1st' cannot be a member name \(it must be an identifier\)/);
  });

  test('member values are typed as their literals', () => {
    const diamond: 1 = Suit.DIAMOND;
    const suit: ChoiceValue<typeof Suit> = Suit.CLUB;
    const year: ChoiceValue<typeof YearInSchool> = 'GR';
    // @ts-expect-error 5 is not a Suit
    const notASuit: ChoiceValue<typeof Suit> = 5;
    expect([diamond, suit, year, notASuit]).toEqual([1, 4, 'GR', 5]);
  });
});

describe('choices enums on fields', () => {
  useParityDatabase();
  beforeEach(() => emptyTables());

  test('model_fields.tests.GetFieldDisplayTests.test_choices_and_field_display', () => {
    const student = new Student({ name: 'Ann', year: YearInSchool.JUNIOR, luckySuit: Suit.HEART });
    expect(student.getDisplay('year')).toBe('Junior');
    expect(student.getDisplay('luckySuit')).toBe('Heart');
    // A value that is not a choice displays as itself; so do null and ''.
    student.luckySuit = 9;
    expect(student.getDisplay('luckySuit')).toBe(9);
    student.luckySuit = null;
    expect(student.getDisplay('luckySuit')).toBeNull();
    student.year = '';
    expect(student.getDisplay('year')).toBe('');
    // A field without choices displays its value.
    expect(student.getDisplay('name')).toBe('Ann');
  });

  test('model_fields.tests.GetFieldDisplayTests.test_empty_choice_display (the empty choice is not shown for null)', () => {
    const student = new Student({ name: 'Bo', vehicle: null });
    expect(student.getDisplay('vehicle')).toBeNull();
    student.vehicle = Vehicle.JET_SKI;
    expect(student.getDisplay('vehicle')).toBe('Jet Ski');
  });

  test('an enum given as choices validates values in fullClean()', () => {
    Student.objects.create({ name: 'Cy', luckySuit: Suit.CLUB });
    const student = new Student({ name: 'Di', year: 'XX', luckySuit: 7 });
    let error: unknown;
    try {
      student.fullClean();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).errors).toEqual({ year: ['Value "XX" is not a valid choice.'], luckySuit: ['Value 7 is not a valid choice.'] });
    // The empty choice of Vehicle is a label for null, not a value to store.
    new Student({ name: 'Ed', vehicle: null }).fullClean();
    expect(Student.objects.get({ name: 'Cy' }).getDisplay('luckySuit')).toBe('Club');
    expect(Student.objects.filter({ year: YearInSchool.FRESHMAN }).count()).toBe(1);
  });

  test('getDisplay() names a field of the model', () => {
    const student = new Student({ name: 'Fay' });
    // @ts-expect-error no such field
    expect(() => student.getDisplay('colour')).toThrow(/Student has no field named 'colour'/);
  });

  test('choices given as a list or an enum normalise to the same pairs', () => {
    expect(new IntegerField({ choices: Suit }).choices).toEqual(Suit.choices);
    expect(new CharField({ choices: ['a', 'b'] }).choices).toEqual([
      ['a', 'a'],
      ['b', 'b'],
    ]);
    expect(() => new CharField({ choices: 'ab' as never })).toThrow(/choices must be a list of values or \[value, label\] pairs, or a choices enum/);
  });
});
