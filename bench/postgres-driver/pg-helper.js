'use strict';
// The helper thread of the sync-over-async client (clients.ts): runs node-postgres for one blocked caller.
// Each answer is posted first, then the shared answer count is raised and notified.
const { workerData } = require('node:worker_threads');
const { Client } = require('pg');

const { url, port, flag } = workerData;
const client = new Client({ connectionString: url });
const statements = new Map();

async function handle(request) {
  switch (request.op) {
    case 'connect':
      await client.connect();
      return undefined;
    case 'query':
      return (await client.query({ text: request.sql, values: request.params, rowMode: 'array' })).rows;
    case 'prepare':
      statements.set(request.name, request.sql);
      return undefined;
    case 'execute': {
      const text = statements.get(request.name);
      return (await client.query({ name: request.name, text, values: request.params, rowMode: 'array' })).rows;
    }
    case 'end':
      await client.end();
      return undefined;
  }
  throw new Error(`unknown request ${request.op}`);
}

port.on('message', (request) => {
  handle(request).then(
    (rows) => port.postMessage({ rows }),
    (error) => port.postMessage({ error: String(error && error.message) }),
  ).finally(() => {
    Atomics.add(flag, 0, 1);
    Atomics.notify(flag, 0);
  });
});
