'use strict';
// The compiled binding, built by `npm run build` (node-gyp) against the system libpq (pg_config, libpq-dev).
const path = require('path');
const binary = path.join(__dirname, 'build', 'Release', 'threadorm_pg_native.node');
try {
  module.exports = require(binary);
} catch (error) {
  if (error && error.code === 'MODULE_NOT_FOUND' && String(error.message).includes(binary)) {
    const wrapped = new Error(`threadorm-pg-native is not built: run \`npm run build\` in ${__dirname} (needs libpq-dev and a C compiler)`);
    wrapped.code = 'MODULE_NOT_FOUND';
    throw wrapped;
  }
  throw error;
}
