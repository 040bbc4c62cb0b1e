/**
 * What every fault campaign shares: a seeded random source (the seed is printed, and CAMPAIGN_SEED
 * replays a run), a register of every promise a scenario starts (none may be left unsettled), a scale
 * calibrated on the machine so the whole campaign stays near two minutes, one database per scenario (a
 * SQLite file, or a PostgreSQL database) inspected with a connection of its own after the pool is closed,
 * and one report line per scenario.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { close, configure, createSchema } from '../../src';
import { connectSync, type SyncPgConnection } from '../../src/db/backends/postgresql/driver';
import { ADMIN_URL, unavailableReason } from '../tests/postgresql-driver/helpers';
import { Box } from '../models';

/** The seed of this run: CAMPAIGN_SEED when given (to replay a failure), else a fresh one. */
export const SEED = process.env.CAMPAIGN_SEED ? Number(process.env.CAMPAIGN_SEED) : Math.floor(Math.random() * 2 ** 31);

/** Multiplies every scenario's round count (CAMPAIGN_SCALE=0.2 for a quick look, 5 for a long soak). */
const SCALE = process.env.CAMPAIGN_SCALE ? Number(process.env.CAMPAIGN_SCALE) : 1;

/** A small deterministic generator (mulberry32): the same seed gives the same choices. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [low, high]. */
  int(low: number, high: number): number {
    return low + Math.floor(this.next() * (high - low + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
}

/** A generator per scenario, derived from the run's seed and the scenario's name (scenarios replay independently). */
export function randomFor(scenario: string): Random {
  let hash = SEED >>> 0;
  for (const char of scenario) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return new Random(hash);
}

/**
 * Every promise a scenario starts goes through `track`, so the scenario can prove that all of them
 * settled. The bound for waiting is generous on purpose: it only turns a hang into a counted failure.
 */
export class PromiseRegister {
  private readonly pending = new Set<Promise<unknown>>();
  started = 0;

  track<T>(promise: Promise<T>): Promise<T> {
    this.started++;
    this.pending.add(promise);
    const forget = () => this.pending.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  /** Waits until every tracked promise settled, or `boundMs` passed; returns how many are still unsettled. */
  async unsettledAfter(boundMs = 120_000): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, boundMs)));
    await Promise.race([Promise.allSettled([...this.pending]), bound]);
    clearTimeout(timer);
    return this.pending.size;
  }
}

/** A call's result, kept as data: settled outcomes are what the invariants are checked on. */
export type Settled<T> = { status: 'fulfilled'; value: T } | { status: 'rejected'; reason: unknown };

export function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ status: 'fulfilled', value }) as const,
    (reason: unknown) => ({ status: 'rejected', reason }) as const,
  );
}

/** A call started in a way that turns an immediate throw into a rejection (chaining may throw at once). */
export function started<T>(fn: () => Promise<T>): Promise<T> {
  return (async () => fn())();
}

/**
 * How long a scenario goes on: at least `min` rounds (so every scenario really runs), then while its time
 * budget lasts, at most `max`; CAMPAIGN_SCALE multiplies budget and maximum. The budget only sizes the
 * run to the machine (a slow pool runs fewer rounds); no assertion depends on time.
 */
export class Budget {
  /** Set by the first round, so the pool's start-up is not taken from the budget. */
  private start: number | null = null;
  private readonly budgetMs: number;
  private readonly max: number;
  rounds = 0;

  constructor(budgetMs: number, private readonly min: number, max: number) {
    this.budgetMs = budgetMs * SCALE;
    this.max = Math.max(min, Math.round(max * SCALE));
  }

  /** Whether to run another round (counts it when so). */
  another(): boolean {
    this.start ??= performance.now();
    const more = this.rounds < this.min || (this.rounds < this.max && performance.now() - this.start < this.budgetMs);
    if (more) this.rounds++;
    return more;
  }
}

