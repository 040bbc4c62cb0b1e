/** Shared set-up for the sync core tests: one database per test file (see ../test-database). */
import { close, configure, createSchema, type ConfigureOptions } from '../../../src';
import type { Model } from '../../../src';
import { dropTestDatabase, testDatabase } from '../test-database';

export const MODEL_MODULES = [require.resolve('../../models'), require.resolve('../../inventory')];

/** configure() + createSchema() in beforeAll, close() in afterAll. */
export function useDatabase(options: Partial<ConfigureOptions> = {}): void {
  beforeAll(() => {
    configure({ database: testDatabase(), models: MODEL_MODULES, workers: 1, ...options });
    createSchema();
  });
  afterAll(async () => {
    await close();
    dropTestDatabase();
  });
}

/** Deletes every row of the given models (in order, so referencing rows go first). */
export function clearTables(...models: Array<{ objects: { all(): { delete(): unknown } } } & typeof Model>): void {
  for (const model of models) model.objects.all().delete();
}
