/**
 * The test files that run on PostgreSQL: `npm run test:postgresql`. Their shared set-ups
 * (testapp/tests/test-database.ts) give each file a fresh database on the server THREADORM_TEST_PG_URL names
 * (default postgresql://postgres@127.0.0.1:5432/postgres). The files left out still expect SQLite's results
 * where the backends differ (NULL ordering, numeric averages, DISTINCT with ORDER BY).
 */
process.env.THREADORM_TEST_DATABASE = 'postgresql';

const base = require('./jest.config.js');

module.exports = {
  ...base,
  roots: ['<rootDir>/testapp'],
  testMatch: ['<rootDir>/testapp/tests/{core,relations,django,async,postgresql,postgresql-driver}/**/*.test.ts'],
  testPathIgnorePatterns: [
    '/node_modules/',
    '<rootDir>/testapp/tests/core/(errors|queryset|expressions)\\.test\\.ts$',
    '<rootDir>/testapp/tests/relations/expressions\\.test\\.ts$',
    '<rootDir>/testapp/tests/async/parity\\.test\\.ts$',
  ],
};
