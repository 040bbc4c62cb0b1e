/**
 * The PostgreSQL clients the driver benchmark compares, behind one small interface. Rows come back as
 * arrays from every client. `pg` and `pg-native` are optional: installed only to measure them.
 */
import * as path from 'path';
import { MessageChannel, receiveMessageOnPort, Worker } from 'worker_threads';
import { connectSync } from '../../src/db/backends/postgresql/driver';

export const CLIENTS = ['threadorm-pg-native', 'sync-over-async', 'pg-async', 'pg-native'] as const;
export type ClientName = (typeof CLIENTS)[number];

export interface BenchClient {
  /** A sync client's methods return values; an async one's return promises. */
  readonly sync: boolean;
  query(sql: string, params: readonly unknown[]): unknown[][] | Promise<unknown[][]>;
  prepare(name: string, sql: string, paramCount: number): void | Promise<void>;
  execute(name: string, params: readonly unknown[]): unknown[][] | Promise<unknown[][]>;
  close(): void | Promise<void>;
}

/** Our driver: the context-aware Node-API addon over libpq. */
function threadormPgNative(url: string): BenchClient {
  const connection = connectSync(url);
  return {
    sync: true,
    query: (sql, params) => connection.query(sql, params).rows,
    prepare: (name, sql) => connection.prepare(name, sql),
    execute: (name, params) => connection.execute(name, params).rows,
    close: () => connection.close(),
  };
}

/** pg-native 3.x over the `libpq` NAN addon (not context-aware: loads in one thread of a process only). */
function pgNative(url: string): BenchClient {
  const Client = require('pg-native');
  const client = new Client({ arrayMode: true });
  client.connectSync(url);
  return {
    sync: true,
    query: (sql, params) => client.querySync(sql, params),
    prepare: (name, sql, paramCount) => client.prepareSync(name, sql, paramCount),
    execute: (name, params) => client.executeSync(name, params),
    close: () => client.end(),
  };
}

/**
 * Sync over async, as synckit does it: `pg` runs on a helper thread of its own; the caller posts a request,
 * blocks in Atomics.wait until the helper counts an answer, and takes it with receiveMessageOnPort.
 */
function syncOverAsync(url: string): BenchClient {
  const { port1: port, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const helper = new Worker(path.join(__dirname, 'pg-helper.js'), {
    workerData: { url, port: port2, flag },
    transferList: [port2],
  });
  const call = (request: object): unknown => {
    const answered = Atomics.load(flag, 0);
    port.postMessage(request);
    // The answer can be missing for a moment after the flag moved (a known race of this design:
    // un-ts/synckit#185, #217): wait again, which returns at once while the flag stays moved.
    let received: { message: unknown } | undefined;
    while (!(received = receiveMessageOnPort(port))) Atomics.wait(flag, 0, answered);
    const answer = received.message as { rows?: unknown[][]; error?: string };
    if (answer.error) throw new Error(answer.error);
    return answer.rows;
  };
  call({ op: 'connect' });
  return {
    sync: true,
    query: (sql, params) => call({ op: 'query', sql, params }) as unknown[][],
    prepare: (name, sql) => void call({ op: 'prepare', name, sql }),
    execute: (name, params) => call({ op: 'execute', name, params }) as unknown[][],
    close: () => {
      call({ op: 'end' });
      port.close();
      void helper.terminate();
    },
  };
}

/** node-postgres, awaited: the async baseline. */
async function pgAsync(url: string): Promise<BenchClient> {
  const { Client } = require('pg');
  const client = new Client({ connectionString: url });
  await client.connect();
  const statements = new Map<string, string>();
  return {
    sync: false,
    query: async (sql, params) => (await client.query({ text: sql, values: params, rowMode: 'array' })).rows,
    prepare: (name, sql) => void statements.set(name, sql),
    execute: async (name, params) =>
      (await client.query({ name, text: statements.get(name), values: params, rowMode: 'array' })).rows,
    close: () => client.end(),
  };
}

export async function openClient(name: ClientName, url: string): Promise<BenchClient> {
  switch (name) {
    case 'threadorm-pg-native':
      return threadormPgNative(url);
    case 'pg-native':
      return pgNative(url);
    case 'sync-over-async':
      return syncOverAsync(url);
    case 'pg-async':
      return pgAsync(url);
  }
}
