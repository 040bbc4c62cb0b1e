/**
 * aatomic under faults (the transaction rules in README, How it works): a block is all-or-nothing whether a call inside it
 * times out, is aborted, crashes its worker, or the block throws; writes from outside the block are
 * neither mixed into it nor lost with it; concurrent nested blocks roll back only their own work. On SQLite
 * and on PostgreSQL (where two blocks hold a writer each, and a cancelled call has its statement stopped).
 */
import { aatomic } from '../../src';
import { Box } from '../models';
import { calibrateSlowRead, isCancelled, isCrashed, SLOW_SQL, WriteLedger } from './faults';
import { Budget, campaignBackends, onFreshDatabase, PromiseRegister, randomFor, report, RunLog, scenarioName, settle, started, zeros, type Random, type Settled } from './harness';
import { crashWriter } from './units';

/** 'none': a block left alone, so that resolved blocks are judged too (each of the others loses its block). */
type BlockFault = 'none' | 'timeout' | 'abort' | 'crash' | 'throw';
const BLOCK_FAULTS: readonly BlockFault[] = ['none', 'timeout', 'abort', 'crash', 'throw'];
const SLOW_MS = 100;

/**
 * Whether the injected call cut the block's connection off: it crashed its worker, or it was cancelled
 * while running (inside a pinned block with nothing queued before it, a slow read cancelled 5 ms or more
 * after it started is running).
 */
const lostConnection = (outcome: Settled<unknown>): boolean => isCrashed(outcome) || isCancelled(outcome);

interface BlockRun {
  id: string;
  fault: BlockFault;
  /** Names of the block's creates that resolved. */
  acked: string[];
  faultOutcome: Settled<unknown> | null;
  /** Creates of the block that still resolved after its connection was lost (the injected call crashed or was cancelled). */
  resolvedAfterLoss: number;
  outcome: Settled<unknown>;
}

/**
 * One block: `writes` creates with the fault injected before the `faultAt`-th, each create awaited in
 * turn, errors of the injected call caught as a user might; sometimes it throws at the end as well.
 */
async function runBlock(random: Random, register: PromiseRegister, runs: RunLog, id: string, slowN: number): Promise<BlockRun> {
  const fault = random.pick(BLOCK_FAULTS);
  const writes = random.int(2, 5);
  const faultAt = random.int(0, writes);
  const throwAtEnd = random.chance(0.3);
  const abortAfter = random.int(5, SLOW_MS / 3);
  const run: BlockRun = { id, fault, acked: [], faultOutcome: null, resolvedAfterLoss: 0, outcome: { status: 'fulfilled', value: undefined } };
  const inject = async () => {
    if (fault === 'none') return;
    if (fault === 'throw') throw new Error(`block ${id} throws`);
    let call: Promise<unknown>;
    if (fault === 'crash') call = crashWriter(runs.path, id);
    else if (fault === 'timeout') call = started(() => Box.aobjects.raw(SLOW_SQL, [slowN], { timeoutMs: SLOW_MS / 5 }));
    else {
      const controller = new AbortController();
      call = started(() => Box.aobjects.raw(SLOW_SQL, [slowN], { signal: controller.signal }));
      setTimeout(() => controller.abort(), abortAfter);
    }
    run.faultOutcome = await settle(register.track(call));
  };
  run.outcome = await settle(
    register.track(
      aatomic(async () => {
        for (let j = 0; j <= writes; j++) {
          if (j === faultAt) await inject();
          if (j === writes) break;
          const name = `${id}-${j}`;
          const created = await settle(register.track(started(() => Box.aobjects.create({ name }))));
          if (created.status !== 'fulfilled') continue;
          run.acked.push(name);
          if (run.faultOutcome && lostConnection(run.faultOutcome)) run.resolvedAfterLoss++;
        }
        if (throwAtEnd) throw new Error(`block ${id} throws at the end`);
      }),
    ),
  );
  return run;
}

function prefixed(prefix: string, counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).map(([key, value]) => [`${prefix}.${key}`, value]));
}

interface Child {
  label: string;
  writes: number;
  throws: boolean;
}

