import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import type { Settings } from '../conf';
import { QueryCancelled, ThreadormError, WorkerCrashed } from '../errors';
import type { CapturedQuery } from '../testing';
import { decode } from './codec';
import type { CallPayload, CallResult, Role, Task } from './protocol';

/** A call waiting for, or running in, a worker. */
interface PendingCall {
  payload: CallPayload;
  resolve: (result: CallResult & { ok: true }) => void;
  reject: (error: Error) => void;
  /** Async-transaction id, when made inside aatomic(). */
  transaction: string | null;
  capture: CapturedQuery[] | undefined;
  task: RunningTask | null;
  settled: boolean;
  cleanup: () => void;
}

interface RunningTask {
  calls: PendingCall[];
  controller: AbortController;
  /** Calls cancelled while running; their task is aborted and the other calls go back in the queue. */
  cancelled: Set<PendingCall>;
}

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  transaction?: string | null;
  capture?: CapturedQuery[];
}

/**
 * One group of workers with a queue. Calls made in one event-loop turn are sent together: one task per
 * worker for readers, one task for the writer. A cancelled call aborts its task (piscina then replaces
 * the worker thread) and the task's other calls are queued again; a crashed worker rejects its calls.
 */
class Lane {
  private readonly piscina: Piscina;
  private queue: PendingCall[] = [];
  private flushScheduled = false;
  private readonly running = new Set<RunningTask>();
  /** Writer only: the async transaction that owns the lane, and those waiting for it. */
  private owner: string | null = null;
  private readonly waitingOwners: Array<{ id: string; start: () => void }> = [];
  private idleWaiters: Array<() => void> = [];

  constructor(
    readonly role: Role,
    private readonly threads: number,
    settings: Settings,
  ) {
    this.piscina = new Piscina({
      ...workerFile(),
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: 60_000,
      concurrentTasksPerWorker: 1,
      workerData: { settings, role, entry: workerFile().entry },
    });
  }

