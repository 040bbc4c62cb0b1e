/**
 * The test files that run on PostgreSQL: `npm run test:postgresql`. Their shared set-ups
 * (testapp/tests/test-database.ts) give each file a fresh database on the server THREADORM_TEST_PG_URL names
 * (default postgresql://postgres@127.0.0.1:5432/postgres). The files left out still expect SQLite's results
 * where the backends differ (NULL ordering, numeric averages, untyped parameters).
 */
process.env.THREADORM_TEST_DATABASE = 'postgresql';

const base = require('./jest.config.js');

module.exports = {
  ...base,
  roots: ['<rootDir>/testapp'],
  testMatch: ['<rootDir>/testapp/tests/{core,relations,django,async,multidb,postgresql,postgresql-driver}/**/*.test.ts'],
  testPathIgnorePatterns: [
    '/node_modules/',
    '<rootDir>/testapp/tests/core/(errors|queryset|expressions)\\.test\\.ts$',
    '<rootDir>/testapp/tests/relations/expressions\\.test\\.ts$',
    '<rootDir>/testapp/tests/async/parity\\.test\\.ts$',
    // Parameters reach PostgreSQL untyped: a lone `CASE WHEN … THEN $1` resolves to text, and an aggregate of
    // annotations comes back as numeric text. Sending parameter types from the driver is the fix.
    '<rootDir>/testapp/tests/django/(expressions_case|aggregation_regress)\\.test\\.ts$',
  ],
};
