/**
 * `npm start`: the example server on a SQLite file (testapp/data/pizzeria.sqlite3, or PIZZERIA_DB),
 * seeded on the first run only, listening on 127.0.0.1:PORT (default 8000).
 */
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { startServer } from './server';

async function main(): Promise<void> {
  const database = resolve(process.env.PIZZERIA_DB ?? join(__dirname, 'data', 'pizzeria.sqlite3'));
  const port = Number(process.env.PORT ?? 8000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number; got '${process.env.PORT}'.`);
  mkdirSync(dirname(database), { recursive: true });
  const server = await startServer({ database, port, host: '127.0.0.1', seed: true });
  const { seeded } = server;
  console.log(
    seeded
      ? `Created ${database}: ${seeded.pizzas} pizzas, ${seeded.toppings} toppings, ${seeded.questions} questions.`
      : `Using the data in ${database}.`,
  );
  console.log(`threadorm example server listening on ${server.url}`);
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
