/** Shared set-up for the ports of Django's tests: a ':memory:' database with the models of testapp/parity.ts. */
import { close, configure, createSchema, type ConfigureOptions } from '../../../src';
import { getConnection } from '../../../src/db/connections';
import { dropTestDatabase, testDatabase } from '../test-database';

export const PARITY_MODELS = [require.resolve('../../parity')];

/** configure() + createSchema() before the file's tests, close() after. */
export function useParityDatabase(options: Partial<ConfigureOptions> = {}): void {
  beforeAll(() => {
    configure({ database: testDatabase(), models: PARITY_MODELS, workers: 1, ...options });
    createSchema();
  });
  afterAll(async () => {
    await close();
    dropTestDatabase();
  });
}

/** Empties every table with plain SQL (no deletion collector, so no signals), as a fresh TestCase would. */
export function emptyTables(): void {
  const connection = getConnection('test reset');
  const tables = connection.backend.introspection(connection).tableNames();
  if (!tables.length) return;
  if (connection.backend.vendor === 'postgresql') {
    connection.exec(`TRUNCATE ${tables.map((table) => `"${table}"`).join(', ')} CASCADE`);
    return;
  }
  connection.run('PRAGMA foreign_keys = OFF');
  for (const table of tables) connection.run(`DELETE FROM "${table}"`);
  connection.run('PRAGMA foreign_keys = ON');
}