describe.each(campaignBackends())('on %s', (backend) => {
  test('aatomic under a timeout, an abort, a worker crash or a throw inside the block: all or nothing', async () => {
    const scenario = scenarioName('atomic-faults', backend);
    const random = randomFor(scenario);
    const register = new PromiseRegister();
    const budget = new Budget(20_000, 4, 150);
    const runs = new RunLog('atomic-faults');
    let slowN = 0;
    const result = await onFreshDatabase(
      'atomic',
      { workers: 1, backend },
      async () => {
        slowN = calibrateSlowRead(SLOW_MS);
        const blocks: BlockRun[] = [];
        const outside: Array<{ name: string; outcome: Promise<Settled<unknown>> }> = [];
        while (budget.another()) {
          const round = budget.rounds;
          // Two blocks and three plain writes at once: the writes wait for the lane, never join a block.
          const pending = [runBlock(random, register, runs, `ab-${round}-a`, slowN), runBlock(random, register, runs, `ab-${round}-b`, slowN)];
          for (let i = 0; i < 3; i++) {
            const name = `ao-${round}-${i}`;
            outside.push({ name, outcome: settle(register.track(started(() => Box.aobjects.create({ name })))) });
          }
          blocks.push(...(await Promise.all(pending)));
          await Promise.all(outside.map((write) => write.outcome));
        }
        const unsettled = await register.unsettledAfter();
        const settledOutside = await Promise.all(outside.map(async (write) => ({ ...write, settled: await write.outcome })));
        return { blocks, outside: settledOutside, unsettled };
      },
      (database, { blocks, outside, unsettled }) => {
        const blockRows = database.rowsByName('ab-');
        const rowsOf = (block: BlockRun) => [...blockRows].filter(([name]) => name.startsWith(`${block.id}-`)).reduce((sum, [, n]) => sum + n, 0);
        const counts = {
          blocks: blocks.length,
          resolvedBlocks: 0,
          rejectedBlocks: 0,
          rejectedBlockCommitted: 0,
          resolvedBlockMismatch: 0,
          crashOrThrowResolved: 0,
          survivedLostConnection: 0,
          resolvedAfterLoss: 0,
          faultCallWrongError: 0,
          crashesRunTwice: 0,
        };
        const ran = runs.counts();
        for (const block of blocks) {
          const rows = rowsOf(block);
          if (block.outcome.status === 'fulfilled') {
            counts.resolvedBlocks++;
            if (rows !== block.acked.length || block.acked.some((name) => blockRows.get(name) !== 1)) counts.resolvedBlockMismatch++;
            if (block.fault === 'crash' || block.fault === 'throw') counts.crashOrThrowResolved++;
            if (block.faultOutcome && lostConnection(block.faultOutcome)) counts.survivedLostConnection++;
          } else {
            counts.rejectedBlocks++;
            if (rows > 0) counts.rejectedBlockCommitted++;
          }
          counts.resolvedAfterLoss += block.resolvedAfterLoss;
          const faultOutcome = block.faultOutcome;
          if (faultOutcome && block.fault === 'crash' && !isCrashed(faultOutcome)) counts.faultCallWrongError++;
          if (faultOutcome && (block.fault === 'timeout' || block.fault === 'abort') && faultOutcome.status === 'rejected' && !isCancelled(faultOutcome)) {
            counts.faultCallWrongError++;
          }
          if ((ran.get(block.id) ?? 0) > 1) counts.crashesRunTwice++;
        }
        const outsideRows = database.rowsByName('ao-');
        const ledger = new WriteLedger();
        for (const write of outside) ledger.record(write.settled, outsideRows.get(write.name) ?? 0, { faulty: false });
        return { counts, ledger, blocks, unsettled, integrity: database.integrity() };
      },
    );
    runs.remove();
    const { counts, ledger, unsettled } = result;
    const kinds = BLOCK_FAULTS.map((fault) => `${fault}:${result.blocks.filter((block) => block.fault === fault).length}`).join(',');
    report(scenario, { rounds: budget.rounds, slowN, faults: kinds, ...counts, outsideWrites: ledger.calls, ...prefixed('outside', ledger.violations()), unsettled, integrity: result.integrity });
    const { blocks, resolvedBlocks, rejectedBlocks, ...violations } = counts;
    expect(blocks).toBe(resolvedBlocks + rejectedBlocks);
    expect({ ...violations, ...prefixed('outside', ledger.violations()), unsettled, integrity: result.integrity }).toEqual({
      ...zeros(violations),
      ...zeros(prefixed('outside', ledger.violations())),
      unsettled: 0,
      integrity: 'ok',
    });
  });

  test('concurrent nested blocks: each child rolls back only its own work', async () => {
    const scenario = scenarioName('atomic-nested', backend);
    const random = randomFor(scenario);
    const register = new PromiseRegister();
    const budget = new Budget(10_000, 5, 150);
    const result = await onFreshDatabase(
      'nested',
      { workers: 1, backend },
      async () => {
        const rounds: Array<{ id: string; children: Child[]; allOrNothing: boolean; outcome: Settled<unknown>; childOutcomes: Settled<unknown>[] }> = [];
        while (budget.another()) {
          const id = `an-${budget.rounds}`;
          const children: Child[] = ['A', 'B', 'C'].slice(0, random.int(2, 3)).map((label) => ({ label, writes: random.int(1, 3), throws: random.chance(0.4) }));
          // Mostly allSettled (the parent survives a failed child); sometimes Promise.all (it does not).
          const allOrNothing = random.chance(0.2);
          let childOutcomes: Settled<unknown>[] = [];
          const child = (spec: Child) =>
            aatomic(async () => {
              for (let j = 0; j < spec.writes; j++) await Box.aobjects.create({ name: `${id}-${spec.label}-${j}` });
              if (spec.throws) throw new Error(`child ${spec.label} throws`);
            });
          const outcome = await settle(
            register.track(
              aatomic(async () => {
                await Box.aobjects.create({ name: `${id}-outer-0` });
                if (allOrNothing) await Promise.all(children.map((spec) => register.track(child(spec))));
                else childOutcomes = await Promise.all(children.map((spec) => settle(register.track(child(spec)))));
                await Box.aobjects.create({ name: `${id}-outer-1` });
              }),
            ),
          );
          rounds.push({ id, children, allOrNothing, outcome, childOutcomes });
        }
        return { rounds, unsettled: await register.unsettledAfter() };
      },
      (database, { rounds, unsettled }) => {
        const rows = database.rowsByName('an-');
        const counts = {
          rounds: rounds.length,
          children: 0,
          thrownChildCommitted: 0,
          goodChildLost: 0,
          childWrongOutcome: 0,
          outerWrongOutcome: 0,
          outerLost: 0,
          rejectedOuterCommitted: 0,
          duplicates: [...rows.values()].filter((n) => n > 1).length,
        };
        for (const round of rounds) {
          const anyThrows = round.children.some((child) => child.throws);
          const expectOuterRejected = round.allOrNothing && anyThrows;
          if ((round.outcome.status === 'rejected') !== expectOuterRejected) counts.outerWrongOutcome++;
          const of = (label: string) => [...rows].filter(([name]) => name.startsWith(`${round.id}-${label}-`)).reduce((sum, [, n]) => sum + n, 0);
          if (round.outcome.status === 'rejected') {
            if ([...rows.keys()].some((name) => name.startsWith(`${round.id}-`))) counts.rejectedOuterCommitted++;
            continue;
          }
          if (of('outer') !== 2) counts.outerLost++;
          round.children.forEach((child, index) => {
            counts.children++;
            const childRows = of(child.label);
            if (child.throws && childRows > 0) counts.thrownChildCommitted++;
            if (!child.throws && childRows !== child.writes) counts.goodChildLost++;
            const childOutcome = round.childOutcomes[index];
            if (childOutcome && (childOutcome.status === 'rejected') !== child.throws) counts.childWrongOutcome++;
          });
        }
        return { counts, unsettled, integrity: database.integrity() };
      },
    );
    const { counts, unsettled } = result;
    report(scenario, { ...counts, unsettled, integrity: result.integrity });
    const { rounds, children, ...violations } = counts;
    expect(rounds).toBeGreaterThan(0);
    expect({ ...violations, unsettled, integrity: result.integrity }).toEqual({ ...zeros(violations), unsettled: 0, integrity: 'ok' });
  });
});
