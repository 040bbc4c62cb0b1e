/**
 * Builds `tour.typetest.ts` from the README's tour, so that the tour keeps compiling under `--strict` exactly
 * as written: imports go to the top, blocks that declare (`export class`, `export const`) stay at module level,
 * and the statements of the other blocks run in order inside one async function.
 * `npx ts-node testapp/types/tour.ts` rewrites the file; tour.test.ts fails when it is out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const README = join(__dirname, '../../README.md');
export const TOUR_TYPETEST = join(__dirname, 'tour.typetest.ts');

/** The ```ts blocks between the "A tour" heading and the next second-level heading. */
export function tourBlocks(readme: string): string[] {
  const start = readme.indexOf('\n## A tour');
  if (start < 0) throw new Error('README.md has no "## A tour" section.');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!.replace(/\n$/, ''));
}

/** Splits a block into its import statements and the rest. */
function splitImports(block: string): { imports: string[]; rest: string } {
  const imports: string[] = [];
  const rest: string[] = [];
  let open: string[] | null = null;
  for (const line of block.split('\n')) {
    if (open) {
      open.push(line);
      if (/ from '[^']+';$/.test(line)) (imports.push(open.join('\n')), (open = null));
    } else if (line.startsWith('import ')) {
      if (/ from '[^']+';$/.test(line)) imports.push(line);
      else open = [line];
    } else {
      rest.push(line);
    }
  }
  return { imports, rest: rest.join('\n').trim() };
}

const declares = (code: string) => /^(\/\/.*\n)*export /.test(code);

export function tourSource(readme: string): string {
  const imports: string[] = [];
  const moduleLevel: string[] = [];
  const statements: string[] = [];
  for (const block of tourBlocks(readme)) {
    const split = splitImports(block);
    imports.push(...split.imports);
    if (!split.rest) continue;
    (declares(split.rest) ? moduleLevel : statements).push(split.rest);
  }
  return [
    '// Generated from the tour in README.md by testapp/types/tour.ts: edit the README, then rerun it.',
    ...imports,
    '',
    moduleLevel.join('\n\n'),
    '',
    'export async function tour(): Promise<void> {',
    statements.join('\n\n'),
    '}',
    '',
  ].join('\n');
}

if (require.main === module) {
  writeFileSync(TOUR_TYPETEST, tourSource(readFileSync(README, 'utf8')));
  console.log(`wrote ${TOUR_TYPETEST}`);
}