/** One line per scenario, on the real stdout (not jest's console), so a report can quote it. */
export function report(scenario: string, counts: Record<string, number | string>): void {
  const fields = Object.entries(counts).map(([key, value]) => `${key}=${value}`);
  process.stdout.write(`campaign ${scenario}: seed=${SEED} ${fields.join(' ')}\n`);
}

/** A fresh file path in a directory of its own; `remove()` deletes the directory (a database with its WAL). */
export function temporaryFile(name: string, basename = 'db.sqlite3'): { path: string; remove(): void } {
  const directory = mkdtempSync(join(tmpdir(), `threadorm-campaign-${name}-`));
  return { path: join(directory, basename), remove: () => rmSync(directory, { recursive: true, force: true }) };
}

export const CAMPAIGN_MODELS = [require.resolve('../models'), require.resolve('./units')];

/** Where a campaign runs: SQLite (a file), or PostgreSQL (a database of its own on the test server). */
export type CampaignBackend = 'sqlite' | 'postgresql';

/** What a campaign reads back from its database once the pool is closed. */
export interface Inspection {
  /** Rows of `box` whose name starts with `prefix`, per name (prefixes use no `%` or `_`). */
  rowsByName(prefix: string): Map<string, number>;
  /**
   * 'ok' when the database finds nothing wrong. SQLite: `PRAGMA integrity_check`. PostgreSQL: no session
   * of the closed pool is left on the server (a thread that died holding an open transaction would leave one).
   */
  integrity(): string;
}

interface NameCount {
  name: string;
  n: number;
}

/** Reads a SQLite file back through a connection of its own. */
function inspectSqlite(connection: Database.Database): Inspection {
  return {
    rowsByName(prefix) {
      const rows = connection.prepare('SELECT name, count(*) AS n FROM box WHERE name LIKE ? GROUP BY name').all(`${prefix}%`) as NameCount[];
      return new Map(rows.map((row) => [row.name, row.n]));
    },
    integrity: () => (connection.prepare('PRAGMA integrity_check').pluck().all() as string[]).join('; '),
  };
}

/**
 * Runs `scenario` against a pool on a fresh database, closes the pool, then hands the database to `inspect`
 * on a connection of its own: what is checked is what reached the disk, after every thread that could
 * still write has been stopped.
 */
export async function onFreshDatabase<T, R>(
  name: string,
  options: { workers: number; backend?: CampaignBackend },
  scenario: () => Promise<T>,
  inspect: (database: Inspection, result: T) => R,
): Promise<R> {
  const database = freshDatabase(name, options.backend);
  try {
    configure({ database: database.url, models: CAMPAIGN_MODELS, workers: options.workers });
    let result: T;
    try {
      createSchema();
      await warmPool(options.workers);
      result = await scenario();
    } finally {
      await close();
    }
    return database.inspect((inspection) => inspect(inspection, result));
  } finally {
    database.remove();
  }
}

/** A campaign's own database: what configure() takes, a way to read it back, and its removal. */
export interface CampaignDatabase {
  /** The `database` of configure(): a file path, or a PostgreSQL URL. */
  url: string;
  /** Runs `fn` on a connection of its own (opened for it, closed after). */
  inspect<R>(fn: (inspection: Inspection) => R): R;
  remove(): void;
}

/** A new, empty database for scenario `name` (no tables yet): a SQLite file, or a PostgreSQL database. */
export function freshDatabase(name: string, backend: CampaignBackend = 'sqlite'): CampaignDatabase {
  return backend === 'postgresql' ? postgresqlDatabase(name) : sqliteDatabase(name);
}

function sqliteDatabase(name: string): CampaignDatabase {
  const file = temporaryFile(name);
  return {
    url: file.path,
    inspect(fn) {
      const connection = new Database(file.path);
      try {
        return fn(inspectSqlite(connection));
      } finally {
        connection.close();
      }
    },
    remove: () => file.remove(),
  };
}

/**
 * The backends the scenarios that run on both go through: SQLite always; PostgreSQL where its addon and a
 * server are there, and always under CI=true, where a missing one fails those scenarios instead of skipping them.
 */
