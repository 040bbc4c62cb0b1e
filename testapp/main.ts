/**
 * `npm start`: the example server on a SQLite file (testapp/data/pizzeria.sqlite3, or PIZZERIA_DB),
 * seeded on the first run only, listening on 127.0.0.1:PORT (default 8000). It says what it is doing:
 * a first run takes a while (worker threads loading TypeScript, then seeding), and a busy port is explained.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { startServer } from './server';

const DEFAULT_PORT = 8000;
const HOST = '127.0.0.1';

async function main(): Promise<void> {
  const database = resolve(process.env.PIZZERIA_DB ?? join(__dirname, 'data', 'pizzeria.sqlite3'));
  const port = Number(process.env.PORT ?? DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number; got '${process.env.PORT}'.`);
  // Before the seconds of start-up, so that a busy port is reported at once (listen() reports it too, later).
  await checkPortIsFree(port, HOST);
  mkdirSync(dirname(database), { recursive: true });
  console.log(existsSync(database) ? `Opening ${database}.` : `Creating ${database}: its tables, then the demo data.`);
  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  const server = await startServer({
    database,
    port,
    host: HOST,
    seed: true,
    onStep: (message) => console.log(`[${elapsed()}] ${message[0]!.toUpperCase()}${message.slice(1)}...`),
  });
  const { seeded } = server;
  console.log(
    seeded
      ? `Created ${database}: ${seeded.pizzas} pizzas, ${seeded.toppings} toppings, ${seeded.questions} questions.`
      : `Using the data in ${database}.`,
  );
  console.log(`threadorm example server listening on ${server.url} (ready after ${elapsed()})`);
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

/** Rejects with listen()'s own error (EADDRINUSE, EACCES) when the port cannot be listened on. */
function checkPortIsFree(port: number, host: string): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

/** What went wrong, in a sentence a first-time user can act on, for the failures that have a usual cause. */
function explain(error: unknown): string | null {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const port = process.env.PORT ?? String(DEFAULT_PORT);
  if (code === 'EADDRINUSE') {
    return `Port ${port} on ${HOST} is already in use (another \`npm start\`?). Stop that server, or pick another port: PORT=${Number(port) + 1} npm start (PORT=0 picks a free one).`;
  }
  if (code === 'EACCES') return `Port ${port} needs privileges to listen on; pick a port above 1023: PORT=8000 npm start.`;
  return null;
}

main().catch((error) => {
  const explanation = explain(error);
  console.error(explanation ?? error);
  process.exit(1);
});
