/** Shared set-up for the ports of Django's tests/async: the models of testapp/async-ports.ts on a fresh database. */
import { close, configure, createSchema } from '../../../src';
import { dropTestDatabase, testDatabase } from '../test-database';

export function useAsyncPortsDatabase(): void {
  beforeAll(() => {
    configure({ database: testDatabase(), models: [require.resolve('../../async-ports')], workers: 1 });
    createSchema();
  });
  afterAll(async () => {
    await close();
    dropTestDatabase();
  });
}
