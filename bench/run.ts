/**
 * threadorm benchmarks: `npm run bench` runs every group; `npm run bench -- async` one group;
 * `npm run bench -- async:streaming sync` chosen cases. Every figure sits next to raw better-sqlite3
 * (on PostgreSQL: node-postgres) measured in the same run, so the ratios stay meaningful on a noisy machine.
 */
import { asyncLayer } from './groups/async';
import { postgres } from './groups/postgres';
import { relations } from './groups/relations';
import { syncCore } from './groups/sync-core';
import type { BenchCase, BenchGroup } from './lib/group';
import { describeLoad, describeMachine, formatTable, type Row } from './lib/report';
import { removeDatabases } from './lib/session';

const GROUPS: ReadonlyArray<BenchGroup<any>> = [syncCore, relations, asyncLayer, postgres];

/** A wrong command line: reported as a message, without a stack. */
class UsageError extends Error {}

interface Selection {
  group: BenchGroup<any>;
  cases: ReadonlyArray<BenchCase<any>>;
}

/** `group` selects a whole group, `group:case` one case (case names may be abbreviated to a prefix). */
function select(selectors: readonly string[]): Selection[] {
  if (!selectors.length) return GROUPS.map((group) => ({ group, cases: group.cases }));
  const selections: Selection[] = [];
  for (const selector of selectors) {
    const [groupName, caseName] = selector.split(':');
    const group = GROUPS.find((candidate) => candidate.name === groupName);
    if (!group) throw new UsageError(`Unknown benchmark group '${groupName}'. Groups: ${GROUPS.map((g) => g.name).join(', ')}.`);
    const cases = caseName ? group.cases.filter((c) => slug(c.name).startsWith(slug(caseName))) : group.cases;
    if (!cases.length) throw new UsageError(`No case '${caseName}' in group '${group.name}'. Cases: ${group.cases.map((c) => slug(c.name)).join(', ')}.`);
    const existing = selections.find((selection) => selection.group === group);
    if (existing) existing.cases = [...new Set([...existing.cases, ...cases])];
    else selections.push({ group, cases });
  }
  return selections;
}

/** A row as soon as it is measured (the table follows at the end). */
function progressLine(row: Row): string {
  return [`${row.name}: ${row.subject}`, row.raw && `raw ${row.raw}`, row.ratio].filter(Boolean).join(' | ');
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

async function main(): Promise<void> {
  const selections = select(process.argv.slice(2));
  console.log(`threadorm benchmarks: ${describeMachine()}\n`);
  const rows: Row[] = [];
  const started = Date.now();
  try {
    for (const { group, cases } of selections) {
      console.log(`== ${group.name}: ${group.title} (${describeLoad()})`);
      await group.within(async (context) => {
        for (const benchCase of cases) {
          const caseStarted = Date.now();
          const caseRows = await benchCase.run(context);
          rows.push(...caseRows);
          for (const row of caseRows) console.log(`   ${progressLine(row)}`);
          console.log(`   (${benchCase.name}: ${((Date.now() - caseStarted) / 1000).toFixed(1)} s)`);
        }
      });
    }
  } finally {
    removeDatabases();
  }
  const checked = rows.filter((row) => row.met !== undefined);
  console.log(`\n${formatTable(rows)}\n`);
  console.log(`targets met: ${checked.filter((row) => row.met).length}/${checked.length}; total ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.log(`after the run: ${describeMachine()}`);
  console.log('Ratios are threadorm / raw better-sqlite3 (postgres group: / node-postgres; higher is better), each pair measured in alternating rounds of this run.');
}

main().catch((error) => {
  console.error(error instanceof UsageError ? error.message : error);
  process.exitCode = 1;
});
