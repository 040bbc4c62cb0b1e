'use strict';
// The naive async baseline: a piscina worker with its own read-only better-sqlite3 connection that runs
// one prepared statement per task. No batching, no codec, no hydration: the cost of a thread round trip.
// Plain JavaScript, because piscina loads worker files through Node's own loader (no ts-node there).
const Database = require('better-sqlite3');
const { workerData } = require('node:worker_threads');

const db = new Database(workerData.database, { readonly: true });
const statement = db.prepare(workerData.sql);

/** @param {unknown[]} params the statement's parameters */
module.exports = (params) => statement.get(...params);
