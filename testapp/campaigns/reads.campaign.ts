/**
 * Reads under cancellation and crashes (the cancellation rules in README, How it works): a cancelled or timed-out read rejects
 * QueryCancelled, the reads batched with it still answer correctly, every promise settles, and the pool
 * answers plain queries afterwards. On SQLite (a cut-off read ends its reader thread) and on PostgreSQL
 * (its statement is stopped and the thread stays).
 */
import { Box } from '../models';
import { calibrateSlowRead, errorName, isCancelled, isCrashed, NO_FAULT, randomFault, SLOW_SQL, type Fault } from './faults';
import { Budget, campaignBackends, onFreshDatabase, PromiseRegister, randomFor, report, RunLog, scenarioName, settle, started, zeros, type Random, type Settled } from './harness';
import { crashReader } from './units';

const BOXES = 40;
const READS_PER_TICK = 64;

interface Read {
  kind: string;
  faulty: boolean;
  expected: unknown;
  /** The result reduced to what `expected` states. */
  reduce(value: unknown): unknown;
  outcome: Promise<Settled<unknown>>;
}

function seedBoxes(): void {
  for (let i = 0; i < BOXES; i++) Box.objects.create({ name: `rb-${i}` });
}

/** One read of a random kind, `fault` applied. */
function randomRead(random: Random, register: PromiseRegister, fault: Fault, slowN: number | null): Read {
  const track = (call: () => Promise<unknown>) => {
    const outcome = settle(register.track(started(call)));
    fault.arm();
    return outcome;
  };
  const faulty = fault.kind !== 'none';
  if (slowN !== null) {
    return { kind: 'slow', faulty, expected: slowN, reduce: (rows) => (rows as Box[])[0]?.pk, outcome: track(() => Box.aobjects.raw(SLOW_SQL, [slowN], fault.options)) };
  }
  const roll = random.next();
  if (roll < 0.35) return { kind: 'count', faulty, expected: BOXES, reduce: (n) => n, outcome: track(() => Box.aobjects.filter({ name__startswith: 'rb-' }).count(fault.options)) };
  if (roll < 0.75) {
    const name = `rb-${random.int(0, BOXES - 1)}`;
    return { kind: 'get', faulty, expected: name, reduce: (box) => (box as Box).name, outcome: track(() => Box.aobjects.get({ name }, fault.options ?? {})) };
  }
  return {
    kind: 'eval',
    faulty,
    expected: BOXES,
    reduce: (boxes) => (boxes as Box[]).filter((box) => box.name.startsWith('rb-')).length,
    outcome: track(() => Box.aobjects.filter({ name__startswith: 'rb-' }).eval(fault.options)),
  };
}

/** Counts of what the reads gave; `allowCrashes` when a crash was injected among them. */
function judgeReads(reads: Array<Read & { settled: Settled<unknown> }>, { allowCrashes }: { allowCrashes: boolean }) {
  const counts = { calls: reads.length, resolved: 0, cancelled: 0, crashed: 0, wrongResults: 0, faultFreeRejected: 0, otherRejected: 0 };
  const otherErrors = new Set<string>();
  for (const read of reads) {
    const { settled } = read;
    if (settled.status === 'fulfilled') {
      counts.resolved++;
      if (read.reduce(settled.value) !== read.expected) counts.wrongResults++;
    } else if (isCancelled(settled)) {
      counts.cancelled++;
      if (!read.faulty) counts.faultFreeRejected++;
    } else if (isCrashed(settled) && allowCrashes) {
      counts.crashed++;
    } else {
      counts.otherRejected++;
      otherErrors.add(errorName(settled.reason));
    }
  }
  return { ...counts, ...(otherErrors.size ? { otherErrors: [...otherErrors].join(',') } : {}) };
}

/** The pool answers plain queries: a count, a write, and a read of that write. */
async function healthy(register: PromiseRegister, name: string): Promise<boolean> {
  const count = await settle(register.track(started(() => Box.aobjects.filter({ name__startswith: 'rb-' }).count())));
  const created = await settle(register.track(started(() => Box.aobjects.create({ name }))));
  const read = await settle(register.track(started(() => Box.aobjects.get({ name }))));
  return count.status === 'fulfilled' && count.value === BOXES && created.status === 'fulfilled' && read.status === 'fulfilled';
}

async function settleAll(reads: Read[]): Promise<Array<Read & { settled: Settled<unknown> }>> {
  return Promise.all(reads.map(async (read) => ({ ...read, settled: await read.outcome })));
}

