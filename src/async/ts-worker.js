// Pool workers started from the TypeScript sources: register the transpiler, then load the worker module.
require('../bootstrap-typescript.js');
module.exports = require(require('node:worker_threads').workerData.entry);
