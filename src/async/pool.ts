import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { Settings } from '../conf';
import { QueryCancelled, ThreadormError, WorkerCrashed } from '../errors';
import type { QueryOptions } from '../query/async-bridge';
import type { CapturedQuery } from '../testing';
import { getModel } from '../models/registry';
import { decode, unflattenRows } from './codec';
import { instancesByKey } from './keyed-get';
import type { CallPayload, CallResult, Role, Task } from './protocol';

/** Reader batches of at least this many entries go to several workers... */
const MIN_ENTRIES_TO_SPLIT = 4;
/** ...and no task carries more entries than this. */
const MAX_ENTRIES_PER_TASK = 16;

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
  lane: Lane;
  /** Absolute deadline in ms since the epoch, or 0 for none. */
  deadline: number;
  timeoutMs: number;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  deadlines: Deadlines;
}

/** What one task message carries per call: a call of its own, or several keyed gets coalesced. */
interface TaskEntry {
  payload: CallPayload;
  calls: PendingCall[];
}

interface RunningTask {
  calls: PendingCall[];
  entries: TaskEntry[];
  /** Emits 'abort' to stop the task (piscina accepts any emitter; lighter than an AbortController). */
  abort: EventEmitter;
  /** Calls cancelled while running; their task is aborted and the other calls go back in the queue. */
  cancelled: Set<PendingCall>;
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
  /**
   * Threads of this lane by the time a task was aborted, with a promise of their exit. An aborted thread
   * leaves the pool at once but only ends when its current SQLite statement does; close() waits for it.
   */
  private readonly abortedThreads = new Map<Worker, Promise<unknown>>();
  /**
   * Writer: set while an aborted writer thread still runs its statement. It holds SQLite's write lock
   * until then, so the replacement thread would only meet SQLITE_BUSY: queued writes wait instead.
   */
  private paused: Promise<void> | null = null;

