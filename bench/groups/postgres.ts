import { Box, Pizza } from '../../testapp/models';
import { connectSync, driverUnavailableReason, type SyncPgConnection } from '../../src/db/backends/postgresql/driver';
import { check, cyclingIds, defineGroup, type BenchCase } from '../lib/group';
import { PIZZERIA } from '../lib/pizzeria';
import { atLeast, atMost, figureRow, formatMs, rateRow } from '../lib/report';
import { withOrm } from '../lib/session';
import { compare, eventLoopDelayDuring, sleep, type LoopDelay, type Operation } from '../lib/timing';
import { WORKERS, warmPool } from './async/context';
import { describeDelay, summarise } from './async/event-loop';

/**
 * Group 4: the async layer on PostgreSQL, next to node-postgres (`pg`, the usual async client) with a pool of
 * as many connections as threadorm has readers, both against one database on the server PG_BENCH_URL names
 * (default postgres@127.0.0.1:5432), in the same run: pk lookups from 64 callers, a 1,000-row fetch, and the
 * event-loop delay while a 500 ms statement runs. Skipped, with a line saying why, when no server answers.
 */

const GROUP = 'postgres';
const SERVER_URL = process.env.PG_BENCH_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const DATABASE = 'threadorm_bench_async';
const CALLERS = 64;
/** Box 2 holds exactly 1,000 pizzas (see PIZZERIA and seed()). */
const BOX_OF_1000 = 2;
const LOOKUP_SQL = 'SELECT id, name, box_id, price_id FROM pizza WHERE id = $1';
const FETCH_SQL = 'SELECT id, name, box_id, price_id FROM pizza WHERE box_id = $1 ORDER BY name';
const SLEEP_MS = 500;
const REPETITIONS = 3;

