/**
 * SQLite's dialect lives in src/db/backends/sqlite/ and nowhere else: this runs the grep that says so over
 * src/. The lines it still finds are prose naming the driver or the connection contract's field for
 * SQLite's rowid; each is listed here with its file, so a new one fails.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '../../..');

/** The command of record (README "Where a new lookup goes" names it too). */
const DIALECT_GREP =
  `grep -rnE "GLOB|strftime|substr\\(|instr\\(|json_(extract|type|each)|REGEXP|LIMIT -1|AS REAL|threadorm_dec|INSERT OR|lastInsertRowid|EXPLAIN QUERY PLAN|AUTOINCREMENT|DEFERRABLE|better-sqlite3|pragma" src --include=*.ts | grep -v "src/db/backends/sqlite/"`;

/** Lines allowed to match, by file and the text that matches there. */
const REMAINING: ReadonlyArray<[file: string, match: RegExp]> = [
  // Prose: the package describes itself.
  ['src/index.ts', /on better-sqlite3/],
  // The connection contract's result type (read by SqliteOperations.insertedKey only).
  ['src/db/backends/base/types.ts', /lastInsertRowid: number \| bigint \| null/],
  // PostgreSQL's backend fills the same contract field (with null) and spells deferred constraints as SQLite does.
  ['src/db/backends/postgresql/connection.ts', /lastInsertRowid: null/],
  ['src/db/backends/postgresql/operations.ts', /return result\.lastInsertRowid/],
  ['src/db/backends/postgresql/backend.ts', /DEFERRABLE INITIALLY DEFERRED/],
];

test('no SQLite text outside src/db/backends/sqlite/ but the listed lines', () => {
  let output = '';
  try {
    output = execFileSync('bash', ['-c', DIALECT_GREP], { cwd: ROOT, encoding: 'utf8' });
  } catch (error) {
    // grep exits 1 when nothing matches.
    if ((error as { status?: number }).status !== 1) throw error;
  }
  const lines = output.split('\n').filter(Boolean);
  const unexpected = lines.filter((line) => !REMAINING.some(([file, match]) => line.startsWith(`${file}:`) && match.test(line)));
  expect(unexpected).toEqual([]);
  // Every listed line is still there: when one moves, it leaves this list too.
  for (const [file, match] of REMAINING) expect(lines.some((line) => line.startsWith(`${file}:`) && match.test(line))).toBe(true);
});

/** The text of every string and template literal in a file (template parts joined where `${...}` stood). */
function literals(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) found.push(node.text);
    else if (ts.isTemplateExpression(node)) found.push([node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join('${}'));
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : entry.name.endsWith('.ts') ? [path.join(dir, entry.name)] : []);
}

test('the SQL and model layers write no parameter marker or hand-quoted name of their own', () => {
  const offending: string[] = [];
  for (const dir of ['src/sql', 'src/models']) {
    for (const file of filesUnder(path.join(ROOT, dir))) {
      for (const text of literals(file)) {
        // '?' alone is orderBy('?'), the API's random order; a marker inside SQL text is the operations' to write.
        const marker = text !== '?' && /(^|[\s(,=])\?($|[,)]|\s+(AND|OR|WHERE|LIMIT|ESCAPE)\b)/.test(text);
        const quotedName = /"\$\{\}"/.test(text);
        if (marker || quotedName) offending.push(`${path.relative(ROOT, file)}: ${text}`);
      }
    }
  }
  expect(offending).toEqual([]);
});
