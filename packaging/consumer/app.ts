// The README tour run end to end against the installed package; exits non-zero on the first wrong result.
import { strict as assert } from 'node:assert';
import { aatomic, close, configure, Count, createSchema, F, Q, Sum } from 'threadorm';
import { Box, Pizza, Price, Topping } from './models';
import { moveToBox } from './units';

export async function tour(modelsModule: string, unitsModule: string): Promise<number> {
  let checks = 0;
  const check = (name: string, actual: unknown, expected: unknown) => {
    assert.deepStrictEqual(actual, expected, name);
    checks += 1;
  };

  configure({ database: ':memory:', models: [modelsModule, unitsModule], workers: 1 });
  try {
    createSchema();

    // Sync queries: Model.objects
    const large = Box.objects.create({ name: 'large' });
    const margherita = Pizza.objects.create({ name: 'Margherita', box: large, price: Price.objects.create({ amount: '9.50' }) });
    margherita.toppings.add(Topping.objects.create({ name: 'basil' }));
    Pizza.objects.create({ name: 'Marinara', box: null, price: Price.objects.create({ amount: '9.5' }) });
    check('filter across a relation',
      Pizza.objects.filter({ name__startswith: 'M', box__name__icontains: 'large' }).orderBy('-name').eval().map((p) => p.name),
      ['Margherita']);
    check('Q trees', Pizza.objects.filter(Q({ name: 'Marinara' }).or(Q({ name: 'x' })).and(Q({ box: null }))).count(), 1);
    check('F update', Price.objects.filter({ amount__gt: F('amount').sub(1) }).update({ amount: F('amount').mul(2) }), 2);
    check('annotate + values', Box.objects.annotate({ pizzas: Count('pizza') }).values('name', 'pizzas').eval(), [{ name: 'large', pizzas: 1 }]);
    check('exact decimal sum', Pizza.objects.aggregate({ total: Sum('price__amount') }), { total: '38.00' });
    const [, created] = Topping.objects.getOrCreate({ name: 'ham' });
    check('getOrCreate', created, true);

    // Async: Model.aobjects, asave, a.<relation>
    check('aobjects filter', (await Pizza.aobjects.filter({ name__startswith: 'M' }).orderBy('-name').eval()).map((p) => p.name),
      ['Marinara', 'Margherita']);
    check('aobjects count', await Pizza.aobjects.filter({ box: null }).count(), 1);
    const pizza = await Pizza.aobjects.get({ name: 'Margherita' });
    check('a.box', (await pizza.a.box)?.name, 'large');
    const price = new Price({ amount: '12.00' });
    await price.asave();
    check('asave fills the pk and defaults', [typeof price.pk, price.currency], ['number', 'usd']);
    check('async related manager', await large.a.pizzaSet.valuesList('name', { flat: true }), ['Margherita']);

    // aatomic: commit on resolve, rollback on reject
    await aatomic(async () => {
      await Box.aobjects.create({ name: 'medium' });
    });
    await assert.rejects(aatomic(async () => {
      await Box.aobjects.create({ name: 'doomed' });
      throw new Error('roll back');
    }), /roll back/);
    check('aatomic', await Box.aobjects.filter({ name__in: ['medium', 'doomed'] }).valuesList('name', { flat: true }), ['medium']);

    // syncToAsync: one thread hop, instances cross both ways
    const moved = await moveToBox('Marinara', 'family');
    check('syncToAsync', [moved.moved, moved.box instanceof Box, moved.box.name], [1, true, 'family']);
    check('syncToAsync wrote', Pizza.objects.get({ name: 'Marinara' }).box?.name, 'family');
  } finally {
    await close();
  }
  return checks;
}
