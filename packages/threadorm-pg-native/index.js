'use strict';
// The compiled binding. Built by `npm run build` (node-gyp) against the system libpq (libpq-dev / pg_config).
module.exports = require('./build/Release/threadorm_pg_native.node');
