/**
 * configure({ database }) picks the backend from the value: paths, ':memory:' and file: / sqlite: URLs go to
 * SQLite (and to the file they name); a PostgreSQL URL selects the PostgreSQL backend (or, where its optional
 * driver is not installed, is refused saying what to install), and never reaches SQLite as a relative file name.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CharField, close, configure, createSchema, ImproperlyConfigured, Model } from '../../../src';
import { getSettings } from '../../../src/conf';
import { getConnection } from '../../../src/db/connections';
import { driverUnavailableReason } from '../../../src/db/backends/postgresql/driver';

class Note extends Model {
  static fields = { text: new CharField({ maxLength: 20 }) };
}

let directory: string;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'threadorm-selection-'));
});

afterEach(async () => {
  await close();
  rmSync(directory, { recursive: true, force: true });
});

function configureError(database: string): Error {
  try {
    configure({ database, workers: 1 });
  } catch (error) {
    return error as Error;
  }
  throw new Error(`configure() accepted ${database}`);
}

/** Writes a row through the configured database, so the file it names must really be the one opened. */
function writeNote(): void {
  void Note._meta;
  createSchema();
  Note.objects.create({ text: 'kept' });
}

describe('SQLite values', () => {
  test.each([
    ['a plain path', (file: string) => file],
    ['a file:// URL', (file: string) => pathToFileURL(file).href],
    ['a sqlite:// URL with an absolute path (four slashes)', (file: string) => `sqlite:///${file}`],
  ])('%s opens that file', (_name, spell) => {
    const file = join(directory, 'app db.sqlite3');
    configure({ database: spell(file), models: [], workers: 1 });
    expect(getSettings().backend).toBe('sqlite');
    expect(getSettings().databasePath).toBe(file);
    writeNote();
    expect(getConnection('test').backend.vendor).toBe('sqlite');
    expect(existsSync(file)).toBe(true);
    expect(readdirSync(directory)).toContain('app db.sqlite3');
  });

  test.each([
    ['sqlite:///relative.sqlite3', 'relative.sqlite3'],
    ['file:relative.sqlite3', 'relative.sqlite3'],
    ['sqlite:data%20dir/app.sqlite3', 'data dir/app.sqlite3'],
  ])('%s is relative to the working directory', (database, path) => {
    const folder = /\//.test(path) ? path.slice(0, path.indexOf('/')) : null;
    if (folder) require('node:fs').mkdirSync(resolve(folder), { recursive: true });
    try {
      configure({ database, workers: 1 });
      expect(getSettings().databasePath).toBe(resolve(path));
      expect(getSettings().ephemeral).toBe(false);
    } finally {
      if (folder) rmSync(resolve(folder), { recursive: true, force: true });
    }
  });

  test.each([':memory:', 'sqlite://', 'sqlite:///:memory:', 'sqlite://:memory:', 'file::memory:'])('%s is a temporary database', (database) => {
    configure({ database, models: [], workers: 1 });
    expect(getSettings().ephemeral).toBe(true);
    expect(getSettings().databasePath).toMatch(/threadorm-.*memory\.sqlite3$/);
    writeNote();
    expect(Note.objects.count()).toBe(1);
  });

  test('URL parameters are refused rather than ignored', () => {
    const error = configureError(`${pathToFileURL(join(directory, 'app.sqlite3')).href}?mode=ro`);
    expect(error).toBeInstanceOf(ImproperlyConfigured);
    expect(error.message).toMatch(/SQLite URL parameters \('\?mode=ro'\) are not supported/);
  });

  test('a sqlite: URL with a host is refused', () => {
    const error = configureError('sqlite://server/app.sqlite3');
    expect(error).toBeInstanceOf(ImproperlyConfigured);
    expect(error.message).toMatch(/a sqlite: URL names no host/);
  });

  test('a URL that names no file is refused', () => {
    expect(configureError('file:').message).toMatch(/the database URL 'file:' names no file/);
  });

  test('a malformed %-escape is refused', () => {
    expect(configureError('sqlite:100%.sqlite3').message).toMatch(/malformed %-escape; write a literal % as %25/);
  });

  test('a file URL of another machine is refused', () => {
    const error = configureError('file://fileserver/share/app.sqlite3');
    expect(error).toBeInstanceOf(ImproperlyConfigured);
    expect(error.message).toMatch(/is not a file URL of this machine/);
  });

  test('a file named like a scheme without // stays a path', () => {
    configure({ database: join(directory, 'db:1.sqlite3'), workers: 1 });
    expect(getSettings().databasePath).toBe(join(directory, 'db:1.sqlite3'));
  });
});

describe('other URLs', () => {
  test.each(['postgresql://app:secret@localhost:5432/app', 'postgres://app:secret@localhost/app', 'PostgreSQL://app:secret@db/app'])(
    '%s selects the PostgreSQL backend without connecting (or says what to install), and no file is made',
    async (database) => {
      const before = readdirSync(process.cwd());
      const unavailable = driverUnavailableReason();
      if (unavailable) {
        // A machine without the optional libpq driver (the SQLite default needs none).
        const error = configureError(database);
        expect(error).toBeInstanceOf(ImproperlyConfigured);
        expect(error.message).toContain(`the PostgreSQL backend cannot be used: ${unavailable}`);
        expect(error.message).not.toMatch(/secret/);
        expect(readdirSync(process.cwd())).toEqual(before);
        return;
      }
      configure({ database, models: [], workers: 1 });
      try {
        expect(getSettings().backend).toBe('postgresql');
        expect(getSettings().databasePath).toBe(database);
        expect(readdirSync(process.cwd())).toEqual(before);
      } finally {
        await close();
      }
    },
  );

  test('a PostgreSQL URL without a database is refused, and its password not repeated', () => {
    const error = configureError('postgresql://app:secret@localhost:5432');
    expect(error).toBeInstanceOf(ImproperlyConfigured);
    expect(error.message).toMatch(/names no database/);
    expect(error.message).not.toMatch(/secret/);
    expect(() => getSettings()).toThrow(ImproperlyConfigured);
  });

  test('a scheme no backend serves is named, and the ways to give a SQLite database listed', () => {
    const error = configureError('mysql://root:secret@localhost/app');
    expect(error).toBeInstanceOf(ImproperlyConfigured);
    expect(error.message).toMatch(/database URLs \('mysql:\/\/…'\) are not supported: no backend serves 'mysql'/);
    expect(error.message).toMatch(/file: or sqlite: URL/);
    expect(error.message).not.toMatch(/secret/);
  });
});