describe.each(campaignBackends())('on %s', (backend) => {
  test('read cancellation storm: every promise settles, batched reads stay correct, the pool stays healthy', async () => {
    const scenario = scenarioName('read-storm', backend);
    const random = randomFor(scenario);
    const register = new PromiseRegister();
    const budget = new Budget(15_000, 2, 200);
    let slowN = 0;
    const { counts, healthyAfter, unsettled, integrity } = await onFreshDatabase(
      'reads',
      { workers: 2, backend },
      async () => {
        seedBoxes();
        slowN = calibrateSlowRead(60);
        const reads: Read[] = [];
        while (budget.another()) {
          const slowAt = new Set([random.int(0, READS_PER_TICK - 1), random.int(0, READS_PER_TICK - 1)]);
          for (let k = 0; k < READS_PER_TICK; k++) {
            // A slow read gets a fault anywhere in its 60 ms; the fast ones in their first few milliseconds.
            const slow = slowAt.has(k);
            const fault = randomFault(random, { maxDelayMs: slow ? 40 : 4 });
            reads.push(randomRead(random, register, fault, slow ? slowN : null));
          }
          await Promise.all(reads.slice(-READS_PER_TICK).map((read) => read.outcome));
        }
        const unsettled = await register.unsettledAfter();
        return { counts: judgeReads(await settleAll(reads), { allowCrashes: false }), healthyAfter: await healthy(register, 'rh-after'), unsettled };
      },
      (database, result) => ({ ...result, integrity: database.integrity() }),
    );
    report(scenario, { rounds: budget.rounds, slowN, ...counts, healthyAfter: String(healthyAfter), unsettled, integrity });
    const { wrongResults, faultFreeRejected, otherRejected } = counts;
    const violations = { wrongResults, faultFreeRejected, otherRejected, unsettled };
    expect({ ...violations, healthyAfter, integrity }).toEqual({ ...zeros(violations), healthyAfter: true, integrity: 'ok' });
    expect(counts.cancelled).toBeGreaterThan(0);
  });

  test('reader crashes mid-batch: the crash rejects WorkerCrashed and runs once, the other reads answer or reject WorkerCrashed', async () => {
    const scenario = scenarioName('reader-crash', backend);
    const random = randomFor(scenario);
    const register = new PromiseRegister();
    const budget = new Budget(10_000, 3, 30);
    const runs = new RunLog('reader-crash');
    let healthyRounds = 0;
    const result = await onFreshDatabase(
      'reader-crash',
      { workers: 2, backend },
      async () => {
        seedBoxes();
        const reads: Read[] = [];
        const crashes: Array<{ id: string; outcome: Promise<Settled<unknown>> }> = [];
        while (budget.another()) {
          const size = random.int(8, 24);
          const crashAt = random.int(0, size - 1);
          for (let k = 0; k < size; k++) {
            if (k === crashAt) {
              const id = `rx-${budget.rounds}`;
              crashes.push({ id, outcome: settle(register.track(crashReader(runs.path, id))) });
            }
            // Faulty: a read batched with the crash may reject WorkerCrashed.
            reads.push({ ...randomRead(random, register, NO_FAULT, null), faulty: true });
          }
          await Promise.all([...reads.slice(-size).map((read) => read.outcome), crashes[crashes.length - 1]!.outcome]);
          if (await healthy(register, `rh-${budget.rounds}`)) healthyRounds++;
        }
        const unsettled = await register.unsettledAfter();
        const settledCrashes = await Promise.all(crashes.map(async (crash) => ({ ...crash, settled: await crash.outcome })));
        return { counts: judgeReads(await settleAll(reads), { allowCrashes: true }), crashes: settledCrashes, unsettled };
      },
      (database, outcome) => ({ ...outcome, integrity: database.integrity() }),
    );
    const ran = runs.counts();
    runs.remove();
    const { counts, crashes, unsettled, integrity } = result;
    const crashCounts = {
      crashes: crashes.length,
      crashesNotWorkerCrashed: crashes.filter((crash) => !isCrashed(crash.settled)).length,
      crashesRunTwice: crashes.filter((crash) => (ran.get(crash.id) ?? 0) > 1).length,
    };
    report(scenario, { rounds: budget.rounds, ...counts, ...crashCounts, healthyAfter: healthyRounds, unsettled, integrity });
    const violations = {
      wrongResults: counts.wrongResults,
      otherRejected: counts.otherRejected,
      crashesNotWorkerCrashed: crashCounts.crashesNotWorkerCrashed,
      crashesRunTwice: crashCounts.crashesRunTwice,
      unhealthyRounds: budget.rounds - healthyRounds,
      unsettled,
    };
    expect({ ...violations, integrity }).toEqual({ ...zeros(violations), integrity: 'ok' });
  });
});