/** The part of node-postgres' Pool the cases use (pg ships no types of its own). */
interface PgPool {
  query(text: string, values?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
  end(): Promise<void>;
}

interface PostgresContext {
  url: string;
  pg: PgPool;
}

export const postgres = defineGroup<PostgresContext>({
  name: GROUP,
  title: `Async layer on PostgreSQL, next to node-postgres (pg.Pool of ${WORKERS}, the readers' count)`,
  async within(body) {
    const unreachable = whyUnreachable();
    if (unreachable) {
      console.log(`   skipped: ${unreachable}`);
      return;
    }
    const url = createDatabase();
    try {
      await withOrm(url, {}, () => undefined); // the tables, as threadorm creates them
      seed(url);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { Pool } = require('pg') as { Pool: new (options: { connectionString: string; max: number }) => PgPool };
      const pg = new Pool({ connectionString: url, max: WORKERS });
      try {
        await body({ url, pg });
      } finally {
        await pg.end();
      }
    } finally {
      runOnServer(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    }
  },
  cases: [
    {
      name: 'lookups',
      async run({ url, pg }) {
        const nextRawId = cyclingIds(PIZZERIA.pizzas);
        const reference = async () => (await pg.query(LOOKUP_SQL, [nextRawId()])).rows[0];
        return withOrm(url, { workers: WORKERS }, async () => {
          const pizza = await Pizza.aobjects.get({ id: 42 });
          check(pizza.name === (await pg.query(LOOKUP_SQL, [42])).rows[0]!.name, 'aobjects.get() and pg disagree on pizza 42');
          const nextId = cyclingIds(PIZZERIA.pizzas);
          const lookup = () => Pizza.aobjects.get({ id: nextId() });
          await warmPool(lookup, CALLERS);
          await warmPool(reference, CALLERS);
          const comparison = await compare(lookup, reference, { durationMs: 600, concurrency: CALLERS });
          return [rateRow(GROUP, `aobjects.get({ id }) x${CALLERS}, ${WORKERS} readers vs pg.Pool`, comparison, 'lookups', atLeast(0.5))];
        });
      },
    },
    {
      name: 'fetch',
      async run({ url, pg }) {
        const reference = async () =>
          (await pg.query(FETCH_SQL, [BOX_OF_1000])).rows.map((row) => ({ id: row.id, name: row.name, boxId: row.box_id, priceId: row.price_id }));
        return withOrm(url, { workers: WORKERS }, async () => {
          const fetch = () => Pizza.aobjects.filter({ box: BOX_OF_1000 }).orderBy('name').eval();
          const pizzas = await fetch();
          const expected = await reference();
          check(pizzas.length === 1000 && pizzas.map((p) => p.id).join() === expected.map((p) => p.id).join(), 'aobjects and pg return different rows');
          await warmPool(fetch, 4);
          await warmPool(reference, 4);
          const one = await compare(fetch, reference, { durationMs: 600, unitsPerOp: 1000 });
          const many = await compare(fetch, reference, { durationMs: 600, unitsPerOp: 1000, concurrency: CALLERS });
          return [
            rateRow(GROUP, 'aobjects.filter() -> 1,000 instances, 1 caller, vs pg + objects', one, 'rows', atLeast(0.7)),
            rateRow(GROUP, `same, ${CALLERS} callers`, many, 'rows'),
          ];
        });
      },
    },
    {
      name: 'event loop',
      async run({ url, pg }) {
        return withOrm(url, { workers: WORKERS }, async () => {
          const sleeping: Record<'idle' | 'orm' | 'pg', Operation> = {
            // The same wait without a statement: what the machine alone does to the loop.
            idle: () => sleep(SLEEP_MS),
            orm: () => Box.aobjects.raw(`SELECT 1 AS id, 'slept' AS name FROM pg_sleep(${SLEEP_MS / 1000})`),
            pg: () => pg.query(`SELECT pg_sleep(${SLEEP_MS / 1000})`),
          };
          await warmPool(() => Box.aobjects.count(), WORKERS);
          const samples: Record<'idle' | 'orm' | 'pg', LoopDelay[]> = { idle: [], orm: [], pg: [] };
          for (let repetition = 0; repetition < REPETITIONS; repetition++) {
            for (const subject of ['idle', 'orm', 'pg'] as const) samples[subject].push(await eventLoopDelayDuring(sleeping[subject]));
          }
          const [idle, orm, reference] = (['idle', 'orm', 'pg'] as const).map((subject) => summarise(samples[subject]));
          return [
            figureRow(
              GROUP,
              `loop delay during pg_sleep(${SLEEP_MS / 1000}) through aobjects (raw: pg)`,
              { subject: describeDelay(orm!), raw: describeDelay(reference!) },
              { target: atMost(2, ' ms'), label: 'p99', checked: orm!.p99Ms },
            ),
            figureRow(GROUP, `loop delay, idle ${SLEEP_MS} ms (noise floor)`, { subject: `p99 ${formatMs(idle!.p99Ms)}, max ${formatMs(idle!.maxMs)}`, raw: '' }),
          ];
        });
      },
    },
  ] satisfies Array<BenchCase<PostgresContext>>,
});

/** Why this group cannot run here (no driver, no server), or null. */
function whyUnreachable(): string | null {
  const unavailable = driverUnavailableReason();
  if (unavailable) return `the PostgreSQL driver is not available (${unavailable})`;
  try {
    connectSync(SERVER_URL).close();
    return null;
  } catch (error) {
    return `no PostgreSQL server answers at ${new URL(SERVER_URL).host} (set PG_BENCH_URL): ${(error as Error).message.replace(/\s+/g, ' ').trim()}`;
  }
}

/** A fresh, empty database on the server; its URL. */
function createDatabase(): string {
  runOnServer(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`, `CREATE DATABASE ${DATABASE}`);
  const url = new URL(SERVER_URL);
  url.pathname = `/${DATABASE}`;
  return url.toString();
}

function runOnServer(...statements: string[]): void {
  withConnection(SERVER_URL, (connection) => {
    for (const statement of statements) connection.exec(statement);
  });
}

function withConnection(url: string, fn: (connection: SyncPgConnection) => void): void {
  const connection = connectSync(url);
  try {
    fn(connection);
  } finally {
    connection.close();
  }
}

/**
 * The pizzeria's boxes, prices and pizzas as bench/lib/pizzeria.ts writes them for SQLite (same names, same
 * boxes: pizza i in box (i % 10) + 1, every 50th without one), in one statement per table.
 */
function seed(url: string): void {
  const { pizzas, boxes } = PIZZERIA;
  withConnection(url, (connection) =>
    connection.exec(
      [
        'BEGIN',
        `INSERT INTO box (name) SELECT 'box ' || i FROM generate_series(1, ${boxes}) AS i ORDER BY i`,
        `INSERT INTO price (amount, currency) SELECT 5 + (i % 20) / 2.0, 'usd' FROM generate_series(1, ${pizzas}) AS i ORDER BY i`,
        `INSERT INTO pizza (name, box_id, price_id) SELECT 'pizza ' || lpad(((i * 7919) % 100003)::text, 6, '0'), ` +
          `CASE WHEN i % 50 <> 0 THEN (i % ${boxes}) + 1 END, i FROM generate_series(1, ${pizzas}) AS i ORDER BY i`,
        'COMMIT',
        'ANALYZE',
      ].join('; '),
    ),
  );
}
