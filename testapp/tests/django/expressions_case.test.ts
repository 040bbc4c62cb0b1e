/** Port of cases of Django's tests/expressions_case/tests.py (CaseExpressionTests, CaseDocumentationExamples). */
import { Case, ExpressionWrapper, F, FloatField, Func, IntegerField, Max, Min, Q, Value, When } from '../../../src';
import { CaseTestModel, FKCaseTestModel } from '../../semantics';
import { emptyTables } from './setup';
import { useSemanticsDatabase } from './semantics-setup';

useSemanticsDatabase();
beforeEach(() => {
  emptyTables();
  const rows: Array<[number, number, number[]]> = [
    [1, 1, [1]],
    [2, 3, [2, 3]],
    [3, 4, [3, 4]],
    [2, 2, [2, 3]],
    [3, 4, [3, 4]],
    [3, 3, [3, 4]],
    [4, 5, [5]],
  ];
  for (const [integer, integer2, related] of rows) {
    const row = CaseTestModel.objects.create({ integer, integer2, string: String(integer) });
    for (const value of related) FKCaseTestModel.objects.create({ fk: row, integer: value });
  }
});

const numberNames = () =>
  Case(When({ integer: 1 }, Value('one')), When({ integer: 2 }, Value('two')), { default: Value('other') });

describe('expressions_case.tests.CaseExpressionTests', () => {
  test('expressions_case.tests.CaseExpressionTests.test_annotate', () => {
    expect(CaseTestModel.objects.annotate({ test: numberNames() }).orderBy('pk').valuesList('integer', 'test').eval()).toEqual([
      [1, 'one'], [2, 'two'], [3, 'other'], [2, 'two'], [3, 'other'], [3, 'other'], [4, 'other'],
    ]);
  });

  test('expressions_case.tests.CaseExpressionTests.test_annotate_with_expression_as_value', () => {
    const qs = CaseTestModel.objects.annotate({
      fTest: Case(When({ integer: 1 }, F('integer').add(1)), When({ integer: 2 }, F('integer').add(3)), { default: 'integer' }),
    });
    expect(qs.orderBy('pk').valuesList('integer', 'fTest').eval()).toEqual([[1, 2], [2, 5], [3, 3], [2, 5], [3, 3], [3, 3], [4, 4]]);
  });

  test('expressions_case.tests.CaseExpressionTests.test_annotate_with_aggregation_in_condition', () => {
    const qs = CaseTestModel.objects
      .annotate({ min: Min('fkRel__integer'), max: Max('fkRel__integer') })
      .annotate({ test: Case(When({ integer2: F('min') }, Value('min')), When({ integer2: F('max') }, Value('max'))) })
      .orderBy('pk');
    expect(qs.valuesList('integer', 'integer2', 'test').eval()).toEqual([
      [1, 1, 'min'], [2, 3, 'max'], [3, 4, 'max'], [2, 2, 'min'], [3, 4, 'max'], [3, 3, 'min'], [4, 5, 'min'],
    ]);
  });

  test('expressions_case.tests.CaseExpressionTests.test_filter', () => {
    const qs = CaseTestModel.objects.filter({ integer2: Case(When({ integer: 2 }, 3), When({ integer: 3 }, 4), { default: 1 }) }).orderBy('pk');
    expect(qs.valuesList('integer', 'integer2').eval()).toEqual([[1, 1], [2, 3], [3, 4], [3, 4]]);
  });

  test('expressions_case.tests.CaseExpressionTests.test_filter_with_join_in_condition', () => {
    // Django joins a one-to-one relation here; through the to-many fkRel a row matches once per related row, so distinct().
    const qs = CaseTestModel.objects
      .filter({ integer: Case(When({ integer2: F('fkRel__integer').add(1) }, 2), When({ integer2: F('fkRel__integer') }, 3), { outputField: new IntegerField() }) })
      .orderBy('pk')
      .distinct();
    expect(qs.valuesList('integer', 'integer2').eval()).toEqual([[2, 3], [3, 4], [3, 4], [3, 3]]);
  });

  test('expressions_case.tests.CaseExpressionTests.test_update', () => {
    expect(CaseTestModel.objects.update({ string: numberNames() })).toBe(7);
    expect(CaseTestModel.objects.orderBy('pk').valuesList('integer', 'string').eval()).toEqual([
      [1, 'one'], [2, 'two'], [3, 'other'], [2, 'two'], [3, 'other'], [3, 'other'], [4, 'other'],
    ]);
  });

  test('expressions_case.tests.CaseExpressionTests.test_order_by_conditional_expression (Q and ordering)', () => {
    // A Q condition, and a Case as an ordering term with nulls placed.
    const ranked = Case(When(Q({ integer: 1 }).or(Q({ integer: 4 })), Value(0)), { default: Value(null), outputField: new IntegerField() });
    expect(CaseTestModel.objects.orderBy(ranked.asc({ nullsLast: true }), 'pk').valuesList('integer', { flat: true }).eval()).toEqual([1, 4, 2, 3, 2, 3, 3]);
  });

  test('expressions_case.tests.CaseExpressionTests.test_annotate_without_default', () => {
    expect(CaseTestModel.objects.annotate({ test: Case(When({ integer: 1 }, 1), When({ integer: 2 }, 2)) }).orderBy('pk').valuesList('integer', 'test').eval()).toEqual([
      [1, 1], [2, 2], [3, null], [2, 2], [3, null], [3, null], [4, null],
    ]);
  });

  test('expressions_case.tests.CaseExpressionTests.test_annotate (async)', async () => {
    const rows = await CaseTestModel.aobjects.annotate({ test: numberNames() }).orderBy('pk').valuesList('integer', 'test');
    expect(rows).toEqual([[1, 'one'], [2, 'two'], [3, 'other'], [2, 'two'], [3, 'other'], [3, 'other'], [4, 'other']]);
  });

  test('expressions_case.tests.CaseExpressionTests.test_invalid_when_constructor_args', () => {
    expect(() => When({}, Value(1))).toThrow(/When\(\) needs a condition/);
    expect(() => When({ integer: 1 }, undefined)).toThrow(/needs a result/);
    expect(() => Case(Value(1) as never)).toThrow(/Case\(\) takes When\(\) branches/);
  });
});

// Not a port of one Django case: ExpressionWrapper and Func on the same models.
describe('ExpressionWrapper and Func', () => {
  test('ExpressionWrapper gives an expression its output field; Func calls an SQL function by name', () => {
    const qs = CaseTestModel.objects
      .annotate({ half: ExpressionWrapper(F('integer').div(Value(2, new FloatField())), new FloatField()), distance: new Func('ABS', [F('integer').sub(F('integer2'))]) })
      .orderBy('pk');
    const rows = qs.valuesList('half', 'distance').eval();
    expect(rows[0]).toEqual([0.5, 0]);
    expect(rows[1]).toEqual([1, 1]);
    expect(() => new Func('ABS); DROP', [])).toThrow(/is not an SQL function name/);
  });
});
