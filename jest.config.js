/** Type checking runs once over the whole project (`npm run typecheck`); jest only transpiles. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/testapp', '<rootDir>/src', '<rootDir>/mixins'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  moduleNameMapper: {
    '^threadorm$': '<rootDir>/src/index.ts',
    '^threadorm/mixins$': '<rootDir>/mixins/index.ts',
    '^threadorm/migrations$': '<rootDir>/src/migrations/index.ts',
  },
};
