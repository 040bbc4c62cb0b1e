/** Shared set-up for the relation tests: a ':memory:' database with the pizzeria and the relations models. */
import { close, configure, createSchema } from '../../../src';
import { Box, Pizza, Price, Topping } from '../../models';
import { dropTestDatabase, testDatabase } from '../test-database';

/** configure() + createSchema() before the file's tests (before its own beforeAll hooks), close() after. */
export function useRelationsDatabase(options: { mainThread?: 'allow' | 'forbid' } = {}): void {
  beforeAll(() => {
    configure({ database: testDatabase(), models: [require.resolve('../../models'), require.resolve('../../relations')], ...options });
    createSchema();
  });
  afterAll(async () => {
    await close();
    dropTestDatabase();
  });
}

/** Empties the pizzeria tables, then `others` in order (delete() follows each model's on-delete rules). */
export function clearPizzeria(...others: Array<{ objects: { all(): { delete(): unknown } } }>): void {
  for (const model of [Pizza, Box, Price, Topping, ...others]) model.objects.all().delete();
}

/** A pizza with its own price (the one-to-one is required). */
export function makePizza(name: string, box: Box | null = null, amount = '10.00'): Pizza {
  return Pizza.objects.create({ name, box, price: Price.objects.create({ amount }) });
}
