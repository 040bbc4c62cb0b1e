/**
 * An async eval() is compiled once, on the main thread: the worker only runs the statement it is sent, and the
 * main thread builds the results from the rows with the plan that compiling gave. The results equal the sync
 * API's for every shape a row plan has (instances, selectRelated, defer/only, annotations, values, valuesList).
 */
import { close, configure, Count, createSchema, F } from '../../../src';
import { Compiler } from '../../../src/sql/compiler';
import { currentOperations } from '../../../src/sql/backend';
import { Pizza } from '../../models';
import { dropTestDatabase, testDatabase } from '../test-database';
import { MODELS, norm, resetAndSeed } from './helpers';

jest.setTimeout(60_000);

beforeAll(() => {
  configure({ database: testDatabase(), models: MODELS, workers: 1 });
  createSchema();
  resetAndSeed();
});

afterAll(async () => {
  await close();
  dropTestDatabase();
});

const shapes: Array<[string, (root: any) => any]> = [
  ['instances', (root) => root.filter({ box__isnull: false }).orderBy('-name')],
  ['selectRelated', (root) => root.selectRelated('box', 'price').orderBy('name')],
  ['defer', (root) => root.defer('box').orderBy('name')],
  ['only', (root) => root.only('name').orderBy('name')],
  ['an annotation', (root) => root.annotate({ toppingCount: Count('toppings'), doubled: F('id').mul(2) }).orderBy('name')],
  ['values', (root) => root.values('name', 'box__name').orderBy('name')],
  ['valuesList', (root) => root.valuesList('name', 'price__amount').orderBy('name')],
  ['valuesList flat', (root) => root.valuesList('name', { flat: true }).orderBy('name')],
  ['valuesList named', (root) => root.valuesList('pk', 'name', { named: true }).orderBy('name')],
];

describe.each(shapes)('%s', (_name, chain) => {
  test('compile once, here, and equal the sync results', async () => {
    const expected = norm(chain(Pizza.objects).eval());
    // Built first: selectRelated() checks its paths by compiling as it chains, before any evaluation.
    const queryset = chain(Pizza.aobjects);
    const compiled = jest.spyOn(Compiler.prototype, 'compileSelect');
    const planned = jest.spyOn(Compiler, 'rowPlan');
    try {
      const results = await queryset.eval();
      expect(compiled).toHaveBeenCalledTimes(1);
      expect(planned).not.toHaveBeenCalled();
      expect(norm(results)).toEqual(expected);
    } finally {
      compiled.mockRestore();
      planned.mockRestore();
    }
  });

  test('the row plan is the one compiling the query gives', () => {
    const { query } = chain(Pizza.objects);
    expect(Compiler.rowPlan(query, currentOperations())).toEqual(Compiler.select(query, currentOperations()).plan);
  });
});

test('a combined query takes the plan of its first part', async () => {
  const chain = (root: any) => root.filter({ name: 'Funghi' }).union(Pizza.objects.filter({ name: 'Hawaii' })).orderBy('name');
  const expected = norm(chain(Pizza.objects).eval());
  expect(norm(await chain(Pizza.aobjects).eval())).toEqual(expected);
  expect(expected).toHaveLength(2);
});
