import { AsyncLocalStorage } from 'node:async_hooks';
import { addObserver, type ExecutedStatement } from './db/observers';

/** A statement as captureQueries reports it. */
export interface CapturedQuery {
  sql: string;
  params: unknown[];
  durationMs: number;
  connection: string;
}

const captureStorage = new AsyncLocalStorage<CapturedQuery[]>();
let activeCaptures = 0;
let removeObserver: (() => void) | null = null;

/** The capture list of the current async context, if any (the async layer adds worker statements to it). */
export function currentCapture(): CapturedQuery[] | undefined {
  return captureStorage.getStore();
}

function begin(): void {
  if (activeCaptures++ === 0) {
    removeObserver = addObserver((statement: ExecutedStatement) => captureStorage.getStore()?.push({ ...statement }));
  }
}

function end(): void {
  if (--activeCaptures === 0) {
    removeObserver?.();
    removeObserver = null;
  }
}

/**
 * Runs `fn` and returns the statements executed on its behalf, on the main thread or in pool workers:
 * `expect(captureQueries(() => Pizza.objects.count())).toHaveLength(1)` or, for async work,
 * `expect(await captureQueries(() => Pizza.aobjects.count())).toHaveLength(1)`.
 */
export function captureQueries(fn: () => Promise<unknown>): Promise<CapturedQuery[]>;
export function captureQueries(fn: () => unknown): CapturedQuery[];
export function captureQueries(fn: () => unknown): CapturedQuery[] | Promise<CapturedQuery[]> {
  const captured: CapturedQuery[] = [];
  // A nested capture also reports to the enclosing one, as nested assertNumQueries blocks do.
  const enclosing = captureStorage.getStore();
  const done = (): CapturedQuery[] => {
    enclosing?.push(...captured);
    return captured;
  };
  begin();
  let result: unknown;
  try {
    result = captureStorage.run(captured, fn);
  } catch (error) {
    end();
    done();
    throw error;
  }
  if (result instanceof Promise) {
    return result.then(
      () => (end(), done()),
      (error: unknown) => {
        end();
        done();
        throw error;
      },
    );
  }
  end();
  return done();
}
