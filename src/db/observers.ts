import { threadId } from 'node:worker_threads';

/** One statement as run by a connection: what `captureQueries` returns and the debug log prints. */
export interface ExecutedStatement {
  sql: string;
  params: unknown[];
  durationMs: number;
  /** Which connection ran it: `main`, `reader-<thread>` or `writer-<thread>`. */
  connection: string;
}

type Observer = (statement: ExecutedStatement) => void;

const observers = new Set<Observer>();
let debugLog = process.env.THREADORM_DEBUG === '1' || process.env.THREADORM_DEBUG === 'true';

/** True when anyone listens; connections skip timing and copying params otherwise. */
export function isObserved(): boolean {
  return debugLog || observers.size > 0;
}

export function setDebug(enabled: boolean): void {
  debugLog = enabled || process.env.THREADORM_DEBUG === '1' || process.env.THREADORM_DEBUG === 'true';
}

export function addObserver(observer: Observer): () => void {
  observers.add(observer);
  return () => observers.delete(observer);
}

export function notifyExecuted(statement: ExecutedStatement): void {
  if (debugLog) {
    const params = statement.params.length ? ` ${JSON.stringify(statement.params, jsonSafe)}` : '';
    process.stderr.write(
      `[threadorm ${statement.connection} t${threadId}] ${statement.durationMs.toFixed(3)} ms ${statement.sql}${params}\n`,
    );
  }
  for (const observer of observers) observer(statement);
}

function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
  return value;
}
