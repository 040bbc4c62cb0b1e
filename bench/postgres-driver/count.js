'use strict';
// One client running one case N times, for counting the instructions it costs the client process
// (bench/postgres-driver.ts --instructions runs this under callgrind with N = 0 and N > 0).
// The same 20 warm-up calls run either way, so the difference is N calls of warm code.
require('../../src/bootstrap-typescript.js');
const { openClient } = require('./clients.ts');
const { FETCH_SQL, SELECT_SQL } = require('./cases.ts');

const [client, name, url, count] = process.argv.slice(2);

async function main() {
  const connection = await openClient(client, url);
  await connection.prepare('bench_select', SELECT_SQL, 1);
  const op =
    name === 'fetch'
      ? () => connection.query(FETCH_SQL, [])
      : name === 'prepared'
        ? (i) => connection.execute('bench_select', [i])
        : (i) => connection.query(SELECT_SQL, [i]);
  const total = 20 + Number(count);
  for (let i = 0; i < total; i++) {
    const result = op(i);
    if (!connection.sync) await result;
  }
  await connection.close();
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