  constructor(
    readonly role: Role,
    private readonly threads: number,
    settings: Settings,
  ) {
    const { filename, entry } = workerFile();
    this.piscina = new Piscina({
      filename,
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: 60_000,
      concurrentTasksPerWorker: 1,
      workerData: { settings, role, entry },
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
    if (this.paused) return;
    const ready = this.owner === null ? this.queue : this.queue.filter((call) => call.transaction === this.owner);
    if (!ready.length) return;
    this.queue = this.owner === null ? [] : this.queue.filter((call) => call.transaction !== this.owner);
    const entries = coalesce(ready);
    if (this.role === 'writer') {
      this.send(entries, this.owner === null);
      return;
    }
    // Each task costs a worker wake-up and a message each way, which on a busy machine outweighs the
    // overlap that more, smaller tasks would give. So: coalesced gets count as one entry, and a batch is
    // split only when it has enough entries to keep several workers busy.
    const tasks = Math.min(entries.length, Math.max(Math.min(this.threads, Math.ceil(entries.length / MIN_ENTRIES_TO_SPLIT)), Math.ceil(entries.length / MAX_ENTRIES_PER_TASK)));
    const size = Math.ceil(entries.length / tasks);
    for (let i = 0; i < entries.length; i += size) this.send(entries.slice(i, i + size), false);
  }

  private send(entries: TaskEntry[], groupCommit: boolean): void {
    const calls = entries.flatMap((entry) => entry.calls);
    const task: RunningTask = { calls, entries, abort: new EventEmitter(), cancelled: new Set() };
    for (const call of calls) call.task = task;
    this.running.add(task);
    const message: Task = { calls: entries.map((entry) => entry.payload), groupCommit: groupCommit && entries.length > 1 };
    this.piscina.run(message, { signal: task.abort }).then(
      (results: CallResult[]) => this.finish(task, results, null),
      (error: Error) => this.finish(task, null, error),
    );
  }

  private finish(task: RunningTask, results: CallResult[] | null, error: Error | null): void {
    this.running.delete(task);
    for (const call of task.calls) call.task = null;
    if (results) task.entries.forEach((entry, index) => deliver(entry, results[index]!));
    task.calls.forEach((call) => {
      if (call.settled) return;
      if (task.cancelled.size && call.transaction === null) {
        this.queue.push(call);
        return;
      }
      const reason = task.cancelled.size ? 'a query of the same transaction was cancelled' : error?.message ?? 'unknown error';
      rejectCall(call, new WorkerCrashed(`The ${this.role} worker stopped while running this call: ${reason}.`));
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
      const threads = this.piscina.threads;
      for (const thread of threads) {
        if (this.abortedThreads.has(thread)) continue;
        this.abortedThreads.set(thread, new Promise((resolve) => thread.once('exit', () => resolve(this.abortedThreads.delete(thread)))));
      }
      call.task.abort.emit('abort');
      if (this.role === 'writer') this.pauseUntilGone(threads);
    }
    rejectCall(call, error);
  }

  /** Holds the queue until the threads that the abort removed from the pool have exited. */
  private pauseUntilGone(threadsBefore: readonly Worker[]): void {
    const current = new Set(this.piscina.threads);
    const exits = threadsBefore.filter((thread) => !current.has(thread)).map((thread) => this.abortedThreads.get(thread));
    if (!exits.length) return;
    const paused: Promise<void> = Promise.all(exits).then(() => {
      if (this.paused !== paused) return;
      this.paused = null;
      this.flush();
    });
    this.paused = paused;
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
    // A thread that was aborted earlier and exits after destroy() would make piscina start new threads
    // for a pool that is gone (against a removed database): let such threads end first.
    const current = new Set(this.piscina.threads);
    await Promise.all([...this.abortedThreads].filter(([thread]) => !current.has(thread)).map(([, exited]) => exited));
    await this.piscina.destroy();
    this.piscina.emitDestroy(); // the pool's async resource ends here, not whenever it is garbage-collected (jest --detectOpenHandles)
  }
}

/**
 * Timeouts of every call in flight behind one timer set for the earliest deadline: a timer per call
 * would cost more than the call itself for fast queries.
 */
class Deadlines {
  private readonly entries = new Set<PendingCall>();
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;

  add(call: PendingCall): void {
    this.entries.add(call);
    if (call.deadline < this.timerAt) this.schedule(call.deadline);
  }

  delete(call: PendingCall): void {
    this.entries.delete(call);
    if (!this.entries.size && this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
      this.timerAt = Infinity;
    }
  }

  private schedule(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.fire(), Math.max(at - Date.now(), 0));
    this.timer.unref();
  }

  private fire(): void {
    this.timer = null;
    this.timerAt = Infinity;
    const now = Date.now();
    let next = Infinity;
    for (const call of [...this.entries]) {
      if (call.deadline <= now) {
        call.lane.cancel(call, new QueryCancelled(`${describeCall(call.payload)} timed out after ${call.timeoutMs} ms.`));
      } else next = Math.min(next, call.deadline);
    }
    if (next < Infinity) this.schedule(next);
  }
}

/** Groups the keyed gets of a batch per model and field; every other call keeps an entry of its own. */
function coalesce(calls: PendingCall[]): TaskEntry[] {
  const entries: TaskEntry[] = [];
  const groups = new Map<string, TaskEntry & { payload: CallPayload & { kind: 'keyedGets' } }>();
  for (const call of calls) {
    const payload = call.payload;
    if (payload.kind !== 'keyedGet' || payload.capture) {
      entries.push({ payload, calls: [call] });
      continue;
    }
    const key = `${payload.label}\u0000${payload.field}`;
    let group = groups.get(key);
    if (!group) {
      group = { payload: { kind: 'keyedGets', label: payload.label, field: payload.field, params: [] }, calls: [] };
      groups.set(key, group);
      entries.push(group);
    }
    group.payload.params.push(payload.param);
    group.calls.push(call);
  }
  return entries;
}

/** Settles the calls of one entry from its result (a coalesced entry hands each caller its own row). */
function deliver(entry: TaskEntry, result: CallResult): void {
  if (!result.ok) {
    const error = decode(result.error) as Error;
    for (const call of entry.calls) rejectCall(call, error);
    return;
  }
  if (entry.payload.kind !== 'keyedGets') {
    const call = entry.calls[0]!;
    if (call.capture && result.statements) call.capture.push(...result.statements);
    resolveCall(call, result);
    return;
  }
  const { label, field, params } = entry.payload;
  const instances = instancesByKey(label, field, params, unflattenRows(result.value as unknown[]));
  entry.calls.forEach((call, index) => {
    const instance = instances[index];
    if (instance) resolveCall(call, { ok: true, value: instance });
    else rejectCall(call, new (getModel(label).DoesNotExist)(`${label} matching query does not exist.`));
  });
}

/** Marks a call settled and drops its deadline and abort listener; false if it was settled already. */
function finishCall(call: PendingCall): boolean {
  if (call.settled) return false;
  call.settled = true;
  if (call.deadline) call.deadlines.delete(call);
  if (call.onAbort) call.signal!.removeEventListener('abort', call.onAbort);
  return true;
}

function resolveCall(call: PendingCall, result: CallResult & { ok: true }): void {
  if (finishCall(call)) call.resolve(result);
}

function rejectCall(call: PendingCall, error: Error): void {
  if (finishCall(call)) call.reject(error);
}

/** From source (ts-node / ts-jest) workers start through a small loader that registers a fast TypeScript hook. */
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
  private readonly deadlines = new Deadlines();
  private closing = false;

  constructor(private readonly settings: Settings) {
    this.writer = new Lane('writer', 1, settings);
    this.readers = new Lane('reader', settings.workers, settings);
  }

  /** Sends one call; writes and calls inside an async transaction go to the writer lane. */
  call(
    payload: CallPayload,
    write: boolean,
    options: QueryOptions,
    transaction: string | null = null,
    capture?: CapturedQuery[],
  ): Promise<CallResult & { ok: true }> {
    if (this.closing) return Promise.reject(new ThreadormError('The worker pool is closing; no new calls are accepted.'));
    const lane = write || transaction ? this.writer : this.readers;
    const timeoutMs = options.timeoutMs ?? this.settings.queryTimeoutMs;
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(new QueryCancelled(`${describeCall(payload)} was cancelled before it started.`));
    return new Promise((resolve, reject) => {
      const call: PendingCall = {
        payload: capture ? { ...payload, capture: true } : payload,
        resolve,
        reject,
        transaction,
        capture,
        task: null,
        settled: false,
        lane,
        deadline: timeoutMs > 0 ? Date.now() + timeoutMs : 0,
        timeoutMs,
        signal,
        onAbort: undefined,
        deadlines: this.deadlines,
      };
      if (signal) {
        call.onAbort = () => lane.cancel(call, new QueryCancelled(`${describeCall(payload)} was cancelled.`));
        signal.addEventListener('abort', call.onAbort, { once: true });
      }
      if (call.deadline) this.deadlines.add(call);
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
    case 'keyedGet':
    case 'keyedGets':
      return `${payload.label}.aobjects.get()`;
    case 'transaction':
      return `aatomic() ${payload.op}`;
  }
}
