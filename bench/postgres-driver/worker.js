'use strict';
// A worker thread of the driver benchmark: loads the TypeScript cases through ts-node (start-up cost is
// outside every timed section) and runs the job in workerData.
require('ts-node').register({ transpileOnly: true });
require('./cases.ts').workerMain();
