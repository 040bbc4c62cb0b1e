/**
 * Finds and loads the native binding (the package threadorm-pg-native) on first use only, so that nothing
 * of PostgreSQL is needed by projects that do not use it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ImproperlyConfigured } from '../../../../errors';
import { PgConnectionError, PgDriverError } from './errors';

/** What the compiled binding exports (packages/threadorm-pg-native/index.d.ts describes the same). */
export interface NativeBinding {
  Connection: new (conninfo: string) => NativeConnection;
  init(errorClass: typeof PgDriverError, connectionErrorClass: typeof PgConnectionError): void;
  cancel(token: number): boolean;
  libpqVersion(): number;
}

export interface NativeConnection {
  readonly backendPid: number;
  readonly serverVersion: number;
  readonly cancelToken: number;
  readonly transactionStatus: string;
  query(sql: string, params?: readonly (string | Buffer | null)[]): unknown;
  prepare(name: string, sql: string): void;
  execute(name: string, params?: readonly (string | Buffer | null)[]): unknown;
  exec(sql: string): void;
  queryBatch(statements: ReadonlyArray<readonly [string, readonly (string | Buffer | null)[] | undefined, boolean]>): unknown[];
  close(): void;
}

const PACKAGE = 'threadorm-pg-native';
const INSTALL_HINT =
  `PostgreSQL needs the native driver package ${PACKAGE}, built against libpq. ` +
  'Install libpq and its headers (Debian/Ubuntu: apt-get install libpq-dev; Fedora: dnf install libpq-devel; ' +
  `macOS: brew install libpq), a C compiler and Python for node-gyp, then run \`npm install ${PACKAGE}\`. ` +
  `In a threadorm checkout, build it with \`npm --prefix packages/${PACKAGE} run build\`.`;

let binding: NativeBinding | undefined;
let failure: Error | undefined;

/**
 * Where the binding may be: only $THREADORM_PG_NATIVE when it is set (a package folder or a .node file);
 * else the installed package, then the repository's own copy.
 */
function candidates(): string[] {
  if (process.env.THREADORM_PG_NATIVE) return [path.resolve(process.env.THREADORM_PG_NATIVE)];
  const found: string[] = [PACKAGE];
  for (let dir = __dirname, i = 0; i < 8; i++, dir = path.dirname(dir)) {
    const local = path.join(dir, 'packages', PACKAGE);
    if (fs.existsSync(path.join(local, 'package.json'))) {
      found.push(local);
      break;
    }
  }
  return found;
}

/** Node could not find `request` itself (as opposed to something that `request` requires). */
function isNotFound(error: unknown, request: string): boolean {
  const e = error as NodeJS.ErrnoException;
  return e?.code === 'MODULE_NOT_FOUND' && e.message.startsWith(`Cannot find module '${request}'`);
}

/** The binding, loaded once per thread; throws ImproperlyConfigured saying what to install when it is missing. */
export function loadNative(): NativeBinding {
  if (binding) return binding;
  if (failure) throw failure;
  const reasons: string[] = [];
  for (const request of candidates()) {
    try {
      const loaded = require(request) as NativeBinding;
      loaded.init(PgDriverError, PgConnectionError);
      return (binding = loaded);
    } catch (error) {
      const message = (error as Error).message.split('\n')[0];
      // A package that is there but fails to load (not built, wrong Node ABI, libpq.so missing) is worth naming.
      reasons.push(isNotFound(error, request) ? `${request}: not found` : `${request}: ${message}`);
    }
  }
  failure = new ImproperlyConfigured(`${INSTALL_HINT} (tried ${reasons.join('; ')})`);
  throw failure;
}

/** Why the native driver cannot be used in this process, or null when it loads. */
export function nativeUnavailableReason(): string | null {
  try {
    loadNative();
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}
