/**
 * A process killed with SIGKILL in the middle of async writes (creates, aatomic blocks, bulk creates),
 * several times over on the same database: afterwards it passes its integrity check (SQLite's
 * integrity_check; on PostgreSQL, no session of the killed processes left), every write the process
 * acknowledged is there exactly once, nothing is there twice, and every block or bulk write is there
 * entirely or not at all.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { close, configure, createSchema } from '../../src';
import { Budget, CAMPAIGN_MODELS, campaignBackends, freshDatabase, randomFor, report, scenarioName, zeros } from './harness';

const ROOT = join(__dirname, '..', '..');
const CHILD = join(__dirname, 'writer-process.ts');
/** Only turns a child that never gets going into a counted failure; no assertion depends on it. */
const STALL_BOUND_MS = 180_000;

interface Acknowledged {
  creates: Set<string>;
  /** Blocks and bulk writes announced (id → rows), and those acknowledged. */
  begun: Map<string, number>;
  groups: Set<string>;
  acks: number;
}

type RunEnd = 'killed' | 'exited' | 'stalled';

/**
 * Runs one writer process and SIGKILLs it as the first bulk write after `killAfter` acknowledgements
 * begins (or 20 acknowledgements later); records what it printed.
 */
function runWriter(database: string, seed: number, run: string, killAfter: number, acknowledged: Acknowledged): Promise<{ end: RunEnd; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-r', require.resolve('ts-node/register/transpile-only'), CHILD, database, String(seed), run], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let end: RunEnd = 'exited';
    let acksThisRun = 0;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const stall = setTimeout(() => {
      end = 'stalled';
      child.kill('SIGKILL');
    }, STALL_BOUND_MS);
    const kill = () => {
      if (end !== 'exited') return;
      end = 'killed';
      child.kill('SIGKILL');
    };
    createInterface({ input: child.stdout }).on('line', (line) => {
      const [verb, kind, id, rows] = line.split(' ');
      if (verb === 'begin') {
        acknowledged.begun.set(id!, Number(rows));
        // Past the chosen count, the kill lands just as a bulk write starts: in the middle of it.
        if (kind === 'bulk' && acksThisRun >= killAfter) kill();
        return;
      }
      if (verb !== 'ack') return;
      if (kind === 'create') acknowledged.creates.add(id!);
      else acknowledged.groups.add(id!);
      acknowledged.acks++;
      if (++acksThisRun >= killAfter + 20) kill();
    });
    child.on('exit', () => {
      clearTimeout(stall);
      resolve({ end, stderr });
    });
  });
}

describe.each(campaignBackends())('on %s', (backend) => {
  test('SIGKILL during async writes: integrity ok, every acknowledged write once, every block whole or absent', async () => {
    const scenario = scenarioName('sigkill', backend);
    const random = randomFor(scenario);
    const database = freshDatabase('sigkill', backend);
    const budget = new Budget(20_000, 2, 8);
    const acknowledged: Acknowledged = { creates: new Set(), begun: new Map(), groups: new Set(), acks: 0 };
    const ends: RunEnd[] = [];
    const failures: string[] = [];
    try {
      configure({ database: database.url, models: CAMPAIGN_MODELS, workers: 1 });
      createSchema();
      await close();
      while (budget.another()) {
        const { end, stderr } = await runWriter(database.url, random.int(1, 2 ** 30), `r${budget.rounds}`, random.int(10, 150), acknowledged);
        ends.push(end);
        if (end !== 'killed') failures.push(stderr.trim().split('\n').slice(-3).join(' | '));
      }
      database.inspect((inspection) => {
        const check = inspection.integrity();
        const rows = new Map([...inspection.rowsByName('kc-'), ...inspection.rowsByName('kb-'), ...inspection.rowsByName('kk-')]);
        // A block's or bulk write's rows are named `${id}-${j}`.
        const perGroup = new Map<string, number>();
        for (const [name, n] of rows) {
          const id = name.slice(0, name.lastIndexOf('-'));
          perGroup.set(id, (perGroup.get(id) ?? 0) + n);
        }
        const groupRows = (id: string) => perGroup.get(id) ?? 0;
        const violations = {
          ackedCreateMissing: [...acknowledged.creates].filter((name) => rows.get(name) !== 1).length,
          duplicates: [...rows.values()].filter((n) => n > 1).length,
          ackedGroupIncomplete: [...acknowledged.groups].filter((id) => groupRows(id) !== acknowledged.begun.get(id)).length,
          partialGroups: [...acknowledged.begun].filter(([id, k]) => ![0, k].includes(groupRows(id))).length,
          runsNotKilled: ends.filter((end) => end !== 'killed').length,
        };
        report(scenario, {
          runs: ends.length,
          acks: acknowledged.acks,
          ackedCreates: acknowledged.creates.size,
          groupsBegun: acknowledged.begun.size,
          groupsAcked: acknowledged.groups.size,
          rows: [...rows.values()].reduce((sum, n) => sum + n, 0),
          ...violations,
          integrity: check,
        });
        expect({ ...violations, integrity: check, failures }).toEqual({ ...zeros(violations), integrity: 'ok', failures: [] });
      });
    } finally {
      database.remove();
    }
  });
});
