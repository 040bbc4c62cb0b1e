/**
 * configure() refuses what it cannot honour with a message that says what to do instead: unknown option
 * keys (with the likely intended one), database URLs, a database folder that does not exist. And a
 * ':memory:' database leaves no temporary folder behind, even when the program never calls close().
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { close, configure, ImproperlyConfigured, type ConfigureOptions } from '../../../src';
import { closeMatch } from '../../../src/close-match';

afterEach(async () => {
  await close();
});

function configureError(options: unknown): Error {
  try {
    configure(options as ConfigureOptions);
  } catch (error) {
    return error as Error;
  }
  throw new Error('configure() accepted the options');
}

describe('configure() option checks', () => {
  test('an unknown key is named, with the close match and the list of options', () => {
    const error = configureError({ database: ':memory:', worker: 3 });
    expect(error).toBeInstanceOf(ImproperlyConfigured);
    expect(error.message).toMatch(/unknown option 'worker'/);
    expect(error.message).toMatch(/Did you mean 'workers'\?/);
    expect(error.message).toMatch(/database, databases, routers, models, workers, writers, mainThread, queryTimeoutMs, debug/);
  });

  test('an unknown key far from every option gets no suggestion', () => {
    const error = configureError({ database: ':memory:', replicas: ['a'] });
    expect(error.message).toMatch(/unknown option 'replicas'/);
    expect(error.message).not.toMatch(/Did you mean/);
  });

  test('a PostgreSQL URL that names no database is refused without echoing credentials', () => {
    const error = configureError({ database: 'postgres://app:secret@localhost:5432/' });
    expect(error).toBeInstanceOf(ImproperlyConfigured);
    expect(error.message).toMatch(/the PostgreSQL database URL names no database/);
    expect(error.message).not.toMatch(/secret/);
  });

  test('a database in a folder that does not exist names the folder', () => {
    const error = configureError({ database: '/nonexistent-threadorm/app.sqlite3' });
    expect(error).toBeInstanceOf(ImproperlyConfigured);
    expect(error.message).toMatch(/folder of database '\/nonexistent-threadorm\/app\.sqlite3' does not exist/);
  });

  test('a refused configuration leaves threadorm unconfigured', () => {
    configureError({ database: ':memory:', worker: 3 });
    expect(() => configure({ database: ':memory:' })).not.toThrow();
  });
});

describe('closeMatch()', () => {
  test('finds one- and two-letter typos and ignores case', () => {
    expect(closeMatch('worker', ['database', 'workers'])).toBe('workers');
    expect(closeMatch('mainthread', ['mainThread', 'models'])).toBe('mainThread');
    expect(closeMatch('quertTimeoutMs', ['queryTimeoutMs', 'debug'])).toBe('queryTimeoutMs');
    expect(closeMatch('zzz', ['database', 'debug'])).toBeUndefined();
  });
});

describe("':memory:' temporary folder", () => {
  test('is removed when the process exits without close()', () => {
    const script = `
      const { configure } = require(${JSON.stringify(join(__dirname, '../../../src'))});
      const { getSettings } = require(${JSON.stringify(join(__dirname, '../../../src/conf'))});
      configure({ database: ':memory:' });
      console.log(getSettings().databasePath);
    `;
    // threadorm's own TypeScript loader (esbuild, cached on disk) starts far faster than ts-node.
    const output = execFileSync(process.execPath, ['-r', join(__dirname, '../../../src/bootstrap-typescript.js'), '-e', script], { encoding: 'utf8' });
    const databasePath = output.trim().split('\n').at(-1)!;
    expect(databasePath).toMatch(/threadorm-.*memory\.sqlite3$/);
    expect(existsSync(join(databasePath, '..'))).toBe(false);
  });
});
