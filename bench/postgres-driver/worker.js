'use strict';
// A worker thread of the driver benchmark: registers threadorm's TypeScript loader (esbuild, cached) and
// runs the job in workerData with the TypeScript cases. Start-up is outside every timed section.
require('../../src/bootstrap-typescript.js');
require('./cases.ts').workerMain();
