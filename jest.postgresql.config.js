/**
 * The test files that run on PostgreSQL: `npm run test:postgresql`. Their shared set-ups
 * (testapp/tests/test-database.ts) give each file a fresh database on the server THREADORM_TEST_PG_URL names
 * (default postgresql://postgres@127.0.0.1:5432/postgres). A test of SQLite's own text or behaviour is
 * marked `sqliteOnlyTest` and says why in its title.
 */
process.env.THREADORM_TEST_DATABASE = 'postgresql';

const base = require('./jest.config.js');

module.exports = {
  ...base,
  roots: ['<rootDir>/testapp'],
  testMatch: ['<rootDir>/testapp/tests/{core,relations,django,async,multidb,migrations,postgresql,postgresql-driver,integration}/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
};