export function campaignBackends(): CampaignBackend[] {
  const reason = unavailableReason();
  if (!reason || process.env.CI === 'true') return ['sqlite', 'postgresql'];
  console.warn(`The PostgreSQL campaigns are skipped (CI=true fails them instead): ${reason}`);
  return ['sqlite'];
}

/** A scenario's name in reports and seeds: as it is on SQLite, with the backend added on any other. */
export function scenarioName(scenario: string, backend: CampaignBackend): string {
  return backend === 'sqlite' ? scenario : `${scenario} (${backend})`;
}

function postgresqlDatabase(name: string): CampaignDatabase {
  const unavailable = unavailableReason();
  if (unavailable) throw new Error(`A PostgreSQL campaign needs PostgreSQL: ${unavailable}`);
  // The process id and a random part: another machine's run on the same server may have the same process id.
  const database = `threadorm_campaign_${name.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const onServer = (statement: string) => {
    const admin = connectSync(ADMIN_URL);
    try {
      admin.exec(statement);
    } finally {
      admin.close();
    }
  };
  onServer(`CREATE DATABASE "${database}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  return {
    url: url.toString(),
    inspect(fn) {
      const connection = connectSync(url.toString());
      try {
        // Before any row is read: once the closed pool's sessions are gone, no commit of theirs can still land.
        const integrity = leftSessions(connection, database);
        return fn({
          rowsByName(prefix) {
            const { rows } = connection.query('SELECT name, count(*)::int FROM box WHERE name LIKE $1 GROUP BY name', [`${prefix}%`]);
            return new Map(rows.map(([name, n]) => [name as string, Number(n)]));
          },
          integrity: () => integrity,
        });
      } finally {
        connection.close();
      }
    },
    remove: () => onServer(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`),
  };
}

/** How long the closed pool's sessions may take to leave the server before they count as left open. */
const SESSIONS_GONE_WITHIN_MS = 10_000;

/**
 * 'ok' once no client session but `connection`'s own is on `database` (background workers such as autovacuum do not count). A session ends on the server a moment after
 * its client closed it, so this waits for that, on the server (pg_sleep), within SESSIONS_GONE_WITHIN_MS.
 */
function leftSessions(connection: SyncPgConnection, database: string): string {
  const deadline = performance.now() + SESSIONS_GONE_WITHIN_MS;
  for (;;) {
    const { rows } = connection.query(
      "SELECT coalesce(state, 'unknown') FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
      [database],
    );
    if (!rows.length) return 'ok';
    if (performance.now() > deadline) return `${rows.length} sessions left open (${rows.map(([state]) => state).join(', ')})`;
    connection.query('SELECT pg_sleep(0.05)');
  }
}

/**
 * Starts the pool's threads before a scenario's rounds begin: a thread's start-up is the pool's cost,
 * not the scenario's, and would otherwise eat the rounds of its time budget. Writes nothing.
 */
async function warmPool(workers: number): Promise<void> {
  await Promise.all([
    Box.aobjects.filter({ pk: -1 }).delete(),
    ...Array.from({ length: workers * 4 }, () => Box.aobjects.count()),
  ]);
}

/** The same keys, every value 0: what a record of violations must equal. */
export function zeros(counts: Record<string, unknown>): Record<string, number> {
  return Object.fromEntries(Object.keys(counts).map((key) => [key, 0]));
}

/** A file the fault units append their call ids to: how many times each call really ran, in any thread. */
export class RunLog {
  private readonly file: { path: string; remove(): void };

  constructor(scenario: string) {
    this.file = temporaryFile(scenario, 'runs.log');
  }

  get path(): string {
    return this.file.path;
  }

  counts(): Map<string, number> {
    const counts = new Map<string, number>();
    if (!existsSync(this.path)) return counts;
    for (const id of readFileSync(this.path, 'utf8').split('\n')) if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
    return counts;
  }

  remove(): void {
    this.file.remove();
  }
}
