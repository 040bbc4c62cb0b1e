/** Port of cases of Django's tests/model_fields/test_jsonfield.py (TestQuerying) about keys and JSON null. */
import { Q, type JsonValue } from '../../../src';
import { NullableJSONModel } from '../../semantics';
import { emptyTables } from './setup';
import { useSemanticsDatabase } from './semantics-setup';

useSemanticsDatabase();
let objs: NullableJSONModel[];
beforeAll(() => {
  emptyTables();
  const values: JsonValue[] = [
    null,
    [],
    {},
    { a: 'b', c: 14 },
    { a: 'b', c: 14, d: ['e', { f: 'g' }], h: true, i: false, j: null, k: { l: 'm' }, n: [null, true, false], o: '"quoted"', p: 4.2, r: { s: true, t: false } },
    [1, [2]],
    { k: true, l: false, foo: 'bax' },
    { foo: 'bar', baz: { a: 'b', c: 'd' }, bar: ['foo', 'bar'], bax: { foo: 'bar' } },
  ];
  objs = values.map((value) => NullableJSONModel.objects.create({ value }));
});
const ids = (rows: Iterable<NullableJSONModel>) => [...rows].map((row) => row.pk);

describe('model_fields.test_jsonfield.TestQuerying', () => {
  test('model_fields.test_jsonfield.TestQuerying.test_isnull_key', () => {
    // key__isnull: false is has_key; a key holding JSON null is present.
    expect(ids(NullableJSONModel.objects.filter({ value__a__isnull: true }))).toEqual(ids([...objs.slice(0, 3), ...objs.slice(5)]));
    expect(ids(NullableJSONModel.objects.filter({ value__j__isnull: true }))).toEqual(ids([...objs.slice(0, 4), ...objs.slice(5)]));
    expect(ids(NullableJSONModel.objects.filter({ value__a__isnull: false }))).toEqual(ids([objs[3]!, objs[4]!]));
    expect(ids(NullableJSONModel.objects.filter({ value__j__isnull: false }))).toEqual(ids([objs[4]!]));
  });

  test('model_fields.test_jsonfield.TestQuerying.test_isnull_key_or_none', () => {
    const extra = NullableJSONModel.objects.create({ value: { a: null } });
    expect(ids(NullableJSONModel.objects.filter(Q({ value__a__isnull: true }).or(Q({ value__a: null }))))).toEqual(
      ids([...objs.slice(0, 3), ...objs.slice(5), extra]),
    );
    expect(ids(NullableJSONModel.objects.exclude({ value__a__isnull: true }))).toEqual(ids([objs[3]!, objs[4]!, extra]));
    expect(ids(NullableJSONModel.objects.exclude({ value__j__isnull: false }))).toEqual(ids([...objs.slice(0, 4), ...objs.slice(5), extra]));
    extra.delete();
  });

  test('model_fields.test_jsonfield.TestQuerying.test_none_key', () => {
    expect(ids(NullableJSONModel.objects.filter({ value__j: null }))).toEqual(ids([objs[4]!]));
  });
});