  enqueue(call: PendingCall): void {
    this.queue.push(call);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Sends what may go now: everything for readers; for the writer, only the owning transaction's calls. */
  flush(): void {
    this.flushScheduled = false;
    const ready = this.owner === null ? this.queue : this.queue.filter((call) => call.transaction === this.owner);
    if (!ready.length) return;
    this.queue = this.owner === null ? [] : this.queue.filter((call) => call.transaction !== this.owner);
    if (this.role === 'writer') {
      this.send(ready, this.owner === null);
      return;
    }
    const tasks = Math.min(this.threads, ready.length);
    const size = Math.ceil(ready.length / tasks);
    for (let i = 0; i < ready.length; i += size) this.send(ready.slice(i, i + size), false);
  }

  private send(calls: PendingCall[], groupCommit: boolean): void {
    const task: RunningTask = { calls, controller: new AbortController(), cancelled: new Set() };
    for (const call of calls) call.task = task;
    this.running.add(task);
    const message: Task = { calls: calls.map((call) => call.payload), groupCommit: groupCommit && calls.length > 1 };
    this.piscina.run(message, { signal: task.controller.signal }).then(
      (results: CallResult[]) => this.finish(task, results, null),
      (error: Error) => this.finish(task, null, error),
    );
  }

  private finish(task: RunningTask, results: CallResult[] | null, error: Error | null): void {
    this.running.delete(task);
    task.calls.forEach((call, index) => {
      call.task = null;
      if (call.settled) return;
      if (results) {
        const result = results[index]!;
        if (call.capture && result.statements) call.capture.push(...result.statements);
        if (result.ok) settle(call, () => call.resolve(result));
        else settle(call, () => call.reject(decode(result.error) as Error));
        return;
      }
      if (task.cancelled.size && call.transaction === null) {
        this.queue.push(call);
        return;
      }
      const reason = task.cancelled.size ? 'a query of the same transaction was cancelled' : error?.message ?? 'unknown error';
      settle(call, () => call.reject(new WorkerCrashed(`The ${this.role} worker stopped while running this call: ${reason}.`)));
    });
    if (this.queue.length) this.flush();
    if (!this.running.size && !this.queue.length) this.notifyIdle();
  }

  cancel(call: PendingCall, error: QueryCancelled): void {
    if (call.settled) return;
    const index = this.queue.indexOf(call);
    if (index >= 0) this.queue.splice(index, 1);
    else if (call.task) {
      call.task.cancelled.add(call);
      call.task.controller.abort();
    }
    settle(call, () => call.reject(error));
  }

  /** Writer: makes `id` the owner of the lane once the current owner (if any) is done. */
  acquire(id: string): Promise<void> {
    if (this.owner === null) {
      this.flush();
      this.owner = id;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waitingOwners.push({ id, start: resolve }));
  }

  release(id: string): void {
    if (this.owner !== id) return;
    const next = this.waitingOwners.shift();
    this.owner = null;
    if (next) {
      this.flush();
      this.owner = next.id;
      next.start();
    }
    this.flush();
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Resolves when nothing is queued or running. */
  drained(): Promise<void> {
    if (!this.running.size && !this.queue.length) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    await this.drained();
    await this.piscina.destroy();
  }

  get threadIds(): number[] {
    return this.piscina.threads.map((thread) => thread.threadId);
  }
}

function settle(call: PendingCall, action: () => void): void {
  if (call.settled) return;
  call.settled = true;
  call.cleanup();
  action();
}

/** From source (ts-node / ts-jest) workers start through a small loader that registers ts-node. */
function workerFile(): { filename: string; entry: string } {
  const compiled = join(__dirname, 'worker.js');
  if (existsSync(compiled) && !__filename.endsWith('.ts')) return { filename: compiled, entry: compiled };
  return { filename: join(__dirname, 'ts-worker.js'), entry: join(__dirname, 'worker.ts') };
}

/**
 * The worker pool: N readers with read-only connections and one writer lane that serialises writes.
 * Started on the first async call; stopped by close().
 */
export class Pool {
  private readonly readers: Lane;
  private readonly writer: Lane;
  private closing = false;

  constructor(private readonly settings: Settings) {
    this.writer = new Lane('writer', 1, settings);
    this.readers = new Lane('reader', settings.workers, settings);
  }

  /** Sends one call; writes and calls inside an async transaction go to the writer lane. */
  call(payload: CallPayload, write: boolean, options: CallOptions = {}): Promise<CallResult & { ok: true }> {
    if (this.closing) return Promise.reject(new ThreadormError('The worker pool is closing; no new calls are accepted.'));
    const transaction = options.transaction ?? null;
    const lane = write || transaction ? this.writer : this.readers;
    const timeoutMs = options.timeoutMs ?? this.settings.queryTimeoutMs;
    return new Promise((resolve, reject) => {
      if (options.signal?.aborted) {
        reject(new QueryCancelled(`${describeCall(payload)} was cancelled before it started.`));
        return;
      }
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () => lane.cancel(call, new QueryCancelled(`${describeCall(payload)} was cancelled.`));
      const call: PendingCall = {
        payload: options.capture ? { ...payload, capture: true } : payload,
        resolve,
        reject,
        transaction,
        capture: options.capture,
        task: null,
        settled: false,
        cleanup: () => {
          if (timer) clearTimeout(timer);
          options.signal?.removeEventListener('abort', onAbort);
        },
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      if (timeoutMs > 0) {
        timer = setTimeout(() => lane.cancel(call, new QueryCancelled(`${describeCall(payload)} timed out after ${timeoutMs} ms.`)), timeoutMs);
      }
      lane.enqueue(call);
    });
  }

  acquireWriter(transaction: string): Promise<void> {
    return this.writer.acquire(transaction);
  }

  releaseWriter(transaction: string): void {
    this.writer.release(transaction);
  }

  /** Finishes queued and running work, then stops every worker. */
  async close(): Promise<void> {
    await Promise.all([this.readers.drained(), this.writer.drained()]);
    this.closing = true;
    await Promise.all([this.readers.close(), this.writer.close()]);
  }
}

export function describeCall(payload: CallPayload): string {
  switch (payload.kind) {
    case 'query':
    case 'instance':
      return `${payload.method}()`;
    case 'function':
      return `syncToAsync(${payload.key})`;
    case 'schema':
      return 'acreateSchema()';
    case 'transaction':
      return `aatomic() ${payload.op}`;
  }
}
