// Pool workers started from TypeScript sources (ts-node, ts-jest) load the worker module through ts-node.
require('ts-node').register({ transpileOnly: true, compilerOptions: { module: 'commonjs' } });
module.exports = require(require('node:worker_threads').workerData.entry);
