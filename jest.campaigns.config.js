/**
 * The fault campaigns (`npm run campaigns`): long, randomised runs kept out of `npm test`. One file at a
 * time (`--runInBand` in the script), so the campaigns do not compete with each other for the cores.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/testapp/campaigns'],
  testMatch: ['**/*.campaign.ts'],
  testTimeout: 300_000,
};
