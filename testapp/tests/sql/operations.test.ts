/**
 * The operations seam: the generic SQL of BaseOperations, what SqliteOperations changes, and that the compiler
 * writes every piece of dialect through the operations it was made for.
 */
import { close, configure, createSchema, F } from '../../../src';
import { BaseOperations, type DatePart, type TimePart } from '../../../src/db/backends/base/operations';
import type { RunResult } from '../../../src/db/backends/base/types';
import { sqliteOperations } from '../../../src/db/backends/sqlite/operations';
import { Compiler } from '../../../src/sql/compiler';
import { Gadget } from './lookup-models';

/** A backend in standard SQL with numbered markers left to its driver: what the base class writes by itself. */
class StandardOperations extends BaseOperations {
  readonly vendor = 'standard';
  readonly insertKeyReport = 'returning' as const;
  dateExtract(part: DatePart, sql: string): string {
    return `EXTRACT(${part.toUpperCase()} FROM ${sql})`;
  }
  datetimeExtract(part: DatePart | TimePart, sql: string): string {
    return `EXTRACT(${part.toUpperCase()} FROM ${sql})`;
  }
  timeExtract(part: TimePart, sql: string): string {
    return `EXTRACT(${part.toUpperCase()} FROM ${sql})`;
  }
  datetimeCastDate(sql: string): string {
    return `CAST(${sql} AS DATE)`;
  }
  datetimeCastTime(sql: string): string {
    return `CAST(${sql} AS TIME)`;
  }
  jsonPath(keys: readonly string[]): string {
    return `{${keys.join(',')}}`;
  }
  jsonKeyValue(sql: string, path: string): string {
    return `(${sql} #>> ${path})`;
  }
  jsonKeyJson(sql: string, path: string): string {
    return `(${sql} #> ${path})`;
  }
  jsonKeyType(sql: string, path: string): string {
    return `jsonb_typeof(${sql} #> ${path})`;
  }
  jsonHasKey(sql: string, path: string): string {
    return `(${sql} #> ${path}) IS NOT NULL`;
  }
  jsonHasKeys(sql: string, paths: string, all: boolean): string {
    return `${all ? 'ALL' : 'ANY'}_KEYS(${sql}, ${paths})`;
  }
  jsonContains(lhs: string, rhs: string): string {
    return `${lhs} @> ${rhs}`;
  }
  jsonContainedBy(lhs: string, rhs: string): string {
    return `${lhs} <@ ${rhs}`;
  }
  regexLookup(lhs: string, rhs: string, caseInsensitive: boolean): string {
    return `${lhs} ${caseInsensitive ? '~*' : '~'} ${rhs}`;
  }
  insertedKey(_result: RunResult): number {
    throw new Error('a RETURNING backend reads the key from the INSERT');
  }
  explainSql(sql: string): string {
    return `EXPLAIN ${sql}`;
  }
}

const standard = new StandardOperations();

beforeAll(() => {
  configure({ database: ':memory:', models: [require.resolve('./lookup-models')], workers: 1 });
  createSchema();
});

afterAll(async () => {
  await close();
});

const compile = (queryset: { query: import('../../../src/sql/query').Query }, ops: BaseOperations) => Compiler.select(queryset.query, ops).sql;

test('slices: standard OFFSET alone, SQLite LIMIT -1', () => {
  expect(standard.limitOffset(5, null)).toEqual(['OFFSET 5']);
  expect(sqliteOperations.limitOffset(5, null)).toEqual(['LIMIT -1 OFFSET 5']);
  expect(standard.limitOffset(2, 7)).toEqual(sqliteOperations.limitOffset(2, 7));
  expect(compile(Gadget.objects.all().slice(3), standard)).toMatch(/ OFFSET 3$/);
  expect(compile(Gadget.objects.all().slice(3), sqliteOperations)).toMatch(/ LIMIT -1 OFFSET 3$/);
});

test('patterns: the backend escapes and wraps the bound text', () => {
  expect(standard.patternParameter('contains', '50%_off')).toBe('%50\\%\\_off%');
  expect(sqliteOperations.patternParameter('contains', 'a*b?')).toBe('*a[*]b[?]*');
  expect(sqliteOperations.patternParameter('icontains', '50%')).toBe('%50\\%%');
  expect(compile(Gadget.objects.filter({ name__startswith: 'la' }), standard)).toMatch(/"name" LIKE \? ESCAPE/);
  expect(compile(Gadget.objects.filter({ name__startswith: 'la' }), sqliteOperations)).toMatch(/"name" GLOB \?/);
});

test('decimals, JSON-free dates and conflicts: one query, two spellings', () => {
  const query = Gadget.objects.filter({ price__gt: '10' }).orderBy('-price');
  expect(compile(query, sqliteOperations)).toMatch(/CAST\(t0\."price" AS REAL\) > CAST\(\? AS REAL\).*ORDER BY CAST\(t0\."price" AS REAL\) DESC/);
  expect(compile(query, standard)).toMatch(/t0\."price" > \?.*ORDER BY t0\."price" DESC/);
  expect(compile(Gadget.objects.filter({ name__regex: '^l' }), standard)).toMatch(/"name" ~ \?/);
  expect(standard.insertSql('t', ['a'], { ignoreConflicts: true, returning: 'id' })).toBe('INSERT INTO "t" ("a") VALUES (?) ON CONFLICT DO NOTHING RETURNING "id"');
  expect(sqliteOperations.insertSql('t', [], { ignoreConflicts: true })).toBe('INSERT OR IGNORE INTO "t" DEFAULT VALUES');
});

test('an expression on the right of a pattern lookup names it as often as the template does, with its parameters', () => {
  const { sql, params } = Compiler.select(Gadget.objects.filter({ name__startswith: F('shelf__label') }).query, sqliteOperations);
  expect(sql).toMatch(/substr\(t0\."name", 1, length\(t1\."label"\)\) = t1\."label"/);
  expect(params).toEqual([]);
  expect(Gadget.objects.filter({ name__startswith: F('shelf__label') }).eval()).toEqual([]);
});

test('exists() limits the query itself, sliced or not', () => {
  Gadget.objects.create({ name: 'lamp' });
  Gadget.objects.create({ name: 'clock' });
  expect(Gadget.objects.all().exists()).toBe(true);
  expect(Gadget.objects.all().slice(1).exists()).toBe(true);
  expect(Gadget.objects.all().slice(2).exists()).toBe(false);
  expect(Gadget.objects.all().slice(1, 1).exists()).toBe(false);
  expect(Gadget.objects.filter({ name: 'lamp' }).union(Gadget.objects.filter({ name: 'nope' })).exists()).toBe(true);
  const sql = new Compiler(Gadget.objects.all().slice(1).query.clone(), sqliteOperations).compileExists().sql;
  expect(sql).toMatch(/ LIMIT 1 OFFSET 1$/);
});
