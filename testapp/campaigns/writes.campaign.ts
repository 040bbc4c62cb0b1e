/**
 * Writes under cancellation and crashes (the exactly-once rules in README, How it works): a call that rejected
 * QueryCancelled never took effect, a call that resolved took effect exactly once, no call ran twice,
 * and a writer that dies mid-batch takes none of the batch's calls with it into the database. On SQLite
 * (one writer) and on PostgreSQL (two writers, each committing its share of a tick's writes).
 */
import { Box } from '../models';
import { isCrashed, randomFault, WriteLedger } from './faults';
import { Budget, campaignBackends, onFreshDatabase, PromiseRegister, randomFor, report, RunLog, scenarioName, settle, started, zeros, type Inspection, type Settled } from './harness';
import { crashWriter, writeThenCrash } from './units';

/** Creates per tick: enough that one batch mixes calls with and without faults. */
const BATCH = 30;

interface Write {
  /** The names of the rows the call writes (one for create, several for bulkCreate). */
  names: string[];
  faulty: boolean;
  outcome: Promise<Settled<unknown>>;
}

/** What every write scenario checks once the pool is closed. */
function judge(database: Inspection, prefix: string, writes: Array<Write & { settled: Settled<unknown> }>) {
  const rows = database.rowsByName(prefix);
  const ledger = new WriteLedger();
  for (const write of writes) {
    const present = write.names.reduce((sum, name) => sum + (rows.get(name) ?? 0), 0);
    ledger.record(write.settled, present, { expected: write.names.length, faulty: write.faulty });
  }
  return { ledger, integrity: database.integrity() };
}

async function settleAll(writes: Write[]): Promise<Array<Write & { settled: Settled<unknown> }>> {
  return Promise.all(writes.map(async (write) => ({ ...write, settled: await write.outcome })));
}

describe.each(campaignBackends())('on %s', (backend) => {
  test('write cancellation storm: tiny timeouts and aborts across a tick of creates and bulk creates', async () => {
    const scenario = scenarioName('write-storm', backend);
    const random = randomFor(scenario);
    const register = new PromiseRegister();
    const budget = new Budget(20_000, 8, 300);
    const { ledger, integrity: check, unsettled } = await onFreshDatabase(
      'writes',
      { workers: 1, backend },
      async () => {
        const writes: Write[] = [];
        while (budget.another()) {
          const round = budget.rounds;
          const batch: Write[] = [];
          const bulkAt = random.int(0, BATCH - 1);
          for (let k = 0; k < BATCH; k++) {
            const fault = randomFault(random);
            if (k === bulkAt) {
              const names = [0, 1, 2].map((j) => `ws-${round}-b${j}`);
              const call = started(() => Box.aobjects.bulkCreate(names.map((name) => new Box({ name })), fault.options));
              fault.arm();
              batch.push({ names, faulty: fault.kind !== 'none', outcome: settle(register.track(call)) });
              continue;
            }
            const name = `ws-${round}-${k}`;
            const call = started(() => Box.aobjects.create({ name }, fault.options));
            fault.arm();
            batch.push({ names: [name], faulty: fault.kind !== 'none', outcome: settle(register.track(call)) });
          }
          await Promise.all(batch.map((write) => write.outcome));
          writes.push(...batch);
        }
        const unsettled = await register.unsettledAfter();
        return { writes: await settleAll(writes), unsettled };
      },
      (database, { writes, unsettled }) => ({ ...judge(database, 'ws-', writes), unsettled }),
    );
    report(scenario, { rounds: budget.rounds, ...ledger.counts(), unsettled, integrity: check });
    expect({ ...ledger.violations(), unsettled, integrity: check }).toEqual({
      ...zeros(ledger.violations()),
      unsettled: 0,
      integrity: 'ok',
    });
  });

  test('writer crashes mid-batch: the calls it held reject WorkerCrashed, none committed, none retried', async () => {
    const scenario = scenarioName('writer-crash', backend);
    const random = randomFor(scenario);
    const register = new PromiseRegister();
    const budget = new Budget(12_000, 3, 40);
    const runs = new RunLog('writer-crash');
    let healthy = 0;
    const result = await onFreshDatabase(
      'writer-crash',
      { workers: 1, backend },
      async () => {
        const companions: Write[] = [];
        const crashes: Array<{ id: string; wrote: boolean; outcome: Promise<Settled<unknown>> }> = [];
        while (budget.another()) {
          const round = budget.rounds;
          const size = random.int(4, 16);
          const crashAt = random.int(0, size - 1);
          const batch: Write[] = [];
          for (let k = 0; k < size; k++) {
            if (k === crashAt) {
              // Either a crash before the unit wrote anything, or after it wrote a row of its own.
              const id = `wx-${round}`;
              const wrote = random.chance(0.5);
              const call = wrote ? writeThenCrash(runs.path, id) : crashWriter(runs.path, id);
              crashes.push({ id, wrote, outcome: settle(register.track(call)) });
            }
            const name = `wc-${round}-${k}`;
            batch.push({ names: [name], faulty: true, outcome: settle(register.track(started(() => Box.aobjects.create({ name })))) });
          }
          await Promise.all([...batch.map((write) => write.outcome), ...crashes.map((crash) => crash.outcome)]);
          companions.push(...batch);
          // The pool goes on: the next write lands.
          const after = await settle(register.track(started(() => Box.aobjects.create({ name: `wh-${round}` }))));
          if (after.status === 'fulfilled') healthy++;
        }
        const unsettled = await register.unsettledAfter();
        const settledCrashes = await Promise.all(crashes.map(async (crash) => ({ ...crash, settled: await crash.outcome })));
        return { writes: await settleAll(companions), crashes: settledCrashes, unsettled };
      },
      (database, { writes, crashes, unsettled }) => {
        const written = database.rowsByName('wx-');
        const ran = runs.counts();
        const crashCounts = {
          crashes: crashes.length,
          crashesNotWorkerCrashed: crashes.filter((crash) => !isCrashed(crash.settled)).length,
          crashedRowsKept: crashes.filter((crash) => (written.get(crash.id) ?? 0) > 0).length,
          crashesRunTwice: crashes.filter((crash) => (ran.get(crash.id) ?? 0) > 1).length,
        };
        return { ...judge(database, 'wc-', writes), crashCounts, unsettled };
      },
    );
    runs.remove();
    const { ledger, crashCounts, unsettled } = result;
    report(scenario, { rounds: budget.rounds, ...ledger.counts(), ...crashCounts, healthyAfter: healthy, unsettled, integrity: result.integrity });
    const { crashes, ...crashViolations } = crashCounts;
    expect(crashes).toBeGreaterThan(0);
    expect({ ...ledger.violations(), ...crashViolations, unhealthy: budget.rounds - healthy, unsettled, integrity: result.integrity }).toEqual({
      ...zeros(ledger.violations()),
      ...zeros(crashViolations),
      unhealthy: 0,
      unsettled: 0,
      integrity: 'ok',
    });
  });
});
